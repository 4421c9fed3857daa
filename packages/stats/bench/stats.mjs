// Throughput of the hot statistics: the curve smoothers, the PCG32 generator and the
// trend test. Build first (`npx tsup`), then `npm run bench`. Prints the median of 7 runs.
import { performance } from 'node:perf_hooks';
import {
  createEma,
  createRandom,
  createWindowMean,
  mannKendall,
  smoothEma,
  trendTest,
  updateEma,
  updateWindowMean,
  windowMean,
} from '../dist/index.js';

const n = Number(process.env.STATS_BENCH_N ?? 1_000_000);
const random = createRandom({ seed: 1 });
const losses = Float64Array.from(
  { length: n },
  (_, i) => 2 * Math.exp(-i / n) + 0.1 * random.nextFloat(),
);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

function time(name, count, run) {
  run(); // warm-up
  const runs = [];
  for (let r = 0; r < 7; r++) {
    const start = performance.now();
    run();
    runs.push(performance.now() - start);
  }
  const ms = median(runs);
  console.log(
    `${name.padEnd(44)} ${ms.toFixed(2).padStart(9)} ms  ${(((count / ms) * 1e3) / 1e6).toFixed(1).padStart(7)} M/s`,
  );
}

console.log(`@trainkit/stats, n = ${n.toLocaleString('en')}, median of 7 runs`);
time('smoothEma (series)', n, () => smoothEma(losses, 0.9));
time('updateEma (streaming)', n, () => {
  const state = createEma(0.9);
  for (let i = 0; i < n; i++) updateEma(state, losses[i]);
});
time('windowMean (series, window 50)', n, () => windowMean(losses, 50));
time('updateWindowMean (streaming, window 50)', n, () => {
  const state = createWindowMean(50);
  for (let i = 0; i < n; i++) updateWindowMean(state, losses[i]);
});
const generator = createRandom({ seed: 7 });
time('Random.nextUint32', n, () => {
  let x = 0;
  for (let i = 0; i < n; i++) x ^= generator.nextUint32();
  return x;
});
time('Random.nextFloat', n, () => {
  let x = 0;
  for (let i = 0; i < n; i++) x += generator.nextFloat();
  return x;
});
const words = new Uint32Array(n);
time('Random.fill', n, () => generator.fill(words, n));
const order = new Int32Array(n);
time('Random.shuffle (Int32Array)', n, () => generator.shuffle(order));
const curve = Array.from(losses.subarray(0, 2000));
time('mannKendall (2,000 points)', 2000, () => mannKendall(curve));
time('trendTest (2,000 points)', 2000, () => trendTest(curve));
