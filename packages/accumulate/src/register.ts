import { serialization } from '@tensorflow/tfjs-core';
import { AccumulatingOptimizer } from './accumulating-optimizer';

/**
 * Registers {@link AccumulatingOptimizer} with `tf.serialization`, so that
 * `tf.loadLayersModel` can rebuild a model saved with
 * `model.save(handler, { includeOptimizer: true })`. Call it once before
 * loading; calling it again is harmless. Importing the package registers nothing.
 *
 * @example
 * ```ts
 * registerAccumulatingOptimizer();
 * const model = await tf.loadLayersModel('file://checkpoint/model.json');
 * // model.optimizer is an AccumulatingOptimizer with its pending micro-batches
 * ```
 */
export function registerAccumulatingOptimizer(): void {
  serialization.registerClass(AccumulatingOptimizer);
}
