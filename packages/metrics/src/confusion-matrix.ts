import { checkArguments, ShapeMismatchError } from '@trainkit/core';
import { defineStreamingState, stateField, stateParameter } from '@trainkit/stats';
import { type BatchUpdate, batchUpdate } from './batch-update';
import type { LabelArray, WeightArray } from './labels';
import {
  assertArrayLike,
  checkLabels,
  checkOptions,
  checkSameLength,
  checkWeights,
} from './labels';

/** Largest supported class count (`numClasses²` cells must stay addressable). */
export const MAX_CLASSES = 46_340;

/**
 * The state of a streaming confusion matrix: a plain object you can carry,
 * merge, serialize and restore.
 *
 * `counts` is row-major, `numClasses × numClasses`, **rows = true class,
 * columns = predicted class** (scikit-learn's convention): the (weighted)
 * number of samples of true class `t` predicted as `p` is
 * `counts[t * numClasses + p]`. Counts are float64 so that sample weights
 * work; unweighted counts are exact integers up to 2^53.
 */
export interface ConfusionMatrixState {
  readonly kind: 'confusionMatrix';
  readonly numClasses: number;
  readonly counts: Float64Array;
}

/** How to normalize a confusion matrix (scikit-learn's `normalize`). */
export type ConfusionMatrixNormalization = 'true' | 'pred' | 'all';

/** A confusion matrix given either as a state or as a square matrix of counts. */
export type ConfusionMatrixInput = ConfusionMatrixState | readonly (readonly number[])[];

/** Options of {@link updateConfusionMatrix}. */
export interface ConfusionMatrixUpdateOptions {
  /** One finite weight >= 0 per sample (scikit-learn's `sample_weight`). Default: all 1. */
  readonly sampleWeight?: WeightArray;
}

/** Options of the one-shot {@link confusionMatrix}. */
export interface ConfusionMatrixOptions extends ConfusionMatrixUpdateOptions {
  /** Number of classes. Default: the largest label in either array plus one. */
  readonly numClasses?: number;
}

/** The serialized form written by {@link confusionMatrixToJSON}. */
export interface ConfusionMatrixJSON {
  readonly format: 'trainkit.metrics.confusionMatrix';
  readonly version: 1;
  readonly numClasses: number;
  /** Row-major counts, `numClasses²` finite numbers >= 0. */
  readonly counts: number[];
}

const numClassesBounds = {
  min: 1,
  max: MAX_CLASSES,
  fix: 'Pass the number of classes of the problem, e.g. 10 for MNIST.',
};

/**
 * The confusion matrix as a streaming state (torchmetrics: `add_state("confmat",
 * zeros(C, C), dist_reduce_fx="sum")`): reset, merge, clone and JSON come from
 * the definition; the update below is the hot path.
 * @internal
 */
export const confusionMatrixState = defineStreamingState<
  ConfusionMatrixState,
  'numClasses',
  ConfusionMatrixJSON
>('trainkit.metrics.confusionMatrix', {
  description: 'a confusion matrix state',
  createdBy: 'createConfusionMatrix(numClasses) or confusionMatrix(yTrue, yPred)',
  mergeName: 'mergeConfusionMatrices',
  parameters: {
    numClasses: stateParameter.integer(numClassesBounds, {
      shape: { fix: 'Only matrices over the same classes can be merged.' },
    }),
  },
  fields: {
    counts: stateField.sums(({ numClasses }) => (numClasses as number) * (numClasses as number), {
      min: 0,
    }),
  },
});

/**
 * Creates an empty streaming confusion matrix.
 *
 * @param numClasses - Number of classes `C` (1..46340). Labels are `0..C-1`.
 * @returns A state with `C × C` zero counts.
 * @throws InvalidArgumentError when `numClasses` is not an integer in range.
 *
 * @example
 * ```ts
 * const state = createConfusionMatrix(3);
 * for (const batch of batches) updateConfusionMatrix(state, batch.labels, batch.predictions);
 * console.log(accuracy(state));
 * ```
 */
export function createConfusionMatrix(numClasses: number): ConfusionMatrixState {
  return confusionMatrixState.create('createConfusionMatrix', { numClasses });
}

/**
 * Adds a batch of (true, predicted) label pairs to the matrix, in place.
 *
 * All input is validated before the state is touched: on any error nothing of
 * the batch is added. For large unweighted batches (N >= 4·C²) the hot loop is
 * a single pass that validates and counts `t * C + p` into scratch histograms
 * merged at the end; small or weighted batches are validated first, then added.
 *
 * @param state - The matrix to update (mutated and returned, like torchmetrics' `update`).
 * @param yTrue - True class indices, integers in `[0, C)`.
 * @param predictions - Predicted class indices (`yPred`), same length as `yTrue`.
 * @param options - `sampleWeight`: one finite weight >= 0 per sample.
 * @returns `state`.
 * @throws InvalidArgumentError for a label that is not an integer in `[0, C)`
 *   (including NaN) or a negative / non-finite weight, naming its index.
 * @throws ShapeMismatchError when the lengths differ.
 *
 * @example
 * ```ts
 * const state = createConfusionMatrix(3);
 * updateConfusionMatrix(state, [0, 1, 2, 2], [0, 2, 2, 2]);
 * updateConfusionMatrix(state, new Int32Array([1]), new Int32Array([1]), { sampleWeight: [0.5] });
 * confusionMatrixToArray(state); // [[1, 0, 0], [0, 0.5, 1], [0, 0, 2]]
 * ```
 */
export const updateConfusionMatrix: BatchUpdate<
  ConfusionMatrixState,
  LabelArray,
  ConfusionMatrixUpdateOptions
> = batchUpdate('updateConfusionMatrix', confusionMatrixState, addLabels);

/**
 * {@link updateConfusionMatrix} with the caller's name in error messages, for a state already checked.
 * @internal
 */
export function addLabels(
  name: string,
  state: ConfusionMatrixState,
  yTrue: LabelArray,
  yPred: LabelArray,
  weights: WeightArray | undefined,
): ConfusionMatrixState {
  const c = state.numClasses;
  assertArrayLike(name, 'yTrue', yTrue);
  assertArrayLike(name, 'yPred', yPred);
  checkSameLength(name, 'yPred', yPred.length, yTrue.length);
  if (weights !== undefined) {
    checkWeights(name, 'sampleWeight', weights, yTrue.length);
    checkLabels(name, 'yTrue', yTrue, c);
    checkLabels(name, 'yPred', yPred, c);
    // Validation passed: from here on nothing can throw.
    addWeighted(state.counts, c, yTrue, yPred, weights);
  } else if (yTrue.length >= 4 * c * c) {
    countLargeBatch(name, state.counts, c, yTrue, yPred);
  } else {
    checkLabels(name, 'yTrue', yTrue, c);
    checkLabels(name, 'yPred', yPred, c);
    addUnweighted(state.counts, c, yTrue, yPred);
  }
  return state;
}

function addUnweighted(
  counts: Float64Array,
  c: number,
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
): void {
  const n = yTrue.length;
  for (let i = 0; i < n; i++) {
    counts[(yTrue[i] as number) * c + (yPred[i] as number)]! += 1;
  }
}

/** Whether a label is an integer in [0, c); `(v | 0) !== v` also rejects NaN and non-numbers. */
function bad(v: number, c: number): boolean {
  return !(v >= 0 && v < c) || (v | 0) !== v;
}

/**
 * The hot loop for large unweighted batches: a single pass that validates and
 * counts into four interleaved scratch histograms (independent increments
 * pipeline better than a chain on one array), merged into the state only when
 * every label was valid. Nothing is added on error.
 */
function countLargeBatch(
  name: string,
  counts: Float64Array,
  c: number,
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
): void {
  const cells = c * c;
  const h = new Uint32Array(4 * cells);
  const n = yTrue.length;
  const end = n - (n % 4);
  let ok = true;
  for (let i = 0; i < end; i += 4) {
    const t0 = yTrue[i] as number;
    const p0 = yPred[i] as number;
    const t1 = yTrue[i + 1] as number;
    const p1 = yPred[i + 1] as number;
    const t2 = yTrue[i + 2] as number;
    const p2 = yPred[i + 2] as number;
    const t3 = yTrue[i + 3] as number;
    const p3 = yPred[i + 3] as number;
    if (
      bad(t0, c) ||
      bad(p0, c) ||
      bad(t1, c) ||
      bad(p1, c) ||
      bad(t2, c) ||
      bad(p2, c) ||
      bad(t3, c) ||
      bad(p3, c)
    ) {
      ok = false;
      break;
    }
    h[t0 * c + p0]!++;
    h[cells + t1 * c + p1]!++;
    h[2 * cells + t2 * c + p2]!++;
    h[3 * cells + t3 * c + p3]!++;
  }
  for (let i = end; ok && i < n; i++) {
    const t = yTrue[i] as number;
    const p = yPred[i] as number;
    if (bad(t, c) || bad(p, c)) ok = false;
    else h[t * c + p]!++;
  }
  if (!ok) {
    // Report the first bad label exactly as the two-pass validation does.
    checkLabels(name, 'yTrue', yTrue, c);
    checkLabels(name, 'yPred', yPred, c);
  }
  for (let k = 0; k < cells; k++)
    counts[k]! += h[k]! + h[cells + k]! + h[2 * cells + k]! + h[3 * cells + k]!;
}

function addWeighted(
  counts: Float64Array,
  c: number,
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  weights: ArrayLike<number>,
): void {
  const n = yTrue.length;
  for (let i = 0; i < n; i++) {
    counts[(yTrue[i] as number) * c + (yPred[i] as number)]! += weights[i] as number;
  }
}

/**
 * One-shot confusion matrix of two label arrays (the functional form of
 * {@link createConfusionMatrix} + {@link updateConfusionMatrix}), like
 * scikit-learn's `confusion_matrix(y_true, y_pred, labels=range(C), sample_weight=...)`.
 *
 * @param yTrue - True class indices.
 * @param yPred - Predicted class indices.
 * @param options - `numClasses` (default: largest label + 1) and `sampleWeight`.
 * @returns A new state.
 *
 * @example
 * ```ts
 * const state = confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]);
 * confusionMatrixToArray(state); // [[2, 0, 0], [0, 0, 1], [1, 0, 2]]
 * confusionMatrixToArray(state, { normalize: 'true' })[0]; // [1, 0, 0]
 * ```
 */
export function confusionMatrix(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: ConfusionMatrixOptions = {},
): ConfusionMatrixState {
  options = checkOptions('confusionMatrix', options);
  const name = 'confusionMatrix';
  let numClasses = options.numClasses;
  if (numClasses === undefined) {
    assertArrayLike(name, 'yTrue', yTrue);
    assertArrayLike(name, 'yPred', yPred);
    checkLabels(name, 'yTrue', yTrue, MAX_CLASSES);
    checkLabels(name, 'yPred', yPred, MAX_CLASSES);
    let max = -1;
    for (let i = 0; i < yTrue.length; i++) max = Math.max(max, yTrue[i] as number);
    for (let i = 0; i < yPred.length; i++) max = Math.max(max, yPred[i] as number);
    if (max < 0) {
      checkArguments(name).fail(
        'numClasses',
        undefined,
        'given when there are no labels',
        'Pass numClasses explicitly.',
      );
    }
    numClasses = max + 1;
  }
  const state = confusionMatrixState.create(name, { numClasses });
  return addLabels(name, state, yTrue, yPred, options.sampleWeight);
}

/**
 * Accepts a state or a square matrix of non-negative counts and returns a state
 * (a matrix is copied into a new state; a state is returned as is).
 * @internal
 */
export function toConfusionMatrixState(
  functionName: string,
  input: ConfusionMatrixInput,
): ConfusionMatrixState {
  if (Array.isArray(input)) {
    const rows = input as readonly (readonly number[])[];
    const check = checkArguments(functionName);
    const c = rows.length;
    if (c < 1 || c > MAX_CLASSES) {
      check.fail('matrix', input, `a square matrix with 1..${MAX_CLASSES} rows`);
    }
    const counts = new Float64Array(c * c);
    rows.forEach((row, t) => {
      if (!Array.isArray(row) || row.length !== c) {
        throw new ShapeMismatchError({
          functionName,
          argument: `matrix[${t}]`,
          expected: [c],
          actual: Array.isArray(row) ? [row.length] : 'not an array',
          fix: 'A confusion matrix is square: one row and one column per class.',
        });
      }
      row.forEach((value, p) => {
        counts[t * c + p] = check.nonNegative(`matrix[${t}][${p}]`, value);
      });
    });
    return { kind: 'confusionMatrix', numClasses: c, counts };
  }
  confusionMatrixState.assert(functionName, input, 'matrix');
  return input as ConfusionMatrixState;
}

/**
 * Normalizes the counts like scikit-learn's `confusion_matrix(normalize=...)`:
 * `'true'` divides each row by its sum (rows sum to 1: recall per class on the
 * diagonal), `'pred'` divides each column by its sum (precision on the
 * diagonal), `'all'` divides by the total. An empty row/column/matrix gives
 * zeros (scikit-learn's `0/0 -> 0`).
 *
 * @param input - A state or a square matrix.
 * @param normalize - `'true'`, `'pred'` or `'all'`.
 * @returns A new row-major `C × C` Float64Array.
 *
 * @example
 * ```ts
 * const rates = normalizeConfusionMatrix(state, 'true');
 * ```
 */
export function normalizeConfusionMatrix(
  input: ConfusionMatrixInput,
  normalize: ConfusionMatrixNormalization,
): Float64Array {
  const name = 'normalizeConfusionMatrix';
  const state = toConfusionMatrixState(name, input);
  checkArguments(name).oneOf('normalize', normalize, ['true', 'pred', 'all']);
  const c = state.numClasses;
  const counts = state.counts;
  const out = new Float64Array(c * c);
  const divide = (value: number, total: number) => (total === 0 ? 0 : value / total);
  if (normalize === 'true') {
    for (let t = 0; t < c; t++) {
      let sum = 0;
      for (let p = 0; p < c; p++) sum += counts[t * c + p]!;
      for (let p = 0; p < c; p++) out[t * c + p] = divide(counts[t * c + p]!, sum);
    }
  } else if (normalize === 'pred') {
    for (let p = 0; p < c; p++) {
      let sum = 0;
      for (let t = 0; t < c; t++) sum += counts[t * c + p]!;
      for (let t = 0; t < c; t++) out[t * c + p] = divide(counts[t * c + p]!, sum);
    }
  } else {
    let sum = 0;
    for (let i = 0; i < counts.length; i++) sum += counts[i]!;
    for (let i = 0; i < counts.length; i++) out[i] = divide(counts[i]!, sum);
  }
  return out;
}

/** Options of {@link confusionMatrixToArray}. */
export interface ConfusionMatrixToArrayOptions {
  /** Normalize first (see {@link normalizeConfusionMatrix}). Default: raw counts. */
  readonly normalize?: ConfusionMatrixNormalization;
}

/**
 * The matrix as nested arrays, `result[true][pred]`, like scikit-learn's output.
 *
 * @example
 * ```ts
 * confusionMatrixToArray(confusionMatrix([0, 1, 1], [0, 1, 0])); // [[1, 0], [1, 1]]
 * ```
 */
export function confusionMatrixToArray(
  input: ConfusionMatrixInput,
  options: ConfusionMatrixToArrayOptions = {},
): number[][] {
  options = checkOptions('confusionMatrixToArray', options);
  const name = 'confusionMatrixToArray';
  const state = toConfusionMatrixState(name, input);
  const values =
    options.normalize === undefined
      ? state.counts
      : normalizeConfusionMatrix(state, options.normalize);
  const c = state.numClasses;
  const rows: number[][] = [];
  for (let t = 0; t < c; t++) rows.push(Array.from(values.subarray(t * c, t * c + c)));
  return rows;
}

// The generic operations, bound to their public names (see the definition above).

/**
 * Adds the counts of `sources` into `target`, in place (for folds or
 * workers). All class counts are checked first; on a mismatch nothing is added.
 * Merging is exact for integer counts; weighted counts are float64 sums.
 *
 * @param target - The state that receives the counts (mutated and returned).
 * @param sources - States with the same `numClasses`.
 * @returns `target`.
 * @throws ShapeMismatchError when a source has a different number of classes.
 *
 * @example
 * ```ts
 * const total = createConfusionMatrix(10);
 * mergeConfusionMatrices(total, foldA, foldB);
 * ```
 */
export const mergeConfusionMatrices = confusionMatrixState.merge;

/**
 * Sets every count to zero, in place (start of a new epoch).
 *
 * @param state - The matrix (mutated and returned).
 * @returns `state`.
 * @example
 * ```ts
 * resetConfusionMatrix(state);
 * ```
 */
export const resetConfusionMatrix = confusionMatrixState.reset;

/**
 * An independent copy of a state (a snapshot that later updates do not change).
 *
 * @param state - The matrix.
 * @returns A new state with a copy of the counts.
 * @example
 * ```ts
 * const snapshot = cloneConfusionMatrix(state);
 * ```
 */
export const cloneConfusionMatrix = confusionMatrixState.clone;

/**
 * Serializes a state to a JSON-safe object. `JSON.stringify` of the result
 * and {@link confusionMatrixFromJSON} restore the counts bit for bit.
 *
 * @param state - The matrix.
 * @returns The envelope `{ format: 'trainkit.metrics.confusionMatrix', version: 1, numClasses, counts }`.
 * @example
 * ```ts
 * const text = JSON.stringify(confusionMatrixToJSON(state));
 * const restored = confusionMatrixFromJSON(JSON.parse(text));
 * ```
 */
export const confusionMatrixToJSON = confusionMatrixState.toJSON;

/**
 * Restores a state written by {@link confusionMatrixToJSON} (the object or its
 * JSON string).
 *
 * @param json - What {@link confusionMatrixToJSON} returned.
 * @returns The state.
 * @throws StateRestoreError when the format, version, class count or any count
 *   is wrong (counts must be `numClasses²` finite numbers >= 0).
 *
 * @example
 * ```ts
 * const state = confusionMatrixFromJSON(JSON.parse(saved));
 * ```
 */
export const confusionMatrixFromJSON = confusionMatrixState.fromJSON;
