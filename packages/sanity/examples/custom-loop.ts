import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradients in Node
import { checkGradientFreshness, trainingMonitor } from '@trainkit/sanity/tfjs';

await tf.setBackend('cpu');
// applyGradients takes { name, tensor } pairs (its map form is typed as variables).
const pairs = (grads: tf.NamedTensorMap) =>
  Object.entries(grads).map(([name, tensor]) => ({ name, tensor }));

const x = tf.randomNormal([256, 10], 0, 1, 'float32', 3);
const y = tf.tidy(() =>
  tf.cast(tf.oneHot(tf.argMax(tf.slice(x, [0, 0], [-1, 4]), 1), 4), 'float32'),
);
const w = tf.variable(tf.randomNormal([10, 4], 0, 0.3, 'float32', 4));
const b = tf.variable(tf.zeros([4]));
const variables = [w, b];
const loss = (xs: tf.Tensor, ys: tf.Tensor) =>
  tf.losses.softmaxCrossEntropy(ys, tf.add(tf.matMul(xs, w), b)) as tf.Scalar;
const optimizer = tf.train.adam(0.05);

// The bug: gradients summed across steps (PyTorch's forgotten zero_grad, written by hand).
let sum: tf.NamedTensorMap | undefined;
const buggyStep = (xs: tf.Tensor, ys: tf.Tensor) => {
  const { value, grads } = tf.variableGrads(() => loss(xs, ys), variables);
  const next =
    sum === undefined
      ? grads
      : tf.tidy(() =>
          Object.fromEntries(Object.keys(grads).map((k) => [k, tf.add(sum![k]!, grads[k]!)])),
        );
  if (sum !== undefined) tf.dispose([...Object.values(sum), ...Object.values(grads)]);
  sum = next;
  optimizer.applyGradients(pairs(sum));
  value.dispose();
};
const freshness = await checkGradientFreshness(
  { variables, loss, optimizer },
  { x, y },
  { step: buggyStep },
);
console.log(freshness.status, freshness.name);
tf.dispose(Object.values(sum ?? {}));

// The hook in a correct loop: call it around every update.
const monitor = trainingMonitor({
  variables,
  loss,
  probe: { x, y },
  interval: 20,
  log: (line) => console.log(line),
});
for (let step = 0; step < 100; step++) {
  const start = (step * 32) % 224;
  const xs = tf.slice(x, [start, 0], [32, 10]);
  const ys = tf.slice(y, [start, 0], [32, 4]);
  monitor.beforeStep(step);
  const { value, grads } = tf.variableGrads(() => loss(xs, ys), variables);
  optimizer.applyGradients(pairs(grads));
  await monitor.afterStep(step, { loss: value, gradients: grads });
  tf.dispose([xs, ys, value, ...Object.values(grads)]);
  if (monitor.shouldStop) break;
}
console.log(monitor.report().status, monitor.findings.length);
monitor.dispose();
