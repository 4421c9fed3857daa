import { checkArguments } from '@trainkit/core';
import type { Executor, RawOutcome, TrialHooks, TrialTask } from '../executor';
import type { PruneDecision } from '../pruner';
import { objectiveFingerprint } from './objective-fingerprint';
import type { SearchKeys } from './redis-connection';
import {
  connectRedis,
  defaultQueueName,
  importPeer,
  maskRedisUrl,
  searchKeys,
  trialJobId,
} from './redis-connection';
import type { ObjectiveModule } from './worker-pool';

/** Options of {@link bullmqExecutor}. */
export interface BullmqExecutorOptions {
  /** The Redis URL, e.g. `redis://127.0.0.1:6379`. */
  readonly redis: string;
  /** The BullMQ queue; workers must use the same. Default `trainkit-search`. */
  readonly queue?: string;
  /**
   * The objective the workers run (the module they load and its export).
   * Each job then carries its {@link objectiveFingerprint}, and a worker of
   * another objective that shares the queue leaves the job queued for a
   * worker of this search (it says so in its log and in this executor's
   * `log`) instead of running it. Without it, any worker on the queue runs
   * the trials.
   */
  readonly objective?: ObjectiveModule;
  /** Trials queued at once. Default 1000 (workers decide how many run). */
  readonly concurrency?: number;
  /** Fail with `RedisUnreachableError` when Redis does not answer within this long, ms. Default 5000. */
  readonly connectTimeoutMs?: number;
  /** How often to check queued trials for results and failed jobs, ms. Default 1000. */
  readonly pollIntervalMs?: number;
  /** Notes (duplicate results, failed jobs). */
  readonly log?: (message: string) => void;
}

/** What a worker stores as a trial's result (in the results hash, first one wins). */
export interface StoredResult {
  readonly outcome: RawOutcome;
  readonly worker: string;
  readonly attempt: number;
  readonly time: number;
}

interface Pending {
  readonly task: TrialTask;
  readonly hooks: TrialHooks;
  readonly resolve: (outcome: RawOutcome) => void;
  readonly reject: (error: unknown) => void;
}

interface Listener {
  readonly keys: SearchKeys;
  readonly pending: Map<string, Pending>;
  /** Trials whose result has been handed to the search. */
  readonly settled: Set<string>;
  /** Events for trials the search has not handed over yet (a resumed coordinator). */
  readonly early: Map<string, Record<string, string>[]>;
  done: Promise<void>;
}

function fields(list: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) record[list[i]!] = list[i + 1]!;
  return record;
}

/** Loads bullmq, explaining how to install it when it is missing. */
export function loadBullmq(functionName: string): Promise<typeof import('bullmq')> {
  return importPeer(functionName, 'bullmq', () => import('bullmq'));
}

/**
 * The coordinator side of distributed search on BullMQ: each trial becomes a
 * job (job id = search id + trial number, so enqueuing a trial again never
 * duplicates it) that any number of workers (`startBullmqWorker`, or
 * `trainkit-search worker`) on any machines run. Workers send their starts
 * and reports through a Redis stream; the coordinator records them in the
 * journal, asks the pruner, and answers each report. A trial's result is
 * recorded once: workers store it with HSETNX (first result wins), so a job
 * that runs twice (BullMQ delivers at least once) cannot record two. A
 * worker killed mid-trial leaves a stalled job that BullMQ hands to another
 * worker; a job that stalls more often than the workers' `maxStalledCount`
 * fails and so does its trial.
 *
 * A resumed coordinator hands every unfinished trial back: jobs still queued
 * or running are found by id, results stored while it was away are picked up.
 *
 * @param options - Redis URL, queue name, timeouts.
 * @returns The executor (close it when done).
 * @throws RedisUnreachableError when Redis does not answer within `connectTimeoutMs`.
 *
 * @example
 * ```ts
 * const executor = await bullmqExecutor({ redis: 'redis://127.0.0.1:6379' });
 * try {
 *   await runSearch({ strategy, direction: 'minimize', executor, journal });
 * } finally {
 *   await executor.close();
 * }
 * ```
 */
export async function bullmqExecutor(options: BullmqExecutorOptions): Promise<Executor> {
  const check = checkArguments('bullmqExecutor');
  if (typeof options !== 'object' || options === null)
    check.fail('options', options, 'an object { redis, ... }');
  if (typeof options.redis !== 'string' || !/^rediss?:\/\//.test(options.redis)) {
    check.fail('redis', options.redis, 'a Redis URL', "Pass e.g. 'redis://127.0.0.1:6379'.");
  }
  const queueName = options.queue ?? defaultQueueName;
  if (typeof queueName !== 'string' || queueName === '' || queueName.includes(':')) {
    check.fail('queue', queueName, 'a name without ":"');
  }
  const concurrency = check.integer('concurrency', options.concurrency ?? 1000, { min: 1 });
  const pollIntervalMs = check.positive('pollIntervalMs', options.pollIntervalMs ?? 1000);
  const connectTimeoutMs = check.positive('connectTimeoutMs', options.connectTimeoutMs ?? 5000);
  const log = options.log ?? (() => undefined);
  const url = options.redis;
  const objective =
    options.objective === undefined ? undefined : objectiveFingerprint(options.objective);
  /** Workers already said to have left this search's trials (said once each). */
  const leftBy = new Set<string>();

  const client = await connectRedis(url, {
    functionName: 'bullmqExecutor',
    connectTimeoutMs,
    connectionName: 'trainkit-search-coordinator',
  });
  const blocking = await connectRedis(url, {
    functionName: 'bullmqExecutor',
    connectTimeoutMs,
    connectionName: 'trainkit-search-coordinator-events',
  });
  const { Queue } = await loadBullmq('bullmqExecutor');
  const queue = new Queue(queueName, {
    connection: {
      url,
      connectTimeout: connectTimeoutMs,
      retryStrategy: (times: number) => Math.min(100 * times, 2000),
    },
  });
  await queue.waitUntilReady();

  const listeners = new Map<string, Listener>();
  let closing = false;

  const answer = async (
    keys: SearchKeys,
    execution: string,
    step: number,
    decision: PruneDecision,
  ) => {
    const key = keys.decisions(execution);
    await client.rpush(key, JSON.stringify({ step, decision }));
    await client.expire(key, 3600);
  };

  const handle = async (listener: Listener, event: Record<string, string>) => {
    const trialKey = event.trial!;
    const pending = listener.pending.get(trialKey);
    if (event.type === 'duplicate') {
      log(
        `trial ${trialKey.slice(trialKey.lastIndexOf('-') + 1)}: ${event.worker} produced a second result (its job ran twice); the first result is kept, the duplicate ignored`,
      );
      return;
    }
    if (event.type === 'left') {
      if (leftBy.has(event.worker!)) return;
      leftBy.add(event.worker!);
      log(
        `worker ${event.worker} left trial ${trialKey.slice(trialKey.lastIndexOf('-') + 1)}: it runs ${event.objective}, this search's trials need ${event.wanted}; the trials stay queued for a worker of this search. Another search's workers share queue ${queueName}: give each search its own queue (--queue).`,
      );
      return;
    }
    if (pending === undefined) {
      if (listener.settled.has(trialKey)) {
        // A second execution of a trial that already has its result: stop it.
        if (event.type === 'report') {
          await answer(listener.keys, event.execution!, Number(event.step), {
            prune: true,
            reason: 'this trial already has a result (its job ran twice)',
          });
        }
        return;
      }
      const early = listener.early.get(trialKey) ?? [];
      early.push(event);
      listener.early.set(trialKey, early);
      return;
    }
    switch (event.type) {
      case 'started':
        await pending.hooks.started(event.worker!);
        break;
      case 'report': {
        let decision: PruneDecision = { prune: false, reason: undefined };
        try {
          decision = await pending.hooks.report(Number(event.value), Number(event.step));
        } finally {
          await answer(listener.keys, event.execution!, Number(event.step), decision);
        }
        break;
      }
      case 'done':
        await settle(listener, trialKey);
        break;
    }
  };

  /** Resolves a pending trial from the results hash, if its result is there. */
  const settle = async (listener: Listener, trialKey: string): Promise<boolean> => {
    const pending = listener.pending.get(trialKey);
    if (pending === undefined) return false;
    const stored = await client.hget(listener.keys.results, trialKey);
    if (stored === null) return false;
    listener.pending.delete(trialKey);
    listener.settled.add(trialKey);
    pending.resolve((JSON.parse(stored) as StoredResult).outcome);
    return true;
  };

  /** Picks up results and failed jobs that no event announced (a coordinator restart, a crash). */
  const sweep = async (listener: Listener) => {
    for (const [trialKey, pending] of [...listener.pending]) {
      if (await settle(listener, trialKey)) continue;
      const job = await queue.getJob(trialKey);
      if (job === undefined) continue;
      const state = await job.getState();
      if (state === 'failed') {
        listener.pending.delete(trialKey);
        listener.settled.add(trialKey);
        pending.resolve({
          kind: 'threw',
          error: {
            name: 'JobFailedError',
            message: `BullMQ failed the job: ${job.failedReason || 'no reason given'}`,
          },
          pruned: false,
        });
      }
    }
  };

  const listen = (searchId: string): Listener => {
    const existing = listeners.get(searchId);
    if (existing !== undefined) return existing;
    const keys = searchKeys(queueName, searchId);
    const listener: Listener = {
      keys,
      pending: new Map(),
      settled: new Set(),
      early: new Map(),
      done: Promise.resolve(),
    };
    listener.done = (async () => {
      let last = (await client.get(keys.lastEvent)) ?? '0';
      let lastSweep = 0;
      while (!closing) {
        const reply = await blocking.xread(
          'COUNT',
          100,
          'BLOCK',
          Math.max(1, Math.round(pollIntervalMs)),
          'STREAMS',
          keys.events,
          last,
        );
        for (const [, entries] of reply ?? []) {
          for (const [id, list] of entries) {
            await handle(listener, fields(list));
            last = id;
          }
          await client.set(keys.lastEvent, last);
        }
        if (Date.now() - lastSweep >= pollIntervalMs) {
          lastSweep = Date.now();
          await sweep(listener);
        }
      }
    })().catch((error: unknown) => {
      if (closing) return;
      for (const pending of listener.pending.values()) pending.reject(error);
      listener.pending.clear();
    });
    listeners.set(searchId, listener);
    return listener;
  };

  const run = async (
    task: TrialTask,
    hooks: TrialHooks,
    signal: AbortSignal,
  ): Promise<RawOutcome> => {
    const listener = listen(task.searchId);
    const trialKey = trialJobId(task.searchId, task.trial);
    const outcome = new Promise<RawOutcome>((resolve, reject) => {
      listener.pending.set(trialKey, { task, hooks, resolve, reject });
      // A stopped coordinator stops waiting; the job goes on, its result is picked up on resume.
      const onAbort = () => {
        if (listener.pending.get(trialKey)?.resolve !== resolve) return;
        listener.pending.delete(trialKey);
        reject(new Error('the search was stopped'));
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    // It may settle (abort) while the job is still being added below; the caller awaits it after.
    outcome.catch(() => undefined);
    // Events that came before this trial was handed over (a resumed coordinator).
    const early = listener.early.get(trialKey) ?? [];
    listener.early.delete(trialKey);
    for (const event of early) await handle(listener, event);
    if (!(await settle(listener, trialKey))) {
      // Same job id: a trial already queued, running or done is not added again.
      await queue.add('trial', objective === undefined ? { task } : { task, objective }, {
        jobId: trialKey,
        removeOnComplete: false,
        removeOnFail: false,
      });
    }
    return outcome;
  };

  return Object.freeze({
    concurrency,
    remote: true,
    run,
    async close() {
      closing = true;
      await Promise.all([...listeners.values()].map((l) => l.done));
      await queue.close();
      blocking.disconnect();
      await client.quit().catch(() => client.disconnect());
    },
    toString: () => `bullmqExecutor(${maskRedisUrl(url)}, queue ${queueName})`,
  });
}
