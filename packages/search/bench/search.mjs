// Benchmarks of @trainkit/search (run `npx tsup` first; `npm run bench`):
//   node bench/search.mjs [--quick]
// 1. Trials per second and the per-trial overhead (ms) of each executor on a trivial
//    objective: in-process (memory journal, file journal with fsync per record), worker pool
//    (threads fresh per trial, threads reused, processes), BullMQ (a private redis-server,
//    one worker process) when redis-server is installed.
// 2. Worker-pool scaling on a CPU-bound objective, 1..cores workers: speedup and efficiency
//    T(1) / (k * T(k)), medians of interleaved repetitions. Target efficiency >= 85%.
// The machine's load average is printed: on a shared machine it explains most of the spread.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { categorical, defineSpace, manualSearch, memoryJournal, runSearch } from '../dist/index.js';
import {
  bullmqExecutor,
  fileJournal,
  startBullmqWorker,
  workerPoolExecutor,
} from '../dist/node/index.js';

const quick = process.argv.includes('--quick');
const objectives = fileURLToPath(new URL('./objectives.mjs', import.meta.url));
const cores = availableParallelism();
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
    throw new Error(`not all finished: ${JSON.stringify(result.counts)}`);
  return ms;
}

function row(name, trials, ms) {
  return {
    executor: name,
    trials,
    'trials/s': Number(((trials * 1000) / ms).toFixed(1)),
    'ms/trial': Number((ms / trials).toFixed(2)),
  };
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
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.stdout.on('data', (data) => {
      if (String(data).includes('Ready to accept connections')) resolve();
    });
  });
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
}

console.log(
  `node ${process.version}, ${cores} cores, load average ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);

// 1. Overhead per executor.
const n = quick ? 50 : 200;
const rows = [];
rows.push(
  row(
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
  rows.push(
    row(
      'in-process, file journal (fsync per record)',
      n,
      await timeSearch({ strategy: strategy(n), objective: (t) => t.config.x, journal }),
    ),
  );
  await journal.close();
  rmSync(dir, { recursive: true, force: true });
}
for (const [name, options, count] of [
  [
    'pool: threads, fresh worker per trial',
    { isolation: 'thread', freshWorkerPerTrial: true },
    quick ? 20 : 60,
  ],
  ['pool: threads, workers reused', { isolation: 'thread', freshWorkerPerTrial: false }, n],
  [
    'pool: processes, fresh per trial',
    { isolation: 'process', freshWorkerPerTrial: true },
    quick ? 10 : 30,
  ],
]) {
  const executor = workerPoolExecutor({
    module: objectives,
    exportName: 'trivial',
    size: cores,
    ...options,
  });
  try {
    rows.push(
      row(
        `${name} (${cores})`,
        count,
        await timeSearch({ strategy: strategy(count), executor, journal: memoryJournal() }),
      ),
    );
  } finally {
    await executor.close();
  }
}
let redis;
try {
  redis = await startRedis();
} catch {
  console.log('redis-server not found: BullMQ row skipped');
}
if (redis !== undefined) {
  for (const isolation of ['none', 'thread']) {
    const count = isolation === 'none' ? n : quick ? 20 : 60;
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
      rows.push(
        row(
          `BullMQ: 1 worker x ${cores}, isolation ${isolation}`,
          count,
          await timeSearch({ strategy: strategy(count), executor, journal: memoryJournal() }),
        ),
      );
    } finally {
      await executor.close();
      await worker.close();
    }
  }
  redis.stop();
}
console.table(rows);

// 2. Pool scaling on a CPU-bound objective.
const trials = quick ? 2 * cores : 4 * cores;
const work = quick ? 10 : 50; // million square roots per trial (about 0.5 s)
const repetitions = quick ? 1 : 3;
const times = new Map();
for (let r = 0; r < repetitions; r++) {
  for (let k = 1; k <= cores; k++) {
    const executor = workerPoolExecutor({ module: objectives, exportName: 'cpuBound', size: k });
    try {
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
}
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
