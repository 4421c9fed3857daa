// The labels of the splits benchmarks (bench/splits.mjs and the root benchmark page's
// section bench/sections/splits.mjs): imbalanced classes, drawn with @trainkit/stats' PCG32.
import { createRandom } from '@trainkit/stats';

/**
 * `n` labels of `classes` classes, class c drawn with weight 1 / (c + 1) (class 0 is
 * `classes` times as frequent as the last), PCG32 with `seed`.
 * @returns an Int32Array of length n
 */
export function imbalancedLabels(n, { classes = 10, seed = 2024 } = {}) {
  const weights = Array.from({ length: classes }, (_, c) => 1 / (c + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative = [];
  let sum = 0;
  for (const w of weights) {
    sum += w / total;
    cumulative.push(sum);
  }
  const labels = new Int32Array(n);
  const random = createRandom({ seed });
  for (let i = 0; i < n; i++) {
    const u = random.nextFloat();
    let c = 0;
    while (c < classes - 1 && u >= cumulative[c]) c++;
    labels[i] = c;
  }
  return labels;
}
