import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  accuracy,
  type ConfusionMatrixState,
  createConfusionMatrix,
  updateConfusionMatrix,
} from '@trainkit/metrics';
import type { BatchGatherer } from './data';

/** Loss, accuracy and confusion matrix of a model on a set of samples. */
export interface Evaluation {
  /** Mean softmax cross-entropy. */
  readonly loss: number;
  readonly accuracy: number;
  readonly matrix: ConfusionMatrixState;
  readonly count: number;
}

/** Rows per forward pass when evaluating (see COMMON.md: predict's default batch of 32 slices slowly on wasm). */
export const evaluationChunk = 1000;

/**
 * Evaluates `model` in inference mode (dropout off) on the samples `indices`:
 * chunks of 1,000 rows through `model.apply` inside `tf.tidy`, the loss summed
 * and the predictions taken with argmax on the device, so only one number and
 * 1,000 class ids per chunk come back to the host.
 */
export function evaluate(
  model: tfl.LayersModel,
  gatherer: BatchGatherer,
  indices: Int32Array,
): Evaluation {
  const matrix = createConfusionMatrix(10);
  let lossSum = 0;
  for (let start = 0; start < indices.length; start += evaluationChunk) {
    const chunk = indices.subarray(start, start + evaluationChunk);
    const { x, y } = gatherer.gather(chunk);
    const [loss, predicted] = tf.tidy(() => {
      const logits = model.apply(x, { training: false }) as tf.Tensor2D;
      return [
        tf.losses.softmaxCrossEntropy(
          tf.oneHot(y, 10),
          logits,
          undefined,
          undefined,
          tf.Reduction.SUM,
        ),
        tf.argMax(logits, 1),
      ];
    });
    lossSum += loss!.dataSync()[0]!;
    updateConfusionMatrix(matrix, gatherer.labelsOf(chunk), predicted!.dataSync() as Int32Array);
    tf.dispose([x, y, loss!, predicted!]);
  }
  return {
    loss: lossSum / indices.length,
    accuracy: accuracy(matrix),
    matrix,
    count: indices.length,
  };
}
