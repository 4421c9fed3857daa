// Throughput and memory of gradient accumulation versus one large batch.
//
//   npm run bench            (build first: npx tsup)
//   BACKEND=wasm npm run bench   (if @tensorflow/tfjs-backend-wasm is installed)
//
// Same MLP (784-256-128-10, ReLU, softmax cross-entropy), same inner optimizer
// (Adam 1e-3), same data: k = 4 micro-batches of 32 per update versus plain
// batches of 128. Rounds alternate between the two so that load from other
// processes hits both; the median round is reported.
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
const updatesPerRound = Number(process.env.UPDATES ?? 8);
const rounds = Number(process.env.ROUNDS ?? 3);

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

function makeMlp(seed) {
  const random = seeded(seed);
  const variables = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const limit = Math.sqrt(6 / (sizes[i] + sizes[i + 1]));
    const kernel = Float32Array.from(
      { length: sizes[i] * sizes[i + 1] },
      () => (2 * random() - 1) * limit,
    );
    variables.push(tf.variable(tf.tensor2d(kernel, [sizes[i], sizes[i + 1]])));
    variables.push(tf.variable(tf.zeros([sizes[i + 1]])));
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

const setups = {
  plain: () => {
    const model = makeMlp(1);
    const optimizer = tf.train.adam(1e-3);
    return {
      model,
      optimizer,
      run: () => largeBatches.forEach((b) => plainStep(model, optimizer, b)),
    };
  },
  accumulated: () => {
    const model = makeMlp(1);
    const optimizer = new AccumulatingOptimizer(tf.train.adam(1e-3), { k });
    return {
      model,
      optimizer,
      run: () => microBatches.forEach((b) => microStep(model, optimizer, b)),
    };
  },
};

const results = {
  plain: { rates: [], peakSampled: 0, peakProfiled: 0 },
  accumulated: { rates: [], peakSampled: 0, peakProfiled: 0 },
};
const instances = Object.fromEntries(Object.entries(setups).map(([name, make]) => [name, make()]));
// Warm-up (kernels, Adam slots) and the profiled peak over one full round of each.
for (const [name, { run }] of Object.entries(instances)) {
  run();
  const profile = await tf.profile(() => run());
  results[name].peakProfiled = profile.peakBytes;
}
for (let round = 0; round < rounds; round++) {
  for (const [name, { run }] of Object.entries(instances)) {
    peakSampled = 0;
    const start = performance.now();
    run();
    const seconds = (performance.now() - start) / 1000;
    results[name].rates.push(samples / seconds);
    results[name].peakSampled = Math.max(results[name].peakSampled, peakSampled);
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
console.log(
  `backend: ${tf.getBackend()}, MLP ${sizes.join('-')}, Adam, ${updatesPerRound} updates x ${rounds} rounds`,
);
for (const [name, label] of [
  ['plain', `plain batches of ${batch}`],
  ['accumulated', `k=${k} micro-batches of ${microBatch}`],
]) {
  const r = results[name];
  console.log(
    `${label.padEnd(26)} ${median(r.rates).toFixed(0).padStart(7)} samples/s (rounds: ${r.rates.map((x) => x.toFixed(0)).join(', ')})  ` +
      `peak numBytes: ${mb(r.peakProfiled)} (per kernel), ${mb(r.peakSampled)} (sampled between calls)`,
  );
}
const ratio = median(results.accumulated.rates) / median(results.plain.rates);
console.log(`per-sample throughput ratio accumulated/plain: ${ratio.toFixed(3)}x (target >= 0.9x)`);
console.log(
  `peak memory ratio accumulated/plain: ${(results.accumulated.peakProfiled / results.plain.peakProfiled).toFixed(3)}x`,
);
for (const { model, optimizer } of Object.values(instances)) {
  optimizer.dispose();
  tf.dispose(model.variables);
}
