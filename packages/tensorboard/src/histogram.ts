/**
 * Histograms in TensorBoard's `HistogramProto` layout with TensorFlow's default
 * bucket boundaries.
 */

import { checkArguments } from '@trainkit/core';
import type { HistogramData } from './event-codec';

let cachedLimits: readonly number[] | undefined;

/**
 * TensorFlow's default histogram bucket limits (the right edges of the buckets).
 *
 * Positive limits start at 1e-12 and grow by a factor of 1.1 while below 1e20
 * (774 limits), followed by `Number.MAX_VALUE` (C's `DBL_MAX`); the negative
 * limits mirror them, and 0 sits between: 1551 limits in all, increasing. The
 * relative width of a bucket is therefore 10% everywhere, whatever the scale of
 * the values, which is what lets TensorBoard draw weights of any magnitude.
 *
 * @returns The limits, increasing (frozen; computed once).
 *
 * @example
 * ```ts
 * const limits = defaultBucketLimits();
 * limits.length; // 1551
 * limits[775]; // 0
 * ```
 */
export function defaultBucketLimits(): readonly number[] {
  if (cachedLimits !== undefined) return cachedLimits;
  const positive: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) positive.push(v);
  positive.push(Number.MAX_VALUE);
  const negative = positive.map((v) => -v).reverse();
  cachedLimits = Object.freeze([...negative, 0, ...positive]);
  return cachedLimits;
}

/** Index of the first limit strictly greater than `value` (C++ `upper_bound`), clamped to the last bucket. */
function bucketIndex(limits: readonly number[], value: number): number {
  let low = 0;
  let high = limits.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (limits[middle]! <= value) low = middle + 1;
    else high = middle;
  }
  return low < limits.length ? low : limits.length - 1;
}

/**
 * Computes a TensorBoard histogram of `values` with {@link defaultBucketLimits}.
 *
 * Bucket `i` counts the values `v` with `limits[i-1] <= v < limits[i]` (the same
 * rule as TensorFlow's `Histogram::Add`). The result is compact: empty buckets
 * before the first and after the last non-empty bucket are left out, and each
 * run of empty buckets between non-empty ones is merged into one empty bucket
 * ending at the run's last limit. TensorBoard draws the first bucket from `min`
 * and the last up to `max`.
 *
 * Non-finite values: NaN is left out of every statistic (it belongs to no
 * bucket); `-Infinity` falls in the first bucket and `+Infinity` in the last
 * (`DBL_MAX`) one, and they make `min`/`max`/`sum` infinite, as TensorFlow does.
 * An empty array and an array of NaN alone give the same empty histogram
 * (`num` 0, no buckets), as TensorBoard's histogram summary accepts empty
 * data: a logging call never stops training because weights became NaN.
 *
 * @param values - The numbers, e.g. a layer's weights.
 * @returns `min`, `max`, `num`, `sum`, `sumSquares`, `bucketLimits`, `bucketCounts`.
 * @throws InvalidArgumentError when `values` is not an array of numbers.
 *
 * @example
 * ```ts
 * const h = computeHistogram([0.5, 0.5, 2]);
 * h.num; // 3
 * h.bucketCounts; // [2, 0, 1]
 * ```
 */
export function computeHistogram(values: ArrayLike<number>): HistogramData {
  const check = checkArguments('computeHistogram');
  const isList =
    Array.isArray(values) || (ArrayBuffer.isView(values) && !(values instanceof DataView));
  if (!isList) check.fail('values', values, 'an array or a typed array of numbers');
  const limits = defaultBucketLimits();
  const counts = new Float64Array(limits.length);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let num = 0;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (typeof value !== 'number') {
      check.fail(`values[${i}]`, value, 'a number');
    }
    if (Number.isNaN(value)) continue;
    counts[bucketIndex(limits, value)]! += 1;
    if (value < min) min = value;
    if (value > max) max = value;
    num += 1;
    sum += value;
    sumSquares += value * value;
  }
  if (num === 0) {
    // No value (or only NaN): the empty histogram, as TensorBoard's own histogram summary
    // writes for empty data.
    return { min: 0, max: 0, num: 0, sum: 0, sumSquares: 0, bucketLimits: [], bucketCounts: [] };
  }
  let first = 0;
  while (counts[first] === 0) first++;
  let last = counts.length - 1;
  while (counts[last] === 0) last--;
  const bucketLimits: number[] = [];
  const bucketCounts: number[] = [];
  for (let i = first; i <= last; i++) {
    const count = counts[i]!;
    if (count === 0) {
      // Merge the run of empty buckets into one that ends at the run's last limit.
      let end = i;
      while (counts[end + 1] === 0) end++;
      bucketLimits.push(limits[end]!);
      bucketCounts.push(0);
      i = end;
    } else {
      bucketLimits.push(limits[i]!);
      bucketCounts.push(count);
    }
  }
  return { min, max, num, sum, sumSquares, bucketLimits, bucketCounts };
}

/**
 * Checks a precomputed histogram before it is written: finite counts >= 0,
 * parallel arrays, increasing limits, `num` equal to the sum of the counts.
 *
 * @internal
 */
export function validateHistogram(functionName: string, histogram: HistogramData): HistogramData {
  const check = checkArguments(functionName);
  const { bucketLimits, bucketCounts } = histogram;
  if (!Array.isArray(bucketLimits) || !Array.isArray(bucketCounts)) {
    check.fail('histogram', histogram, 'an object with bucketLimits and bucketCounts arrays');
  }
  if (bucketLimits.length !== bucketCounts.length) {
    check.fail(
      'histogram.bucketCounts',
      bucketCounts,
      `an array as long as bucketLimits (${bucketLimits.length})`,
    );
  }
  let total = 0;
  for (let i = 0; i < bucketLimits.length; i++) {
    const limit = bucketLimits[i];
    if (typeof limit !== 'number' || Number.isNaN(limit)) {
      check.fail(`histogram.bucketLimits[${i}]`, limit, 'a number');
    }
    if (i > 0 && !(limit > bucketLimits[i - 1]!)) {
      check.fail(
        `histogram.bucketLimits[${i}]`,
        limit,
        `greater than the previous limit ${bucketLimits[i - 1]}`,
        'Bucket limits are right edges and must increase.',
      );
    }
    const count = bucketCounts[i];
    if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) {
      check.fail(`histogram.bucketCounts[${i}]`, count, 'a finite number >= 0');
    }
    total += count;
  }
  for (const key of ['min', 'max', 'sum', 'sumSquares'] as const) {
    if (typeof histogram[key] !== 'number' || Number.isNaN(histogram[key])) {
      check.fail(`histogram.${key}`, histogram[key], 'a number');
    }
  }
  if (
    typeof histogram.num !== 'number' ||
    Math.abs(histogram.num - total) > 1e-9 * Math.max(1, total)
  ) {
    check.fail(
      'histogram.num',
      histogram.num,
      `the sum of bucketCounts (${total})`,
      'Compute histograms with computeHistogram() or keep num in sync with the counts.',
    );
  }
  return histogram;
}
