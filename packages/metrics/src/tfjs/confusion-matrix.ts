import * as tf from '@tensorflow/tfjs-core';
import { ShapeMismatchError } from '@trainkit/core';
import { addLabels, type ConfusionMatrixState, confusionMatrixState } from '../confusion-matrix';
import { type TensorBatchUpdate, tensorBatchUpdate } from './tensor-batch-update';
import {
  type CheckedWeights,
  checkInt32,
  checkNumeric,
  checkRank,
  checkSampleWeight,
  checkTensor,
  failLabelRange,
  failNaNScores,
  readBack,
  weightsAfterReadBack,
} from './tensor-checks';

/** Per-sample weights for the tfjs helpers: a 1-D tensor or a plain array. */
export type TensorSampleWeight = tf.Tensor | ArrayLike<number>;

/** Options of the tfjs confusion-matrix updates. */
export interface TensorConfusionMatrixUpdateOptions {
  /** One finite weight >= 0 per sample: a 1-D float32 tensor or an array. */
  readonly sampleWeight?: TensorSampleWeight;
}

/**
 * Adds a batch to the state from device-side labels. Chooses the smaller
 * read-back: the whole update on device (clip, index t·C + p, bincount) reads
 * back only C² counts + 4 range checks; otherwise the 2·N labels are read back
 * and counted in JS. Either way there is exactly one `await data()` and all
 * input is validated before the state changes.
 * @internal
 */
export async function addLabelTensors(
  functionName: string,
  state: ConfusionMatrixState,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  weights: CheckedWeights,
  nanCheck: tf.Tensor | undefined,
): Promise<ConfusionMatrixState> {
  const c = state.numClasses;
  const n = yTrue.shape[0]!;
  if (n === 0) return state;
  if (weights === undefined && c * c + 5 <= 2 * n) {
    return addOnDevice(functionName, state, yTrue, yPred, nanCheck);
  }
  const packed = tf.tidy(() => {
    const parts: tf.Tensor[] = [];
    if (weights !== undefined && 'tensor' in weights) {
      parts.push(
        tf.cast(yTrue, 'float32'),
        tf.cast(yPred, 'float32'),
        tf.cast(weights.tensor, 'float32'),
      );
    } else {
      parts.push(yTrue, yPred);
    }
    if (nanCheck !== undefined) parts.push(tf.reshape(tf.cast(nanCheck, parts[0]!.dtype), [1]));
    return tf.concat(parts);
  });
  const data = await readBack(packed);
  if (nanCheck !== undefined && data[data.length - 1]! > 0) failNaNScores(functionName, noArgmax);
  const trueLabels = data.subarray(0, n);
  const predLabels = data.subarray(n, 2 * n);
  const sampleWeight = weightsAfterReadBack(weights, data, 2 * n, n);
  return addLabels(functionName, state, trueLabels, predLabels, sampleWeight);
}

async function addOnDevice(
  functionName: string,
  state: ConfusionMatrixState,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  nanCheck: tf.Tensor | undefined,
): Promise<ConfusionMatrixState> {
  const c = state.numClasses;
  const packed = tf.tidy(() => {
    const zero = tf.scalar(0, 'int32');
    const last = tf.scalar(c - 1, 'int32');
    const stats = [tf.min(yTrue), tf.max(yTrue), tf.min(yPred), tf.max(yPred)].map((s) =>
      tf.reshape(s, [1]),
    );
    if (nanCheck !== undefined) stats.push(tf.reshape(tf.cast(nanCheck, 'int32'), [1]));
    // Clip so that out-of-range labels cannot break bincount; the range check above rejects them.
    const t = tf.minimum(tf.maximum(yTrue, zero), last);
    const p = tf.minimum(tf.maximum(yPred, zero), last);
    const index = tf.add(tf.mul(t, tf.scalar(c, 'int32')), p) as tf.Tensor1D;
    const counts = tf.bincount(index, tf.tensor1d([], 'int32'), c * c);
    return tf.concat([counts, ...stats]);
  });
  const data = await readBack(packed);
  const cells = c * c;
  const [minTrue, maxTrue, minPred, maxPred] = [
    data[cells]!,
    data[cells + 1]!,
    data[cells + 2]!,
    data[cells + 3]!,
  ];
  if (nanCheck !== undefined && data[cells + 4]! > 0) failNaNScores(functionName, noArgmax);
  for (const [argument, low, high] of [
    ['yTrue', minTrue, maxTrue],
    ['yPred', minPred, maxPred],
  ] as const) {
    if (low < 0) failLabelRange(functionName, argument, low, c);
    if (high >= c) failLabelRange(functionName, argument, high, c);
  }
  const counts = state.counts;
  for (let i = 0; i < cells; i++) counts[i]! += data[i]!;
  return state;
}

const noArgmax = 'NaN scores have no argmax; check the model output for divergence.';

/**
 * Adds a batch of true and predicted labels held in tfjs tensors (1-D int32)
 * to a confusion matrix. The counting runs on the device (bincount of
 * t·C + p) and reads back only the C² counts, or, when the batch is small
 * relative to C², the labels; one `await data()` either way. All input is
 * validated before the state changes; the function disposes every tensor it
 * creates and none of yours.
 *
 * @param state - The matrix to update (mutated; the promise resolves to it).
 * @param yTrue - True labels, int32, shape [N].
 * @param yPred - Predicted labels, int32, shape [N].
 * @param options - `sampleWeight`: 1-D tensor or array of N finite weights >= 0.
 * @throws ShapeMismatchError for a wrong rank or length, InvalidArgumentError
 *   for a non-int32 dtype, a label outside [0, C) or a bad weight.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * const state = createConfusionMatrix(10);
 * await updateConfusionMatrixFromTensors(state, tf.tensor1d([3, 1], 'int32'), tf.tensor1d([3, 7], 'int32'));
 * ```
 */
export const updateConfusionMatrixFromTensors: TensorBatchUpdate<
  ConfusionMatrixState,
  TensorConfusionMatrixUpdateOptions
> = tensorBatchUpdate(
  'updateConfusionMatrixFromTensors',
  confusionMatrixState,
  async (name, state, yTrue, yPred, sampleWeight) => {
    const t = checkTensor(name, 'yTrue', yTrue);
    const p = checkTensor(name, 'yPred', yPred);
    checkRank(
      name,
      'yTrue',
      t,
      1,
      'Pass class indices of shape [batch]; use updateConfusionMatrixFromScores for scores.',
    );
    checkRank(
      name,
      'yPred',
      p,
      1,
      'Pass class indices of shape [batch]; use updateConfusionMatrixFromScores for scores.',
    );
    checkInt32(name, 'yTrue', t);
    checkInt32(name, 'yPred', p);
    if (p.shape[0] !== t.shape[0]) {
      throw new ShapeMismatchError({
        functionName: name,
        argument: 'yPred',
        expected: t.shape,
        actual: p.shape,
      });
    }
    const weights = checkSampleWeight(name, sampleWeight, t.shape[0]!);
    return addLabelTensors(name, state, t, p, weights, undefined);
  },
);

/**
 * Adds a batch to a confusion matrix from model outputs: the predicted class
 * is the argmax of each row of `scores` (logits or probabilities, shape
 * [N, C]), computed on the device; ties go to the lowest class index (like
 * `np.argmax`). `yTrue` is either int32 labels of shape [N] or a one-hot /
 * probability tensor of shape [N, C] (argmax on device too, as with Keras'
 * categorical labels). Only the small int32 result (C² counts or 2·N
 * labels) is read back, in one `await data()`; NaN scores are rejected.
 *
 * @param state - The matrix to update (mutated; the promise resolves to it).
 * @param yTrue - int32 labels [N], or one-hot [N, C].
 * @param scores - Logits or probabilities [N, C] with C = `state.numClasses`.
 * @param options - `sampleWeight`.
 * @throws ShapeMismatchError for wrong ranks or shapes, InvalidArgumentError
 *   for a bad dtype, out-of-range labels, NaN scores or bad weights.
 *
 * @example
 * ```ts
 * const logits = model.predict(xBatch) as tf.Tensor2D;
 * await updateConfusionMatrixFromScores(state, yBatch, logits);
 * logits.dispose();
 * ```
 */
export const updateConfusionMatrixFromScores: TensorBatchUpdate<
  ConfusionMatrixState,
  TensorConfusionMatrixUpdateOptions
> = tensorBatchUpdate(
  'updateConfusionMatrixFromScores',
  confusionMatrixState,
  async (name, state, yTrue, scores, sampleWeight) => {
    const prepared = prepareScores(name, state.numClasses, yTrue, scores, sampleWeight);
    if (prepared === undefined) return state;
    const { labels, predictions, nanCount, weights } = prepared;
    try {
      return await addLabelTensors(name, state, labels, predictions!, weights, nanCount);
    } finally {
      tf.dispose([predictions, nanCount]);
      if (labels !== yTrue) labels.dispose();
    }
  },
);

/** Device-side argmax results of {@link prepareScores}. */
export interface PreparedScores {
  readonly labels: tf.Tensor;
  /** The argmax of the scores (absent when not requested). */
  readonly predictions: tf.Tensor | undefined;
  readonly nanCount: tf.Tensor;
  readonly weights: CheckedWeights;
}

/**
 * Validates (labels, scores) tensors and computes the argmax and the NaN
 * count; `undefined` for an empty batch.
 * @internal
 */
export function prepareScores(
  functionName: string,
  numClasses: number,
  yTrue: unknown,
  scores: unknown,
  sampleWeight: unknown,
  withPredictions = true,
): PreparedScores | undefined {
  const t = checkTensor(functionName, 'yTrue', yTrue);
  const s = checkTensor(functionName, 'scores', scores);
  checkRank(functionName, 'scores', s, 2, 'Pass scores of shape [batch, numClasses].');
  checkNumeric(functionName, 'scores', s);
  const n = s.shape[0]!;
  if (s.shape[1] !== numClasses) {
    throw new ShapeMismatchError({
      functionName,
      argument: 'scores',
      expected: [n, numClasses],
      actual: s.shape,
      fix: 'The second dimension is the number of classes of the state.',
    });
  }
  if (t.rank === 2) {
    if (t.shape[0] !== n || t.shape[1] !== numClasses) {
      throw new ShapeMismatchError({
        functionName,
        argument: 'yTrue',
        expected: [n, numClasses],
        actual: t.shape,
      });
    }
    checkNumeric(functionName, 'yTrue', t);
  } else {
    checkRank(
      functionName,
      'yTrue',
      t,
      1,
      'Pass int32 labels [batch] or one-hot labels [batch, numClasses].',
    );
    checkInt32(functionName, 'yTrue', t);
    if (t.shape[0] !== n) {
      throw new ShapeMismatchError({
        functionName,
        argument: 'yTrue',
        expected: [n],
        actual: t.shape,
      });
    }
  }
  const weights = checkSampleWeight(functionName, sampleWeight, n);
  if (n === 0) return undefined;
  const computed = tf.tidy(() => ({
    labels: t.rank === 2 ? tf.argMax(t, 1) : t,
    predictions: withPredictions ? tf.argMax(s, 1) : undefined,
    nanCount: tf.sum(tf.cast(tf.isNaN(s), 'int32')),
  }));
  return { ...computed, weights };
}
