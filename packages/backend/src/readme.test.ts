// The README examples (examples/*.ts, shown verbatim) run as a user writes them; the printed
// losses are compared line for line with the README and recomputed here with the stock ops.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { describeReadmeExamples } from '../../../examples.shared';

/** The example's loop with tf.train.adam and tf.losses.softmaxCrossEntropy (no skipping). */
function stockLosses(): string[] {
  const printed: string[] = [];
  tf.tidy(() => {
    const x = tf.tensor2d(
      Array.from({ length: 64 * 20 }, (_, i) => Math.sin(i * 0.37)),
      [64, 20],
    );
    const labels = tf.oneHot(tf.argMax(tf.slice(x, [0, 0], [64, 3]), 1), 3);
    const w = tf.variable(tf.zeros([20, 3]));
    const b = tf.variable(tf.zeros([3]));
    const optimizer = tf.train.adam(0.05);
    for (let step = 1; step <= 30; step++) {
      const { value, grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(labels, tf.add(tf.matMul(x, w), b)) as tf.Scalar,
      );
      optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
      if (step % 10 === 0) printed.push(`step ${step}: loss ${value.arraySync().toFixed(4)}`);
    }
    optimizer.dispose();
    w.dispose();
    b.dispose();
  });
  return printed;
}

describeReadmeExamples(import.meta.url, {
  'examples/custom-loop.ts': (printed) => {
    expect(tf.getBackend()).toBe('wasm');
    expect(printed).toEqual(stockLosses());
    const losses = printed.map((line) => Number(line.split('loss ')[1]));
    expect(losses[2]).toBeLessThan(losses[0]! * 0.8);
  },
});
