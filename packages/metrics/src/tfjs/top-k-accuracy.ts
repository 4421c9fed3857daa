import * as tf from '@tensorflow/tfjs-core';
import { checkWeights } from '../labels';
import { type TopKAccuracyState, topKAccuracyState } from '../top-k-accuracy';
import { prepareScores, type TensorSampleWeight } from './confusion-matrix';
import { type TensorBatchUpdate, tensorBatchUpdate } from './tensor-batch-update';
import { failLabelRange, failNaNScores, readBack, weightsAfterReadBack } from './tensor-checks';

/** Options of {@link updateTopKAccuracyFromScores}. */
export interface TensorTopKAccuracyUpdateOptions {
  /** One finite weight >= 0 per sample: a 1-D tensor or an array. */
  readonly sampleWeight?: TensorSampleWeight;
}

/**
 * Counts top-k hits of a batch of scores on the device. The rank of the true
 * class in each row is computed with comparisons, not a sort:
 * rank = #{j : s_j > s_t} + #{j > t : s_j = s_t}, a hit when rank < k. This
 * breaks ties exactly like scikit-learn's `top_k_accuracy_score` (higher
 * class index first; `tf.topk` would prefer the lower index) and equals the
 * pure {@link updateTopKAccuracy} on the same float32 scores. One
 * `await data()` reads back N hit flags (plus N weights when they are a
 * tensor) and 3 checks; NaN scores and labels outside [0, C) are rejected
 * before the state changes.
 *
 * @param state - A top-k state (mutated; the promise resolves to it).
 * @param yTrue - int32 labels [N], or one-hot [N, C].
 * @param scores - Logits or probabilities [N, C], C = `state.numClasses`.
 * @param options - `sampleWeight`.
 *
 * @example
 * ```ts
 * const top5 = createTopKAccuracy({ numClasses: 100, k: 5 });
 * await updateTopKAccuracyFromScores(top5, labels, logits);
 * topKAccuracyValue(top5);
 * ```
 */
export const updateTopKAccuracyFromScores: TensorBatchUpdate<
  TopKAccuracyState,
  TensorTopKAccuracyUpdateOptions
> = tensorBatchUpdate(
  'updateTopKAccuracyFromScores',
  topKAccuracyState,
  async (name, state, yTrue, scores, sampleWeight) => {
    const c = state.numClasses;
    const prepared = prepareScores(name, c, yTrue, scores, sampleWeight, false);
    if (prepared === undefined) return state;
    const { labels, predictions, nanCount, weights } = prepared;
    const s = scores as tf.Tensor2D;
    const n = s.shape[0];
    let packed: tf.Tensor;
    try {
      packed = tf.tidy(() => {
        const zero = tf.scalar(0, 'int32');
        const last = tf.scalar(c - 1, 'int32');
        const t = tf.minimum(tf.maximum(labels, zero), last) as tf.Tensor1D;
        const flatIndex = tf.add(tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(c, 'int32')), t);
        const trueScore = tf.reshape(tf.gather(tf.reshape(s, [-1]), flatIndex), [n, 1]);
        const columns = tf.reshape(tf.range(0, c, 1, 'int32'), [1, c]);
        const above = tf.logicalOr(
          tf.greater(s, trueScore),
          tf.logicalAnd(tf.equal(s, trueScore), tf.greater(columns, tf.reshape(t, [n, 1]))),
        );
        const rank = tf.sum(tf.cast(above, 'int32'), 1);
        const hits = tf.cast(tf.less(rank, tf.scalar(state.k, 'int32')), 'int32');
        const checks = [tf.min(labels), tf.max(labels), nanCount].map((x) =>
          tf.reshape(tf.cast(x, 'int32'), [1]),
        );
        if (weights !== undefined && 'tensor' in weights) {
          return tf.concat([
            tf.cast(hits, 'float32'),
            tf.cast(weights.tensor, 'float32'),
            tf.cast(tf.concat(checks), 'float32'),
          ]);
        }
        return tf.concat([hits, ...checks]);
      });
    } finally {
      tf.dispose([predictions, nanCount]);
      if (labels !== yTrue) labels.dispose();
    }
    const data = await readBack(packed);
    const checksAt = weights !== undefined && 'tensor' in weights ? 2 * n : n;
    const [minLabel, maxLabel, nan] = [data[checksAt]!, data[checksAt + 1]!, data[checksAt + 2]!];
    if (nan > 0) {
      failNaNScores(name, 'NaN scores cannot be ranked; check the model output for divergence.');
    }
    if (minLabel < 0) failLabelRange(name, 'yTrue', minLabel, c);
    if (maxLabel >= c) failLabelRange(name, 'yTrue', maxLabel, c);
    const weightsRead = weightsAfterReadBack(weights, data, n, n);
    if (weightsRead !== undefined) checkWeights(name, 'sampleWeight', weightsRead, n);
    let correct = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weightsRead === undefined ? 1 : weightsRead[i]!;
      if (data[i] === 1) correct += w;
      total += w;
    }
    state.correct += correct;
    state.total += total;
    return state;
  },
);
