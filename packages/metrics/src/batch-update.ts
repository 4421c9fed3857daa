import type { LabelArray, WeightArray } from './labels';
import { checkOptions } from './labels';

/**
 * The public update of a streaming metric over one labelled batch, in place:
 * `(state, yTrue, predictions, options?) => state`, where `predictions` are
 * predicted labels (confusion matrix) or scores (top-k accuracy).
 */
export type BatchUpdate<S, P, O> = (state: S, yTrue: LabelArray, predictions: P, options?: O) => S;

/**
 * How a metric adds a batch to a checked state: validates the batch (naming
 * `functionName` in errors) before it changes `state`.
 */
export type AddBatch<S, P> = (
  functionName: string,
  state: S,
  yTrue: LabelArray,
  predictions: P,
  weights: WeightArray | undefined,
) => S;

/**
 * Builds a metric's public update function from its `add`: the options
 * object is checked, then the state (with the metric's streaming-state
 * definition), then the batch is added with the public name in errors.
 * One wrapper call per batch; the per-sample loop stays in `add`.
 *
 * @param functionName - The public name, e.g. `updateConfusionMatrix`.
 * @param definition - The metric's state definition (its `assert`).
 * @param add - The metric's validated add.
 * @returns The update function.
 * @internal
 */
export function batchUpdate<S, P, O extends { readonly sampleWeight?: WeightArray }>(
  functionName: string,
  definition: { assert(functionName: string, state: unknown): void },
  add: AddBatch<S, P>,
): BatchUpdate<S, P, O> {
  return (state, yTrue, predictions, options) => {
    const weights =
      options === undefined ? undefined : checkOptions(functionName, options).sampleWeight;
    definition.assert(functionName, state);
    return add(functionName, state, yTrue, predictions, weights);
  };
}
