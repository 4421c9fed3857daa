import { checkArguments } from '@trainkit/core';
import { AccumulatingOptimizer } from './accumulating-optimizer';

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

type Logs = { [key: string]: number };

/**
 * A `model.fit` / `model.fitDataset` callback (a `tf.CustomCallbackArgs` that
 * also works inside a list of `tf.Callback` instances).
 */
export interface AccumulationCallback {
  /** Training parameters, set by tfjs-layers before training. */
  params?: FitParams;
  setParams(params: FitParams): void;
  setModel(model: unknown): void;
  onTrainBegin(logs?: Logs): Promise<void>;
  onTrainEnd(logs?: Logs): Promise<void>;
  onEpochBegin(epoch: number, logs?: Logs): Promise<void>;
  onEpochEnd(epoch: number, logs?: Logs): Promise<void>;
  onBatchBegin(batch: number, logs?: Logs): Promise<void>;
  onBatchEnd(batch: number, logs?: Logs): Promise<void>;
}

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
 * @returns A callback object for `model.fit({ callbacks })`.
 *
 * @example
 * ```ts
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

  // The hooks read `this.params`: tfjs-layers sets it through setParams on a
  // tf.Callback, and calls the hooks of a plain callback object as methods of
  // the tf.CustomCallback that wraps it (whose `params` it also sets).
  return {
    setParams(this: AccumulationCallback, params: FitParams): void {
      this.params = params;
    },
    setModel(): void {},
    async onTrainBegin(): Promise<void> {},
    async onTrainEnd(): Promise<void> {},
    async onEpochBegin(): Promise<void> {},
    async onEpochEnd(): Promise<void> {
      if (flushAtEpochEnd) optimizer.flush();
    },
    async onBatchBegin(this: { params?: FitParams } | undefined, batch: number, logs?: Logs) {
      const params = this?.params;
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
    async onBatchEnd(): Promise<void> {},
  };
}
