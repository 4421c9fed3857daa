import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import { checkArguments } from '@trainkit/core';
import { RedisUnreachableError } from '../errors';
import type { Executor, Objective, RawOutcome, TrialTask } from '../executor';
import { inProcessExecutor } from '../executor';
import type { PruneDecision } from '../pruner';
import { continueTrial } from '../pruner';
import type { StoredResult } from './bullmq-executor';
import { loadBullmq } from './bullmq-executor';
import { objectiveFingerprint } from './objective-fingerprint';
import type { RedisClient } from './redis-connection';
import {
  connectRedis,
  defaultQueueName,
  maskRedisUrl,
  searchKeys,
  trialJobId,
} from './redis-connection';
import type { ObjectiveModule } from './worker-pool';
import { resolveObjectiveModule, workerPoolExecutor } from './worker-pool';

/** Options of {@link startBullmqWorker}. */
export interface BullmqWorkerOptions extends ObjectiveModule {
  /** The Redis URL, the same as the coordinator's. */
  readonly redis: string;
  /** The queue, the same as the coordinator's. Default `trainkit-search`. */
  readonly queue?: string;
  /** Trials this worker runs at once. Default 1. */
  readonly concurrency?: number;
  /**
   * Where the objective runs: `thread` (default) or `process` (a fresh
   * worker per trial, so TensorFlow.js state never crosses trials and the
   * event loop that renews the job's lock stays free), or `none` (in this
   * thread: a CPU-bound objective then delays lock renewal, and a job may be
   * handed to another worker).
   */
  readonly isolation?: 'thread' | 'process' | 'none';
  /** Each trial gets `<checkpointRoot>/<search id>/trial-<n>` on this machine. */
  readonly checkpointRoot?: string;
  /** BullMQ `lockDuration`, ms. Default 30 000. */
  readonly lockDurationMs?: number;
  /** BullMQ `stalledInterval`, ms. Default 30 000. */
  readonly stalledIntervalMs?: number;
  /** BullMQ `maxStalledCount`: times a job may stall (its worker lost) and still be retried. Default 1. */
  readonly maxStalledCount?: number;
  /** How long a report waits for the coordinator's pruning decision, ms; then the trial goes on. Default 10 000. */
  readonly decisionTimeoutMs?: number;
  /** Fail with `RedisUnreachableError` when Redis does not answer at start within this long, ms. Default 5000. */
  readonly connectTimeoutMs?: number;
  /** A worker that cannot reach Redis for this long while running stops with an error, ms. Default 60 000. */
  readonly reconnectTimeoutMs?: number;
  /** This worker's name in the journal. Default `host:pid`. */
  readonly name?: string;
  /** Progress and notes (trial started, finished, duplicate result ignored, another search's trial left). */
  readonly log?: (message: string) => void;
}

/** How long a worker that left another objective's job waits before it takes a job again, ms. */
const leavePauseMs = 1000;

/** A running worker. */
export interface BullmqWorker {
  /** `host:pid` or the given name. */
  readonly name: string;
  /** Stops taking jobs, waits for running trials, closes connections. */
  close(): Promise<void>;
  /** Resolves when the worker is closed; rejects when it stops on a fatal error (Redis lost for too long). */
  readonly closed: Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A worker of distributed search: takes trial jobs from the BullMQ queue,
 * runs the objective loaded from its module, sends starts and reports to the
 * coordinator and waits for its pruning decisions, then stores the result
 * once (HSETNX: the first result of a trial wins; a second one, from a job
 * that ran twice, is logged and dropped).
 *
 * A job of another objective (the coordinator's `objective` fingerprint
 * differs from this worker's module and export: another search shares the
 * queue), or a job that is not a trial at all, is never run: the worker
 * moves it back to the queue, says so once per search in its log and to
 * that search's coordinator, and pauses a second so that a worker of that
 * search takes it.
 *
 * Redis lost while a trial runs: ioredis reconnects; storing the result is
 * retried until `reconnectTimeoutMs`, after which the worker stops with an
 * error (the CLI exits non-zero) and the job, whose lock then expires, runs
 * again elsewhere, so no result is lost.
 *
 * @param options - Redis URL, queue, the objective's module, concurrency, isolation, BullMQ lock settings.
 * @returns The running worker.
 * @throws RedisUnreachableError when Redis does not answer within `connectTimeoutMs`.
 *
 * @example
 * ```ts
 * const worker = await startBullmqWorker({ redis: 'redis://10.0.0.5:6379', module: './objective.mjs' });
 * process.on('SIGTERM', () => void worker.close());
 * await worker.closed;
 * ```
 */
export async function startBullmqWorker(options: BullmqWorkerOptions): Promise<BullmqWorker> {
  const check = checkArguments('startBullmqWorker');
  if (typeof options !== 'object' || options === null)
    check.fail('options', options, 'an object { redis, module, ... }');
  if (typeof options.redis !== 'string' || !/^rediss?:\/\//.test(options.redis)) {
    check.fail('redis', options.redis, 'a Redis URL', "Pass e.g. 'redis://127.0.0.1:6379'.");
  }
  const module = resolveObjectiveModule('startBullmqWorker', options.module);
  const exportName = options.exportName ?? 'objective';
  const queueName = options.queue ?? defaultQueueName;
  const concurrency = check.integer('concurrency', options.concurrency ?? 1, { min: 1 });
  const isolation = check.oneOf('isolation', options.isolation ?? 'thread', [
    'thread',
    'process',
    'none',
  ]);
  const decisionTimeoutMs = check.positive(
    'decisionTimeoutMs',
    options.decisionTimeoutMs ?? 10_000,
  );
  const connectTimeoutMs = check.positive('connectTimeoutMs', options.connectTimeoutMs ?? 5000);
  const reconnectTimeoutMs = check.positive(
    'reconnectTimeoutMs',
    options.reconnectTimeoutMs ?? 60_000,
  );
  const lockDuration = check.integer('lockDurationMs', options.lockDurationMs ?? 30_000, {
    min: 1,
  });
  const stalledInterval = check.integer('stalledIntervalMs', options.stalledIntervalMs ?? 30_000, {
    min: 1,
  });
  const maxStalledCount = check.integer('maxStalledCount', options.maxStalledCount ?? 1, {
    min: 0,
  });
  const fingerprint = objectiveFingerprint({ module, exportName });
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const log = options.log ?? (() => undefined);
  const url = options.redis;

  const client = await connectRedis(url, {
    functionName: 'startBullmqWorker',
    connectTimeoutMs,
    connectionName: `trainkit-search-worker ${name}`,
  });
  // One connection per trial slot for the blocking wait on decisions (a blocked connection serves no one else).
  const blockingPool: RedisClient[] = [];
  for (let i = 0; i < concurrency; i++) {
    blockingPool.push(
      await connectRedis(url, {
        functionName: 'startBullmqWorker',
        connectTimeoutMs,
        connectionName: `trainkit-search-worker-decisions ${name}`,
      }),
    );
  }
  const allBlocking = [...blockingPool];

  let executor: Executor;
  if (isolation === 'none') {
    const loaded = (await import(
      module.startsWith('file:') ? module : pathToFileURL(module).href
    )) as Record<string, unknown>;
    const objective = loaded[exportName];
    if (typeof objective !== 'function') {
      check.fail(
        'exportName',
        exportName,
        `a function exported by ${module}`,
        `Its exports: ${Object.keys(loaded).join(', ') || 'none'}.`,
      );
    }
    executor = inProcessExecutor(objective as Objective, { concurrency });
  } else {
    executor = workerPoolExecutor({ module, exportName, size: concurrency, isolation });
  }

  let fatal: ((error: Error) => void) | undefined;
  let finish: (() => void) | undefined;
  const closed = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fatal = reject;
  });
  void closed.catch(() => undefined);

  // Redis lost for too long: stop with an error (the job's lock expires and it runs elsewhere).
  let lostSince: number | undefined;
  const watchdog = setInterval(() => {
    const up = client.status === 'ready';
    if (up) lostSince = undefined;
    else lostSince ??= Date.now();
    if (lostSince !== undefined && Date.now() - lostSince > reconnectTimeoutMs) {
      fatal?.(
        new RedisUnreachableError({
          functionName: 'startBullmqWorker',
          url: maskRedisUrl(url),
          waitedMs: reconnectTimeoutMs,
          lost: true,
        }),
      );
    }
  }, 250);

  /** Retries a Redis command while the connection is down, up to reconnectTimeoutMs. */
  const persist = async <T>(what: string, command: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
      try {
        return await command();
      } catch (error) {
        if (Date.now() - started > reconnectTimeoutMs) {
          throw new RedisUnreachableError({
            functionName: 'startBullmqWorker',
            url: maskRedisUrl(url),
            waitedMs: reconnectTimeoutMs,
            operation: what,
            cause: error,
          });
        }
        await sleep(delay);
      }
    }
  };

  /** Appends an event (start, report, result) to the search's Redis stream, capped at ~100,000. */
  const event = (stream: string, fields: Record<string, string>) =>
    client.xadd(stream, 'MAXLEN', '~', '100000', '*', ...Object.entries(fields).flat());

  /** The coordinator did not answer the last report in time. */
  let coordinatorSilent = false;

  /** Searches whose trials this worker left (said once each). */
  const leftSearches = new Set<string>();

  /** Hands a job this worker must not run back to the queue, and tells its search. */
  const leave = async (
    job: { id?: string | undefined; data: unknown; moveToWait(token?: string): Promise<number> },
    token: string | undefined,
    wanted: string,
  ): Promise<never> => {
    const task = (job.data as { task?: Partial<TrialTask> } | null)?.task;
    const searchId = typeof task?.searchId === 'string' ? task.searchId : undefined;
    const trialKey = job.id ?? '?';
    // Nothing here may fail the job (a thrown error other than WaitingError would): notes are best effort.
    if (searchId !== undefined) {
      const keys = searchKeys(queueName, searchId);
      await client.hincrby(keys.left, trialKey, 1).catch(() => undefined);
      await event(keys.events, {
        type: 'left',
        trial: trialKey,
        worker: name,
        objective: fingerprint,
        wanted,
      }).catch(() => undefined);
    }
    const search = searchId ?? '(not a trainkit search)';
    if (!leftSearches.has(search)) {
      leftSearches.add(search);
      log(
        `left trial ${typeof task?.trial === 'number' ? task.trial : trialKey} of search ${search} on the queue: it needs ${wanted}, this worker runs ${fingerprint}. Another search shares queue ${queueName}; give each search its own queue (--queue).`,
      );
    }
    // Fails only when the job is no longer this worker's (its lock expired): then it is back in the queue anyway.
    await job
      .moveToWait(token)
      .catch((error: unknown) =>
        log(`trial ${trialKey}: could not move it back to the queue: ${(error as Error).message}`),
      );
    await sleep(leavePauseMs); // so that a worker of that search takes it, not this one again
    const { WaitingError } = await loadBullmq('startBullmqWorker');
    throw new WaitingError();
  };

  const process_ = async (
    job: {
      id?: string | undefined;
      data: { task: TrialTask; objective?: unknown };
      attemptsStarted: number;
      moveToWait(token?: string): Promise<number>;
    },
    token: string | undefined,
  ): Promise<string> => {
    const data = job.data as { task?: unknown; objective?: unknown } | null;
    if (typeof data?.task !== 'object' || data.task === null) {
      return leave(job, token, 'another program (the job is not a trainkit trial)');
    }
    if (typeof data.objective === 'string' && data.objective !== fingerprint) {
      return leave(job, token, data.objective);
    }
    const task = job.data.task;
    const keys = searchKeys(queueName, task.searchId);
    const trialKey = job.id ?? trialJobId(task.searchId, task.trial);
    if ((await client.hexists(keys.results, trialKey)) === 1) {
      log(`trial ${task.trial}: already has a result (first result kept); not running it again`);
      return 'duplicate';
    }
    const execution = `${name}/${trialKey}/${job.attemptsStarted}/${randomBytes(3).toString('hex')}`;
    await event(keys.events, { type: 'started', trial: trialKey, worker: name, execution });
    // Takes that other objectives' workers left do not count as attempts.
    const left = Number((await client.hget(keys.left, trialKey)) ?? 0);
    const attempt = task.attempt + Math.max(0, job.attemptsStarted - 1 - left);
    log(`trial ${task.trial}: started (attempt ${attempt}) ${JSON.stringify(task.config)}`);
    const report = async (value: number, step: number): Promise<PruneDecision> => {
      if ((await client.hexists(keys.results, trialKey)) === 1) {
        // Another execution of this job already stored the trial's result.
        return { prune: true, reason: 'this trial already has a result (its job ran twice)' };
      }
      await event(keys.events, {
        type: 'report',
        trial: trialKey,
        execution,
        value: String(value),
        step: String(step),
      });
      const connection = blockingPool.pop();
      if (connection === undefined) return continueTrial;
      try {
        // While the coordinator is silent (stopped, restarting) wait only briefly.
        const deadline = Date.now() + (coordinatorSilent ? 200 : decisionTimeoutMs);
        for (;;) {
          const remaining = deadline - Date.now();
          const reply =
            remaining <= 0
              ? null
              : await connection.blpop(keys.decisions(execution), Math.max(0.01, remaining / 1000));
          if (reply === null) {
            coordinatorSilent = true;
            return continueTrial;
          }
          const answer = JSON.parse(reply[1]) as { step: number; decision: PruneDecision };
          if (answer.step !== step) continue; // a late answer to an earlier report
          coordinatorSilent = false;
          return answer.decision;
        }
      } finally {
        blockingPool.push(connection);
      }
    };
    const checkpointDirectory =
      options.checkpointRoot === undefined
        ? undefined
        : `${options.checkpointRoot.replace(/[\\/]+$/, '')}/${task.searchId}/trial-${task.trial}`;
    const controller = new AbortController();
    let outcome: RawOutcome;
    try {
      outcome = await executor.run(
        { ...task, attempt, checkpointDirectory },
        { report, started: async () => attempt },
        controller.signal,
      );
    } catch (error) {
      outcome = {
        kind: 'threw',
        error: { name: 'ExecutorError', message: (error as Error).message },
        pruned: false,
      };
    }
    const stored: StoredResult = { outcome, worker: name, attempt, time: Date.now() };
    const first = await persist('store the result', () =>
      client.hsetnx(keys.results, trialKey, JSON.stringify(stored)),
    );
    if (first === 1) {
      await persist('announce the result', () =>
        event(keys.events, { type: 'done', trial: trialKey, worker: name }),
      );
      log(
        `trial ${task.trial}: ${outcome.kind === 'returned' ? `returned ${String(outcome.value)}` : `threw ${outcome.error.message}`}`,
      );
      return 'recorded';
    }
    log(
      `trial ${task.trial}: duplicate result (the job ran twice); the first result is kept, this one is ignored`,
    );
    await persist('announce the duplicate', () =>
      event(keys.events, { type: 'duplicate', trial: trialKey, worker: name }),
    );
    return 'duplicate';
  };

  const { Worker } = await loadBullmq('startBullmqWorker');
  const worker = new Worker(queueName, (job, token) => process_(job as never, token), {
    connection: {
      url,
      connectTimeout: connectTimeoutMs,
      retryStrategy: (times: number) => Math.min(100 * times, 2000),
    },
    concurrency,
    lockDuration,
    stalledInterval,
    maxStalledCount,
    autorun: true,
  });
  // BullMQ repeats some errors every few hundred ms (a lock it cannot renew): say each once per 10 s.
  const said = new Map<string, number>();
  worker.on('error', (error) => {
    const last = said.get(error.message);
    if (last !== undefined && Date.now() - last < 10_000) return;
    said.set(error.message, Date.now());
    log(`worker error: ${error.message}`);
  });
  worker.on('failed', (job, error) => log(`job ${job?.id}: failed: ${error.message}`));
  await worker.waitUntilReady();
  log(`worker ${name} waiting for trials on ${maskRedisUrl(url)} queue ${queueName}`);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      // Wait for running trials, but not forever when Redis is gone: then force.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const graceful = worker.close().then(() => true);
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), reconnectTimeoutMs);
      });
      const done = await Promise.race([graceful, timedOut]);
      clearTimeout(timer);
      clearInterval(watchdog);
      if (!done) await worker.close(true).catch(() => undefined);
      await executor.close();
      for (const connection of allBlocking) connection.disconnect();
      await client.quit().catch(() => client.disconnect());
      finish?.();
    })();
    return closing;
  };
  void closed.catch(async () => {
    clearInterval(watchdog);
    await worker.close(true).catch(() => undefined);
    await executor.close().catch(() => undefined);
    for (const connection of allBlocking) connection.disconnect();
    client.disconnect();
  });
  return { name, close, closed };
}
