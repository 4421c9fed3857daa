import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisUnreachableError } from '../errors';
import type { JournalRecord } from '../journal';
import { parseJournal, replayJournal } from '../journal';
import { bullmqExecutor } from './bullmq-executor';
import { connectRedis, searchKeys, trialJobId } from './redis-connection';
import { bundleForChild } from './test-helpers/bundle';
import {
  type Child,
  freePort,
  killAllChildren,
  startChild,
  startRedis,
} from './test-helpers/processes';

let cli: string;
let searchModule: string;
let redis: Awaited<ReturnType<typeof startRedis>>;

beforeAll(async () => {
  [cli, searchModule] = await Promise.all([
    bundleForChild('src/node/cli.ts', 'cli'),
    bundleForChild('src/node/test-helpers/distributed-search.ts', 'search'),
  ]);
  redis = await startRedis();
}, 60_000);

afterEach(async () => {
  await killAllChildren(); // workers and coordinators of a failed test, and their threads
});

afterAll(async () => {
  await killAllChildren();
  await redis?.stop();
});

function node(name: string, args: string[], env: Record<string, string> = {}): Child {
  return startChild(name, process.execPath, [cli, ...args], env);
}

function coordinator(queue: string, journal: string, env: Record<string, string> = {}) {
  return node(
    'coordinator',
    [
      'coordinator',
      '--redis',
      redis.url,
      '--module',
      searchModule,
      '--journal',
      journal,
      '--queue',
      queue,
    ],
    env,
  );
}

function worker(
  name: string,
  queue: string,
  extra: string[] = [],
  env: Record<string, string> = {},
) {
  return node(
    `worker ${name}`,
    [
      'worker',
      '--redis',
      redis.url,
      '--module',
      searchModule,
      '--queue',
      queue,
      '--name',
      name,
      ...extra,
    ],
    { TRAINKIT_TEST_WORKER: name, ...env },
  );
}

/** Every trial's records; checks each has exactly one outcome and nothing after it. */
function checkExactlyOnce(journalPath: string, trials: number) {
  const records = parseJournal(readFileSync(journalPath, 'utf8'), journalPath).records;
  const state = replayJournal(records);
  expect(state.trials).toHaveLength(trials);
  expect(state.duplicates).toEqual([]);
  for (const trial of state.trials) {
    const mine = records.filter(
      (r): r is Exclude<JournalRecord, { op: 'header' }> =>
        r.op !== 'header' && r.trial === trial.trial,
    );
    const outcomes = mine.filter(
      (r) => r.op === 'finished' || r.op === 'failed' || r.op === 'pruned',
    );
    expect(
      outcomes.map((r) => r.op),
      `trial ${trial.trial}`,
    ).toEqual(['finished']);
    expect(mine.at(-1)).toBe(outcomes[0]);
  }
  return { records, state };
}

describe('distributed search on BullMQ (real redis-server, coordinator and workers as processes)', () => {
  it('finishes every trial exactly once when a worker is SIGKILLed mid-trial', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainkit-dist-'));
    const journal = join(dir, 'journal.jsonl');
    const env = { TRAINKIT_TEST_TRIALS: '6', TRAINKIT_TEST_STEP_MS: '150' };
    const lock = ['--lock-duration', '1000', '--stalled-interval', '500'];
    const boss = coordinator('kill', journal, env);
    const a = worker('A', 'kill', lock, env);
    const b = worker('B', 'kill', lock, env);
    const startedLine = await a.waitFor(/trial \d+: started/);
    const killedTrial = Number(/trial (\d+)/.exec(startedLine)![1]);
    await a.waitFor(new RegExp(`trial ${killedTrial}: started`)); // (same line) mid-trial now
    a.kill();
    expect(await a.exited).toBe('SIGKILL');
    expect(await boss.exited, boss.output()).toBe(0);
    b.kill();

    const { records, state } = checkExactlyOnce(journal, 6);
    // Worker A died, so every value came from B (A would have added 1000).
    expect(state.trials.map((t) => t.value)).toEqual([0, 1, 2, 3, 4, 5]);
    // The killed trial started on A, then again on B (BullMQ's stalled-job handling).
    const starts = records.filter((r) => r.op === 'started' && r.trial === killedTrial) as {
      owner: string;
      attempt: number;
    }[];
    expect(starts.map((s) => [s.owner, s.attempt])).toEqual([
      ['A', 1],
      ['B', 2],
    ]);
    expect(boss.output()).toContain('6 trials (lower is better): 6 finished, 0 pruned, 0 failed');
  }, 90_000);

  it('records the result once when a job runs twice (a worker that lost its lock finishes late)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainkit-dist-'));
    const journal = join(dir, 'journal.jsonl');
    const env = { TRAINKIT_TEST_TRIALS: '3', TRAINKIT_TEST_STEP_MS: '50' };
    const boss = coordinator('twice', journal, env);
    // A runs the objective in its own thread (no isolation) and trial 0 blocks that thread
    // (up to 30 s) until B has finished the same trial: A cannot renew its 500 ms job lock,
    // B's stalled check hands the job to B, B stores its result, then A finishes too and
    // finds the result already stored.
    const release = join(dir, 'release-A');
    const a = worker(
      'A',
      'twice',
      ['--isolation', 'none', '--lock-duration', '500', '--stalled-interval', '300'],
      {
        ...env,
        TRAINKIT_TEST_BLOCK_MS: '30000',
        TRAINKIT_TEST_BLOCK_UNTIL_FILE: release,
      },
    );
    await a.waitFor(/trial 0: started/);
    const b = worker('B', 'twice', ['--lock-duration', '500', '--stalled-interval', '300'], env);
    await b.waitFor(/trial 0: returned 0/, 60_000);
    writeFileSync(release, '');
    await a.waitFor(
      /trial 0: duplicate result \(the job ran twice\); the first result is kept/,
      30_000,
    );
    expect(await boss.exited, boss.output()).toBe(0);
    const { records, state } = checkExactlyOnce(journal, 3);
    expect(state.trials[0]!.value).toBe(0); // B's result (A's would be 1000)
    const starts = records.filter((r) => r.op === 'started' && r.trial === 0) as {
      owner: string;
    }[];
    expect(starts.map((s) => s.owner)).toEqual(['A', 'B']);
    // The stored first result is B's; A's late one was dropped (HSETNX).
    const admin = await connectRedis(redis.url, { functionName: 'test' });
    const id = state.header!.search.id;
    const stored = JSON.parse(
      (await admin.hget(searchKeys('twice', id).results, trialJobId(id, 0)))!,
    );
    admin.disconnect();
    expect(stored).toMatchObject({ worker: 'B', outcome: { kind: 'returned', value: 0 } });
    a.kill();
    b.kill();
  }, 90_000);

  it('reconnects workers whose connections Redis drops mid-trial, losing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainkit-dist-'));
    const journal = join(dir, 'journal.jsonl');
    const env = { TRAINKIT_TEST_TRIALS: '4', TRAINKIT_TEST_STEP_MS: '200' };
    const boss = coordinator('drop', journal, env);
    const a = worker('A', 'drop', [], env);
    await a.waitFor(/trial \d+: started/);
    const admin = await connectRedis(redis.url, { functionName: 'test' });
    // Drop every client connection (the coordinator's and the worker's) while a trial runs.
    await (admin as unknown as { call(...args: string[]): Promise<unknown> }).call(
      'CLIENT',
      'KILL',
      'TYPE',
      'normal',
      'SKIPME',
      'yes',
    );
    admin.disconnect();
    expect(await boss.exited, boss.output()).toBe(0);
    const { state } = checkExactlyOnce(journal, 4);
    expect(state.trials.map((t) => t.value)).toEqual([1000, 1001, 1002, 1003]);
    a.kill();
  }, 90_000);

  it('resumes a coordinator stopped mid-search (Ctrl-C): results stored meanwhile are picked up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainkit-dist-'));
    const journal = join(dir, 'journal.jsonl');
    const env = { TRAINKIT_TEST_TRIALS: '6', TRAINKIT_TEST_STEP_MS: '100' };
    const first = coordinator('resume', journal, env);
    const a = worker('A', 'resume', ['--decision-timeout', '1000'], env);
    await first.waitFor(/trial 1 finished/);
    first.process.kill('SIGINT');
    expect(await first.exited, first.output()).toBe(130);
    expect(first.output()).toContain(`run the same command again to resume from ${journal}`);
    await a.waitFor(/trial 3: returned/); // the worker went on while no coordinator listened
    const second = coordinator('resume', journal, env);
    expect(await second.exited, second.output()).toBe(0);
    expect(second.output()).toMatch(
      /resuming .*journal\.jsonl: 6 trials recorded, \d ended, \d to run/,
    );
    const { state } = checkExactlyOnce(journal, 6);
    expect(state.trials.map((t) => t.value)).toEqual([1000, 1001, 1002, 1003, 1004, 1005]);
    a.kill();
  }, 90_000);

  it('a worker of another objective on the same queue leaves the trials for a worker of this search', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainkit-dist-'));
    const journal = join(dir, 'journal.jsonl');
    const env = { TRAINKIT_TEST_TRIALS: '3', TRAINKIT_TEST_STEP_MS: '50' };
    // Another search's worker (another module and export) waits on the same queue first.
    const foreign = node(
      'worker foreign',
      [
        'worker',
        '--redis',
        redis.url,
        '--module',
        fileURLToPath(new URL('./test-helpers/objectives.mjs', import.meta.url)),
        '--objective-export',
        'trivial',
        '--queue',
        'shared',
        '--name',
        'foreign',
      ],
      env,
    );
    await foreign.waitFor(/waiting for trials/);
    const boss = coordinator('shared', journal, env);
    await foreign.waitFor(/left trial \d+ of search \S+ on the queue/);
    await boss.waitFor(/worker foreign left trial \d+: it runs objectives\.mjs#trivial@/);
    const b = worker('B', 'shared', [], env);
    expect(await boss.exited, boss.output()).toBe(0);
    const { records, state } = checkExactlyOnce(journal, 3);
    expect(state.trials.map((t) => t.value)).toEqual([0, 1, 2]);
    // Every trial started on B only (the foreign worker never ran one) and as attempt 1.
    const starts = records.filter((r) => r.op === 'started') as {
      owner: string;
      attempt: number;
    }[];
    expect(starts.map((s) => [s.owner, s.attempt])).toEqual([
      ['B', 1],
      ['B', 1],
      ['B', 1],
    ]);
    expect(foreign.output()).not.toMatch(/trial \d+: (started|returned)/);
    foreign.kill();
    b.kill();
  }, 90_000);

  it('fails within seconds with the URL and the fix when Redis cannot be reached', async () => {
    const port = await freePort(); // nothing listens there
    const url = `redis://127.0.0.1:${port}`;
    const started = Date.now();
    const error = await bullmqExecutor({ redis: url, connectTimeoutMs: 1500 }).catch(
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(RedisUnreachableError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(
      `bullmqExecutor: Redis at ${url} did not answer within`,
    );
    expect((error as Error).message).toContain(
      'Start it (`redis-server --port 6379`), or pass the right URL with --redis',
    );

    const cliStarted = Date.now();
    const child = node('worker', [
      'worker',
      '--redis',
      url,
      '--module',
      searchModule,
      '--connect-timeout',
      '1500',
    ]);
    expect(await child.exited).toBe(1);
    expect(Date.now() - cliStarted).toBeLessThan(8000);
    expect(child.output()).toContain(`startBullmqWorker: Redis at ${url} did not answer within`);
    // A password in the URL is not printed.
    const secret = await bullmqExecutor({
      redis: `redis://user:hunter2@127.0.0.1:${port}`,
      connectTimeoutMs: 500,
    }).catch((e: unknown) => e);
    expect((secret as Error).message).toContain(`redis://user:***@127.0.0.1:${port}`);
    expect((secret as Error).message).not.toContain('hunter2');
  }, 30_000);

  it('exits non-zero when Redis stays away longer than --reconnect-timeout', async () => {
    const own = await startRedis();
    const dir = mkdtempSync(join(tmpdir(), 'trainkit-dist-'));
    const env = { TRAINKIT_TEST_TRIALS: '2', TRAINKIT_TEST_STEP_MS: '500' };
    node(
      'coordinator',
      [
        'coordinator',
        '--redis',
        own.url,
        '--module',
        searchModule,
        '--journal',
        join(dir, 'j.jsonl'),
      ],
      env,
    );
    const a = startChild(
      'worker A',
      process.execPath,
      [cli, 'worker', '--redis', own.url, '--module', searchModule, '--reconnect-timeout', '1500'],
      env,
    );
    await a.waitFor(/trial \d+: started/);
    own.kill(); // abrupt: a lost Redis
    const lost = Date.now();
    expect(await a.exited).toBe(1);
    expect(Date.now() - lost).toBeLessThan(10_000);
    expect(a.output()).toMatch(/lost Redis at redis:\/\/127\.0\.0\.1:\d+ for more than 1500 ms/);
    await own.stop();
  }, 30_000);
});
