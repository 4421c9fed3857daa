import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // in Node its build registers every gradient
import {
  createProfiler,
  estimateTimes,
  formatProfileReport,
  summarizeProfile,
} from '@trainkit/profiler';

await tf.setBackend('cpu');
const xs = tf.randomNormal([640, 784]);
const ys = tf.oneHot(tf.randomUniform([640], 0, 10, 'int32'), 10);
const w = tf.variable(tf.randomNormal([784, 10], 0, 0.05));
const optimizer = tf.train.sgd(0.1);

const profiler = createProfiler({
  phases: ['data', 'train step', 'logging'], // optional: fixes the order in reports
  batchSize: 64, // samples per iteration, for samples/s
});
const losses: number[] = [];
for (let i = 0; i < 50; i += 1) {
  profiler.phase('data'); // starts the iteration and the phase
  const start = (i % 10) * 64;
  const x = tf.slice(xs, [start, 0], [64, 784]);
  const y = tf.slice(ys, [start, 0], [64, 10]);
  profiler.phase('train step');
  const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, tf.matMul(x, w)), true)!;
  profiler.phase('logging');
  losses.push((await loss.data())[0]!);
  tf.dispose([x, y, loss]);
  profiler.endIteration(); // samples default to batchSize
}

const state = profiler.state();
const report = summarizeProfile(state, {
  warmupIterations: 1, // the first iteration compiles kernels
  backend: { backend: tf.getBackend() }, // so that the advice fits the run
});
console.log(
  formatProfileReport(report, {
    estimates: estimateTimes(state, { iterationsPerEpoch: 10, totalEpochs: 20 }),
  }),
);
console.log(`loss ${losses[0]!.toFixed(3)} -> ${losses.at(-1)!.toFixed(3)}`);
tf.dispose([xs, ys, w]);
