import { checkArguments } from '@trainkit/core';
import { smoothEma } from './ema';
import { assertSeries, type Series } from './series';
import { windowMean } from './window-mean';

/** How to smooth a curve for a plot. */
export type Smoothing =
  | { readonly method: 'none' }
  /** TensorBoard's debiased EMA; `weight` in [0, 1), TensorBoard's slider (0.6 default there). */
  | { readonly method: 'ema'; readonly weight: number }
  /** Trailing mean of the last `window` points. */
  | { readonly method: 'window'; readonly window: number };

/**
 * Smooths a curve for plotting with this package's smoothers (no second
 * implementation here): `'ema'` is TensorBoard's debiased exponential moving
 * average ({@link smoothEma}), `'window'` a trailing moving average
 * ({@link windowMean}). Iterations are kept; non-finite values pass through
 * the EMA unchanged and poison a window while inside it.
 *
 * @param series - The curve.
 * @param smoothing - `{ method: 'ema', weight }`, `{ method: 'window', window }` or `{ method: 'none' }`.
 * @returns A new series of the same length.
 * @throws InvalidArgumentError for a series that is not `{ iterations, values }` (a bare array,
 *   say), an unknown method or a bad weight/window; ShapeMismatchError for arrays of two lengths.
 * @example
 * ```ts
 * const smooth = smoothSeries(history.train, { method: 'ema', weight: 0.9 });
 * ```
 */
export function smoothSeries(series: Series, smoothing: Smoothing): Series {
  const check = checkArguments('smoothSeries');
  assertSeries('smoothSeries', 'series', series);
  if (typeof smoothing !== 'object' || smoothing === null) {
    check.fail('smoothing', smoothing, "an object such as { method: 'ema', weight: 0.6 }");
  }
  const method = check.oneOf('smoothing.method', smoothing.method, ['none', 'ema', 'window']);
  const iterations = [...series.iterations];
  if (method === 'none') return { iterations, values: [...series.values] };
  const values =
    method === 'ema'
      ? smoothEma(series.values, (smoothing as { weight: number }).weight)
      : windowMean(series.values, (smoothing as { window: number }).window);
  return { iterations, values: Array.from(values) };
}
