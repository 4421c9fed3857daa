// Single kernel calls of the benchmark models' training steps (batch 128) on the
// WebAssembly backend: the stock kernel against trainkit's, alternating call by call in one
// process; prints the median and the 10th percentile of each (the machine is shared: the
// low percentile shows the kernel, the median what a step sees). Outputs are never read
// back (wasm kernels finish before they return).
//
//   npx tsup && node bench/kernels.mjs [--calls 40]
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import {
  fusedAdam,
  registerWasmTrainingKernels,
  selectBackend,
  unregisterWasmTrainingKernels,
} from '../dist/index.js';

const args = process.argv.slice(2);
const calls = args.includes('--calls') ? Number(args[args.indexOf('--calls') + 1]) : 40;

await selectBackend({ backend: 'wasm', trainingKernels: false });
const engine = tf.engine();
const conv = (strides, pad, inputShape, filterShape) => ({
  strides,
  pad,
  dataFormat: 'NHWC',
  dimRoundingMode: undefined,
  inputShape,
  filterShape,
});
const t = {
  x1: tf.randomNormal([128, 28, 28, 1]),
  w1: tf.randomNormal([3, 3, 1, 16]),
  y1: tf.randomNormal([128, 26, 26, 16]),
  p1: tf.randomNormal([128, 13, 13, 16]),
  w2: tf.randomNormal([3, 3, 16, 32]),
  y2: tf.randomNormal([128, 11, 11, 32]),
  b16: tf.randomNormal([16]),
  x784: tf.randomNormal([128, 784]),
  w784: tf.randomNormal([784, 256]),
  dz256: tf.randomNormal([128, 256]),
  w256: tf.randomNormal([256, 128]),
  dz128: tf.randomNormal([128, 128]),
};
// Fresh copies of the weights for every call, made before the timer starts, as in training
// (XNNPACK re-packs every new right operand).
let w = {};
const fresh = (x) => w[x];
const refresh = () => {
  tf.dispose(Object.values(w));
  w = {
    w1: tf.add(t.w1, 0),
    w2: tf.add(t.w2, 0),
    w784: tf.add(t.w784, 0),
    w256: tf.add(t.w256, 0),
  };
};

const cases = [
  ['Conv2D, x 128x28x28x1, filter 3x3x1x16', () => tf.conv2d(t.x1, fresh('w1'), 1, 'valid')],
  ['Conv2D, x 128x13x13x16, filter 3x3x16x32', () => tf.conv2d(t.p1, fresh('w2'), 1, 'valid')],
  [
    'Conv2DBackpropInput, dy 128x11x11x32, filter 3x3x16x32',
    () =>
      engine.runKernel(
        'Conv2DBackpropInput',
        { dy: t.y2, filter: fresh('w2') },
        conv([1, 1], 'valid', [128, 13, 13, 16]),
      ),
  ],
  [
    'Conv2DBackpropFilter, x 128x28x28x1, dy 128x26x26x16',
    () =>
      engine.runKernel(
        'Conv2DBackpropFilter',
        { x: t.x1, dy: t.y1 },
        conv([1, 1], 'valid', undefined, [3, 3, 1, 16]),
      ),
  ],
  [
    'Conv2DBackpropFilter, x 128x13x13x16, dy 128x11x11x32',
    () =>
      engine.runKernel(
        'Conv2DBackpropFilter',
        { x: t.p1, dy: t.y2 },
        conv([1, 1], 'valid', undefined, [3, 3, 16, 32]),
      ),
  ],
  ['MaxPool 2x2, 128x26x26x16', () => tf.maxPool(t.y1, 2, 2, 'valid')],
  [
    'MaxPoolGrad 2x2, 128x26x26x16',
    () =>
      engine.runKernel(
        'MaxPoolGrad',
        { dy: t.p1, input: t.y1, output: t.p1 },
        { filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
      ),
  ],
  ['Add (conv bias), 128x26x26x16 + 16', () => tf.add(t.y1, t.b16)],
  ['Relu, 128x26x26x16', () => tf.relu(t.y1)],
  ['Step (relu gradient mask), 128x26x26x16', () => tf.step(t.y1)],
  [
    'Sum over batch, height, width (conv bias gradient), 128x26x26x16',
    () => tf.sum(t.y1, [0, 1, 2]),
  ],
  ['BatchMatMul 128x784 by 784x256 (first dense layer)', () => tf.matMul(t.x784, fresh('w784'))],
  [
    'BatchMatMul transposeA, 784x128 by 128x256 (its weight gradient)',
    () => tf.matMul(t.x784, t.dz256, true, false),
  ],
  [
    'BatchMatMul transposeB, 128x128 by 256x128 (second layer input gradient)',
    () => tf.matMul(t.dz128, fresh('w256'), false, true),
  ],
];

const setups = [
  ['stock', () => unregisterWasmTrainingKernels()],
  ['trainkit', () => registerWasmTrainingKernels()],
];
const times = new Map();
const measure = (name, which, f) => {
  refresh();
  const start = performance.now();
  tf.tidy(() => {
    f();
  });
  const ms = performance.now() - start;
  const key = `${name}|${which}`;
  if (times.get(key) !== null) times.set(key, [...(times.get(key) ?? []), ms]);
};

for (let round = 0; round < calls + 3; round++) {
  for (const [which, setup] of round % 2 ? [...setups].reverse() : setups) {
    setup();
    for (const [name, f] of cases) {
      try {
        if (round >= 3) measure(name, which, f);
        else {
          refresh();
          tf.tidy(() => void f());
        }
      } catch {
        times.set(`${name}|${which}`, null);
      }
    }
  }
}

// Adam on the first layer's weights (784x256 plus moments): tf.train.adam's 14 kernels per
// variable against fusedAdam's one, both with trainkit's kernels registered.
registerWasmTrainingKernels();
const adamVariable = tf.variable(tf.randomNormal([784, 256]));
const gradient = tf.randomNormal([784, 256]);
const optimizers = [
  ['tf.train.adam', tf.train.adam(1e-3)],
  ['fusedAdam', fusedAdam(1e-3)],
];
for (let round = 0; round < calls + 3; round++) {
  for (const [which, optimizer] of optimizers) {
    const start = performance.now();
    optimizer.applyGradients({ [adamVariable.name]: gradient });
    if (round >= 3) {
      const key = `Adam update, 784x256 weights|${which}`;
      times.set(key, [...(times.get(key) ?? []), performance.now() - start]);
    }
  }
}

const quantile = (values, q) =>
  [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))];
const format = (ms) => (ms >= 1 ? `${ms.toFixed(2)} ms` : `${Math.round(ms * 1000)} µs`);
console.log(`${calls} alternating calls each; median (10th percentile)\n`);
console.log('| kernel call | stock | trainkit | speed-up (median) |\n| --- | ---: | ---: | ---: |');
const names = [...cases.map(([name]) => name), 'Adam update, 784x256 weights'];
for (const name of names) {
  const [a, b] = name.startsWith('Adam')
    ? [times.get(`${name}|tf.train.adam`), times.get(`${name}|fusedAdam`)]
    : [times.get(`${name}|stock`), times.get(`${name}|trainkit`)];
  const cell = (v) => (v ? `${format(quantile(v, 0.5))} (${format(quantile(v, 0.1))})` : 'throws');
  const speedup = a && b ? `${(quantile(a, 0.5) / quantile(b, 0.5)).toFixed(1)}x` : '-';
  console.log(`| ${name} | ${cell(a)} | ${cell(b)} | ${speedup} |`);
}
console.log('\nAdam row: tf.train.adam (stock optimizer, trainkit kernels) against fusedAdam.');
