// Cost of driving a tfjs optimizer from a schedule, next to the training step it
// drives. Run after `npx tsup`: `npm run bench` (or `node bench/adapter.mjs`).
//
// Per optimizer update the adapter does: read `optimizer.iterations`, evaluate the
// schedule, call setLearningRate (SGD: one scalar tensor swapped; Adam: a field
// write). We time that in a tight loop and, in the same run and interleaved, a
// full training step of a 784-128-10 MLP on a batch of 64 (model.trainOnBatch on
// the CPU backend), and report the ratio. Target: the adapter costs < 1% of a step.
import { register } from 'node:module';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { cosineDecay, join, linear, oneCycle } from '../dist/index.js';
import { setLearningRate } from '../dist/tfjs/index.js';

// Training needs the gradients, which tfjs-core ships only as ESM files with
// extensionless relative imports (fine for bundlers, not for Node). A resolve hook
// adds the `.js` (or `/index.js`); the gradient registry is global, so the CommonJS tfjs-core that
// tfjs-layers uses sees them.
const addJsExtension = `export async function resolve(specifier, context, next) {
  try { return await next(specifier, context); } catch (error) {
    if (!/^\\.\\.?\\//.test(specifier) || specifier.endsWith('.js')) throw error;
    try { return await next(specifier + '.js', context); } catch {
      return next(specifier + '/index.js', context);
    }
    throw error;
  }
}`;
register(`data:text/javascript,${encodeURIComponent(addJsExtension)}`);
await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');

await tf.setBackend('cpu');
await tf.ready();

const rounds = 5;
const trainStepsPerRound = 10;
const adapterCallsPerRound = 100_000;

const schedules = {
  'warmup + cosine (join)': join(
    [
      linear({ initialValue: 0, endValue: 0.1, transitionSteps: 500 }),
      cosineDecay({ initialValue: 0.1, decaySteps: 9500, alpha: 0.01 }),
    ],
    [500],
  ),
  'one-cycle': oneCycle({ maxValue: 0.1, totalSteps: 10_000 }),
};

function buildModel(optimizer) {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  return model;
}

const x = tf.randomUniform([64, 784], 0, 1, 'float32', 1);
const labels = tf.cast(tf.oneHot(tf.randomUniform([64], 0, 10, 'int32', 2), 10), 'float32');

async function timeTraining(model) {
  const start = performance.now();
  for (let step = 0; step < trainStepsPerRound; step++) await model.trainOnBatch(x, labels);
  return (performance.now() - start) / trainStepsPerRound; // ms per step
}

function timeAdapter(optimizer, schedule) {
  let sink = 0;
  const start = performance.now();
  for (let call = 0; call < adapterCallsPerRound; call++) {
    // what batchLearningRateScheduler does before each update (the step varies as in training)
    const value = schedule((optimizer.iterations + call) % 10_000);
    setLearningRate(optimizer, value);
    sink += value;
  }
  const elapsed = performance.now() - start;
  if (!(sink > 0)) throw new Error('unexpected schedule output');
  return elapsed / adapterCallsPerRound; // ms per call
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

console.log(
  `@trainkit/schedules adapter benchmark (tfjs ${tf.version_core}, backend ${tf.getBackend()})`,
);
console.log(
  'MLP 784-128-10, batch 64, model.trainOnBatch; adapter = schedule(step) + setLearningRate\n',
);
let worst = 0;
for (const [optimizerName, makeOptimizer] of [
  ['sgd', () => tf.train.sgd(0.1)],
  ['adam', () => tf.train.adam(0.001)],
]) {
  const optimizer = makeOptimizer();
  const model = buildModel(optimizer);
  await timeTraining(model); // warm up
  for (const [scheduleName, schedule] of Object.entries(schedules)) {
    timeAdapter(optimizer, schedule); // warm up
    const train = [];
    const adapter = [];
    for (let round = 0; round < rounds; round++) {
      train.push(await timeTraining(model));
      adapter.push(timeAdapter(optimizer, schedule));
    }
    const trainMs = median(train);
    const adapterMs = median(adapter);
    const ratio = adapterMs / trainMs;
    worst = Math.max(worst, ratio);
    console.log(
      `${optimizerName.padEnd(5)} ${scheduleName.padEnd(24)} train step ${trainMs.toFixed(2).padStart(7)} ms   adapter ${(adapterMs * 1000).toFixed(3).padStart(7)} µs   ratio ${(ratio * 100).toPrecision(2)}%`,
    );
  }
  model.dispose();
  optimizer.dispose();
}
console.log(
  `\nworst ratio ${(worst * 100).toPrecision(2)}% of a training step (target < 1%): ${worst < 0.01 ? 'OK' : 'ABOVE TARGET'}`,
);
