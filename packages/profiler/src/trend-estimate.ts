import { checkArguments } from '@trainkit/core';
import {
  checkFiniteValues,
  criticalZ,
  mannKendall,
  significanceLevel,
  trendOnset,
} from '@trainkit/stats';
import { formatDuration } from './format-duration';

/** Options of {@link estimateTimeToTrend}. */
export interface TrendEstimateOptions {
  /** Mean iteration time in milliseconds (e.g. `summarizeProfile(...).iteration.meanMs`); enables the times. */
  readonly msPerIteration?: number;
  /** Significance level of the two-sided Mann-Kendall test. Default `0.05`. */
  readonly alpha?: number;
  /** Iterations between two recorded losses. Default `1`. */
  readonly iterationsPerLoss?: number;
  /** Fewer losses than this give `insufficient-data`. Default `8`. */
  readonly minPoints?: number;
  /**
   * Longer curves are reduced to at most this many means of consecutive
   * losses before testing (the test is O(n²)). Default `1000`.
   */
  readonly maxPoints?: number;
}

/** Result of {@link estimateTimeToTrend}. */
export interface TrendEstimate {
  /**
   * `clear`: the trend is already significant; `pending`: it should become
   * significant after `iterationsNeeded` more iterations if the current slope
   * and noise persist; `no-trend`: no slope to extrapolate (S = 0);
   * `insufficient-data`: fewer than `minPoints` losses.
   */
  readonly status: 'clear' | 'pending' | 'no-trend' | 'insufficient-data';
  /** Sign of the Mann-Kendall statistic (`none` when S = 0 or too few losses). */
  readonly direction: 'decreasing' | 'increasing' | 'none';
  /** Losses received. */
  readonly points: number;
  /** Mann-Kendall z of the (bucketed) curve; 0 with too few losses. */
  readonly z: number;
  /** Two-sided p-value of `z`; 1 with too few losses. */
  readonly pValue: number;
  /** |z| needed at the chosen level, Φ⁻¹(1 - alpha / 2). */
  readonly zRequired: number;
  /** More iterations until the trend is expected to be significant (0 when clear); `null` when unknown. */
  readonly iterationsNeeded: number | null;
  /** `iterationsNeeded` times `msPerIteration`; `null` when either is unknown. */
  readonly msNeeded: number | null;
  /** When clear: iterations after which it first became clear (`@trainkit/stats`' `trendOnset`); otherwise `null`. */
  readonly clearAfterIterations: number | null;
  /** `clearAfterIterations` times `msPerIteration`; `null` when either is unknown. */
  readonly clearAfterMs: number | null;
  /** One sentence for a report. */
  readonly message: string;
}

function bucketMeans(values: ArrayLike<number>, size: number): Float64Array {
  const count = Math.ceil(values.length / size);
  const means = new Float64Array(count);
  for (let b = 0; b < count; b += 1) {
    const end = Math.min(values.length, (b + 1) * size);
    let sum = 0;
    for (let i = b * size; i < end; i += 1) sum += values[i]!;
    means[b] = sum / (end - b * size);
  }
  return means;
}

/**
 * How long until the loss curve shows a clear trend, from the losses so far.
 *
 * Uses the Mann-Kendall test of `@trainkit/stats` on the whole curve (means
 * of consecutive losses when longer than `maxPoints`). When the trend is not
 * yet significant, it extrapolates: for a linear trend β·t with noise σ the
 * statistic grows as z ∝ (β/σ)·n^{3/2} while the signal is weak (E[S] ≈ Σ
 * over pairs of (j - i)β/(σ√π), Var S ≈ n³/18), so significance needs
 * n_needed = n·(z_required/|z|)^{2/3} losses; bucketing does not change this
 * (slope and noise rescale together). The answer assumes the current slope
 * and noise persist; it is an estimate, not a promise. When the trend is
 * already clear, `trendOnset` (stats) tells after how many iterations it
 * first became clear.
 *
 * @param losses - Training losses in order, one per `iterationsPerLoss` iterations (finite).
 * @param options - See {@link TrendEstimateOptions}.
 * @returns A {@link TrendEstimate}.
 * @throws InvalidArgumentError for non-finite losses or bad options.
 *
 * @example
 * ```ts
 * const report = summarizeProfile(profiler.state());
 * const trend = estimateTimeToTrend(losses, { msPerIteration: report.iteration.meanMs });
 * console.log(trend.message);
 * ```
 */
export function estimateTimeToTrend(
  losses: ArrayLike<number>,
  options: TrendEstimateOptions = {},
): TrendEstimate {
  const check = checkArguments('estimateTimeToTrend');
  options = check.options('options', options, '{ msPerIteration: 20 }');
  if (losses === null || typeof losses !== 'object' || typeof losses.length !== 'number') {
    check.fail('losses', losses, 'an array of finite losses');
  }
  const msPerIteration =
    options.msPerIteration === undefined
      ? null
      : check.nonNegative('msPerIteration', options.msPerIteration);
  const alpha = significanceLevel(check, options.alpha, 0.05);
  const perLoss =
    options.iterationsPerLoss === undefined
      ? 1
      : check.integer('iterationsPerLoss', options.iterationsPerLoss, { min: 1 });
  const minPoints =
    options.minPoints === undefined ? 8 : check.integer('minPoints', options.minPoints, { min: 3 });
  const maxPoints =
    options.maxPoints === undefined
      ? 1000
      : check.integer('maxPoints', options.maxPoints, { min: minPoints, max: 2000 });
  const n = losses.length;
  checkFiniteValues(
    check,
    'losses',
    losses,
    'A NaN or infinite loss means divergence: drop it or stop training.',
  );
  const zRequired = criticalZ(alpha);
  const times = (iterations: number | null): number | null =>
    iterations === null || msPerIteration === null ? null : iterations * msPerIteration;
  if (n < minPoints) {
    return {
      status: 'insufficient-data',
      direction: 'none',
      points: n,
      z: 0,
      pValue: 1,
      zRequired,
      iterationsNeeded: null,
      msNeeded: null,
      clearAfterIterations: null,
      clearAfterMs: null,
      message: `not enough losses for a trend yet (${n} of at least ${minPoints}).`,
    };
  }
  const bucket = Math.ceil(n / maxPoints);
  const values = bucket === 1 ? losses : bucketMeans(losses, bucket);
  const test = mannKendall(values);
  const direction = test.s < 0 ? 'decreasing' : test.s > 0 ? 'increasing' : 'none';
  const stats = `Mann-Kendall z = ${test.z.toFixed(2)}, p = ${test.pValue.toPrecision(2)} over ${n} losses`;
  const base = { direction, points: n, z: test.z, pValue: test.pValue, zRequired } as const;
  if (direction !== 'none' && test.pValue < alpha) {
    const onset = trendOnset(values, {
      direction,
      alpha,
      minPoints: Math.min(minPoints, values.length),
    });
    const clearAfterIterations =
      (onset === undefined ? values.length : onset.count) * bucket * perLoss;
    const clearAfterMs = times(clearAfterIterations);
    return {
      ...base,
      status: 'clear',
      iterationsNeeded: 0,
      msNeeded: msPerIteration === null ? null : 0,
      clearAfterIterations,
      clearAfterMs,
      message:
        `clear ${direction} trend (${stats}); it became clear after about ${clearAfterIterations} iterations` +
        (clearAfterMs === null ? '.' : ` (${formatDuration(clearAfterMs)}).`),
    };
  }
  if (direction === 'none' || test.z === 0) {
    return {
      ...base,
      status: 'no-trend',
      iterationsNeeded: null,
      msNeeded: null,
      clearAfterIterations: null,
      clearAfterMs: null,
      message: `no trend to extrapolate (${stats}): as many rises as falls.`,
    };
  }
  const needed = n * (zRequired / Math.abs(test.z)) ** (2 / 3);
  const iterationsNeeded = Math.max(1, Math.ceil(needed - n)) * perLoss;
  const msNeeded = times(iterationsNeeded);
  return {
    ...base,
    status: 'pending',
    iterationsNeeded,
    msNeeded,
    clearAfterIterations: null,
    clearAfterMs: null,
    message:
      `no clear trend yet (${stats}; |z| must reach ${zRequired.toFixed(2)}); if the current ${direction} slope and noise persist, ` +
      `about ${iterationsNeeded} more iterations` +
      (msNeeded === null ? '.' : ` (${formatDuration(msNeeded)}).`),
  };
}
