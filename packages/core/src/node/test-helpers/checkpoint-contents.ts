import type { CheckpointTensor } from '../checkpoint';

/** The deterministic contents of generation n in the kill tests. */
export function contentsFor(
  n: number,
  size: number,
): { state: { n: number; epoch: number }; tensors: CheckpointTensor[] } {
  const weights = new Float32Array(size);
  for (let i = 0; i < size; i++) weights[i] = ((n * 7919 + i * 31) % 65521) / 7;
  return {
    state: { n, epoch: Math.floor(n / 3) },
    tensors: [
      { name: 'weights', dtype: 'float32', shape: [size], values: weights },
      { name: 'iter', dtype: 'int32', shape: [], values: new Int32Array([n]) },
    ],
  };
}
