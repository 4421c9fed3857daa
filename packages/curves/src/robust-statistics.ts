import { checkArguments } from '@trainkit/core';

/** Scale factor that turns a median absolute deviation into a normal standard deviation. */
const madToSigma = 1.482602218505602;

/**
 * The median of a list of numbers (the mean of the two middle values for an
 * even count). Does not modify its input.
 *
 * @param values - Finite numbers, at least one.
 * @returns The median.
 * @example
 * ```ts
 * median([3, 1, 2, 10]); // 2.5
 * ```
 */
export function median(values: ArrayLike<number>): number {
  const check = checkArguments('median');
  check.nonEmptyArray('values', values);
  return medianOf(Float64Array.from(values));
}

/** Median that sorts (and so reorders) its scratch argument. Internal. */
export function medianOf(scratch: Float64Array): number {
  const n = scratch.length;
  if (n === 0) return Number.NaN;
  scratch.sort();
  const middle = n >> 1;
  return n % 2 === 1 ? scratch[middle]! : (scratch[middle - 1]! + scratch[middle]!) / 2;
}

/**
 * A robust estimate of the point-to-point noise of a curve: the standard
 * deviation sigma of independent noise added to a slowly changing signal,
 * estimated from first differences so that the trend does not count as noise.
 *
 * `sigma = 1.4826 * median(|d - median(d)|) / sqrt(2)`, with `d[i] = v[i+1] - v[i]`
 * (the median absolute deviation of the differences, scaled to a normal
 * standard deviation; a difference of two independent noises has variance
 * `2 sigma^2`). Spikes and NaN-free outliers barely move it; a smooth trend
 * adds only its (nearly constant) slope, which the centring removes.
 *
 * @param values - The curve's values in order (non-finite values are skipped).
 * @returns sigma, or 0 with fewer than 3 finite values.
 * @example
 * ```ts
 * robustNoise([1, 1.1, 0.9, 1.1, 0.9]); // about 0.2
 * ```
 */
export function robustNoise(values: ArrayLike<number>): number {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (Number.isFinite(value)) finite.push(value);
  }
  if (finite.length < 3) return 0;
  const differences = new Float64Array(finite.length - 1);
  for (let i = 0; i + 1 < finite.length; i++) differences[i] = finite[i + 1]! - finite[i]!;
  const center = medianOf(Float64Array.from(differences));
  for (let i = 0; i < differences.length; i++) {
    differences[i] = Math.abs(differences[i]! - center);
  }
  return (madToSigma * medianOf(differences)) / Math.SQRT2;
}
