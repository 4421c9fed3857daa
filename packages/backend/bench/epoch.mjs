// One MNIST-shaped epoch (60,000 random samples, batch 128, Adam 1e-3) through
// tfjs-layers `model.fit` (shuffle on), for an MLP and a small CNN, on the
// WebAssembly backend without and with trainkit's training kernels, and (MLP
// only) on the pure-JavaScript CPU backend. Everything runs side by side in one
// process so the ratios compare like with like on a shared machine.
//
//   npx tsup && node bench/epoch.mjs            full epochs (CPU estimated from 150 steps)
//   node bench/epoch.mjs --quick                 a fraction of an epoch, extrapolated
//   node bench/epoch.mjs --only mlp|cnn          one model
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  formatBackendSelection,
  registerWasmTrainingKernels,
  selectBackend,
  unregisterWasmTrainingKernels,
} from '../dist/index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const EPOCH = 60_000;
const BATCH = 128;
const STEPS_PER_EPOCH = Math.ceil(EPOCH / BATCH);
const wasmSteps = quick ? 40 : STEPS_PER_EPOCH;
const cpuSteps = quick ? 12 : 150;

tf.env().set('PROD', true);
console.log(
  formatBackendSelection(await selectBackend({ backend: 'wasm', trainingKernels: false })),
);
console.log(
  `model.fit, batch ${BATCH}, Adam(1e-3), shuffle, tf PROD mode; ${quick ? `--quick: ${wasmSteps} wasm steps / ${cpuSteps} CPU steps per run, extrapolated to an epoch of ${EPOCH} samples` : `full epochs of ${EPOCH} samples on wasm, CPU estimated from ${cpuSteps} steps`}\n`,
);

function mlp() {
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }));
  model.add(tfl.layers.dense({ units: 128, activation: 'relu' }));
  model.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  return model;
}

function cnn() {
  const model = tfl.sequential();
  model.add(
    tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu' }),
  );
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  return model;
}

function dataset(samples, shape) {
  return tf.tidy(() => ({
    x: tf.randomUniform([samples, ...shape]),
    y: tf.cast(tf.oneHot(tf.randomUniform([samples], 0, 10, 'int32'), 10), 'float32'),
  }));
}

/** Trains `steps` batches with model.fit after 3 warm-up batches; returns samples/s. */
async function run(backend, build, shape, steps) {
  await tf.setBackend(backend);
  const model = build();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const warm = dataset(3 * BATCH, shape);
  await model.fit(warm.x, warm.y, { batchSize: BATCH, epochs: 1, verbose: 0 });
  tf.dispose([warm.x, warm.y]);
  const samples = Math.min(EPOCH, steps * BATCH);
  const { x, y } = dataset(samples, shape);
  const start = performance.now();
  await model.fit(x, y, { batchSize: BATCH, epochs: 1, shuffle: true, verbose: 0 });
  const seconds = (performance.now() - start) / 1000;
  tf.dispose([x, y]);
  model.dispose();
  return { samples, seconds, perSecond: samples / seconds };
}

const configs = [];
if (only !== 'cnn') {
  configs.push(
    { model: 'MLP', name: 'wasm stock', backend: 'wasm', kernels: [], build: mlp, shape: [784] },
    {
      model: 'MLP',
      name: 'wasm + trainkit kernels',
      backend: 'wasm',
      kernels: 'all',
      build: mlp,
      shape: [784],
    },
    { model: 'MLP', name: 'cpu (pure JS)', backend: 'cpu', kernels: [], build: mlp, shape: [784] },
  );
}
if (only !== 'mlp') {
  configs.push(
    {
      model: 'CNN',
      name: 'wasm stock',
      backend: 'wasm',
      kernels: [],
      build: cnn,
      shape: [28, 28, 1],
    },
    {
      model: 'CNN',
      name: 'wasm + Conv2DBackpropFilter only',
      backend: 'wasm',
      kernels: ['Conv2DBackpropFilter'],
      build: cnn,
      shape: [28, 28, 1],
    },
    {
      model: 'CNN',
      name: 'wasm + trainkit kernels',
      backend: 'wasm',
      kernels: 'all',
      build: cnn,
      shape: [28, 28, 1],
    },
  );
}

const rows = [];
for (const config of configs) {
  unregisterWasmTrainingKernels();
  if (config.kernels === 'all') registerWasmTrainingKernels();
  else if (config.kernels.length > 0) registerWasmTrainingKernels({ kernels: config.kernels });
  const steps = config.backend === 'cpu' ? cpuSteps : wasmSteps;
  try {
    const result = await run(config.backend, config.build, config.shape, steps);
    rows.push({ ...config, ...result });
    console.log(
      `${config.model} ${config.name}: ${result.samples} samples in ${result.seconds.toFixed(1)} s`,
    );
  } catch (error) {
    rows.push({ ...config, error: String(error?.message ?? error).split('\n')[0] });
    console.log(`${config.model} ${config.name}: cannot train: ${rows.at(-1).error}`);
  }
}
unregisterWasmTrainingKernels();

console.log(
  '\nmodel  configuration                        samples/s   epoch s   vs wasm stock   measured',
);
for (const row of rows) {
  const base = rows.find((r) => r.model === row.model && r.name === 'wasm stock' && !r.error);
  const measured = row.error
    ? 'cannot train'
    : row.samples >= EPOCH
      ? 'full epoch'
      : `${row.samples / BATCH} steps, extrapolated`;
  const cells = row.error
    ? ['-', '-', '-']
    : [
        row.perSecond.toFixed(0),
        (EPOCH / row.perSecond).toFixed(1),
        base ? `${(row.perSecond / base.perSecond).toFixed(2)}x` : 'n/a',
      ];
  console.log(
    `${row.model.padEnd(6)} ${row.name.padEnd(36)} ${cells[0].padStart(9)} ${cells[1].padStart(9)} ${cells[2].padStart(15)}   ${measured}`,
  );
}
const mlpFast = rows.find((r) => r.model === 'MLP' && r.kernels === 'all' && !r.error);
const cnnFast = rows.find((r) => r.model === 'CNN' && r.kernels === 'all' && !r.error);
if (mlpFast) {
  const cpu = rows.find((r) => r.model === 'MLP' && r.backend === 'cpu' && !r.error);
  console.log(
    `\nMLP with kernels: ${mlpFast.perSecond.toFixed(0)} samples/s (target >= 12000)${cpu ? `, ${(mlpFast.perSecond / cpu.perSecond).toFixed(1)}x the CPU backend` : ''}`,
  );
}
if (cnnFast) {
  const filterOnly = rows.find((r) => r.model === 'CNN' && r.name.includes('only') && !r.error);
  console.log(
    `CNN with kernels: ${(EPOCH / cnnFast.perSecond).toFixed(1)} s per epoch (target <= 40)${filterOnly ? `, ${(cnnFast.perSecond / filterOnly.perSecond).toFixed(2)}x the filter-gradient-only fill-in` : ''}`,
  );
}
