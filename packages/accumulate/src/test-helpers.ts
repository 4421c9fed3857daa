// Shared fixtures of the tfjs tests: a seeded 8-16-4 MLP and seeded data.
// Not exported from the package.
import * as tf from '@tensorflow/tfjs-core';
import { createRandom } from '@trainkit/stats';

/** Seeded uniform numbers in [0, 1) from @trainkit/stats' PCG32. */
export function seededRandom(seed: number): () => number {
  const random = createRandom({ seed });
  return () => random.nextFloat();
}

export const layerSizes = [8, 16, 4] as const;

/** Initial weights of the MLP as plain arrays (Glorot-uniform-like, seeded). */
export function initialWeights(seed: number): { shape: number[]; values: number[] }[] {
  const random = seededRandom(seed);
  const weights: { shape: number[]; values: number[] }[] = [];
  for (let layer = 0; layer + 1 < layerSizes.length; layer++) {
    const fanIn = layerSizes[layer]!;
    const fanOut = layerSizes[layer + 1]!;
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    weights.push({
      shape: [fanIn, fanOut],
      values: Array.from({ length: fanIn * fanOut }, () => (2 * random() - 1) * limit),
    });
    weights.push({
      shape: [fanOut],
      values: Array.from({ length: fanOut }, () => 0.1 * (2 * random() - 1)),
    });
  }
  return weights;
}

export interface Mlp {
  readonly variables: tf.Variable[];
  loss(xs: tf.Tensor2D, ys: tf.Tensor2D): tf.Scalar;
  dispose(): void;
}

/** An 8-16-4 MLP (ReLU, softmax cross-entropy, mean over the batch) with seeded weights. */
export function makeMlp(seed = 7): Mlp {
  const variables = initialWeights(seed).map(({ shape, values }) =>
    tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'))),
  );
  const [w1, b1, w2, b2] = variables as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
  return {
    variables,
    loss: (xs, ys) =>
      tf.tidy(() => {
        const hidden = tf.relu(tf.add(tf.matMul(xs, w1), b1));
        const logits = tf.add(tf.matMul(hidden, w2), b2);
        return tf.mean(tf.sum(tf.mul(ys, tf.neg(tf.logSoftmax(logits))), 1)) as tf.Scalar;
      }),
    dispose: () => tf.dispose(variables),
  };
}

export interface Dataset {
  readonly xs: number[][];
  readonly labels: number[];
}

/** n seeded samples: 8 features in [-1, 1), one of 4 classes from a noisy linear rule. */
export function makeDataset(n: number, seed = 11): Dataset {
  const random = seededRandom(seed);
  const xs: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = Array.from({ length: layerSizes[0] }, () => 2 * random() - 1);
    const score = x[0]! + 0.5 * x[1]! - x[2]! + 0.3 * (random() - 0.5);
    labels.push(Math.min(3, Math.max(0, Math.floor(score + 2))));
    xs.push(x);
  }
  return { xs, labels };
}

/** Samples [start, end) as tensors. */
export function batchOf(data: Dataset, start: number, end: number): [tf.Tensor2D, tf.Tensor2D] {
  return tf.tidy(() => [
    tf.tensor2d(data.xs.slice(start, end)),
    tf.cast(
      tf.oneHot(tf.tensor1d(data.labels.slice(start, end), 'int32'), 4),
      'float32',
    ) as tf.Tensor2D,
  ]);
}

/** Largest absolute difference between two lists of same-shaped tensors. */
export function maxAbsDiff(a: readonly tf.Tensor[], b: readonly tf.Tensor[]): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let max = 0;
  a.forEach((tensor, i) => {
    const x = tensor.dataSync();
    const y = b[i]!.dataSync();
    if (x.length !== y.length) throw new Error(`size ${x.length} vs ${y.length}`);
    for (let j = 0; j < x.length; j++) max = Math.max(max, Math.abs(x[j]! - y[j]!));
  });
  return max;
}
