import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // in Node its build registers every gradient
import { createProfiler, summarizeProfile } from '@trainkit/profiler';
import { synchronizedProfiler } from '@trainkit/profiler/tfjs';

await tf.setBackend('cpu'); // on webgl or webgpu the waiting below matters
const xs = tf.randomNormal([256, 32]);
const ys = tf.matMul(xs, tf.randomNormal([32, 1])); // a linear target to learn
const w = tf.variable(tf.zeros([32, 1]));
const optimizer = tf.train.adam(0.05);

const profiler = createProfiler({ phases: ['data', 'train step', 'logging'] });
const sync = synchronizedProfiler(profiler); // 'auto': waits on webgl/webgpu only
for (let i = 0; i < 20; i += 1) {
  await sync.phase('data');
  const start = (i % 4) * 64;
  const x = tf.slice(xs, [start, 0], [64, 32]);
  const y = tf.slice(ys, [start, 0], [64, 1]);
  await sync.phase('train step');
  const loss = optimizer.minimize(() => tf.losses.meanSquaredError(y, tf.matMul(x, w)), true)!;
  await sync.phase('logging', loss); // reads `loss` back first: the step's kernels are done
  const value = (await loss.data())[0]!;
  tf.dispose([x, y, loss]);
  await sync.endIteration(64);
  if (i % 10 === 9) console.log(`iteration ${i + 1}: loss ${value.toFixed(3)}`);
}
console.log(summarizeProfile(profiler.state()).bottleneck?.summary);
tf.dispose([xs, ys, w]);
