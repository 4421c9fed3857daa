import type { RuleLimits } from '@trainkit/core';
import {
  type BucketMedians,
  bucketMedians,
  medianInPlace,
  robustNoise,
  type TrendTestResult,
  theilSen,
  trendTest,
} from '@trainkit/stats';
import type { Series, TrainingHistory } from '../history';
import type { CurveMeasurements, WindowTrend } from './verdict';

/**
 * The thresholds of the measurements, shared by several rules (each rule's
 * own thresholds are in its module). Defaults in brackets:
 *
 * - `minPoints` [20]: fewer finite training points and the training curve is
 *   not measured (only `insufficient-data`, or `divergence`, is reported).
 * - `endFraction` [0.25]: the end window is this fraction of the training
 *   iteration span (at least 8 points).
 * - `alpha` [0.005]: significance level of the Mann-Kendall tests of the end
 *   windows, of the whole training curve and of the validation curve; the
 *   tests run on every diagnosis, so false alarms must be rare, and long
 *   training curves keep plenty of power.
 * - `minRelativeChange` [0.05]: a window trend counts as falling/rising only if
 *   it changes the level by this fraction over the window.
 * - `minProgress` [0.05]: training "falls" only if its final level is this
 *   fraction below its start; validation "improved" likewise.
 * - `noiseSigmas` [4]: noise floor: a level change (an end-window trend, the
 *   validation rise or improvement, the divergence rise) must also exceed this
 *   many of its standard errors estimated from the curve's own noise (a false
 *   alarm rate well below 0.1% on pure noise).
 * - `gapTolerance` [0.2]: relative gap (validation - training) / validation
 *   at the end: <= is small (`ideal`), > is a `generalization-gap`.
 * - `buckets` [60]: bucket medians over the whole training curve (smoothing
 *   for the shape rules).
 * - `windowBuckets` [20]: bucket medians over an end window before its trend test.
 */
export const measurementDefaults = {
  minPoints: 20,
  endFraction: 0.25,
  alpha: 0.005,
  minRelativeChange: 0.05,
  minProgress: 0.05,
  noiseSigmas: 4,
  gapTolerance: 0.2,
  buckets: 60,
  windowBuckets: 20,
} as const;

/** The resolved shared thresholds. */
export type MeasurementSettings = { readonly [K in keyof typeof measurementDefaults]: number };

const openFraction = { min: 0, max: 1, minInclusive: false, maxInclusive: false } as const;

/** The allowed range of each shared threshold. */
export const measurementLimits: RuleLimits<MeasurementSettings> = {
  minPoints: { min: 8, integer: true },
  endFraction: openFraction,
  alpha: openFraction,
  minRelativeChange: openFraction,
  minProgress: openFraction,
  noiseSigmas: { min: 0 },
  gapTolerance: openFraction,
  buckets: { min: 8, integer: true },
  windowBuckets: { min: 6, integer: true },
};

/** A curve cut at its first non-finite value. */
export interface Curve {
  readonly xs: number[];
  readonly ys: number[];
  /** The first non-finite point, if any (the curve stops before it). */
  readonly broken: { iteration: number; value: number; count: number } | undefined;
}

/** The shape of the training curve, measured once for the rules. */
export interface TrainingShape {
  readonly first: number;
  readonly last: number;
  /** last - first, at least 1. */
  readonly span: number;
  /** Where the end window starts. */
  readonly windowStart: number;
  /** `buckets` bucket medians of the training curve. */
  readonly buckets: BucketMedians;
  /** Trend test of the bucket medians (at `alpha`). */
  readonly overall: TrendTestResult;
  /** (startLevel - finalLevel) / |startLevel|. */
  readonly relativeDrop: number;
}

/** Everything the rules read, measured once per diagnosis. */
export interface DiagnosisMeasurements {
  /** The history's curves, each cut at its first non-finite value. */
  readonly curves: {
    readonly train: Curve;
    readonly validation: Curve;
    readonly evaluation: Curve;
  };
  /** The last iteration of the training or validation series (non-finite points included). */
  readonly lastIteration: number;
  /** The training curve's measurements; `undefined` with fewer than `minPoints` finite points. */
  readonly train: CurveMeasurements | undefined;
  /** Its shape; present with `train`. */
  readonly shape: TrainingShape | undefined;
  /** The validation curve's measurements; `undefined` without `train` or with fewer than 5 finite points. */
  readonly validation: CurveMeasurements | undefined;
  /**
   * The gap at the end, with `validation`: the final validation level minus
   * the local training level at the last validation point, and that gap
   * relative to the validation level.
   */
  readonly endGap:
    | { readonly trainAtEnd: number; readonly gap: number; readonly relativeGap: number }
    | undefined;
}

/** Fewer finite validation points than this: the validation curve is not measured. */
export const minValidationPoints = 5;
/** An end window holds at least this many points (when the curve has them). */
const minWindowPoints = 8;
/** Points tested at most; longer curves are reduced to bucket medians first. */
const maxTestedPoints = 200;

function finitePrefix(series: Series): Curve {
  const xs: number[] = [];
  const ys: number[] = [];
  let broken: Curve['broken'];
  for (let i = 0; i < series.values.length; i++) {
    const value = series.values[i]!;
    if (!Number.isFinite(value)) {
      let count = 0;
      for (let j = i; j < series.values.length; j++) {
        if (!Number.isFinite(series.values[j]!)) count++;
      }
      broken = { iteration: series.iterations[i]!, value, count };
      break;
    }
    xs.push(series.iterations[i]!);
    ys.push(value);
  }
  return { xs, ys, broken };
}

/** Median of a list (copied). */
export const medianOfList = (values: readonly number[]): number =>
  medianInPlace(Float64Array.from(values));

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** Running median of 3 (ends kept): removes single-point spikes, keeps steps. */
export function runningMedian3(values: readonly number[]): number[] {
  return values.map((value, i) => {
    if (i === 0 || i === values.length - 1) return value;
    return medianOfList([values[i - 1]!, value, values[i + 1]!]);
  });
}

/**
 * Median of the points in (iteration - halfWidth, iteration]; at least the 3
 * points nearest before `iteration` (after it if there are none).
 */
export function localLevel(
  curve: Curve,
  iteration: number,
  halfWidth: number,
): { level: number; count: number } {
  const { xs, ys } = curve;
  // Last index with x <= iteration.
  let hi = -1;
  let lo = 0;
  let up = xs.length - 1;
  while (lo <= up) {
    const mid = (lo + up) >> 1;
    if (xs[mid]! <= iteration) {
      hi = mid;
      lo = mid + 1;
    } else up = mid - 1;
  }
  if (hi < 0) hi = Math.min(2, xs.length - 1);
  let start = hi;
  while (start > 0 && xs[start - 1]! > iteration - halfWidth) start--;
  start = Math.max(0, Math.min(start, hi - 2));
  const window = ys.slice(start, hi + 1);
  return { level: medianOfList(window), count: window.length };
}

function medianSpacing(xs: readonly number[]): number {
  if (xs.length < 2) return 1;
  return medianOfList(xs.slice(1).map((x, i) => x - xs[i]!));
}

/**
 * The half width of the "local training level" next to the points of
 * another curve: half its median spacing, at least span / 50.
 */
export function localHalfWidth(other: Curve, shape: TrainingShape): number {
  return Math.max(medianSpacing(other.xs) / 2, shape.span / 50);
}

/** The least-squares standard error of the change over m equally spaced points with noise sigma. */
export function changeStandardError(sigma: number, m: number): number {
  return m < 3 ? Number.POSITIVE_INFINITY : sigma * (m - 1) * Math.sqrt(12 / (m * (m * m - 1)));
}

function windowTrendOf(
  curve: Curve,
  windowStart: number,
  settings: MeasurementSettings,
  minChangePoints: number,
): WindowTrend | undefined {
  const { xs, ys } = curve;
  let inWindow = xs.findIndex((x) => x >= windowStart);
  if (inWindow < 0) inWindow = xs.length;
  // The test reaches back to at least 8 points (its power); the change is measured over
  // the window itself, reaching back only to `minChangePoints` (a validation curve has few
  // points in the window: its change is quoted over the same iterations as training's).
  const first = Math.min(inWindow, Math.max(0, xs.length - minWindowPoints));
  const changeFirst = Math.max(first, Math.min(inWindow, Math.max(0, xs.length - minChangePoints)));
  const wx = xs.slice(first);
  const wy = ys.slice(first);
  if (wy.length < 4) return undefined;
  const reduced =
    wy.length > 2 * settings.windowBuckets
      ? bucketMedians(wx, wy, settings.windowBuckets)
      : { iterations: wx, values: wy };
  const trend = trendTest(reduced.values, {
    iterations: reduced.iterations,
    alpha: settings.alpha,
  });
  // The noise of the tested points; for bucket medians also derived from the raw points
  // (median of k normal values: 1.2533 sigma / sqrt(k)), the larger of the two (small
  // samples make either estimate low at times).
  const m = reduced.values.length;
  const perBucket = wy.length / m;
  const sigma =
    reduced.values === wy
      ? robustNoise(wy)
      : Math.max(robustNoise(reduced.values), (1.2533 * robustNoise(wy)) / Math.sqrt(perBucket));
  let slope = trend.slope;
  let cx = wx;
  let cy = wy;
  let changePoints = m;
  if (changeFirst > first) {
    cx = xs.slice(changeFirst);
    cy = ys.slice(changeFirst);
    slope = theilSen(cy, { iterations: cx }).slope;
    changePoints = cy.length;
  }
  const level = Math.max(Math.abs(medianOfList(cy)), 1e-12);
  const span = cx[cx.length - 1]! - cx[0]!;
  const relativeChange = (slope * span) / level;
  // Standard error of the change over the window for m equally spaced points with
  // independent noise sigma: sigma * (m - 1) * sqrt(12 / (m (m^2 - 1))) (least squares).
  const standardError = changeStandardError(sigma, changePoints) / level;
  const large =
    Math.abs(relativeChange) >=
    Math.max(settings.minRelativeChange, settings.noiseSigmas * standardError);
  const direction =
    large && trend.direction === 'decreasing' && relativeChange < 0
      ? 'falling'
      : large && trend.direction === 'increasing' && relativeChange > 0
        ? 'rising'
        : 'flat';
  return {
    range: { start: cx[0]!, end: cx[cx.length - 1]! },
    testRange: { start: wx[0]!, end: wx[wx.length - 1]! },
    points: m,
    slope,
    relativeChange,
    standardError,
    pValue: trend.pValue,
    direction,
  };
}

/**
 * Trend test of a curve reduced to at most 200 bucket medians, with the
 * noise of the tested points.
 */
export function reducedTrend(
  xs: readonly number[],
  ys: readonly number[],
  alpha: number,
): { trend: TrendTestResult; points: number; noise: number } {
  if (ys.length <= maxTestedPoints) {
    return {
      trend: trendTest(ys, { iterations: xs, alpha }),
      points: ys.length,
      noise: robustNoise(ys),
    };
  }
  const reduced = bucketMedians(xs, ys, maxTestedPoints);
  const perBucket = ys.length / reduced.values.length;
  return {
    trend: trendTest(reduced.values, { iterations: reduced.iterations, alpha }),
    points: reduced.values.length,
    noise: Math.max(robustNoise(reduced.values), (1.2533 * robustNoise(ys)) / Math.sqrt(perBucket)),
  };
}

function measure(
  curve: Curve,
  kind: 'train' | 'validation',
  windowStart: number,
  settings: MeasurementSettings,
  trainBuckets?: BucketMedians,
): CurveMeasurements {
  const { xs, ys } = curve;
  const n = ys.length;
  const head = kind === 'train' ? clamp(Math.ceil(0.02 * n), 3, 25) : 3;
  const tail = kind === 'train' ? clamp(Math.ceil(0.05 * n), 3, 50) : 3;
  const smoothed =
    kind === 'train'
      ? (trainBuckets ?? bucketMedians(xs, ys, settings.buckets))
      : { iterations: xs, values: runningMedian3(ys) };
  let best = 0;
  smoothed.values.forEach((value, i) => {
    if (value < smoothed.values[best]!) best = i;
  });
  return {
    points: n,
    range: { start: xs[0]!, end: xs[n - 1]! },
    startLevel: medianOfList(ys.slice(0, Math.min(head, n))),
    finalLevel: medianOfList(ys.slice(Math.max(0, n - tail))),
    bestLevel: smoothed.values[best]!,
    bestIteration: smoothed.iterations[best]!,
    noise: robustNoise(kind === 'train' ? ys.slice(Math.floor(n / 2)) : ys),
    endTrend: windowTrendOf(curve, windowStart, settings, kind === 'train' ? minWindowPoints : 3),
  };
}

/**
 * Measures a history's curves once for every rule: each curve cut at its
 * first non-finite value; levels are medians (training start: first 2% of
 * points, 3-25; final: last 5%, 3-50; validation: first/last 3; validation
 * best: minimum of a running median of 3). Noise sigma is `robustNoise` (MAD
 * of second differences). The end window is the last `endFraction` of the
 * training iterations (at least 8 points). A window's trend is a Mann-Kendall
 * test at `alpha` with a Theil-Sen slope, on at most `windowBuckets` bucket
 * medians; it is "falling"/"rising" only if significant AND its change over
 * the window is at least `minRelativeChange` of the window's level AND at
 * least `noiseSigmas` standard errors (least-squares formula with the
 * window's own noise).
 *
 * @param history - The history to diagnose.
 * @param settings - The resolved shared thresholds.
 * @returns The measurements.
 */
export function measureCurves(
  history: TrainingHistory,
  settings: MeasurementSettings,
): DiagnosisMeasurements {
  const train = finitePrefix(history.train);
  const validation = finitePrefix(history.validation);
  const evaluation = finitePrefix(history.trainingEvaluation ?? { iterations: [], values: [] });
  const lastOf = (series: Series) => series.iterations[series.iterations.length - 1] ?? 0;
  const curves = { train, validation, evaluation };
  const lastIteration = Math.max(lastOf(history.train), lastOf(history.validation));
  const n = train.ys.length;
  if (n < settings.minPoints) {
    return {
      curves,
      lastIteration,
      train: undefined,
      shape: undefined,
      validation: undefined,
      endGap: undefined,
    };
  }
  const first = train.xs[0]!;
  const last = train.xs[n - 1]!;
  const span = Math.max(last - first, 1);
  const windowStart = last - settings.endFraction * span;
  // Bucket medians of the training curve: the smoothed curve of its
  // measurements and the series of the overall trend test.
  const buckets = bucketMedians(train.xs, train.ys, settings.buckets);
  const t = measure(train, 'train', windowStart, settings, buckets);
  const overall = trendTest(buckets.values, {
    iterations: buckets.iterations,
    alpha: settings.alpha,
  });
  const relativeDrop = (t.startLevel - t.finalLevel) / Math.max(Math.abs(t.startLevel), 1e-12);
  const v =
    validation.ys.length >= minValidationPoints
      ? measure(validation, 'validation', windowStart, settings)
      : undefined;
  const shape = { first, last, span, windowStart, buckets, overall, relativeDrop };
  let endGap: DiagnosisMeasurements['endGap'];
  if (v !== undefined) {
    const trainAtEnd = localLevel(train, v.range.end, localHalfWidth(validation, shape)).level;
    const gap = v.finalLevel - trainAtEnd;
    endGap = { trainAtEnd, gap, relativeGap: gap / Math.max(Math.abs(v.finalLevel), 1e-12) };
  }
  return { curves, lastIteration, train: t, shape, validation: v, endGap };
}
