import { checkArguments } from '@trainkit/core';
import {
  bucketMedians,
  medianInPlace,
  robustNoise,
  type TrendTestResult,
  trendTest,
} from '@trainkit/stats';
import type { Series, TrainingHistory } from './history';

/** What a verdict is about. */
export type VerdictKind =
  | 'divergence'
  | 'training-not-falling'
  | 'overfitting'
  | 'validation-not-falling'
  | 'underfitting'
  | 'slow-start'
  | 'training-evaluation-disagrees'
  | 'validation-better-than-training'
  | 'generalization-gap'
  | 'noisy'
  | 'ideal'
  | 'insufficient-data';

/** `critical`: training is broken; `warning`: act on it; `info`: for the record. */
export type VerdictSeverity = 'critical' | 'warning' | 'info';

/** An inclusive range of iterations. */
export interface IterationRange {
  readonly start: number;
  readonly end: number;
}

/** One finding of {@link diagnose}. */
export interface Verdict {
  readonly kind: VerdictKind;
  readonly severity: VerdictSeverity;
  /** One or two plain sentences with the key numbers. */
  readonly message: string;
  /** What to do, most useful first. */
  readonly advice: readonly string[];
  /** The iterations the evidence was measured on (for overfitting: onset to end). */
  readonly range: IterationRange;
  /** The measured numbers, by name (levels, slopes, p-values, iterations). */
  readonly evidence: Readonly<Record<string, number>>;
}

/** Evidence key of a divergence verdict: the first non-finite iteration of `curve`. */
function nonFiniteEvidenceKey(curve: string): string {
  return `${curve}FirstNonFiniteIteration`;
}

/**
 * Whether a divergence verdict comes from NaN or infinite losses (rather than
 * finite values growing): it carries a first-non-finite-iteration evidence.
 *
 * @internal
 */
export function isNonFiniteDivergence(verdict: Verdict): boolean {
  return (
    verdict.kind === 'divergence' &&
    ['training', 'validation'].some((curve) => nonFiniteEvidenceKey(curve) in verdict.evidence)
  );
}

/** A trend over the end window of a curve. */
export interface WindowTrend {
  readonly range: IterationRange;
  /** Number of points tested (bucket medians when the window is long). */
  readonly points: number;
  /** Theil-Sen slope, loss units per iteration. */
  readonly slope: number;
  /** slope * window length / window median: the change over the window relative to the level. */
  readonly relativeChange: number;
  /** Standard error of `relativeChange` from the window's own noise. */
  readonly standardError: number;
  /** Mann-Kendall two-sided p-value. */
  readonly pValue: number;
  /**
   * `falling`/`rising` when the Mann-Kendall test is significant AND
   * |relativeChange| >= max(minRelativeChange, noiseSigmas * standardError); else `flat`.
   */
  readonly direction: 'falling' | 'rising' | 'flat';
}

/** What {@link diagnose} measured on one curve. */
export interface CurveMeasurements {
  /** Finite points used (up to the first non-finite value). */
  readonly points: number;
  readonly range: IterationRange;
  /** Median of the first points (train: first 2%, 3 to 25 points; validation: first 3). */
  readonly startLevel: number;
  /** Median of the last points (train: last 5%, 3 to 50 points; validation: last 3). */
  readonly finalLevel: number;
  /** Lowest value of the smoothed curve (running median of 3). */
  readonly bestLevel: number;
  readonly bestIteration: number;
  /** Robust point-to-point noise sigma (see `robustNoise`), over the second half for training. */
  readonly noise: number;
  /** The trend over the end window, when it has at least 4 points. */
  readonly endTrend: WindowTrend | undefined;
}

/** Thresholds of {@link diagnose}; every one is documented with its rule. */
export interface DiagnoseOptions {
  /** Fewer finite training points than this: only `insufficient-data`. Default 20. */
  readonly minPoints?: number;
  /** The end window is this fraction of the training iteration span (at least 8 points). Default 0.25. */
  readonly endFraction?: number;
  /**
   * Significance level of the Mann-Kendall tests of the end windows and of the
   * whole training curve. Default 0.005: the tests run on every diagnosis, so
   * false alarms must be rare; long training curves keep plenty of power.
   */
  readonly alpha?: number;
  /** A window trend counts as falling/rising only if it changes the level by this fraction over the window. Default 0.05. */
  readonly minRelativeChange?: number;
  /** Training "falls" only if its final level is this fraction below its start; validation "improved" likewise. Default 0.05. */
  readonly minProgress?: number;
  /** Final training level above this multiple of the start level: divergence. Default 1.5. */
  readonly divergenceFactor?: number;
  /** Validation this fraction above its best (and above the noise floor): overfitting. Default 0.1. */
  readonly overfittingRise?: number;
  /**
   * Significance level of the upward trend of the validation points after the
   * onset (usually few points, hence laxer than `alpha`). Default 0.05.
   */
  readonly overfittingAlpha?: number;
  /** Relative gap (validation - training) / validation at the end: <= is small (ideal), > is a generalization gap. Default 0.2. */
  readonly gapTolerance?: number;
  /** Noise / visible range (or half the level, whichever is larger) at or above this: noisy. Default 0.2. */
  readonly noisyRatio?: number;
  /** Reaching 10% of the total drop later than this fraction of the span: slow start. Default 0.2. */
  readonly slowStartFraction?: number;
  /** Training-set evaluation differing from the tracked loss by more than this fraction: disagreement. Default 0.25. */
  readonly disagreementTolerance?: number;
  /** Validation this fraction below the tracked training loss (end window): validation better than training. Default 0.1. */
  readonly validationBetterMargin?: number;
  /**
   * Noise floor: a level change (an end-window trend, the validation rise or
   * improvement) must also exceed this many of its standard errors estimated
   * from the curve's own noise. Default 4 (a false alarm rate well below 0.1%
   * on pure noise).
   */
  readonly noiseSigmas?: number;
  /** Bucket medians over the whole training curve (smoothing for shape rules). Default 60. */
  readonly buckets?: number;
  /** Bucket medians over an end window before its trend test. Default 20. */
  readonly windowBuckets?: number;
}

/** The defaults of {@link DiagnoseOptions}. */
export const defaultDiagnoseOptions: Readonly<Required<DiagnoseOptions>> = {
  minPoints: 20,
  endFraction: 0.25,
  alpha: 0.005,
  minRelativeChange: 0.05,
  minProgress: 0.05,
  divergenceFactor: 1.5,
  overfittingRise: 0.1,
  overfittingAlpha: 0.05,
  gapTolerance: 0.2,
  noisyRatio: 0.2,
  slowStartFraction: 0.2,
  disagreementTolerance: 0.25,
  validationBetterMargin: 0.1,
  noiseSigmas: 4,
  buckets: 60,
  windowBuckets: 20,
};

/** Result of {@link diagnose}. */
export interface Diagnosis {
  /** Findings, critical first, then warnings, then info. */
  readonly verdicts: readonly Verdict[];
  /** Measurements of the training curve (`undefined` without finite training points). */
  readonly train: CurveMeasurements | undefined;
  /** Measurements of the validation curve (`undefined` with fewer than 5 finite points). */
  readonly validation: CurveMeasurements | undefined;
  /** The thresholds used. */
  readonly options: Readonly<Required<DiagnoseOptions>>;
}

const minValidationPoints = 5;
/** An end window holds at least this many points (when the curve has them). */
const minWindowPoints = 8;

function resolveOptions(options: DiagnoseOptions): Required<DiagnoseOptions> {
  const check = checkArguments('diagnose');
  const fraction = (name: keyof DiagnoseOptions, value: number | undefined, max = 1) =>
    value === undefined
      ? (defaultDiagnoseOptions[name] as number)
      : check.number(`options.${name}`, value, {
          min: 0,
          max,
          minInclusive: false,
          maxInclusive: max !== 1,
        });
  const integer = (name: keyof DiagnoseOptions, value: number | undefined, min: number) =>
    value === undefined
      ? (defaultDiagnoseOptions[name] as number)
      : check.integer(`options.${name}`, value, { min });
  return {
    minPoints: integer('minPoints', options.minPoints, 8),
    endFraction: fraction('endFraction', options.endFraction),
    alpha: fraction('alpha', options.alpha),
    minRelativeChange: fraction('minRelativeChange', options.minRelativeChange),
    minProgress: fraction('minProgress', options.minProgress),
    divergenceFactor:
      options.divergenceFactor === undefined
        ? defaultDiagnoseOptions.divergenceFactor
        : check.number('options.divergenceFactor', options.divergenceFactor, {
            min: 1,
            minInclusive: false,
          }),
    overfittingRise: fraction('overfittingRise', options.overfittingRise, 100),
    overfittingAlpha: fraction('overfittingAlpha', options.overfittingAlpha),
    gapTolerance: fraction('gapTolerance', options.gapTolerance),
    noisyRatio: fraction('noisyRatio', options.noisyRatio, 100),
    slowStartFraction: fraction('slowStartFraction', options.slowStartFraction),
    disagreementTolerance: fraction('disagreementTolerance', options.disagreementTolerance, 100),
    validationBetterMargin: fraction('validationBetterMargin', options.validationBetterMargin),
    noiseSigmas:
      options.noiseSigmas === undefined
        ? defaultDiagnoseOptions.noiseSigmas
        : check.nonNegative('options.noiseSigmas', options.noiseSigmas),
    buckets: integer('buckets', options.buckets, 8),
    windowBuckets: integer('windowBuckets', options.windowBuckets, 6),
  };
}

interface Curve {
  readonly xs: number[];
  readonly ys: number[];
  /** The first non-finite point, if any (the curve stops before it). */
  readonly broken: { iteration: number; value: number; count: number } | undefined;
}

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

const medianOfList = (values: readonly number[]): number =>
  medianInPlace(Float64Array.from(values));

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** Running median of 3 (ends kept): removes single-point spikes, keeps steps. */
function runningMedian3(values: readonly number[]): number[] {
  return values.map((value, i) => {
    if (i === 0 || i === values.length - 1) return value;
    return medianOfList([values[i - 1]!, value, values[i + 1]!]);
  });
}

/**
 * A number as diagnosis messages quote it: 4 significant digits.
 *
 * @internal
 */
export function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

function percent(value: number): string {
  return `${format(value * 100)}%`;
}

/**
 * Median of the training points in (iteration - halfWidth, iteration]; at
 * least the 3 points nearest before `iteration` (after it if there are none).
 */
function localLevel(
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

function windowTrendOf(
  curve: Curve,
  windowStart: number,
  options: Required<DiagnoseOptions>,
): WindowTrend | undefined {
  const { xs, ys } = curve;
  let first = xs.findIndex((x) => x >= windowStart);
  if (first < 0) first = xs.length;
  first = Math.min(first, Math.max(0, xs.length - minWindowPoints));
  const wx = xs.slice(first);
  const wy = ys.slice(first);
  if (wy.length < 4) return undefined;
  const reduced =
    wy.length > 2 * options.windowBuckets
      ? bucketMedians(wx, wy, options.windowBuckets)
      : { iterations: wx, values: wy };
  const trend = trendTest(reduced.values, { iterations: reduced.iterations, alpha: options.alpha });
  const level = Math.max(Math.abs(medianOfList(wy)), 1e-12);
  const span = wx[wx.length - 1]! - wx[0]!;
  const relativeChange = (trend.slope * span) / level;
  // Standard error of the change over the window for m equally spaced points with
  // independent noise sigma: sigma * (m - 1) * sqrt(12 / (m (m^2 - 1))) (least squares).
  const m = reduced.values.length;
  // The noise of the tested points; for bucket medians also derived from the raw points
  // (median of k normal values: 1.2533 sigma / sqrt(k)), the larger of the two (small
  // samples make either estimate low at times).
  const perBucket = wy.length / m;
  const sigma =
    reduced.values === wy
      ? robustNoise(wy)
      : Math.max(robustNoise(reduced.values), (1.2533 * robustNoise(wy)) / Math.sqrt(perBucket));
  const standardError = changeStandardError(sigma, m) / level;
  const large =
    Math.abs(relativeChange) >=
    Math.max(options.minRelativeChange, options.noiseSigmas * standardError);
  const direction =
    large && trend.direction === 'decreasing' && relativeChange < 0
      ? 'falling'
      : large && trend.direction === 'increasing' && relativeChange > 0
        ? 'rising'
        : 'flat';
  return {
    range: { start: wx[0]!, end: wx[wx.length - 1]! },
    points: reduced.values.length,
    slope: trend.slope,
    relativeChange,
    standardError,
    pValue: trend.pValue,
    direction,
  };
}

/** Points tested at most; longer curves are reduced to bucket medians first. */
const maxTestedPoints = 200;

/** The least-squares standard error of the change over m equally spaced points with noise sigma. */
function changeStandardError(sigma: number, m: number): number {
  return m < 3 ? Number.POSITIVE_INFINITY : sigma * (m - 1) * Math.sqrt(12 / (m * (m * m - 1)));
}

/**
 * Trend test of a curve reduced to at most {@link maxTestedPoints} bucket
 * medians, with the noise of the tested points.
 */
function reducedTrend(
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
  options: Required<DiagnoseOptions>,
  trainBuckets?: ReturnType<typeof bucketMedians>,
): CurveMeasurements {
  const { xs, ys } = curve;
  const n = ys.length;
  const head = kind === 'train' ? clamp(Math.ceil(0.02 * n), 3, 25) : 3;
  const tail = kind === 'train' ? clamp(Math.ceil(0.05 * n), 3, 50) : 3;
  const smoothed =
    kind === 'train'
      ? (trainBuckets ?? bucketMedians(xs, ys, options.buckets))
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
    endTrend: windowTrendOf(curve, windowStart, options),
  };
}

const severityOrder: Record<VerdictSeverity, number> = { critical: 0, warning: 1, info: 2 };

/** The advice of each verdict kind. */
export const verdictAdvice: Readonly<Record<VerdictKind, readonly string[]>> = {
  divergence: [
    'lower the learning rate (3-10x) or add a warmup',
    'clip gradients by global norm',
    'check for log(0), division by zero or exp overflow in the loss (use losses that take logits)',
    'normalize the inputs',
  ],
  'training-not-falling': [
    'try learning rates 1e-1, 1e-2, 1e-3, 1e-4 for 100 iterations each and keep one where the loss drops',
    'check that the optimizer updates the weights (trainable variables, gradients not zero, the step is applied)',
    'overfit a single batch first: if that fails the model, loss or labels are wrong',
    'check the labels and the loss (softmax outputs passed to a loss that expects logits?)',
  ],
  overfitting: [
    'stop at the onset: early stopping with restoreBestWeights',
    'add regularization: weight decay (L2), dropout, data augmentation',
    'get more training data, or use a smaller model',
  ],
  'validation-not-falling': [
    'check that validation data gets the same preprocessing and label mapping as training data',
    'check for a mismatch between the training and validation distributions',
    'the model may be memorizing: regularize, or get more data',
  ],
  underfitting: [
    'train longer: both curves are still falling',
    'raise the learning rate if the fall is slow and smooth',
    'if the curves flatten at a high loss, use a bigger model',
  ],
  'slow-start': [
    'check the weight initialization (He for ReLU, Glorot for tanh) and the input normalization',
    'raise the learning rate or shorten the warmup',
    'avoid saturating activations (sigmoid/tanh) in deep stacks, or add batch normalization',
  ],
  'training-evaluation-disagrees': [
    'make training and evaluation use the same preprocessing and the same loss reduction (mean, not sum)',
    'check layers that behave differently in training (dropout, batch normalization statistics)',
    'make sure the tracked loss is the current batch loss, not a stale or accumulated value',
  ],
  'validation-better-than-training': [
    'often harmless: dropout and other regularization are active only in training, and the tracked loss lags behind the weights',
    'check that validation samples do not also appear in the training set (leakage)',
    'check that validation is computed on the validation data, with the same loss',
  ],
  'generalization-gap': [
    'reduce variance: more training data or augmentation, regularization (weight decay, dropout), a smaller model',
    'use biasVariance() with error rates to compare the gap with the avoidable bias',
  ],
  noisy: [
    'use larger batches, or accumulate gradients over several micro-batches (@trainkit/accumulate)',
    'lower the learning rate, or decay it',
    'smooth the plot (EMA) to see the trend',
  ],
  ideal: ['keep this setup; consider a learning-rate decay or a longer run for the last bit'],
  'insufficient-data': ['record more iterations before diagnosing'],
};

/**
 * Reads a history's learning curves and returns verdicts with evidence and
 * advice. The rules, in the order they are checked (all thresholds are
 * {@link DiagnoseOptions}, defaults in brackets):
 *
 * Preparation: each curve is cut at its first non-finite value. Levels are
 * medians (training start: first 2% of points, 3-25; final: last 5%, 3-50;
 * validation: first/last 3; validation best: minimum of a running median of
 * 3). Noise sigma is {@link robustNoise} (MAD of second differences). The end
 * window is the last `endFraction` [0.25] of the training iterations (at
 * least 8 points). A window's trend is a Mann-Kendall test [`alpha` 0.005]
 * with a Theil-Sen slope, on at most `windowBuckets` [20] bucket medians; it
 * is "falling"/"rising" only if significant AND its change over the window is
 * at least `minRelativeChange` [5%] of the window's level AND at least
 * `noiseSigmas` [4] standard errors (least-squares formula with the window's
 * own noise). "Local training level" at an iteration: median of the training
 * points in the preceding half validation spacing (at least span/50, 3 points).
 *
 * 1. divergence (critical): a NaN/infinite training or validation loss, or a
 *    final training level above `divergenceFactor` [1.5] x the lower of the
 *    first training loss and the best bucket median, by more than
 *    `noiseSigmas` noise sd (assumes a non-negative loss). When found, only
 *    divergence is reported.
 * 2. insufficient-data (info): fewer than `minPoints` [20] finite training
 *    points; nothing else is reported.
 * 3. training-not-falling (critical): the training curve's `buckets` [60]
 *    bucket medians have no significant downward trend, or the final level is
 *    less than `minProgress` [5%] below the start.
 * 4. noisy (warning): training noise (second half) >= `noisyRatio` [0.2] x
 *    max(range of the second half's bucket medians, half the final level).
 * 5. slow-start (warning): the running median of the bucket medians reaches
 *    10% of the total drop only after `slowStartFraction` [20%] of the span.
 * 6. overfitting (warning): after the best validation value (the onset), the
 *    validation points (>= 4) rise with a Mann-Kendall p < `overfittingAlpha`
 *    [0.05], and the Theil-Sen fitted rise from the onset to the end is at
 *    least `overfittingRise` [10%] of the best level and `noiseSigmas` [4]
 *    standard errors (with the whole validation curve's noise); validation's
 *    end trend is not falling; training at the end is not above its level at
 *    the onset (+ `minRelativeChange`).
 * 7. validation-not-falling (warning): no overfitting, training fell by at
 *    least 2 x `minProgress` over the validation iterations, and validation
 *    did not improve: neither (start - final) >= max(`minProgress` x start,
 *    `noiseSigmas` x 1.64 sigma) (1.64 sigma: standard error of a difference
 *    of two medians of 3) nor a significant downward trend with the best at
 *    least `minProgress` below the start.
 * 8. underfitting (warning): both curves still fall at the end: one end-window
 *    trend is falling by the strict rule and the other agrees (strictly
 *    falling, or a fall of at least `minRelativeChange` over the window); with
 *    no validation, training alone must be strictly falling.
 * 9. validation-better-than-training (warning): in the end window (at least
 *    3 validation points) at least 80% of validation points are below the
 *    local training level, by a median relative margin >=
 *    `validationBetterMargin` [10%].
 * 10. training-evaluation-disagrees (warning): the median relative difference
 *    between training-set evaluations and the local training level exceeds
 *    `disagreementTolerance` [25%], and its absolute value 2 standard errors
 *    of the local level.
 * 11. generalization-gap (warning): training fell, no overfitting or
 *    validation-not-falling, neither end trend falling, and (final validation
 *    - local training) / final validation > `gapTolerance` [0.2].
 * 12. ideal (info): no warning or critical verdict, both end trends flat,
 *    relative gap within `gapTolerance`.
 *
 * Measured on the synthetic scenarios of the tests with 1% and 5% extra
 * multiplicative noise (seeds 1-400, 8,800 runs): 2 runs changed their set of
 * verdicts (both a spurious overfitting on a flat, noisy validation curve).
 *
 * @param history - A recorded history (see `createHistory`).
 * @param options - Thresholds, see {@link DiagnoseOptions}.
 * @returns Verdicts (critical first) and the measurements behind them.
 * @throws InvalidArgumentError for out-of-range options.
 * @example
 * ```ts
 * const { verdicts } = diagnose(history);
 * for (const v of verdicts) console.log(`${v.severity} ${v.kind}: ${v.message}`);
 * ```
 */
export function diagnose(history: TrainingHistory, options: DiagnoseOptions = {}): Diagnosis {
  const resolved = resolveOptions(options);
  const check = checkArguments('diagnose');
  if (
    typeof history !== 'object' ||
    history === null ||
    history.train === undefined ||
    history.validation === undefined
  ) {
    check.fail('history', history, 'a TrainingHistory', 'Create one with createHistory().');
  }
  const verdicts: Verdict[] = [];
  const add = (
    kind: VerdictKind,
    severity: VerdictSeverity,
    message: string,
    range: IterationRange,
    evidence: Record<string, number>,
  ) => verdicts.push({ kind, severity, message, advice: verdictAdvice[kind], range, evidence });
  const finish = (
    train: CurveMeasurements | undefined,
    validation: CurveMeasurements | undefined,
  ) => ({
    verdicts: [...verdicts].sort((a, b) => severityOrder[a.severity] - severityOrder[b.severity]),
    train,
    validation,
    options: resolved,
  });

  const train = finitePrefix(history.train);
  const validation = finitePrefix(history.validation);
  const evaluation = finitePrefix(history.trainingEvaluation ?? { iterations: [], values: [] });
  const lastIteration = (series: Series) => series.iterations[series.iterations.length - 1] ?? 0;

  // 1. Divergence: non-finite values (one verdict, the earliest curve first).
  const brokenCurves = (
    [
      ['training', train, history.train],
      ['validation', validation, history.validation],
    ] as const
  )
    .filter(([, curve]) => curve.broken !== undefined)
    .sort(([, a], [, b]) => a.broken!.iteration - b.broken!.iteration);
  if (brokenCurves.length > 0) {
    const evidence: Record<string, number> = {};
    const sentences = brokenCurves.map(([name, curve]) => {
      const broken = curve.broken!;
      const lastFinite = curve.ys[curve.ys.length - 1];
      evidence[nonFiniteEvidenceKey(name)] = broken.iteration;
      evidence[`${name}NonFiniteCount`] = broken.count;
      if (lastFinite !== undefined) evidence[`${name}LastFiniteValue`] = lastFinite;
      return `the ${name} loss became ${broken.value} at iteration ${broken.iteration}${lastFinite === undefined ? '' : ` (last finite value ${format(lastFinite)} at iteration ${curve.xs[curve.xs.length - 1]})`}, ${broken.count} non-finite values in all`;
    });
    const [, firstBroken] = brokenCurves[0]!;
    const text = sentences.join('; ');
    add(
      'divergence',
      'critical',
      `Diverged: ${text}.`,
      {
        start: firstBroken.broken!.iteration,
        end: Math.max(lastIteration(history.train), lastIteration(history.validation)),
      },
      evidence,
    );
  }
  const n = train.ys.length;
  if (n < resolved.minPoints) {
    if (verdicts.length === 0) {
      add(
        'insufficient-data',
        'info',
        `Only ${n} finite training points; the diagnosis needs at least ${resolved.minPoints}.`,
        { start: train.xs[0] ?? 0, end: train.xs[n - 1] ?? 0 },
        { points: n, minPoints: resolved.minPoints },
      );
    }
    return finish(undefined, undefined);
  }
  const first = train.xs[0]!;
  const last = train.xs[n - 1]!;
  const span = Math.max(last - first, 1);
  const windowStart = last - resolved.endFraction * span;
  // Bucket medians of the training curve: the smoothed curve of its
  // measurements and the series of the overall trend test below.
  const buckets = bucketMedians(train.xs, train.ys, resolved.buckets);
  const t = measure(train, 'train', windowStart, resolved, buckets);
  // The reference is the lower of the very first loss and the best smoothed level, so that
  // an explosion in the first iterations and a late blow-up after a good fall both count; the
  // rise must also exceed the noise (a single first value can be low by chance).
  const reference = Math.min(train.ys[0]!, t.bestLevel);
  if (
    reference > 0 &&
    t.finalLevel > resolved.divergenceFactor * reference &&
    t.finalLevel - reference > resolved.noiseSigmas * t.noise
  ) {
    const ratio = t.finalLevel / reference;
    add(
      'divergence',
      'critical',
      `The training loss rose to ${format(t.finalLevel)} at the end, ${format(ratio)}x its ${reference === t.bestLevel ? `best level ${format(reference)} (iteration ${t.bestIteration})` : `first value ${format(reference)}`} (limit ${resolved.divergenceFactor}x).`,
      { start: reference === t.bestLevel ? t.bestIteration : first, end: last },
      {
        firstValue: train.ys[0]!,
        bestLevel: t.bestLevel,
        bestIteration: t.bestIteration,
        finalLevel: t.finalLevel,
        ratio,
      },
    );
  }
  if (verdicts.length > 0) return finish(t, undefined);

  const v =
    validation.ys.length >= minValidationPoints
      ? measure(validation, 'validation', windowStart, resolved)
      : undefined;

  // 3. Training not falling.
  const overall = trendTest(buckets.values, {
    iterations: buckets.iterations,
    alpha: resolved.alpha,
  });
  const drop = (t.startLevel - t.finalLevel) / Math.max(Math.abs(t.startLevel), 1e-12);
  const trainFalls = overall.direction === 'decreasing' && drop >= resolved.minProgress;
  if (!trainFalls) {
    add(
      'training-not-falling',
      'critical',
      `The training loss went from ${format(t.startLevel)} to ${format(t.finalLevel)} (${percent(drop)} lower; at least ${percent(resolved.minProgress)} and a significant downward trend are expected, p = ${format(overall.pValue)}).`,
      { start: first, end: last },
      {
        startLevel: t.startLevel,
        finalLevel: t.finalLevel,
        relativeDrop: drop,
        pValue: overall.pValue,
      },
    );
  }

  // 4. Noisy.
  const half = buckets.values.slice(Math.floor(buckets.values.length / 2));
  const visibleRange = Math.max(...half) - Math.min(...half);
  const noiseScale = Math.max(visibleRange, 0.5 * Math.abs(t.finalLevel));
  const noiseRatio = noiseScale > 0 ? t.noise / noiseScale : 0;
  if (noiseRatio >= resolved.noisyRatio) {
    add(
      'noisy',
      'warning',
      `The training loss is noisy: point-to-point noise ${format(t.noise)} is ${percent(noiseRatio)} of the curve's visible range ${format(noiseScale)} (limit ${percent(resolved.noisyRatio)}).`,
      { start: train.xs[Math.floor(n / 2)]!, end: last },
      { noise: t.noise, visibleRange: noiseScale, ratio: noiseRatio },
    );
  }

  let overfitting = false;
  let validationStuck = false;
  if (trainFalls) {
    // 5. Slow start.
    const smooth = runningMedian3(buckets.values);
    const target = t.startLevel - 0.1 * (t.startLevel - t.finalLevel);
    const reached = smooth.findIndex((value) => value <= target);
    const onset = reached < 0 ? last : buckets.iterations[reached]!;
    const plateauShare = (onset - first) / span;
    if (plateauShare > resolved.slowStartFraction) {
      add(
        'slow-start',
        'warning',
        `Slow start: the training loss stayed near ${format(t.startLevel)} until iteration ${format(onset)} (${percent(plateauShare)} of the run) before reaching 10% of its total drop.`,
        { start: first, end: onset },
        { plateauEndIteration: onset, plateauShare, startLevel: t.startLevel },
      );
    }

    if (v !== undefined) {
      const vNoise = v.noise;
      const halfWidth = Math.max(medianSpacing(validation.xs) / 2, span / 50);
      const trainAtOnset = localLevel(train, v.bestIteration, halfWidth).level;
      // 6. Overfitting: after the best validation value, a significant upward trend whose
      // fitted rise is large both relative to the best level and to its own standard error.
      const afterOnset = validation.xs
        .map((x, i) => ({ x, y: validation.ys[i]! }))
        .filter((p) => p.x > v.bestIteration);
      const riseTrend =
        afterOnset.length >= 4
          ? reducedTrend(
              afterOnset.map((p) => p.x),
              afterOnset.map((p) => p.y),
              resolved.overfittingAlpha,
            )
          : undefined;
      const riseSpan = v.range.end - v.bestIteration;
      const fittedRise = riseTrend === undefined ? 0 : riseTrend.trend.slope * riseSpan;
      const riseStandardError =
        riseTrend === undefined
          ? Number.POSITIVE_INFINITY
          : // The noise of the whole validation curve: a few points after the onset cannot estimate it.
            changeStandardError(Math.max(v.noise, riseTrend.noise), riseTrend.points) *
            (riseSpan / Math.max(afterOnset[afterOnset.length - 1]!.x - afterOnset[0]!.x, 1));
      if (
        riseTrend?.trend.direction === 'increasing' &&
        fittedRise >= resolved.overfittingRise * Math.abs(v.bestLevel) &&
        fittedRise >= resolved.noiseSigmas * riseStandardError &&
        v.endTrend?.direction !== 'falling' &&
        t.finalLevel <= trainAtOnset * (1 + resolved.minRelativeChange)
      ) {
        overfitting = true;
        const relativeRise = fittedRise / Math.max(Math.abs(v.bestLevel), 1e-12);
        add(
          'overfitting',
          'warning',
          `Overfitting from iteration ${v.bestIteration}: the validation loss rose from its best ${format(v.bestLevel)} to ${format(v.finalLevel)} (fitted rise +${percent(relativeRise)}, p = ${format(riseTrend.trend.pValue)}) while the training loss went from ${format(trainAtOnset)} to ${format(t.finalLevel)}.`,
          { start: v.bestIteration, end: v.range.end },
          {
            onsetIteration: v.bestIteration,
            bestValidation: v.bestLevel,
            finalValidation: v.finalLevel,
            fittedRise,
            relativeRise,
            riseStandardError,
            risePValue: riseTrend.trend.pValue,
            trainingAtOnset: trainAtOnset,
            finalTraining: t.finalLevel,
          },
        );
      }
      // 7. Validation not falling: no significant downward trend, or too small an improvement.
      const improvement = v.startLevel - v.bestLevel;
      const validationTrend = reducedTrend(validation.xs, validation.ys, resolved.alpha).trend;
      // The median of 3 has a standard error of about 1.16 sigma, so the difference of two
      // such medians about 1.64 sigma.
      const settledDrop = v.startLevel - v.finalLevel;
      const improved =
        settledDrop >=
          Math.max(
            resolved.minProgress * Math.abs(v.startLevel),
            resolved.noiseSigmas * 1.64 * vNoise,
          ) ||
        (validationTrend.direction === 'decreasing' &&
          improvement >= resolved.minProgress * Math.abs(v.startLevel));
      const trainAtValidationStart = localLevel(train, v.range.start, halfWidth).level;
      const trainDropOverValidation =
        (trainAtValidationStart - t.finalLevel) / Math.max(Math.abs(trainAtValidationStart), 1e-12);
      if (!overfitting && !improved && trainDropOverValidation >= 2 * resolved.minProgress) {
        validationStuck = true;
        add(
          'validation-not-falling',
          'warning',
          `The validation loss did not improve (start ${format(v.startLevel)}, best ${format(v.bestLevel)}, final ${format(v.finalLevel)}) while the training loss fell ${percent(trainDropOverValidation)} over the same iterations.`,
          { start: v.range.start, end: v.range.end },
          {
            validationStart: v.startLevel,
            validationBest: v.bestLevel,
            validationFinal: v.finalLevel,
            validationTrendPValue: validationTrend.pValue,
            trainingRelativeDrop: trainDropOverValidation,
          },
        );
      }
    }

    // 8. Underfitting.
    const tEnd = t.endTrend;
    const vEnd = v?.endTrend;
    // One curve must be falling by the strict rule and the other must agree (a fall of at least
    // minRelativeChange over the window); validation is then not needed to be significant with
    // its few points, nor noisy batch losses when a smooth validation curve clearly falls.
    const agrees = (trend: WindowTrend | undefined) =>
      trend !== undefined &&
      (trend.direction === 'falling' || trend.relativeChange <= -resolved.minRelativeChange);
    const stillFalling =
      (tEnd?.direction === 'falling' && (vEnd === undefined || agrees(vEnd))) ||
      (vEnd?.direction === 'falling' && agrees(tEnd));
    if (tEnd !== undefined && stillFalling) {
      add(
        'underfitting',
        'warning',
        `Still learning: over iterations ${tEnd.range.start}-${tEnd.range.end} the training loss fell ${percent(-tEnd.relativeChange)} (p = ${format(tEnd.pValue)})${vEnd === undefined ? '' : ` and the validation loss ${percent(-vEnd.relativeChange)} (p = ${format(vEnd.pValue)})`}; the run ended before the curves flattened.`,
        tEnd.range,
        {
          trainingRelativeChange: tEnd.relativeChange,
          trainingSlope: tEnd.slope,
          trainingPValue: tEnd.pValue,
          ...(vEnd === undefined
            ? {}
            : {
                validationRelativeChange: vEnd.relativeChange,
                validationSlope: vEnd.slope,
                validationPValue: vEnd.pValue,
              }),
        },
      );
    }
  }

  // 9. Validation better than training.
  if (v !== undefined) {
    const halfWidth = Math.max(medianSpacing(validation.xs) / 2, span / 50);
    const endPoints = validation.xs
      .map((x, i) => ({ x, y: validation.ys[i]! }))
      .filter((p) => p.x >= windowStart);
    const points =
      endPoints.length >= 3
        ? endPoints
        : validation.xs
            .slice(-3)
            .map((x, i, all) => ({ x, y: validation.ys[validation.ys.length - all.length + i]! }));
    const margins = points.map((p) => {
      const level = localLevel(train, p.x, halfWidth).level;
      return (level - p.y) / Math.max(Math.abs(level), 1e-12);
    });
    const below = margins.filter((m) => m > 0).length / margins.length;
    const margin = medianOfList(margins);
    if (below >= 0.8 && margin >= resolved.validationBetterMargin) {
      add(
        'validation-better-than-training',
        'warning',
        `The validation loss is ${percent(margin)} below the training loss (median over ${margins.length} evaluations from iteration ${points[0]!.x}; ${percent(below)} of them below).`,
        { start: points[0]!.x, end: points[points.length - 1]!.x },
        { medianRelativeMargin: margin, fractionBelow: below },
      );
    }
  }

  // 10. Training-set evaluation disagrees with the tracked loss.
  if (evaluation.ys.length > 0) {
    const halfWidth = Math.max(medianSpacing(evaluation.xs) / 2, span / 50);
    const differences: number[] = [];
    const relative: number[] = [];
    let counted = 0;
    evaluation.xs.forEach((x, i) => {
      const local = localLevel(train, x, halfWidth);
      differences.push(evaluation.ys[i]! - local.level);
      relative.push((evaluation.ys[i]! - local.level) / Math.max(Math.abs(local.level), 1e-12));
      counted += local.count;
    });
    const medianRelative = medianOfList(relative);
    const medianDifference = medianOfList(differences);
    const standardError = t.noise / Math.sqrt(Math.max(1, counted / relative.length));
    if (
      Math.abs(medianRelative) > resolved.disagreementTolerance &&
      Math.abs(medianDifference) > 2 * standardError
    ) {
      add(
        'training-evaluation-disagrees',
        'warning',
        `Evaluating the training set gives a loss ${percent(Math.abs(medianRelative))} ${medianRelative > 0 ? 'higher' : 'lower'} than the loss tracked during training (median over ${relative.length} evaluations; tolerance ${percent(resolved.disagreementTolerance)}).`,
        { start: evaluation.xs[0]!, end: evaluation.xs[evaluation.xs.length - 1]! },
        {
          medianRelativeDifference: medianRelative,
          medianDifference,
          evaluations: relative.length,
        },
      );
    }
  }

  // 11-12. Generalization gap, ideal.
  if (v !== undefined && trainFalls && !overfitting && !validationStuck) {
    const halfWidth = Math.max(medianSpacing(validation.xs) / 2, span / 50);
    const trainAtEnd = localLevel(train, v.range.end, halfWidth).level;
    const gap = v.finalLevel - trainAtEnd;
    const relativeGap = gap / Math.max(Math.abs(v.finalLevel), 1e-12);
    const tEnd = t.endTrend;
    const vEnd = v.endTrend;
    const settled = tEnd?.direction !== 'falling' && vEnd?.direction !== 'falling';
    if (settled && relativeGap > resolved.gapTolerance) {
      add(
        'generalization-gap',
        'warning',
        `The curves have flattened with a gap: validation ${format(v.finalLevel)} vs training ${format(trainAtEnd)} (${percent(relativeGap)} of the validation loss; tolerance ${percent(resolved.gapTolerance)}).`,
        { start: tEnd?.range.start ?? first, end: last },
        { validation: v.finalLevel, training: trainAtEnd, gap, relativeGap },
      );
    }
    const problems = verdicts.some((verdict) => verdict.severity !== 'info');
    if (
      !problems &&
      tEnd?.direction === 'flat' &&
      vEnd !== undefined &&
      vEnd.direction === 'flat' &&
      Math.abs(relativeGap) <= resolved.gapTolerance
    ) {
      add(
        'ideal',
        'info',
        `Healthy curves: both flattened together (end-window change ${percent(tEnd.relativeChange)} training, ${percent(vEnd.relativeChange)} validation) with a small gap (validation ${format(v.finalLevel)} vs training ${format(trainAtEnd)}, ${percent(relativeGap)}).`,
        tEnd.range,
        {
          validation: v.finalLevel,
          training: trainAtEnd,
          relativeGap,
          trainingRelativeChange: tEnd.relativeChange,
          validationRelativeChange: vEnd.relativeChange,
        },
      );
    }
  }
  return finish(t, v);
}
