// BENCHMARKS.md section "search": @trainkit/search's per-trial overhead per executor on a
// trivial objective, and worker-pool scaling on a CPU-bound objective (1..cores workers,
// efficiency T(1) / (k * T(k)), medians of interleaved repetitions). The measurements are
// packages/search/bench/search.mjs' own (measureExecutors, measureScaling), written as JSON.
//
//   node bench/sections/search.mjs [--quick] [--runs N] [--out PATH]
import { availableParallelism } from 'node:os';
import { measureExecutors, measureScaling } from '../../packages/search/bench/search.mjs';
import { median, spread, startSection } from '../lib/common.mjs';

const { options, progress, finish } = startSection('search');
const quick = options.quick;
const cores = availableParallelism();

const titles = {
  memory: 'in-process, memory journal',
  file: 'in-process, file journal (fsync per record)',
  threadsFresh: `pool: threads, a fresh worker per trial (default), ${cores} workers`,
  threadsReused: `pool: threads, workers reused, ${cores} workers`,
  processes: `pool: processes, a fresh one per trial, ${cores} workers`,
  'bullmq-none': `BullMQ: 1 worker process x ${cores}, isolation 'none'`,
  'bullmq-thread': `BullMQ: 1 worker process x ${cores}, isolation 'thread'`,
};
const { rows, redisUnavailable } = await measureExecutors({
  trials: quick ? 20 : 200,
  fresh: quick ? 6 : 60,
  processes: quick ? 4 : 30,
  cores,
  onRow: (row) => progress(`${row.id} done`),
});
const executors = rows.map(({ id, trials, ms, loadAverage }) => ({
  id,
  title: titles[id],
  trials,
  msPerTrial: ms / trials,
  trialsPerSecond: (trials * 1000) / ms,
  loadAverage,
}));

// Pool scaling on a CPU-bound objective.
const trials = quick ? 2 * cores : 4 * cores;
const work = quick ? 5 : 50; // million square roots per trial (about 0.5 s at 50)
const repetitions = options.runs ?? (quick ? 1 : 3);
const { times, loads } = await measureScaling({
  trials,
  work,
  repetitions,
  cores,
  onRepetition: (r) => progress(`scaling repetition ${r + 1}/${repetitions} done`),
});
const t1 = median(times.get(1));
const scaling = [...times].map(([k, list]) => {
  const tk = median(list);
  return {
    workers: k,
    trials,
    seconds: spread(list.map((ms) => ms / 1000)),
    speedup: t1 / tk,
    efficiency: t1 / (k * tk),
  };
});

finish({
  cores,
  executors,
  redisUnavailable,
  scaling,
  scalingWork: `${work} million square roots per trial, ${trials} trials, fresh worker threads`,
  loadAverage: spread(loads),
});
