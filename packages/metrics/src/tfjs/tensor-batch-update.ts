import type * as tf from '@tensorflow/tfjs-core';
import { checkOptions } from '../labels';
import type { TensorSampleWeight } from './confusion-matrix';

/**
 * The public tfjs update of a streaming metric over one batch of tensors:
 * `(state, yTrue, predictions, options?) => Promise<state>`, where
 * `predictions` are predicted labels or scores.
 */
export type TensorBatchUpdate<S, O> = (
  state: S,
  yTrue: tf.Tensor,
  predictions: tf.Tensor,
  options?: O,
) => Promise<S>;

/**
 * How a metric adds a batch of tensors once its options and state are checked.
 */
export type AddTensorBatch<S> = (
  functionName: string,
  state: S,
  yTrue: tf.Tensor,
  predictions: tf.Tensor,
  sampleWeight: TensorSampleWeight | undefined,
) => Promise<S>;

/**
 * Builds a metric's public tfjs update from its `add`: the options object is
 * checked, then the state (with the metric's streaming-state definition),
 * then the batch is added with the public name in errors.
 *
 * @param functionName - The public name, e.g. `updateConfusionMatrixFromScores`.
 * @param definition - The metric's state definition (its `assert`).
 * @param add - The metric's add.
 * @returns The update function.
 * @internal
 */
export function tensorBatchUpdate<S, O extends { readonly sampleWeight?: TensorSampleWeight }>(
  functionName: string,
  definition: { assert(functionName: string, state: unknown): void },
  add: AddTensorBatch<S>,
): TensorBatchUpdate<S, O> {
  return async (state, yTrue, predictions, options) => {
    const sampleWeight =
      options === undefined ? undefined : checkOptions(functionName, options).sampleWeight;
    definition.assert(functionName, state);
    return add(functionName, state, yTrue, predictions, sampleWeight);
  };
}
