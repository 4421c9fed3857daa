import * as tf from '@tensorflow/tfjs-core';

/** `tf.tidy` for a function that returns plain values (numbers, check results), not tensors. @internal */
export function tidyValue<T>(fn: () => T): T {
  return tf.tidy(fn as unknown as () => tf.TensorContainer) as unknown as T;
}
