import { type ArgumentChecker, checkArguments, ShapeMismatchError } from '@trainkit/core';
import { checkFiniteValues } from './array-arguments';
import { normalQuantile, twoSidedNormalPValue } from './normal-distribution';
import { medianInPlace } from './robust-statistics';

/** Direction of a monotonic trend; `'none'` when the test is not significant. */
export type TrendDirection = 'increasing' | 'decreasing' | 'none';

/** Where the points sit and how strict the test is. */
export interface TrendTestOptions {
  /**
   * The x position of each value (e.g. the iteration), strictly increasing,
   * same length as the values. Default `0, 1, 2, ...`. The Mann-Kendall part
   * only uses the order; the Theil-Sen slope is in value units per unit of x.
   */
  readonly iterations?: ArrayLike<number>;
  /** Significance level of the two-sided test and of the slope interval. Default 0.05. */
  readonly alpha?: number;
  /**
   * Subtract 1 from |S| before dividing by its standard deviation (the usual
   * Mann-Kendall continuity correction). Default `true`; `false` matches
   * `scipy.stats.kendalltau(x, y, method='asymptotic')`.
   */
  readonly continuityCorrection?: boolean;
}

/** The Mann-Kendall trend test (normal approximation, tie-corrected). */
export interface MannKendallResult {
  /** Number of values. */
  readonly count: number;
  /** S = sum over i < j of sign(v[j] - v[i]). */
  readonly s: number;
  /** Var(S) = (n(n-1)(2n+5) - sum over tie groups of t(t-1)(2t+5)) / 18. */
  readonly variance: number;
  /** (S - sign(S)) / sqrt(Var(S)) with the continuity correction, S / sqrt(Var(S)) without; 0 when Var(S) = 0. */
  readonly z: number;
  /** Two-sided p-value, 2 * (1 - Phi(|z|)). */
  readonly pValue: number;
  /** Kendall's tau-b between position and value, in [-1, 1]. */
  readonly tau: number;
}

/** The Theil-Sen estimator of a line through the points. */
export interface TheilSenResult {
  /** Median of the pairwise slopes (v[j] - v[i]) / (x[j] - x[i]), i < j. */
  readonly slope: number;
  /** median(v) - slope * median(x). */
  readonly intercept: number;
  /** Lower end of the (1 - alpha) interval of the slope (Sen 1968, as SciPy's `theilslopes`). */
  readonly slopeLow: number;
  /** Upper end of that interval. */
  readonly slopeHigh: number;
}

/** Everything {@link trendTest} measured. */
export interface TrendTestResult extends MannKendallResult, TheilSenResult {
  /** The significance level used. */
  readonly alpha: number;
  /** `pValue < alpha`. */
  readonly significant: boolean;
  /** The sign of S when significant, otherwise `'none'`. */
  readonly direction: TrendDirection;
}

/**
 * Largest number of points the pairwise statistics accept: Theil-Sen keeps
 * all n(n-1)/2 slopes (2,000 points = 2 million slopes, 16 MB).
 * Downsample longer curves first, e.g. with {@link bucketMedians}.
 */
export const maxTrendPoints = 2000;

interface PreparedInput {
  readonly values: Float64Array;
  readonly iterations: Float64Array;
  readonly alpha: number;
  readonly continuityCorrection: boolean;
}

function prepare(functionName: string, values: unknown, given: TrendTestOptions): PreparedInput {
  const check = checkArguments(functionName);
  const options = check.options('options', given);
  const list = check.nonEmptyArray<number>('values', values);
  if (list.length < 2) {
    check.fail('values', values, 'at least 2 values', 'A trend needs two points or more.');
  }
  if (list.length > maxTrendPoints) {
    check.fail(
      'values.length',
      list.length,
      `<= ${maxTrendPoints}`,
      'Downsample the curve first, e.g. with bucketMedians(iterations, values, 200).',
    );
  }
  const copy = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const value = list[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      check.fail(
        `values[${i}]`,
        value,
        'a finite number',
        'Drop NaN and infinite losses before testing for a trend.',
      );
    }
    copy[i] = value as number;
  }
  const iterations = new Float64Array(list.length);
  if (options.iterations === undefined) {
    for (let i = 0; i < iterations.length; i++) iterations[i] = i;
  } else {
    const x = options.iterations;
    if (x.length !== list.length) {
      throw new ShapeMismatchError({
        functionName,
        argument: 'iterations',
        expected: list.length,
        actual: x.length,
        fix: 'Pass one iteration per value.',
      });
    }
    for (let i = 0; i < x.length; i++) {
      const position = x[i]!;
      if (!Number.isFinite(position) || (i > 0 && position <= iterations[i - 1]!)) {
        check.fail(
          `iterations[${i}]`,
          position,
          i === 0 ? 'a finite number' : `a finite number > ${iterations[i - 1]}`,
          'Iterations must be strictly increasing.',
        );
      }
      iterations[i] = position;
    }
  }
  const alpha = significanceLevel(check, options.alpha, 0.05);
  const continuityCorrection =
    options.continuityCorrection === undefined
      ? true
      : check.boolean('continuityCorrection', options.continuityCorrection);
  return { values: copy, iterations, alpha, continuityCorrection };
}

/** Sum over groups of equal values of f(group size), groups of size >= 2 only. */
function sumOverTies(values: Float64Array, f: (t: number) => number): number {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let sum = 0;
  for (const t of counts.values()) if (t > 1) sum += f(t);
  return sum;
}

const tieVarianceTerm = (t: number): number => t * (t - 1) * (2 * t + 5);

function mannKendallOf(input: PreparedInput): MannKendallResult {
  const { values, continuityCorrection } = input;
  const n = values.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    const vi = values[i]!;
    for (let j = i + 1; j < n; j++) {
      const d = values[j]! - vi;
      s += d > 0 ? 1 : d < 0 ? -1 : 0;
    }
  }
  const variance = (n * (n - 1) * (2 * n + 5) - sumOverTies(values, tieVarianceTerm)) / 18;
  let z = 0;
  if (variance > 0) {
    const corrected = continuityCorrection ? s - Math.sign(s) : s;
    z = corrected / Math.sqrt(variance);
  }
  const pairs = (n * (n - 1)) / 2;
  const tiedPairs = sumOverTies(values, (t) => (t * (t - 1)) / 2);
  const denominator = Math.sqrt(pairs * (pairs - tiedPairs));
  const tau = denominator > 0 ? s / denominator : 0;
  return { count: n, s, variance, z, pValue: twoSidedNormalPValue(z), tau };
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function theilSenOf(input: PreparedInput): TheilSenResult {
  const { values, iterations, alpha } = input;
  const n = values.length;
  const slopes = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) {
      slopes[k++] = (values[j]! - values[i]!) / (iterations[j]! - iterations[i]!);
    }
  }
  slopes.sort();
  const count = slopes.length;
  const middle = count >> 1;
  const slope = count % 2 === 1 ? slopes[middle]! : (slopes[middle - 1]! + slopes[middle]!) / 2;
  const intercept =
    medianInPlace(Float64Array.from(values)) - slope * medianInPlace(Float64Array.from(iterations));
  // Sen (1968) eq. 2.6 with SciPy's index rule (iterations have no ties here).
  const sigma = Math.sqrt((n * (n - 1) * (2 * n + 5) - sumOverTies(values, tieVarianceTerm)) / 18);
  const z = normalQuantile(alpha / 2);
  const upper = Math.min(roundHalfEven((count - z * sigma) / 2), count - 1);
  const lower = Math.max(roundHalfEven((count + z * sigma) / 2) - 1, 0);
  return {
    slope,
    intercept,
    slopeLow: slopes[Math.min(lower, count - 1)]!,
    slopeHigh: slopes[Math.max(upper, 0)]!,
  };
}

/**
 * The Mann-Kendall test for a monotonic trend (Mann 1945; Kendall 1975):
 * a rank test, so it ignores the size of the steps and a few outliers cannot
 * make or break it.
 *
 * `S = sum over i < j of sign(v[j] - v[i])`,
 * `Var(S) = (n(n-1)(2n+5) - sum over tie groups t(t-1)(2t+5)) / 18`,
 * `z = (S - sign(S)) / sqrt(Var(S))`, two-sided `p = erfc(|z| / sqrt(2))`.
 * Without the continuity correction the p-value equals SciPy's
 * `kendalltau(range(n), v, method='asymptotic')`.
 *
 * Cost: O(n^2) time; at most {@link maxTrendPoints} values.
 *
 * @param values - Finite values in time order.
 * @param options - Positions (only their order matters here) and the continuity correction.
 * @returns S, Var(S), z, the two-sided p-value and Kendall's tau-b.
 * @throws InvalidArgumentError for fewer than 2 values, non-finite values or more than {@link maxTrendPoints}.
 * @example
 * ```ts
 * mannKendall([5, 4, 4.5, 3, 2, 1]).pValue; // about 0.02: a falling trend
 * ```
 */
export function mannKendall(
  values: ArrayLike<number>,
  options: Omit<TrendTestOptions, 'alpha'> = {},
): MannKendallResult {
  return mannKendallOf(prepare('mannKendall', values, options));
}

/**
 * The Theil-Sen slope (Theil 1950; Sen 1968): the median of all pairwise
 * slopes, which tolerates up to ~29% arbitrary outliers, with Sen's
 * distribution-free confidence interval. Same numbers as SciPy's
 * `theilslopes(v, x, alpha=1 - alpha)` (note SciPy's `alpha` is the confidence
 * level, ours the significance level).
 *
 * Cost: O(n^2 log n) time, O(n^2) memory; at most {@link maxTrendPoints} values.
 *
 * @param values - Finite values in time order.
 * @param options - Positions (the slope is per unit of position) and alpha for the interval.
 * @returns The slope, intercept and the slope's (1 - alpha) interval.
 * @example
 * ```ts
 * theilSen([0, 1, 2, 30, 4], {}).slope; // 1: the outlier does not move it
 * ```
 */
export function theilSen(
  values: ArrayLike<number>,
  options: Omit<TrendTestOptions, 'continuityCorrection'> = {},
): TheilSenResult {
  return theilSenOf(prepare('theilSen', values, options));
}

/**
 * Is there a monotonic trend, which way, and how steep? Combines the
 * Mann-Kendall test (significance and direction) with the Theil-Sen slope
 * (size), both robust to outliers and to the curve's noise distribution.
 * Feed it a smoothed or downsampled window of a curve (e.g. bucket medians):
 * the diagnosis does, and so can a profiler that asks "how many iterations
 * until the loss shows a clear downward trend" (see {@link trendOnset}).
 *
 * @param values - Finite values in time order (2 to {@link maxTrendPoints}).
 * @param options - `iterations` (x positions), `alpha` (default 0.05), `continuityCorrection` (default true).
 * @returns Mann-Kendall S, Var(S), z, p-value, tau; Theil-Sen slope, intercept and interval;
 *   `significant` (`pValue < alpha`) and `direction`.
 * @throws InvalidArgumentError / ShapeMismatchError for bad values or positions.
 * @example
 * ```ts
 * const trend = trendTest([2.3, 2.1, 2.2, 1.9, 1.7, 1.8, 1.5], { iterations: [0, 10, 20, 30, 40, 50, 60] });
 * trend.direction; // 'decreasing'
 * trend.slope; // about -0.011 per iteration
 * ```
 */
export function trendTest(
  values: ArrayLike<number>,
  options: TrendTestOptions = {},
): TrendTestResult {
  const input = prepare('trendTest', values, options);
  const mk = mannKendallOf(input);
  const ts = theilSenOf(input);
  const significant = mk.pValue < input.alpha;
  const direction: TrendDirection = !significant
    ? 'none'
    : mk.s > 0
      ? 'increasing'
      : mk.s < 0
        ? 'decreasing'
        : 'none';
  return { ...mk, ...ts, alpha: input.alpha, significant, direction };
}

/** Options of {@link trendOnset}. */
export interface TrendOnsetOptions {
  /** Positions of the values, strictly increasing. Default `0, 1, 2, ...`. */
  readonly iterations?: ArrayLike<number>;
  /** The trend to wait for. Default `'decreasing'` (a loss). */
  readonly direction?: 'increasing' | 'decreasing';
  /**
   * Significance level. Default 0.01: the prefix is tested again at every
   * new point, so a stricter level keeps chance detections rare.
   */
  readonly alpha?: number;
  /** Do not test prefixes shorter than this. Default 8. */
  readonly minPoints?: number;
  /**
   * The trend must stay significant for this many consecutive prefixes
   * (counting the first); guards against a lucky early run. Default 3.
   */
  readonly confirmations?: number;
}

/** Where a curve first shows a clear trend. */
export interface TrendOnsetResult {
  /** Number of values (a prefix length) at which the trend became clear. */
  readonly count: number;
  /** Position of the last value of that prefix. */
  readonly iteration: number;
  /** The full {@link trendTest} of that prefix (when the prefix has at most {@link maxTrendPoints} values). */
  readonly trend: TrendTestResult | undefined;
}

/**
 * The shortest prefix of a curve on which the Mann-Kendall test finds a
 * significant trend in the wanted direction, confirmed on the next
 * `confirmations - 1` prefixes. Answers "after how many iterations did the
 * loss clearly start to fall"; a profiler multiplies that by the time per
 * iteration. Incremental: O(n^2) time, O(n) memory, any length.
 *
 * @param values - Finite values in time order (e.g. per-iteration losses or their bucket medians).
 * @param options - Direction (default decreasing), alpha (0.01), minPoints (8), confirmations (3), iterations.
 * @returns The prefix length and position, or `undefined` if no such prefix exists yet.
 * @example
 * ```ts
 * const onset = trendOnset(losses, { iterations });
 * if (onset) console.log(`clear downward trend after ${onset.iteration} iterations`);
 * ```
 */
export function trendOnset(
  values: ArrayLike<number>,
  options: TrendOnsetOptions = {},
): TrendOnsetResult | undefined {
  const check = checkArguments('trendOnset');
  options = check.options('options', options);
  const direction =
    options.direction === undefined
      ? 'decreasing'
      : check.oneOf('direction', options.direction, ['increasing', 'decreasing'] as const);
  const alpha = significanceLevel(check, options.alpha, 0.01);
  const minPoints =
    options.minPoints === undefined ? 8 : check.integer('minPoints', options.minPoints, { min: 3 });
  const confirmations =
    options.confirmations === undefined
      ? 3
      : check.integer('confirmations', options.confirmations, { min: 1 });
  check.nonEmptyArray('values', values);
  const n = values.length;
  checkFiniteValues(check, 'values', values, 'Drop NaN and infinite losses first.');
  if (options.iterations !== undefined && options.iterations.length !== n) {
    throw new ShapeMismatchError({
      functionName: 'trendOnset',
      argument: 'iterations',
      expected: n,
      actual: options.iterations.length,
    });
  }
  const position = (i: number): number =>
    options.iterations === undefined ? i : options.iterations[i]!;
  const wanted = direction === 'decreasing' ? -1 : 1;
  const counts = new Map<number, number>();
  let s = 0;
  let tieTerm = 0;
  let streak = 0;
  for (let k = 0; k < n; k++) {
    const value = values[k]!;
    for (let i = 0; i < k; i++) {
      const d = value - values[i]!;
      s += d > 0 ? 1 : d < 0 ? -1 : 0;
    }
    const before = counts.get(value) ?? 0;
    counts.set(value, before + 1);
    tieTerm += tieVarianceTerm(before + 1) - tieVarianceTerm(before);
    const m = k + 1;
    if (m < minPoints) continue;
    const variance = (m * (m - 1) * (2 * m + 5) - tieTerm) / 18;
    const z = variance > 0 ? (s - Math.sign(s)) / Math.sqrt(variance) : 0;
    const hit = Math.sign(s) === wanted && twoSidedNormalPValue(z) < alpha;
    streak = hit ? streak + 1 : 0;
    if (streak === confirmations) {
      const first = m - confirmations + 1;
      const prefix = Array.from({ length: first }, (_, i) => values[i]!);
      const trend =
        first <= maxTrendPoints
          ? trendTest(prefix, {
              iterations: Array.from({ length: first }, (_, i) => position(i)),
              alpha,
            })
          : undefined;
      return { count: first, iteration: position(first - 1), trend };
    }
  }
  return undefined;
}

/** Bucket medians of a curve: x is the median position of each bucket's points. */
export interface BucketMedians {
  readonly iterations: number[];
  readonly values: number[];
}

/**
 * Splits a curve into `buckets` runs of (nearly) equal point count and keeps
 * the median position and median value of each: a robust smoother and
 * downsampler to feed {@link trendTest}. Non-finite values are skipped.
 * Fewer points than buckets: one bucket per point.
 *
 * @param iterations - Positions, same length as `values`.
 * @param values - The curve.
 * @param buckets - Number of buckets, >= 1.
 * @returns Bucket positions and values (at most `buckets` of each).
 * @example
 * ```ts
 * bucketMedians([0, 1, 2, 3], [4, 100, 2, 1], 2); // { iterations: [0.5, 2.5], values: [52, 1.5] }
 * ```
 */
export function bucketMedians(
  iterations: ArrayLike<number>,
  values: ArrayLike<number>,
  buckets: number,
): BucketMedians {
  const check = checkArguments('bucketMedians');
  check.integer('buckets', buckets, { min: 1 });
  if (iterations.length !== values.length) {
    throw new ShapeMismatchError({
      functionName: 'bucketMedians',
      argument: 'values',
      expected: iterations.length,
      actual: values.length,
      fix: 'Pass one value per iteration.',
    });
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i]!) && Number.isFinite(iterations[i]!)) {
      xs.push(iterations[i]!);
      ys.push(values[i]!);
    }
  }
  const n = xs.length;
  const count = Math.min(buckets, n);
  const out: BucketMedians = { iterations: [], values: [] };
  for (let b = 0; b < count; b++) {
    const start = Math.floor((b * n) / count);
    const end = Math.floor(((b + 1) * n) / count);
    if (end <= start) continue;
    out.iterations.push(medianInPlace(Float64Array.from(xs.slice(start, end))));
    out.values.push(medianInPlace(Float64Array.from(ys.slice(start, end))));
  }
  return out;
}

/**
 * The significance level option of a statistical test: `defaultAlpha` when
 * not given, otherwise a number strictly between 0 and 1 (an
 * `InvalidArgumentError` naming `alpha` otherwise).
 *
 * @param check - The caller's argument checker.
 * @param value - The `alpha` option as passed.
 * @param defaultAlpha - The caller's default, e.g. 0.05.
 * @returns The level.
 * @example
 * ```ts
 * const alpha = significanceLevel(checkArguments('mannKendall'), options.alpha, 0.05);
 * ```
 */
export function significanceLevel(
  check: ArgumentChecker,
  value: number | undefined,
  defaultAlpha: number,
): number {
  if (value === undefined) return defaultAlpha;
  return check.number('alpha', value, { min: 0, max: 1, minInclusive: false, maxInclusive: false });
}
