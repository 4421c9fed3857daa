// Time of diagnose() and of the trend statistics on long curves.
// Build first (npx tsup); run with `npm run bench`. Prints milliseconds per call.
import { performance } from 'node:perf_hooks';
import { trendTest } from '@trainkit/stats';
import {
  createHistory,
  curvesSvg,
  diagnose,
  recordTraining,
  recordValidation,
} from '../dist/index.js';

function history(iterations) {
  const h = createHistory({ name: `${iterations}` });
  let seed = 1;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  for (let t = 0; t < iterations; t++) {
    recordTraining(
      h,
      t,
      (0.05 + 2.25 * Math.exp((-t / iterations) * 6)) * (1 + 0.1 * (random() - 0.5)),
    );
    if (t > 0 && t % Math.max(1, Math.floor(iterations / 100)) === 0) {
      recordValidation(
        h,
        t,
        0.5 +
          1.8 * Math.exp((-t / iterations) * 6) +
          (0.3 * Math.max(0, t - iterations / 3)) / iterations,
      );
    }
  }
  return h;
}

function time(label, fn, repeats) {
  fn();
  const start = performance.now();
  for (let i = 0; i < repeats; i++) fn();
  const ms = (performance.now() - start) / repeats;
  console.log(`${label.padEnd(40)} ${ms.toFixed(3)} ms`);
}

for (const n of [1_000, 10_000, 100_000, 1_000_000]) {
  const h = history(n);
  time(`diagnose, ${n} iterations`, () => diagnose(h), n >= 1_000_000 ? 2 : 10);
  time(`curvesSvg, ${n} iterations`, () => curvesSvg(h), n >= 1_000_000 ? 2 : 10);
}
for (const n of [100, 500, 2_000]) {
  const values = Array.from(
    { length: n },
    (_, i) => Math.exp(-i / n) + Math.sin(i * 12.9898) * 0.05,
  );
  time(`trendTest, ${n} points`, () => trendTest(values), 5);
}
