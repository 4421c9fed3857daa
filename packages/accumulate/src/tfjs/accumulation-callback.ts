import { CustomCallback, type Logs } from '@tensorflow/tfjs-layers';
import { checkArguments } from '@trainkit/core';
import { AccumulatingOptimizer } from '../accumulating-optimizer';

/** Options of {@link accumulationCallback}. */
export interface AccumulationCallbackOptions {
  /**
   * Apply the pending partial group at the end of every epoch, weighted by its
   * true sample count. Default `true`. With `false`, groups run across epoch
   * boundaries (a global counter, like Keras 3).
   */
  readonly flushAtEpochEnd?: boolean;
}

/** The training parameters tfjs-layers hands to callbacks (`setParams`). */
interface FitParams {
  readonly samples?: number | null;
  readonly batchSize?: number | null;
  readonly steps?: number | null;
}

/**
 * The callback {@link accumulationCallback} returns: a `tf.CustomCallback`, so
 * it works anywhere in the `callbacks` list of `model.fit` / `fitDataset`.
 */
export type AccumulationCallback = CustomCallback;

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * Makes `model.fit` with an {@link AccumulatingOptimizer} equal to training
 * with k times the batch size, including the last, partial batch of an epoch.
 *
 * `fit` passes no sample count to the optimizer. Before every batch this
 * callback tells the optimizer the batch's true size (from `fit`'s `samples`
 * and `batchSize` parameters, or from `fitDataset`'s `logs.size`) and, on the
 * last batch of the epoch, to apply the partial group right after it, so that
 * validation at the end of the epoch already sees the update. At the end of
 * an epoch it also flushes whatever is still pending (e.g. after
 * `model.stopTraining`).
 *
 * Without this callback, `fit` weighs every micro-batch equally (weight 1), so
 * a smaller last batch counts as much as a full one, and a partial group
 * carries over into the next epoch. Both are exact only when the number of
 * training samples is a multiple of k·batchSize.
 *
 * Give it to `fit` with `shuffle` as you like; it only reads sizes. With
 * `fitDataset` and a dataset of unknown length, the partial group is applied
 * at the epoch end (after validation).
 *
 * @param optimizer The optimizer given to `model.compile`.
 * @param options `flushAtEpochEnd` (default `true`).
 * @returns A `tf.CustomCallback` for `model.fit({ callbacks })`, in any position of the list.
 *
 * @example
 * ```ts
 * import { AccumulatingOptimizer } from '@trainkit/accumulate';
 * import { accumulationCallback } from '@trainkit/accumulate/tfjs';
 *
 * const optimizer = new AccumulatingOptimizer(tf.train.adam(1e-3), { k: 4 });
 * model.compile({ optimizer, loss: 'categoricalCrossentropy' });
 * // same weights as batchSize 128 without accumulation:
 * await model.fit(xs, ys, { batchSize: 32, epochs: 5, callbacks: [accumulationCallback(optimizer)] });
 * ```
 */
export function accumulationCallback(
  optimizer: AccumulatingOptimizer,
  options: AccumulationCallbackOptions = {},
): AccumulationCallback {
  const check = checkArguments('accumulationCallback');
  if (!AccumulatingOptimizer.isInstance(optimizer)) {
    const given = optimizer as { getClassName?: () => string } | undefined;
    check.fail(
      'optimizer',
      typeof given?.getClassName === 'function' ? `${given.getClassName()} optimizer` : optimizer,
      'an AccumulatingOptimizer',
      'Pass the optimizer that was given to model.compile.',
    );
  }
  const flushAtEpochEnd =
    options.flushAtEpochEnd === undefined
      ? true
      : check.boolean('flushAtEpochEnd', options.flushAtEpochEnd);

  // A real tf.CustomCallback: tfjs-layers looks at callbacks[0] to decide whether to
  // wrap the list, so a plain object there would break the other callbacks.
  const callback: CustomCallback = new CustomCallback(
    {
      onEpochEnd: async () => {
        if (flushAtEpochEnd) optimizer.flush();
      },
      onBatchBegin: async (batch: number, logs?: Logs) => {
        const params = callback.params as FitParams | undefined;
        const samples = positiveNumber(params?.samples);
        const batchSize = positiveNumber(params?.batchSize);
        const steps = positiveNumber(params?.steps);
        let sampleCount = positiveNumber(logs?.size);
        let lastBatch = false;
        if (samples !== undefined && batchSize !== undefined) {
          const batches = Math.ceil(samples / batchSize);
          sampleCount ??= Math.min(batchSize, samples - batch * batchSize);
          lastBatch = batch === batches - 1;
        } else if (steps !== undefined) {
          lastBatch = batch === steps - 1;
        }
        if (sampleCount === undefined || sampleCount <= 0) return;
        optimizer.setNextMicroBatch({ sampleCount, endOfEpoch: flushAtEpochEnd && lastBatch });
      },
    },
    'never',
  );
  return callback;
}
