import * as tf from '@tensorflow/tfjs-core';
import { checkArguments } from '@trainkit/core';
import { type PrefetchIterator, prefetchBatches } from '../prefetch-batches';
import { checkOptions } from '../split-arguments';
import { type BatchSource, type BatchTensors, checkSourceSet, gatherBatch } from './gather-batch';

/** Options of {@link tensorBatches}. */
export interface TensorBatchesOptions {
  /** Batches gathered ahead of the consumer, an integer >= 1 (default 2). */
  readonly depth?: number;
}

/**
 * Prefetching batch tensors: for each index batch (e.g. from
 * {@link miniBatches}), {@link gatherBatch} the sources while the consumer
 * trains on the previous batch. Batches handed out belong to the consumer
 * (dispose each after its step); batches gathered ahead and never handed out
 * (after `break`, `return()` or an error) are disposed by the iterator.
 *
 * @param sources - Tensors or host data by name, samples first.
 * @param batches - Index batches (any iterable or async iterable).
 * @param options - `depth`.
 * @returns A {@link PrefetchIterator} of batch tensors.
 *
 * @example
 * ```ts
 * const batches = miniBatches(train, { batchSize: 64, seed: 0, epoch });
 * for await (const batch of tensorBatches({ x: xs, y: ys }, batches)) {
 *   await model.trainOnBatch(batch.x, batch.y);
 *   tf.dispose(batch);
 * }
 * ```
 */
export function tensorBatches<K extends string>(
  sources: { readonly [Name in K]: BatchSource },
  batches: Iterable<Int32Array | readonly number[]> | AsyncIterable<Int32Array | readonly number[]>,
  options: TensorBatchesOptions = {},
): PrefetchIterator<BatchTensors<K>> {
  options = checkOptions('tensorBatches', options, '{ depth: 2 }');
  // Checked now, not at the first batch.
  checkSourceSet('tensorBatches', sources);
  if (options.depth !== undefined) {
    checkArguments('tensorBatches').integer('depth', options.depth, { min: 1 });
  }
  return prefetchBatches(batches, (indices) => gatherBatch(sources, indices), {
    ...(options.depth === undefined ? {} : { depth: options.depth }),
    dispose: (batch) => tf.dispose(Object.values(batch) as tf.Tensor[]),
  });
}
