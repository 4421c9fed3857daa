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
  return medianInPlace(Float64Array.from(values));
}

/**
 * The median of a scratch array, which it sorts in place (no copy: for hot
 * loops that already own a buffer). NaN for an empty array; no validation.
 *
 * @param scratch - Values; reordered (sorted ascending) by the call.
 * @returns The median.
 * @example
 * ```ts
 * const scratch = Float64Array.of(3, 1, 2, 10);
 * medianInPlace(scratch); // 2.5, scratch is now [1, 2, 3, 10]
 * ```
 */
export function medianInPlace(scratch: Float64Array): number {
  const n = scratch.length;
  if (n === 0) return Number.NaN;
  scratch.sort();
  const middle = n >> 1;
  return n % 2 === 1 ? scratch[middle]! : (scratch[middle - 1]! + scratch[middle]!) / 2;
}

/**
 * A robust estimate of the point-to-point noise of a curve: the standard
 * deviation sigma of independent noise added to a smoothly changing signal,
 * estimated from second differences so that the trend (even a curving one,
 * like a loss curve's) does not count as noise.
 *
 * `sigma = 1.4826 * median(|d - median(d)|) / sqrt(6)`, with
 * `d[i] = v[i+1] - 2 v[i] + v[i-1]` (the median absolute deviation of the
 * second differences, scaled to a normal standard deviation; a second
 * difference of independent noises has variance `6 sigma^2`). Spikes barely
 * move it; a locally linear trend cancels exactly.
 *
 * @param values - The curve's values in order (non-finite values are skipped).
 * @returns sigma, or 0 with fewer than 4 finite values.
 * @example
 * ```ts
 * robustNoise([1, 1.1, 0.9, 1.1, 0.9, 1.1]); // 0.2118
 * ```
 */
export function robustNoise(values: ArrayLike<number>): number {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (Number.isFinite(value)) finite.push(value);
  }
  if (finite.length < 4) return 0;
  const differences = new Float64Array(finite.length - 2);
  for (let i = 1; i + 1 < finite.length; i++) {
    differences[i - 1] = finite[i + 1]! - 2 * finite[i]! + finite[i - 1]!;
  }
  const center = medianInPlace(Float64Array.from(differences));
  for (let i = 0; i < differences.length; i++) {
    differences[i] = Math.abs(differences[i]! - center);
  }
  return (madToSigma * medianInPlace(differences)) / Math.sqrt(6);
}
