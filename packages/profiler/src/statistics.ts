/**
 * The `q`-quantile of `sorted` (ascending) with linear interpolation between
 * closest ranks: position `(n - 1) q` (Hyndman & Fan type 7, NumPy's default
 * `percentile` method). `0` for an empty array.
 *
 * @param sorted - Values in ascending order.
 * @param q - The probability in [0, 1].
 * @returns The interpolated quantile.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
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

/** Sorted ascending copy as a Float64Array (numeric sort). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Arithmetic mean, `0` for an empty array. */
export function mean(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return 0;
  let sum = 0;
  for (let i = 0; i < n; i += 1) sum += values[i]!;
  return sum / n;
}
