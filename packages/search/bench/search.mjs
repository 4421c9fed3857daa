// Benchmarks of @trainkit/search (run `npx tsup` first; `npm run bench`):
//   node bench/search.mjs [--quick]
// 1. Trials per second and the per-trial overhead (ms) of each executor on a trivial
//    objective: in-process (memory journal, file journal with fsync per record), worker pool
//    (threads fresh per trial, threads reused, processes), BullMQ (a private redis-server,
//    one worker process) when redis-server is installed.
// 2. Worker-pool scaling on a CPU-bound objective, 1..cores workers: speedup and efficiency
//    T(1) / (k * T(k)), medians of interleaved repetitions. Target efficiency >= 85%.
// The machine's load average is printed: on a shared machine it explains most of the spread.
//
// The measuring functions are exported: the root benchmark page's section
// (bench/sections/search.mjs) runs the same measurements and writes them as JSON.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRedis } from '@trainkit/test-redis';
import { categorical, defineSpace, manualSearch, memoryJournal, runSearch } from '../dist/index.js';
import {
  bullmqExecutor,
  fileJournal,
  startBullmqWorker,
  workerPoolExecutor,
} from '../dist/node/index.js';

const objectives = fileURLToPath(new URL('./objectives.mjs', import.meta.url));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function strategy(count, work = 0) {
  const xs = Array.from({ length: count }, (_, i) => i);
  return manualSearch({
    space: defineSpace({ x: categorical(xs), work: categorical([work]) }),
    configs: xs.map((x) => ({ x, work })),
  });
}

async function timeSearch(options) {
  const start = performance.now();
  const result = await runSearch({ direction: 'minimize', ...options });
  const ms = performance.now() - start;
  if (result.counts.finished !== result.trials.length)
    throw new Error(`search: not all trials finished: ${JSON.stringify(result.counts)}`);
  return ms;
}

/**
 * Per-trial overhead of each executor on the trivial objective. `trials`: trials of the cheap
 * executors (in-process, reused threads, BullMQ without isolation); `fresh`: of the threads
 * fresh per trial and BullMQ with thread isolation; `processes`: of a process per trial.
 * BullMQ runs on a private redis-server (@trainkit/test-redis) when one can be started.
 * Resolves to `{ rows: [{ id, trials, ms, loadAverage }], redisUnavailable: reason | null }`;
 * `onRow(row)` is called after each measurement.
 */
export async function measureExecutors({ trials, fresh, processes, cores, onRow = () => {} }) {
  const rows = [];
  const add = (id, count, ms) => {
    const row = { id, trials: count, ms, loadAverage: loadavg()[0] };
    rows.push(row);
    onRow(row);
  };
  add(
    'memory',
    trials,
    await timeSearch({
      strategy: strategy(trials),
      objective: (t) => t.config.x,
      journal: memoryJournal(),
    }),
  );
  {
    const dir = mkdtempSync(join(tmpdir(), 'bench-journal-'));
    const journal = await fileJournal(join(dir, 'journal.jsonl'));
    add(
      'file',
      trials,
      await timeSearch({ strategy: strategy(trials), objective: (t) => t.config.x, journal }),
    );
    await journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
  for (const [id, poolOptions, count] of [
    ['threadsFresh', { isolation: 'thread', freshWorkerPerTrial: true }, fresh],
    ['threadsReused', { isolation: 'thread', freshWorkerPerTrial: false }, trials],
    ['processes', { isolation: 'process', freshWorkerPerTrial: true }, processes],
  ]) {
    const executor = workerPoolExecutor({
      module: objectives,
      exportName: 'trivial',
      size: cores,
      ...poolOptions,
    });
    try {
      add(
        id,
        count,
        await timeSearch({ strategy: strategy(count), executor, journal: memoryJournal() }),
      );
    } finally {
      await executor.close();
    }
  }
  let redis;
  try {
    redis = await startRedis();
  } catch (error) {
    return { rows, redisUnavailable: `redis-server: ${error.message}` };
  }
  try {
    for (const isolation of ['none', 'thread']) {
      const count = isolation === 'none' ? trials : fresh;
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
        add(
          `bullmq-${isolation}`,
          count,
          await timeSearch({ strategy: strategy(count), executor, journal: memoryJournal() }),
        );
      } finally {
        await executor.close();
        await worker.close();
      }
    }
  } finally {
    await redis.stop();
  }
  return { rows, redisUnavailable: null };
}

/**
 * Worker-pool scaling on the CPU-bound objective (`work` million square roots per trial,
 * `trials` trials, fresh worker threads): every pool size 1..cores once per repetition, the
 * order rotated by repetition. Resolves to `{ times: Map(k -> ms[]), loads: number[] }`
 * (the 1-minute load average before each measurement).
 */
export async function measureScaling({ trials, work, repetitions, cores, onRepetition }) {
  const times = new Map();
  const loads = [];
  for (let r = 0; r < repetitions; r++) {
    for (let i = 0; i < cores; i++) {
      const k = ((i + r) % cores) + 1;
      const executor = workerPoolExecutor({ module: objectives, exportName: 'cpuBound', size: k });
      try {
        loads.push(loadavg()[0]);
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
    onRepetition?.(r);
  }
  return { times: new Map([...times].sort(([a], [b]) => a - b)), loads };
}

async function main() {
  const quick = process.argv.includes('--quick');
  const cores = availableParallelism();
  console.log(
    `node ${process.version}, ${cores} cores, load average ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );

  // 1. Overhead per executor.
  const n = quick ? 50 : 200;
  const names = {
    memory: 'in-process, memory journal',
    file: 'in-process, file journal (fsync per record)',
    threadsFresh: `pool: threads, fresh worker per trial (${cores})`,
    threadsReused: `pool: threads, workers reused (${cores})`,
    processes: `pool: processes, fresh per trial (${cores})`,
    'bullmq-none': `BullMQ: 1 worker x ${cores}, isolation none`,
    'bullmq-thread': `BullMQ: 1 worker x ${cores}, isolation thread`,
  };
  const { rows, redisUnavailable } = await measureExecutors({
    trials: n,
    fresh: quick ? 20 : 60,
    processes: quick ? 10 : 30,
    cores,
  });
  if (redisUnavailable !== null) console.log('redis-server not found: BullMQ row skipped');
  console.table(
    rows.map(({ id, trials, ms }) => ({
      executor: names[id],
      trials,
      'trials/s': Number(((trials * 1000) / ms).toFixed(1)),
      'ms/trial': Number((ms / trials).toFixed(2)),
    })),
  );

  // 2. Pool scaling on a CPU-bound objective.
  const trials = quick ? 2 * cores : 4 * cores;
  const { times } = await measureScaling({
    trials,
    work: quick ? 10 : 50, // million square roots per trial (about 0.5 s at 50)
    repetitions: quick ? 1 : 3,
    cores,
  });
  const t1 = median(times.get(1));
  console.table(
    [...times].map(([k, list]) => {
      const tk = median(list);
      return {
        workers: k,
        trials,
        'median s': Number((tk / 1000).toFixed(2)),
        speedup: Number((t1 / tk).toFixed(2)),
        efficiency: `${((100 * t1) / (k * tk)).toFixed(0)}%`,
      };
    }),
  );
  console.log(
    `load average after: ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
}

if (realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
