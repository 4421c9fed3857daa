// Throughput and memory of gradient accumulation versus one large batch.
//
//   npm run bench            (build first: npx tsup)
//   BACKEND=wasm npm run bench   (if @tensorflow/tfjs-backend-wasm is installed)
//
// Same MLP (784-256-128-10, ReLU, softmax cross-entropy), same inner optimizer
// (Adam 1e-3), same data: k = 4 micro-batches of 32 per update versus plain
// batches of 128, plus the lower bound of any accumulation scheme (the same
// four gradient computations of 32 and one update, without accumulating).
// Rounds alternate so that load from other processes hits every setup; the
// ratios are medians over paired rounds. UPDATES (per round, default 2) and
// ROUNDS (default 15) can be set in the environment.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node build registers no gradients; tfjs-layers' Node build
// registers all of them in tfjs' global registry.
import '@tensorflow/tfjs-layers';
import { AccumulatingOptimizer } from '../dist/index.js';

const backend = process.env.BACKEND ?? 'cpu';
if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
await tf.setBackend(backend);
await tf.ready();

const sizes = [784, 256, 128, 10];
const microBatch = 32;
const k = 4;
const batch = microBatch * k;
const updatesPerRound = Number(process.env.UPDATES ?? 2);
const rounds = Number(process.env.ROUNDS ?? 15);

function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function parameterCount() {
  let count = 0;
  for (let i = 0; i + 1 < sizes.length; i++) count += sizes[i] * sizes[i + 1] + sizes[i + 1];
  return count;
}

function makeMlp(seed) {
  const random = seeded(seed);
  const variables = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const limit = Math.sqrt(6 / (sizes[i] + sizes[i + 1]));
    const kernel = Float32Array.from(
      { length: sizes[i] * sizes[i + 1] },
      () => (2 * random() - 1) * limit,
    );
    variables.push(tf.tidy(() => tf.variable(tf.tensor2d(kernel, [sizes[i], sizes[i + 1]]))));
    variables.push(tf.tidy(() => tf.variable(tf.zeros([sizes[i + 1]]))));
  }
  const loss = (xs, ys) =>
    tf.tidy(() => {
      let h = xs;
      for (let i = 0; i < variables.length; i += 2) {
        h = tf.add(tf.matMul(h, variables[i]), variables[i + 1]);
        if (i + 2 < variables.length) h = tf.relu(h);
      }
      return tf.mean(tf.sum(tf.mul(ys, tf.neg(tf.logSoftmax(h))), 1));
    });
  return { variables, loss };
}

const samples = batch * updatesPerRound;
const random = seeded(3);
const xs = tf.tensor2d(
  Float32Array.from({ length: samples * sizes[0] }, () => random()),
  [samples, sizes[0]],
);
const ys = tf.tidy(() =>
  tf.cast(
    tf.oneHot(
      tf.tensor1d(
        Array.from({ length: samples }, () => Math.floor(random() * 10)),
        'int32',
      ),
      10,
    ),
    'float32',
  ),
);
const slices = (size) =>
  Array.from({ length: samples / size }, (_, i) => [
    tf.slice(xs, [i * size, 0], [size, -1]),
    tf.slice(ys, [i * size, 0], [size, -1]),
  ]);
const largeBatches = slices(batch);
const microBatches = slices(microBatch);

let peakSampled = 0;
const sample = () => {
  peakSampled = Math.max(peakSampled, tf.memory().numBytes);
};

function plainStep(model, optimizer, [x, y]) {
  const { value, grads } = tf.variableGrads(() => model.loss(x, y), model.variables);
  sample();
  optimizer.applyGradients(grads);
  sample();
  tf.dispose([value, grads]);
}

function microStep(model, optimizer, [x, y]) {
  const { value, grads } = tf.variableGrads(() => model.loss(x, y), model.variables);
  sample();
  optimizer.accumulate(grads, { sampleCount: microBatch });
  sample();
  tf.dispose([value, grads]);
}

// Lower bound of any accumulation scheme: the same 4 gradient computations of
// 32 samples and one inner update per 128 samples, without accumulating.
function lowerBoundStep(model, optimizer, [x, y], index) {
  const { value, grads } = tf.variableGrads(() => model.loss(x, y), model.variables);
  sample();
  if (index % k === k - 1) optimizer.applyGradients(grads);
  sample();
  tf.dispose([value, grads]);
}

const setups = {
  plain: () => {
    const model = makeMlp(1);
    const optimizer = tf.train.adam(1e-3);
    return {
      model,
      optimizer,
      run: () => {
        for (const b of largeBatches) plainStep(model, optimizer, b);
      },
    };
  },
  accumulated: () => {
    const model = makeMlp(1);
    const optimizer = new AccumulatingOptimizer(tf.train.adam(1e-3), { k });
    return {
      model,
      optimizer,
      run: () => {
        for (const b of microBatches) microStep(model, optimizer, b);
      },
    };
  },
  lowerBound: () => {
    const model = makeMlp(1);
    const optimizer = tf.train.adam(1e-3);
    return {
      model,
      optimizer,
      run: () => {
        for (const [i, b] of microBatches.entries()) lowerBoundStep(model, optimizer, b, i);
      },
    };
  },
};

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = Object.fromEntries(
  Object.keys(setups).map((name) => [
    name,
    { wall: [], cpu: [], peakProfiled: 0, peakSampled: 0, resting: 0 },
  ]),
);

// Memory, one setup at a time (the data tensors are the baseline): the
// per-kernel peak of tf.memory().numBytes during one round (tf.profile), and
// the largest value sampled between calls over that round.
const dataBytes = tf.memory().numBytes;
for (const [name, make] of Object.entries(setups)) {
  const { model, optimizer, run } = make();
  run(); // warm-up: kernels, Adam slots
  const resting = tf.memory().numBytes;
  peakSampled = 0;
  const profile = await tf.profile(() => run());
  Object.assign(results[name], {
    peakProfiled: profile.peakBytes - dataBytes,
    peakSampled: peakSampled - dataBytes,
    resting: resting - dataBytes,
  });
  optimizer.dispose();
  tf.dispose(model.variables);
  if (process.env.VERBOSE)
    console.log(`${name}: ${tf.memory().numBytes - dataBytes} bytes left after dispose`);
}

// Throughput: both setups alive, rounds alternate. Wall time and this
// process's CPU time (the CPU backend runs on the main thread, so CPU time is
// robust to other processes sharing the machine).
const instances = Object.fromEntries(Object.entries(setups).map(([name, make]) => [name, make()]));
for (const { run } of Object.values(instances)) run();
for (let round = 0; round < rounds; round++) {
  for (const [name, { run }] of Object.entries(instances)) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    run();
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    results[name].wall.push(samples / seconds);
    results[name].cpu.push(samples / ((cpu.user + cpu.system) / 1e6));
  }
}

const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
const rate = (values) => `${median(values).toFixed(0)} samples/s`;
console.log(
  `backend: ${tf.getBackend()}, MLP ${sizes.join('-')} (${parameterCount()} parameters), Adam 1e-3, ` +
    `${samples} samples per round, ${rounds} rounds (median)`,
);
for (const [name, label] of [
  ['plain', `plain batches of ${batch}`],
  ['accumulated', `k=${k} micro-batches of ${microBatch}`],
  ['lowerBound', `${k} x ${microBatch}, no accumulation`],
]) {
  const r = results[name];
  console.log(
    `${label.padEnd(26)} wall ${rate(r.wall).padStart(15)}  cpu ${rate(r.cpu).padStart(15)}  ` +
      `numBytes above data: peak ${mb(r.peakProfiled)} (per kernel), ${mb(r.peakSampled)} (sampled), resting ${mb(r.resting)}`,
  );
}
const ratios = (key, name = 'accumulated') =>
  results[name][key].map((value, i) => value / results.plain[key][i]);
if (process.env.VERBOSE)
  console.log(
    ratios('cpu')
      .map((r) => r.toFixed(2))
      .join(' '),
    '|',
    ratios('wall')
      .map((r) => r.toFixed(2))
      .join(' '),
  );
console.log(
  `per-sample throughput accumulated/plain: ${median(ratios('cpu')).toFixed(3)}x by CPU time, ` +
    `${median(ratios('wall')).toFixed(3)}x by wall time (median of paired rounds; target >= 0.9x)`,
);
console.log(
  `lower bound (${k} gradient computations of ${microBatch}, no accumulation)/plain: ` +
    `${median(ratios('cpu', 'lowerBound')).toFixed(3)}x by CPU time, ${median(ratios('wall', 'lowerBound')).toFixed(3)}x by wall time`,
);
console.log(
  `peak memory accumulated/plain: ${(results.accumulated.peakProfiled / results.plain.peakProfiled).toFixed(3)}x ` +
    `(+${mb(results.accumulated.peakProfiled - results.plain.peakProfiled)}; the accumulators are one copy of the parameters)`,
);
for (const { model, optimizer } of Object.values(instances)) {
  optimizer.dispose();
  tf.dispose(model.variables);
}
