import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
// In Node, tfjs-core registers no gradients; tfjs-layers (or @tensorflow/tfjs) does.
import '@tensorflow/tfjs-layers';
import { AccumulatingOptimizer } from '@trainkit/accumulate';

await tf.setBackend('cpu');

// A softmax classifier on 100 samples with 20 features and 3 classes.
const xs = tf.randomNormal([100, 20], 0, 1, 'float32', 1);
const ys = tf.oneHot(tf.randomUniform([100], 0, 3, 'int32', 2), 3);
const w = tf.variable(tf.zeros([20, 3]));
const b = tf.variable(tf.zeros([3]));
const loss = (x: tf.Tensor, y: tf.Tensor): tf.Scalar =>
  tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(x, w), b)) as tf.Scalar;

// The updates of batches of 32, computed 8 samples at a time.
const optimizer = new AccumulatingOptimizer(tf.train.adam(0.01), { k: 4, clipNorm: 5 });
for (let epoch = 0; epoch < 3; epoch++) {
  for (let start = 0; start < 100; start += 8) {
    const size = Math.min(8, 100 - start);
    const x = tf.slice(xs, [start, 0], [size, 20]);
    const y = tf.slice(ys, [start, 0], [size, 3]);
    const { value, grads } = tf.variableGrads(() => loss(x, y), [w, b]);
    optimizer.accumulate(grads, { sampleCount: size }); // { updated, skipped, ... }
    tf.dispose([x, y, value, grads]);
  }
  // The last group holds one micro-batch of 4 samples: apply it with weight 4.
  optimizer.flush();
  console.log(`epoch ${epoch}: ${optimizer.iterations} updates`); // 4, 8, 12
}
optimizer.dispose();
