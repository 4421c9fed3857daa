// BENCHMARKS.md section "search": @trainkit/search's per-trial overhead per executor on a
// trivial objective, and worker-pool scaling on a CPU-bound objective (1..cores workers,
// efficiency T(1) / (k * T(k)), medians of interleaved repetitions). Same measurement as
// packages/search/bench/search.mjs (whose objectives module it loads), written as JSON.
//
//   node bench/sections/search.mjs [--quick] [--runs N] [--out PATH]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { categorical, defineSpace, manualSearch, memoryJournal, runSearch } from '@trainkit/search';
import {
  bullmqExecutor,
  fileJournal,
  startBullmqWorker,
  workerPoolExecutor,
} from '@trainkit/search/node';
import {
  load1,
  median,
  progress,
  rootDir,
  sectionArgs,
  sectionResult,
  spread,
  writeJson,
} from '../lib/common.mjs';

const options = sectionArgs('search');
const quick = options.quick;
const objectives = join(rootDir, 'packages', 'search', 'bench', 'objectives.mjs');
const cores = availableParallelism();

function strategy(count, work = 0) {
  const xs = Array.from({ length: count }, (_, i) => i);
  return manualSearch({
    space: defineSpace({ x: categorical(xs), work: categorical([work]) }),
    configs: xs.map((x) => ({ x, work })),
  });
}

async function timeSearch(searchOptions) {
  const start = performance.now();
  const result = await runSearch({ direction: 'minimize', ...searchOptions });
  const ms = performance.now() - start;
  if (result.counts.finished !== result.trials.length) {
    throw new Error(`search: not all trials finished: ${JSON.stringify(result.counts)}`);
  }
  return ms;
}

async function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bench-redis-'));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.stdout.on('data', (data) => {
      if (String(data).includes('Ready to accept connections')) resolve();
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const n = quick ? 20 : 200;
const executors = [];
const row = (id, title, trials, ms) => ({
  id,
  title,
  trials,
  msPerTrial: ms / trials,
  trialsPerSecond: (trials * 1000) / ms,
  loadAverage: load1(),
});

executors.push(
  row(
    'memory',
    'in-process, memory journal',
    n,
    await timeSearch({
      strategy: strategy(n),
      objective: (t) => t.config.x,
      journal: memoryJournal(),
    }),
  ),
);
{
  const dir = mkdtempSync(join(tmpdir(), 'bench-journal-'));
  const journal = await fileJournal(join(dir, 'journal.jsonl'));
  executors.push(
    row(
      'file',
      'in-process, file journal (fsync per record)',
      n,
      await timeSearch({ strategy: strategy(n), objective: (t) => t.config.x, journal }),
    ),
  );
  await journal.close();
  rmSync(dir, { recursive: true, force: true });
}
for (const [id, title, poolOptions, count] of [
  [
    'threadsFresh',
    'pool: threads, a fresh worker per trial (default)',
    { isolation: 'thread', freshWorkerPerTrial: true },
    quick ? 6 : 60,
  ],
  [
    'threadsReused',
    'pool: threads, workers reused',
    { isolation: 'thread', freshWorkerPerTrial: false },
    n,
  ],
  [
    'processes',
    'pool: processes, a fresh one per trial',
    { isolation: 'process', freshWorkerPerTrial: true },
    quick ? 4 : 30,
  ],
]) {
  const executor = workerPoolExecutor({
    module: objectives,
    exportName: 'trivial',
    size: cores,
    ...poolOptions,
  });
  try {
    executors.push(
      row(
        id,
        `${title}, ${cores} workers`,
        count,
        await timeSearch({ strategy: strategy(count), executor, journal: memoryJournal() }),
      ),
    );
  } finally {
    await executor.close();
  }
  progress('search', `${id} done`);
}
let redis;
let redisUnavailable = null;
try {
  redis = await startRedis();
} catch (error) {
  redisUnavailable = `redis-server: ${error.message}`;
}
if (redis !== undefined) {
  try {
    for (const isolation of ['none', 'thread']) {
      const count = isolation === 'none' ? n : quick ? 6 : 60;
      const queue = `bench-${isolation}`;
      const worker = await startBullmqWorker({
        redis: redis.url,
        queue,
        module: objectives,
        exportName: 'trivial',
        isolation,
        concurrency: cores,
      });
      const executor = await bullmqExecutor({ redis: redis.url, queue, pollIntervalMs: 200 });
      try {
        executors.push(
          row(
            `bullmq-${isolation}`,
            `BullMQ: 1 worker process x ${cores}, isolation '${isolation}'`,
            count,
            await timeSearch({ strategy: strategy(count), executor, journal: memoryJournal() }),
          ),
        );
      } finally {
        await executor.close();
        await worker.close();
      }
    }
  } finally {
    redis.stop();
  }
  progress('search', 'BullMQ done');
}

// Pool scaling on a CPU-bound objective.
const trials = quick ? 2 * cores : 4 * cores;
const work = quick ? 5 : 50; // million square roots per trial (about 0.5 s at 50)
const repetitions = options.runs ?? (quick ? 1 : 3);
const times = new Map();
const loads = [];
for (let r = 0; r < repetitions; r++) {
  for (let i = 0; i < cores; i++) {
    const k = ((i + r) % cores) + 1;
    const executor = workerPoolExecutor({ module: objectives, exportName: 'cpuBound', size: k });
    try {
      loads.push(load1());
      const ms = await timeSearch({
        strategy: strategy(trials, work),
        executor,
        journal: memoryJournal(),
      });
      times.set(k, [...(times.get(k) ?? []), ms]);
    } finally {
      await executor.close();
    }
  }
  progress('search', `scaling repetition ${r + 1}/${repetitions} done`);
}
const t1 = median(times.get(1));
const scaling = [...times]
  .sort(([a], [b]) => a - b)
  .map(([k, list]) => {
    const tk = median(list);
    return {
      workers: k,
      trials,
      seconds: spread(list.map((ms) => ms / 1000)),
      speedup: t1 / tk,
      efficiency: t1 / (k * tk),
    };
  });

writeJson(
  options.out,
  sectionResult('search', options, {
    cores,
    executors,
    redisUnavailable,
    scaling,
    scalingWork: `${work} million square roots per trial, ${trials} trials, fresh worker threads`,
    loadAverage: spread(loads),
  }),
);
progress('search', `wrote ${options.out}`);
