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
import { defineMetric } from './metric-metadata';

/**
 * Scores (logits or probabilities) of N samples over C classes: either one
 * flat row-major array of length N·C (e.g. the `Float32Array` of a `[N, C]`
 * tensor) or N rows of length C.
 */
export type ScoreMatrix = ArrayLike<number> | readonly ArrayLike<number>[];

/** Streaming top-k accuracy: how many samples had their true class among the k best scores. */
export interface TopKAccuracyState {
  readonly kind: 'topKAccuracy';
  readonly numClasses: number;
  readonly k: number;
  /** (Weighted) number of hits. */
  correct: number;
  /** (Weighted) number of samples. */
  total: number;
}

/** Options of {@link createTopKAccuracy}. */
export interface TopKAccuracyStateOptions {
  /** Number of classes C (columns of the scores). */
  readonly numClasses: number;
  /**
   * A hit is the true class among the k highest scores, an integer in
   * [1, numClasses] (k = numClasses: every sample is a hit). Default 2 (scikit-learn's default).
   */
  readonly k?: number;
}

/** Options of {@link updateTopKAccuracy}. */
export interface TopKAccuracyUpdateOptions {
  /** One finite weight >= 0 per sample. */
  readonly sampleWeight?: WeightArray;
}

/** Options of the one-shot {@link topKAccuracy}. */
export interface TopKAccuracyOptions extends TopKAccuracyUpdateOptions {
  /** Default 2 (scikit-learn's default). */
  readonly k?: number;
  /** Number of classes; required when `scores` is flat. Default: the row length. */
  readonly numClasses?: number;
  /** Return the (weighted) fraction of hits (default `true`) or their (weighted) count. */
  readonly normalize?: boolean;
}

/** The serialized form written by {@link topKAccuracyToJSON}. */
export interface TopKAccuracyJSON {
  readonly format: 'trainkit.metrics.topKAccuracy';
  readonly version: 1;
  readonly numClasses: number;
  readonly k: number;
  readonly correct: number;
  readonly total: number;
}

/**
 * Top-k accuracy as a streaming state (torchmetrics: two `add_state` sums,
 * hits and samples): reset, merge and JSON come from the definition.
 * @internal
 */
export const topKAccuracyState = defineStreamingState<
  TopKAccuracyState,
  'numClasses' | 'k',
  TopKAccuracyJSON
>('trainkit.metrics.topKAccuracy', {
  description: 'a top-k accuracy state',
  createdBy: 'createTopKAccuracy({ numClasses, k })',
  parameters: {
    numClasses: stateParameter.integer({ min: 1, fix: 'Pass the number of score columns.' }),
    k: stateParameter.integer({ min: 1, fix: 'k counts the best-scored classes.' }),
  },
  fields: { correct: stateField.sum({ min: 0 }), total: stateField.sum({ min: 0 }) },
  // Hits are a subset of the samples.
  validate: (state, read) => {
    if (state.k > state.numClasses) read.fail('k', `<= numClasses (${state.numClasses})`, state.k);
    if (state.total < state.correct) {
      read.fail('total', `a finite number >= ${state.correct}`, state.total);
    }
  },
});

/**
 * Creates an empty streaming top-k accuracy counter.
 *
 * @param options - `numClasses` and `k` (default 2).
 * @returns A state with zero hits and samples.
 *
 * @example
 * ```ts
 * const top5 = createTopKAccuracy({ numClasses: 1000, k: 5 });
 * updateTopKAccuracy(top5, labels, logits);
 * topKAccuracyValue(top5);
 * ```
 */
export function createTopKAccuracy(options: TopKAccuracyStateOptions): TopKAccuracyState {
  return createChecked('createTopKAccuracy', checkOptions('createTopKAccuracy', options));
}

/** {@link createTopKAccuracy} with the caller's name in errors; k may not exceed numClasses. */
function createChecked(functionName: string, options: TopKAccuracyStateOptions): TopKAccuracyState {
  const state = topKAccuracyState.create(functionName, {
    numClasses: options.numClasses,
    k: options.k ?? 2,
  });
  if (state.k > state.numClasses) {
    checkArguments(functionName).fail(
      'k',
      state.k,
      `an integer <= numClasses (${state.numClasses})`,
      'k counts the best-scored classes; with k = numClasses every sample is a hit.',
    );
  }
  return state;
}

/** Flattens and validates scores; returns the flat array. */
function flatScores(
  functionName: string,
  scores: unknown,
  n: number,
  numClasses: number,
): ArrayLike<number> {
  assertArrayLike(functionName, 'scores', scores);
  let flat: ArrayLike<number>;
  if (scores.length > 0 && typeof scores[0] !== 'number') {
    const rows = scores as unknown as readonly ArrayLike<number>[];
    checkSameLength(functionName, 'scores', rows.length, n);
    const out = new Float64Array(n * numClasses);
    rows.forEach((row, i) => {
      assertArrayLike(functionName, `scores[${i}]`, row);
      if (row.length !== numClasses) {
        throw new ShapeMismatchError({
          functionName,
          argument: `scores[${i}]`,
          expected: [numClasses],
          actual: [row.length],
          fix: 'Each row holds one score per class.',
        });
      }
      for (let j = 0; j < numClasses; j++) out[i * numClasses + j] = row[j] as number;
    });
    flat = out;
  } else {
    if (scores.length !== n * numClasses) {
      throw new ShapeMismatchError({
        functionName,
        argument: 'scores',
        expected: [n * numClasses],
        actual: [scores.length],
        fix: `Flat scores are row-major [samples, classes]: ${n} samples × ${numClasses} classes.`,
      });
    }
    flat = scores;
  }
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== 'number' || Number.isNaN(v)) {
      checkArguments(functionName).fail(
        `scores[${Math.floor(i / numClasses)}][${i % numClasses}]`,
        v,
        'a number (not NaN)',
        'NaN scores cannot be ranked; check the model output for divergence.',
      );
    }
  }
  return flat;
}

/**
 * Whether the true class is among the k best scores of one row. Ties rank the
 * higher class index first, exactly like scikit-learn's reversed stable
 * argsort: rank = #{j : s_j > s_t} + #{j > t : s_j = s_t}.
 */
function isHit(
  scores: ArrayLike<number>,
  offset: number,
  numClasses: number,
  t: number,
  k: number,
): boolean {
  const st = scores[offset + t] as number;
  let rank = 0;
  for (let j = 0; j < numClasses; j++) {
    const v = scores[offset + j] as number;
    if (v > st || (v === st && j > t)) {
      rank++;
      if (rank >= k) return false;
    }
  }
  return true;
}

/**
 * Counts a batch of hits into the state, in place. Everything is validated
 * before the state changes.
 *
 * @param state - The counter (mutated and returned).
 * @param yTrue - True class indices, N integers in `[0, C)`.
 * @param predictions - N×C scores (flat row-major or rows). NaN is rejected; ±Infinity ranks normally.
 * @param options - `sampleWeight`.
 * @returns `state`.
 * @throws InvalidArgumentError / ShapeMismatchError for bad labels, scores or weights.
 *
 * @example
 * ```ts
 * updateTopKAccuracy(state, [2, 0], [[0.1, 0.5, 0.4], [0.2, 0.3, 0.5]]);
 * ```
 */
export const updateTopKAccuracy: BatchUpdate<
  TopKAccuracyState,
  ScoreMatrix,
  TopKAccuracyUpdateOptions
> = batchUpdate('updateTopKAccuracy', topKAccuracyState, countHits);

/** {@link updateTopKAccuracy} with the caller's name in errors, for a state already checked. */
function countHits(
  name: string,
  state: TopKAccuracyState,
  yTrue: LabelArray,
  scores: ScoreMatrix,
  weights: WeightArray | undefined,
): TopKAccuracyState {
  const c = state.numClasses;
  checkLabels(name, 'yTrue', yTrue, c);
  const n = yTrue.length;
  const flat = flatScores(name, scores, n, c);
  if (weights !== undefined) checkWeights(name, 'sampleWeight', weights, n);
  let correct = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights === undefined ? 1 : (weights[i] as number);
    if (isHit(flat, i * c, c, yTrue[i] as number, state.k)) correct += w;
    total += w;
  }
  state.correct += correct;
  state.total += total;
  return state;
}

/**
 * The (weighted) fraction of hits so far; NaN before any sample.
 * Higher is better; in [0, 1].
 *
 * @example
 * ```ts
 * topKAccuracyValue(state); // 0.93
 * ```
 */
export const topKAccuracyValue = defineMetric(
  (state: TopKAccuracyState): number => {
    topKAccuracyState.assert('topKAccuracyValue', state);
    return state.total === 0 ? Number.NaN : state.correct / state.total;
  },
  { metricName: 'topKAccuracy', higherIsBetter: true, lowerBound: 0, upperBound: 1 },
);

/**
 * One-shot top-k accuracy like scikit-learn's
 * `top_k_accuracy_score(y_true, y_score, k=k, labels=range(C))` for
 * multiclass scores: the (weighted) fraction of samples whose true class is
 * among the k highest scores. Ties rank the higher class index first (as
 * scikit-learn). `k` may not exceed C (an `InvalidArgumentError`, where
 * scikit-learn warns and returns 1); `k = C` makes every sample a hit. No
 * samples gives NaN.
 *
 * @param yTrue - True class indices.
 * @param scores - N×C scores, flat row-major (then pass `numClasses`) or rows.
 * @param options - `k` (default 2), `numClasses`, `sampleWeight`, `normalize`.
 * @returns The fraction of hits, or their (weighted) count with `normalize: false`.
 *
 * @example
 * ```ts
 * topKAccuracy([0, 1, 2, 2], [
 *   [0.5, 0.2, 0.2],
 *   [0.3, 0.4, 0.2],
 *   [0.2, 0.4, 0.3],
 *   [0.7, 0.2, 0.1],
 * ], { k: 2 }); // 0.75
 * ```
 */
export function topKAccuracy(
  yTrue: LabelArray,
  scores: ScoreMatrix,
  options: TopKAccuracyOptions = {},
): number {
  options = checkOptions('topKAccuracy', options);
  const name = 'topKAccuracy';
  assertArrayLike(name, 'scores', scores);
  let numClasses = options.numClasses;
  if (numClasses === undefined) {
    const first = scores[0] as unknown;
    if (scores.length > 0 && typeof first !== 'number') {
      assertArrayLike(name, 'scores[0]', first);
      numClasses = first.length;
    } else {
      checkArguments(name).fail(
        'numClasses',
        undefined,
        'given for flat scores',
        'Pass numClasses, or pass the scores as rows.',
      );
    }
  }
  const state = createChecked(name, { numClasses: numClasses as number, k: options.k ?? 2 });
  const normalize =
    options.normalize === undefined
      ? true
      : checkArguments(name).boolean('normalize', options.normalize);
  countHits(name, state, yTrue, scores, options.sampleWeight);
  return normalize ? topKAccuracyValue(state) : state.correct;
}

// The generic operations, bound to their public names (see the definition above).

/**
 * Adds the counts of `sources` into `target` (same `numClasses` and `k`), in place.
 *
 * @param target - The counter that receives the counts (mutated and returned).
 * @param sources - Counters with the same `numClasses` and `k`.
 * @returns `target`.
 * @throws InvalidArgumentError when a source has another `numClasses` or `k` (nothing is added).
 * @example
 * ```ts
 * mergeTopKAccuracy(total, workerA, workerB);
 * ```
 */
export const mergeTopKAccuracy = topKAccuracyState.merge;

/**
 * Sets the counts to zero, in place.
 *
 * @param state - The counter (mutated and returned).
 * @returns `state`.
 * @example
 * ```ts
 * resetTopKAccuracy(state);
 * ```
 */
export const resetTopKAccuracy = topKAccuracyState.reset;

/**
 * Serializes the state (exact through `JSON.stringify`).
 *
 * @param state - The counter.
 * @returns The envelope `{ format: 'trainkit.metrics.topKAccuracy', version: 1, numClasses, k, correct, total }`.
 * @example
 * ```ts
 * const saved = JSON.stringify(topKAccuracyToJSON(state));
 * ```
 */
export const topKAccuracyToJSON = topKAccuracyState.toJSON;

/**
 * Restores a state written by {@link topKAccuracyToJSON}.
 *
 * @param json - What {@link topKAccuracyToJSON} returned (or its JSON text).
 * @returns The state.
 * @throws StateRestoreError for a malformed state.
 * @example
 * ```ts
 * const state = topKAccuracyFromJSON(JSON.parse(saved));
 * ```
 */
export const topKAccuracyFromJSON = topKAccuracyState.fromJSON;
