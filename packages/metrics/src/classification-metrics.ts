import { checkArguments } from '@trainkit/core';
import { type ConfusionMatrixInput, toConfusionMatrixState } from './confusion-matrix';
import { checkOptions } from './labels';
import { defineMetric } from './metric-metadata';

/**
 * What a ratio with a zero denominator evaluates to (scikit-learn's
 * `zero_division`): `0` (default), `1`, `NaN`, or `'warn'` (same values as
 * `0`; scikit-learn also prints an `UndefinedMetricWarning`, trainkit does not
 * print).
 */
export type ZeroDivision = number | 'warn';

/**
 * Which classes an average runs over.
 * - `'present'` (default, scikit-learn's `labels=None`): classes that occur in
 *   the true or the predicted labels, i.e. whose row or column has a non-zero
 *   (weighted) count.
 * - `'all'`: every class `0..C-1` (scikit-learn's `labels=range(C)`).
 * - an array of class indices: exactly those, in that order.
 */
export type LabelSelection = 'present' | 'all' | readonly number[];

/** The averages of {@link precisionRecallFscoreSupport}. */
export type Average = 'micro' | 'macro' | 'weighted' | 'binary';

/** Options shared by precision, recall and F-scores. */
export interface PrecisionRecallOptions {
  /** Value of a ratio whose denominator is 0. Default `0`. */
  readonly zeroDivision?: ZeroDivision;
  /** Classes to average over. Default `'present'`. */
  readonly labels?: LabelSelection;
  /** F-beta's beta (recall weighted beta times as much as precision). Default 1. */
  readonly beta?: number;
  /** The positive class for `average: 'binary'`. Default 1. */
  readonly positiveLabel?: number;
}

/** Options of the averaged form of {@link precisionRecallFscoreSupport}. */
export interface AveragedPrecisionRecallOptions extends PrecisionRecallOptions {
  readonly average: Average;
}

/** Per-class scores, each array indexed by class (length `numClasses`). */
export interface PerClassScores {
  readonly precision: Float64Array;
  readonly recall: Float64Array;
  readonly fScore: Float64Array;
  /** (Weighted) number of true samples of each class: the row sums. */
  readonly support: Float64Array;
}

/** Averaged scores. */
export interface AveragedScores {
  readonly precision: number;
  readonly recall: number;
  readonly fScore: number;
  /** Total (weighted) support of the averaged classes. */
  readonly support: number;
}

interface Sums {
  readonly numClasses: number;
  readonly counts: Float64Array;
  readonly tp: Float64Array;
  /** Row sums: true samples per class. */
  readonly trueSum: Float64Array;
  /** Column sums: predicted samples per class. */
  readonly predSum: Float64Array;
  readonly total: number;
}

function sums(functionName: string, input: ConfusionMatrixInput): Sums {
  const state = toConfusionMatrixState(functionName, input);
  const c = state.numClasses;
  const counts = state.counts;
  const tp = new Float64Array(c);
  const trueSum = new Float64Array(c);
  const predSum = new Float64Array(c);
  let total = 0;
  for (let t = 0; t < c; t++) {
    let row = 0;
    for (let p = 0; p < c; p++) {
      const v = counts[t * c + p]!;
      row += v;
      predSum[p]! += v;
    }
    trueSum[t] = row;
    tp[t] = counts[t * c + t]!;
    total += row;
  }
  return { numClasses: c, counts, tp, trueSum, predSum, total };
}

function checkZeroDivision(functionName: string, value: unknown): number {
  if (value === undefined || value === 'warn' || value === 0) return 0;
  if (value === 1) return 1;
  if (typeof value === 'number' && Number.isNaN(value)) return Number.NaN;
  return checkArguments(functionName).fail(
    'zeroDivision',
    value,
    "0, 1, NaN or 'warn'",
    'It is the value of a ratio whose denominator is 0 (scikit-learn zero_division).',
  );
}

function resolveLabels(
  functionName: string,
  selection: LabelSelection | undefined,
  s: Sums,
): number[] {
  const c = s.numClasses;
  if (selection === undefined || selection === 'present') {
    const present: number[] = [];
    for (let k = 0; k < c; k++) if (s.trueSum[k]! > 0 || s.predSum[k]! > 0) present.push(k);
    return present;
  }
  if (selection === 'all') return Array.from({ length: c }, (_, k) => k);
  const check = checkArguments(functionName);
  if (!Array.isArray(selection)) {
    return check.fail('labels', selection, "'present', 'all' or an array of class indices");
  }
  const seen = new Set<number>();
  selection.forEach((label, i) => {
    check.integer(`labels[${i}]`, label, { min: 0, max: c - 1 });
    if (seen.has(label)) check.fail(`labels[${i}]`, label, 'unique', 'List each class once.');
    seen.add(label);
  });
  return [...selection];
}

function ratio(numerator: number, denominator: number, zeroDivision: number): number {
  return denominator === 0 ? zeroDivision : numerator / denominator;
}

/**
 * numpy's sum of float64 (`np.add.reduce`): pairwise summation with eight
 * partial sums, so that averages round exactly as scikit-learn's (a report
 * value on a decimal tie prints on the same side).
 */
function numpySum(values: readonly number[], start = 0, n = values.length): number {
  if (n < 8) {
    let sum = 0;
    for (let i = start; i < start + n; i++) sum += values[i]!;
    return sum;
  }
  if (n <= 128) {
    const r = values.slice(start, start + 8);
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j]! += values[start + i + j]!;
    }
    let sum = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
    for (; i < n; i++) sum += values[start + i]!;
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return numpySum(values, start, half) + numpySum(values, start + half, n - half);
}

/**
 * `np.average(values, weights)` as scikit-learn's `_nanaverage` calls it:
 * NaN entries are left out (all-NaN or empty gives NaN); with zero total
 * weight, the unweighted mean.
 */
function nanAverage(values: readonly number[], weights?: readonly number[]): number {
  const kept: number[] = [];
  const keptWeights: number[] = [];
  values.forEach((v, i) => {
    if (Number.isNaN(v)) return;
    kept.push(v);
    if (weights !== undefined) keptWeights.push(weights[i]!);
  });
  if (kept.length === 0) return Number.NaN;
  const weightSum = weights === undefined ? 0 : numpySum(keptWeights);
  if (weightSum === 0) return numpySum(kept) / kept.length;
  return numpySum(kept.map((v, i) => v * keptWeights[i]!)) / weightSum;
}

function checkBeta(functionName: string, beta: unknown): number {
  if (beta === undefined) return 1;
  if (beta === Number.POSITIVE_INFINITY) return beta;
  return checkArguments(functionName).nonNegative(
    'beta',
    beta,
    'Use 1 for F1, 2 to weigh recall more, 0.5 to weigh precision more.',
  );
}

/**
 * F-beta from precision and recall with scikit-learn's operations,
 * `(1 + β²)·p·r / (β²·p + r)` (a zero denominator counts as 1), so that it
 * is the same float: 19/40 lands at 0.47500000000000003 and prints 0.48 like
 * scikit-learn's report. Where precision or recall is undefined (only with
 * `zeroDivision: NaN`, a scikit-learn >= 1.3 option) it is `(1 + β²)·tp /
 * (β²·true + pred)` as there, NaN only when both sums are 0.
 */
function fScoreOf(
  tp: number,
  trueSum: number,
  predSum: number,
  beta: number,
  zeroDivision: number,
): number {
  const recall = ratio(tp, trueSum, zeroDivision);
  if (beta === Number.POSITIVE_INFINITY) return recall;
  const precision = ratio(tp, predSum, zeroDivision);
  const beta2 = beta * beta;
  if (Number.isNaN(precision) || Number.isNaN(recall)) {
    return ratio((1 + beta2) * tp, beta2 * trueSum + predSum, zeroDivision);
  }
  const denominator = beta2 * precision + recall;
  return ((1 + beta2) * precision * recall) / (denominator === 0 ? 1 : denominator);
}

function perClass(
  s: Sums,
  beta: number,
  zeroDivision: number,
): { precision: Float64Array; recall: Float64Array; fScore: Float64Array } {
  const c = s.numClasses;
  const precision = new Float64Array(c);
  const recall = new Float64Array(c);
  const fScore = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    precision[k] = ratio(s.tp[k]!, s.predSum[k]!, zeroDivision);
    recall[k] = ratio(s.tp[k]!, s.trueSum[k]!, zeroDivision);
    fScore[k] = fScoreOf(s.tp[k]!, s.trueSum[k]!, s.predSum[k]!, beta, zeroDivision);
  }
  return { precision, recall, fScore };
}

/**
 * Precision, recall, F-beta and support, per class or averaged, with
 * scikit-learn's `precision_recall_fscore_support` semantics.
 *
 * For class k with `tp` = `counts[k][k]`, `pred` = column sum, `true` = row sum:
 * - precision = tp / pred, recall = tp / true,
 * - F-beta = (1 + β²)·P·R / (β²·P + R), computed from P and R with
 *   scikit-learn's float operations (its value equals (1 + β²)·tp /
 *   (β²·true + pred); the float is scikit-learn's to the last bit, so a
 *   report prints decimal ties on the same side),
 * - each ratio with a zero denominator is `zeroDivision` (0 by default; 1; NaN).
 *
 * Sums and means over classes add in numpy's pairwise order. Averages over
 * the classes of `labels` (default: classes present in the true
 * or predicted labels, as scikit-learn's `labels=None`):
 * - `'micro'`: ratios of the summed tp / pred / true (= accuracy when all present classes are included),
 * - `'macro'`: unweighted mean of the per-class scores,
 * - `'weighted'`: mean weighted by support,
 * - `'binary'`: the scores of `positiveLabel` (two-class problems only).
 *
 * NaN per-class values (from `zeroDivision: NaN`) are left out of macro and
 * weighted means (scikit-learn >= 1.3); a mean over only NaN is NaN. When the
 * averaged classes have zero total support, `'weighted'` returns
 * (zeroDivision, zeroDivision, zeroDivision) if nothing was predicted either,
 * else (0, zeroDivision, 0), as scikit-learn does.
 *
 * Per-class results always cover every class `0..C-1` (indexed by class);
 * `labels` only selects what is averaged.
 *
 * @param input - A confusion matrix state or a square matrix.
 * @param options - `average`, `beta`, `zeroDivision`, `labels`, `positiveLabel`.
 * @returns Per-class arrays, or averaged numbers when `average` is given.
 *
 * @example
 * ```ts
 * const state = confusionMatrix([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1]);
 * precisionRecallFscoreSupport(state).precision; // Float64Array [0.667, 0, 0]
 * precisionRecallFscoreSupport(state, { average: 'macro' }).fScore; // 0.267
 * ```
 */
export function precisionRecallFscoreSupport(
  input: ConfusionMatrixInput,
  options?: PrecisionRecallOptions & { readonly average?: undefined },
): PerClassScores;
/**
 * Averaged precision, recall, F-beta and total support (see the per-class
 * overload for the formulas, averages and zero-division rules).
 *
 * @example
 * ```ts
 * precisionRecallFscoreSupport(state, { average: 'weighted', zeroDivision: 1 });
 * ```
 */
export function precisionRecallFscoreSupport(
  input: ConfusionMatrixInput,
  options: AveragedPrecisionRecallOptions,
): AveragedScores;
export function precisionRecallFscoreSupport(
  input: ConfusionMatrixInput,
  options: PrecisionRecallOptions & { readonly average?: Average | undefined } = {},
): PerClassScores | AveragedScores {
  return computePrecisionRecall('precisionRecallFscoreSupport', input, options);
}

function computePrecisionRecall(
  functionName: string,
  input: ConfusionMatrixInput,
  given: PrecisionRecallOptions & { readonly average?: Average | undefined },
): PerClassScores | AveragedScores {
  const options = checkOptions(functionName, given);
  const s = sums(functionName, input);
  const zeroDivision = checkZeroDivision(functionName, options.zeroDivision);
  const beta = checkBeta(functionName, options.beta);
  const average = options.average;
  if (average === undefined) {
    return { ...perClass(s, beta, zeroDivision), support: s.trueSum.slice() };
  }
  checkArguments(functionName).oneOf('average', average, ['micro', 'macro', 'weighted', 'binary']);
  if (average === 'binary') {
    const check = checkArguments(functionName);
    if (s.numClasses !== 2) {
      check.fail(
        'average',
        average,
        "'micro', 'macro' or 'weighted' for more than two classes",
        "'binary' reports the positive class of a two-class problem; use 'macro' or per-class scores.",
      );
    }
    const positive = check.integer('positiveLabel', options.positiveLabel ?? 1, {
      min: 0,
      max: 1,
    });
    const scores = perClass(s, beta, zeroDivision);
    return {
      precision: scores.precision[positive]!,
      recall: scores.recall[positive]!,
      fScore: scores.fScore[positive]!,
      support: s.trueSum[positive]!,
    };
  }
  const labels = resolveLabels(functionName, options.labels, s);
  const pickSum = (values: Float64Array) => numpySum(labels.map((k) => values[k]!));
  const tp = pickSum(s.tp);
  const trueTotal = pickSum(s.trueSum);
  const predTotal = pickSum(s.predSum);
  if (average === 'micro') {
    return {
      precision: ratio(tp, predTotal, zeroDivision),
      recall: ratio(tp, trueTotal, zeroDivision),
      fScore: fScoreOf(tp, trueTotal, predTotal, beta, zeroDivision),
      support: trueTotal,
    };
  }
  if (labels.length === 0) {
    return { precision: zeroDivision, recall: zeroDivision, fScore: zeroDivision, support: 0 };
  }
  const scores = perClass(s, beta, zeroDivision);
  const pick = (values: Float64Array) => labels.map((k) => values[k]!);
  if (average === 'weighted' && trueTotal === 0) {
    const none = predTotal === 0;
    return {
      precision: none ? zeroDivision : 0,
      recall: zeroDivision,
      fScore: none ? zeroDivision : 0,
      support: 0,
    };
  }
  const weights = average === 'weighted' ? pick(s.trueSum) : undefined;
  return {
    precision: nanAverage(pick(scores.precision), weights),
    recall: nanAverage(pick(scores.recall), weights),
    fScore: nanAverage(pick(scores.fScore), weights),
    support: trueTotal,
  };
}

/** Options of the scalar precision / recall / F functions. */
export interface ScalarPrecisionRecallOptions extends PrecisionRecallOptions {
  /** How to average over classes. Default `'macro'` (scikit-learn's default `'binary'` only fits two classes). */
  readonly average?: Average;
}

function scalar(
  functionName: string,
  input: ConfusionMatrixInput,
  given: ScalarPrecisionRecallOptions,
  pick: keyof Omit<AveragedScores, 'support'>,
): number {
  const scores = computePrecisionRecall(functionName, input, {
    ...checkOptions(functionName, given),
    average: given?.average ?? 'macro',
  }) as AveragedScores;
  return scores[pick];
}

/**
 * Averaged precision: tp / (tp + fp). See {@link precisionRecallFscoreSupport}
 * for the averages and zero-division rules. Default average `'macro'`.
 * Higher is better; in [0, 1].
 *
 * @example
 * ```ts
 * precision(state, { average: 'weighted' });
 * ```
 */
export const precision = defineMetric(
  (input: ConfusionMatrixInput, options: ScalarPrecisionRecallOptions = {}): number =>
    scalar('precision', input, options, 'precision'),
  { metricName: 'precision', higherIsBetter: true, lowerBound: 0, upperBound: 1 },
);

/**
 * Averaged recall: tp / (tp + fn). Default average `'macro'`. Higher is better; in [0, 1].
 *
 * @example
 * ```ts
 * recall(state, { average: 'micro' }); // equals accuracy(state) for single-label data
 * ```
 */
export const recall = defineMetric(
  (input: ConfusionMatrixInput, options: ScalarPrecisionRecallOptions = {}): number =>
    scalar('recall', input, options, 'recall'),
  { metricName: 'recall', higherIsBetter: true, lowerBound: 0, upperBound: 1 },
);

/**
 * Averaged F1 score, the harmonic mean of precision and recall:
 * 2·tp / (2·tp + fp + fn). Default average `'macro'`. Higher is better; in [0, 1].
 *
 * @example
 * ```ts
 * f1Score(state); // macro F1
 * ```
 */
export const f1Score = defineMetric(
  (input: ConfusionMatrixInput, options: Omit<ScalarPrecisionRecallOptions, 'beta'> = {}): number =>
    scalar('f1Score', input, { ...checkOptions('f1Score', options), beta: 1 }, 'fScore'),
  { metricName: 'f1Score', higherIsBetter: true, lowerBound: 0, upperBound: 1 },
);

/**
 * Averaged F-beta score: (1 + β²)·tp / ((1 + β²)·tp + β²·fn + fp)
 * (van Rijsbergen 1979). `beta` defaults to 1. Higher is better; in [0, 1].
 *
 * @example
 * ```ts
 * fbetaScore(state, { beta: 2, average: 'weighted' });
 * ```
 */
export const fbetaScore = defineMetric(
  (input: ConfusionMatrixInput, options: ScalarPrecisionRecallOptions = {}): number =>
    scalar('fbetaScore', input, options, 'fScore'),
  { metricName: 'fbetaScore', higherIsBetter: true, lowerBound: 0, upperBound: 1 },
);

/**
 * Accuracy: the (weighted) fraction of correct predictions, trace / total,
 * like scikit-learn's `accuracy_score`. An empty matrix gives NaN.
 * Higher is better; in [0, 1].
 *
 * @example
 * ```ts
 * accuracy(confusionMatrix([0, 1, 2, 3], [0, 2, 1, 3])); // 0.5
 * ```
 */
export const accuracy = defineMetric(
  (input: ConfusionMatrixInput): number => {
    const s = sums('accuracy', input);
    let correct = 0;
    for (let k = 0; k < s.numClasses; k++) correct += s.tp[k]!;
    return s.total === 0 ? Number.NaN : correct / s.total;
  },
  { metricName: 'accuracy', higherIsBetter: true, lowerBound: 0, upperBound: 1 },
);

/** Options of {@link balancedAccuracy}. */
export interface BalancedAccuracyOptions {
  /** Rescale so that chance level is 0 and perfect is 1 (scikit-learn's `adjusted`). Default false. */
  readonly adjusted?: boolean;
}

/**
 * Balanced accuracy: the mean recall over the classes that occur in the true
 * labels (Brodersen et al. 2010), like scikit-learn's `balanced_accuracy_score`;
 * classes only ever predicted are left out. With `adjusted`, the score is
 * rescaled as (score − 1/K) / (1 − 1/K) for K such classes. No true samples
 * gives NaN. Higher is better; in [0, 1] (adjusted: [−1/(K−1), 1]).
 *
 * @example
 * ```ts
 * balancedAccuracy(confusionMatrix([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1])); // 0.625
 * ```
 */
export const balancedAccuracy = defineMetric(
  (input: ConfusionMatrixInput, given: BalancedAccuracyOptions = {}): number => {
    const name = 'balancedAccuracy';
    const options = checkOptions(name, given);
    const s = sums(name, input);
    const adjusted =
      options.adjusted === undefined
        ? false
        : checkArguments(name).boolean('adjusted', options.adjusted);
    let sum = 0;
    let n = 0;
    for (let k = 0; k < s.numClasses; k++) {
      if (s.trueSum[k]! > 0) {
        sum += s.tp[k]! / s.trueSum[k]!;
        n++;
      }
    }
    let score = n === 0 ? Number.NaN : sum / n;
    if (adjusted) {
      const chance = 1 / n;
      score -= chance;
      score /= 1 - chance;
    }
    return score;
  },
  { metricName: 'balancedAccuracy', higherIsBetter: true, lowerBound: 0, upperBound: 1 },
);

/** Options of {@link cohenKappa}. */
export interface CohenKappaOptions {
  /** `'linear'` or `'quadratic'` disagreement weights for ordinal classes. Default: unweighted. */
  readonly weights?: 'linear' | 'quadratic';
  /** Classes to include (rows and columns of the sub-matrix). Default `'present'`. */
  readonly labels?: LabelSelection;
  /** Value when kappa is undefined (0/0, e.g. both raters always pick one same class). Default NaN. */
  readonly zeroDivision?: number;
}

/**
 * Cohen's kappa (Cohen 1960): agreement between true and predicted labels
 * corrected for chance, κ = 1 − Σ w·O / Σ w·E with O the confusion matrix,
 * E = outer(column sums, row sums) / total, and w = 1 off the diagonal
 * (unweighted), |i − j| (linear) or (i − j)² (quadratic), like scikit-learn's
 * `cohen_kappa_score`. With weights, i and j are positions in `labels` (for the
 * default `'present'`, positions among the present classes, as scikit-learn).
 * Undefined (0/0) gives `zeroDivision` (default NaN). Higher is better; in [−1, 1].
 *
 * @example
 * ```ts
 * cohenKappa(state, { weights: 'quadratic', labels: 'all' });
 * ```
 */
export const cohenKappa = defineMetric(
  (input: ConfusionMatrixInput, given: CohenKappaOptions = {}): number => {
    const name = 'cohenKappa';
    const options = checkOptions(name, given);
    const s = sums(name, input);
    const check = checkArguments(name);
    const weighting =
      options.weights === undefined
        ? 'none'
        : check.oneOf('weights', options.weights, ['linear', 'quadratic']);
    const undefinedValue =
      options.zeroDivision === undefined
        ? Number.NaN
        : Number.isNaN(options.zeroDivision)
          ? Number.NaN
          : check.finite('zeroDivision', options.zeroDivision);
    const labels = resolveLabels(name, options.labels, s);
    const m = labels.length;
    const c = s.numClasses;
    // Sub-matrix over the selected labels (samples outside them are dropped, as in scikit-learn).
    const rowSum = new Float64Array(m);
    const colSum = new Float64Array(m);
    let total = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        const v = s.counts[labels[i]! * c + labels[j]!]!;
        rowSum[i]! += v;
        colSum[j]! += v;
      }
    }
    for (let j = 0; j < m; j++) total += colSum[j]!;
    const weight = (i: number, j: number) =>
      weighting === 'none'
        ? i === j
          ? 0
          : 1
        : weighting === 'linear'
          ? Math.abs(i - j)
          : (i - j) ** 2;
    let observed = 0;
    let expected = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        const w = weight(i, j);
        if (w === 0) continue;
        observed += w * s.counts[labels[i]! * c + labels[j]!]!;
        expected += w * ((colSum[i]! * rowSum[j]!) / total);
      }
    }
    const kappa = 1 - observed / expected;
    return Number.isNaN(kappa) ? undefinedValue : kappa;
  },
  { metricName: 'cohenKappa', higherIsBetter: true, lowerBound: -1, upperBound: 1 },
);

/**
 * Matthews correlation coefficient for K classes (Matthews 1975; Gorodkin
 * 2004's R_K), like scikit-learn's `matthews_corrcoef`:
 * MCC = (c·s − Σ p_k·t_k) / √((s² − Σ p_k²)(s² − Σ t_k²)) with c correct
 * samples, s total, t_k true and p_k predicted counts of class k. When the
 * denominator is 0 it returns 0 (scikit-learn). Higher is better; in [−1, 1].
 *
 * @example
 * ```ts
 * matthewsCorrelation(confusionMatrix([1, 1, 1, 0], [1, 0, 1, 1])); // -0.333
 * ```
 */
export const matthewsCorrelation = defineMetric(
  (input: ConfusionMatrixInput): number => {
    const s = sums('matthewsCorrelation', input);
    let correct = 0;
    let dotTP = 0;
    let dotPP = 0;
    let dotTT = 0;
    for (let k = 0; k < s.numClasses; k++) {
      correct += s.tp[k]!;
      dotTP += s.trueSum[k]! * s.predSum[k]!;
      dotPP += s.predSum[k]! * s.predSum[k]!;
      dotTT += s.trueSum[k]! * s.trueSum[k]!;
    }
    const n = s.total;
    const covTP = correct * n - dotTP;
    const covPP = n * n - dotPP;
    const covTT = n * n - dotTT;
    if (covPP * covTT === 0) return 0;
    return covTP / Math.sqrt(covTT * covPP);
  },
  { metricName: 'matthewsCorrelation', higherIsBetter: true, lowerBound: -1, upperBound: 1 },
);

/** @internal Shared with the report: resolves a label selection against a state. */
export function resolveReportLabels(
  functionName: string,
  input: ConfusionMatrixInput,
  selection: LabelSelection | undefined,
): { labels: number[]; present: number[] } {
  const s = sums(functionName, input);
  return {
    labels: resolveLabels(functionName, selection, s),
    present: resolveLabels(functionName, 'present', s),
  };
}
