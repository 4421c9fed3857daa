import { checkArguments, ShapeMismatchError } from '@trainkit/core';
import type { Series } from './series';

/** How {@link downsample} picks the points it keeps. */
export type DownsampleMethod = 'min-max' | 'lttb';

/** Options of {@link downsample}. */
export interface DownsampleOptions {
  /** Keep at most this many points (>= 4). */
  readonly maxPoints: number;
  /** `'min-max'` (default; keeps every bucket's extremes) or `'lttb'`. */
  readonly method?: DownsampleMethod;
}

function validate(
  functionName: string,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  maxPoints: number,
): void {
  const check = checkArguments(functionName);
  check.integer('maxPoints', maxPoints, { min: 4 });
  if (xs.length !== ys.length) {
    throw new ShapeMismatchError({
      functionName,
      argument: 'values',
      expected: xs.length,
      actual: ys.length,
      fix: 'Pass one value per iteration.',
    });
  }
  for (let i = 0; i < ys.length; i++) {
    if (!Number.isFinite(xs[i]!) || !Number.isFinite(ys[i]!)) {
      check.fail(
        `values[${i}]`,
        ys[i],
        'a finite number (with a finite iteration)',
        'Drop non-finite points first; plots mark divergence separately.',
      );
    }
  }
}

/**
 * Indices kept by min/max-per-bucket downsampling: the first and last point,
 * and in each of `floor((maxPoints - 2) / 2)` equal-count buckets of the
 * interior, the minimum and the maximum (in their original order). Every
 * extreme survives, so a plot of the result has the same vertical envelope as
 * the full curve, spikes included (the idea of M4, Jugel et al., VLDB 2014).
 *
 * @param iterations - x, same length as `values`, finite.
 * @param values - y, finite.
 * @param maxPoints - Upper bound on the number of indices returned, >= 4.
 * @returns Strictly increasing indices; all of them when `values.length <= maxPoints`.
 * @example
 * ```ts
 * minMaxIndices([0, 1, 2, 3, 4, 5], [0, 5, 1, -3, 2, 0], 4); // [0, 1, 3, 5]
 * ```
 */
export function minMaxIndices(
  iterations: ArrayLike<number>,
  values: ArrayLike<number>,
  maxPoints: number,
): number[] {
  validate('minMaxIndices', iterations, values, maxPoints);
  const n = values.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.floor((maxPoints - 2) / 2);
  const interior = n - 2;
  const out = [0];
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * interior) / buckets);
    const end = 1 + Math.floor(((b + 1) * interior) / buckets);
    if (end <= start) continue;
    let lo = start;
    let hi = start;
    for (let i = start + 1; i < end; i++) {
      if (values[i]! < values[lo]!) lo = i;
      if (values[i]! > values[hi]!) hi = i;
    }
    if (lo === hi) out.push(lo);
    else out.push(Math.min(lo, hi), Math.max(lo, hi));
  }
  out.push(n - 1);
  return out;
}

/**
 * Indices kept by Largest-Triangle-Three-Buckets (Steinarsson, "Downsampling
 * Time Series for Visual Representation", 2013): the first and last point,
 * and from each of `maxPoints - 2` equal-count buckets the point that forms
 * the largest triangle with the point kept in the previous bucket and the
 * mean of the next bucket. It keeps the visual shape (peaks, turns) with
 * exactly `maxPoints` points, but unlike {@link minMaxIndices} it does not
 * guarantee that the global extremes survive.
 *
 * @param iterations - x, same length as `values`, finite.
 * @param values - y, finite.
 * @param maxPoints - Number of indices returned (when the curve is longer), >= 4.
 * @returns Strictly increasing indices.
 * @example
 * ```ts
 * lttbIndices(xs, ys, 200); // 200 indices into xs/ys
 * ```
 */
export function lttbIndices(
  iterations: ArrayLike<number>,
  values: ArrayLike<number>,
  maxPoints: number,
): number[] {
  validate('lttbIndices', iterations, values, maxPoints);
  const n = values.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const buckets = maxPoints - 2;
  const size = (n - 2) / buckets;
  const out = [0];
  let previous = 0;
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor(b * size);
    const end = Math.min(1 + Math.floor((b + 1) * size), n - 1);
    // Mean of the next bucket (the last point for the final bucket).
    const nextStart = end;
    const nextEnd = b + 1 < buckets ? Math.min(1 + Math.floor((b + 2) * size), n - 1) : n;
    let meanX = 0;
    let meanY = 0;
    for (let i = nextStart; i < nextEnd; i++) {
      meanX += iterations[i]!;
      meanY += values[i]!;
    }
    const count = Math.max(nextEnd - nextStart, 1);
    meanX /= count;
    meanY /= count;
    const ax = iterations[previous]!;
    const ay = values[previous]!;
    let best = start;
    let bestArea = -1;
    for (let i = start; i < end; i++) {
      const area = Math.abs(
        (ax - meanX) * (values[i]! - ay) - (ax - iterations[i]!) * (meanY - ay),
      );
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    out.push(best);
    previous = best;
  }
  out.push(n - 1);
  return out;
}

/**
 * Reduces a long curve to at most `maxPoints` points for plotting while
 * keeping its shape. Non-finite values are dropped first (plots mark
 * divergence separately).
 *
 * - `'min-max'` (default): {@link minMaxIndices}; keeps every local extreme
 *   per bucket, so spikes and the global minimum/maximum are never lost.
 * - `'lttb'`: {@link lttbIndices}; smoother looking, exactly `maxPoints` points.
 *
 * @param series - The curve.
 * @param options - `maxPoints` and `method`.
 * @returns A new series, a subsequence of the finite points of `series`.
 * @example
 * ```ts
 * const compact = downsample(history.train, { maxPoints: 500 });
 * ```
 */
export function downsample(series: Series, options: DownsampleOptions): Series {
  const check = checkArguments('downsample');
  options = check.options('options', options ?? null, '{ maxPoints: 500 }');
  const method =
    options.method === undefined
      ? 'min-max'
      : check.oneOf('method', options.method, ['min-max', 'lttb'] as const);
  check.integer('maxPoints', options.maxPoints, { min: 4 });
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < series.values.length; i++) {
    if (Number.isFinite(series.values[i]!)) {
      xs.push(series.iterations[i]!);
      ys.push(series.values[i]!);
    }
  }
  const indices =
    method === 'lttb'
      ? lttbIndices(xs, ys, options.maxPoints)
      : minMaxIndices(xs, ys, options.maxPoints);
  return { iterations: indices.map((i) => xs[i]!), values: indices.map((i) => ys[i]!) };
}
