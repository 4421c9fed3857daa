import * as tf from '@tensorflow/tfjs-core';
import { createRandom } from '@trainkit/stats';
import type { SanityData } from './target';

/** Seeded shuffled mini-batches drawn from tensors, cycling over epochs. @internal */
export interface BatchStream {
  /** The next batch (tensors the caller disposes). */
  next(): { x: tf.Tensor; y: tf.Tensor; size: number };
}

/** Batches of `batchSize` rows in a seeded order, reshuffled every pass. @internal */
export function batchStream(
  data: SanityData,
  count: number,
  batchSize: number,
  seed: number,
): BatchStream {
  const random = createRandom({ seed });
  let order = random.permutation(count);
  let position = 0;
  return {
    next() {
      const size = Math.min(batchSize, count);
      if (position + size > count) {
        order = random.permutation(count);
        position = 0;
      }
      const indices = tf.tensor1d(order.subarray(position, position + size), 'int32');
      position += size;
      const batch = { x: tf.gather(data.x, indices), y: tf.gather(data.y, indices), size };
      indices.dispose();
      return batch;
    },
  };
}
