import { checkArguments } from '@trainkit/core';

/**
 * The `q`-quantile of `sorted` (ascending) with linear interpolation between
 * closest ranks: position `(n - 1) q` (Hyndman & Fan type 7, NumPy's default
 * `percentile` method). `0` for an empty array. The values are not checked
 * (sort them with {@link sortedCopy} first).
 *
 * @param sorted - Values in ascending order.
 * @param q - The probability in [0, 1] (the 95th percentile is `0.95`).
 * @returns The interpolated quantile.
 * @throws InvalidArgumentError for `q` outside [0, 1].
 * @example
 * ```ts
 * quantileSorted([1, 2, 3, 4], 0.5); // 2.5, as numpy.percentile([1, 2, 3, 4], 50)
 * quantileSorted(sortedCopy(durations), 0.95); // the p95
 * ```
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) checkArguments('quantileSorted').number('q', q, { min: 0, max: 1 });
  const n = sorted.length;
  if (n === 0) return 0;
  const position = (n - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, n - 1);
  const fraction = position - lower;
  const a = sorted[lower]!;
  const b = sorted[upper]!;
  return fraction === 0 ? a : a + (b - a) * fraction;
}

/**
 * A sorted ascending copy as a Float64Array (numeric order, NaN last); the
 * input is not modified.
 *
 * @param values - Any numbers.
 * @returns A new sorted Float64Array.
 * @example
 * ```ts
 * sortedCopy([10, 2, 33]); // Float64Array [2, 10, 33] (Array.prototype.sort would give [10, 2, 33])
 * ```
 */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * The arithmetic mean, `0` for an empty array (plain left-to-right sum, as
 * `numpy.mean` of a short array).
 *
 * @param values - Numbers (a NaN makes the mean NaN).
 * @returns The mean.
 * @example
 * ```ts
 * mean([1, 2, 3, 4]); // 2.5
 * ```
 */
export function mean(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return 0;
  let sum = 0;
  for (let i = 0; i < n; i += 1) sum += values[i]!;
  return sum / n;
}
