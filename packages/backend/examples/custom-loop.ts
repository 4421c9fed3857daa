// A custom training loop with trainkit's training-step helpers on the WebAssembly backend:
// the same arithmetic as tf.train.adam and tf.losses.softmaxCrossEntropy, in fewer kernels.
import * as tf from '@tensorflow/tfjs-core';
// In Node, tfjs-core registers no gradients; tfjs-layers (or @tensorflow/tfjs) does.
import '@tensorflow/tfjs-layers';
import { allFinite, fusedAdam, fusedSoftmaxCrossEntropy, selectBackend } from '@trainkit/backend';

await selectBackend({ backend: 'wasm' });

// A linear classifier: 64 examples of 20 features, 3 classes (the largest of the first 3 features).
const x = tf.tensor2d(
  Array.from({ length: 64 * 20 }, (_, i) => Math.sin(i * 0.37)),
  [64, 20],
);
const labels = tf.oneHot(tf.argMax(tf.slice(x, [0, 0], [64, 3]), 1), 3);
const w = tf.variable(tf.zeros([20, 3]));
const b = tf.variable(tf.zeros([3]));
const optimizer = fusedAdam(0.05); // tf.train.adam(0.05), one kernel per variable update

for (let step = 1; step <= 30; step++) {
  const { value, grads } = tf.variableGrads(() =>
    // tf.losses.softmaxCrossEntropy's kernels, one dispatch forward and one backward
    fusedSoftmaxCrossEntropy(labels, tf.add(tf.matMul(x, w), b)),
  );
  // Skip an update whose gradients hold a NaN or an infinity (one pass, no kernel dispatch).
  if (allFinite(grads))
    optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
  if (step % 10 === 0) console.log(`step ${step}: loss ${value.arraySync().toFixed(4)}`);
  tf.dispose([value, ...Object.values(grads)]);
}
