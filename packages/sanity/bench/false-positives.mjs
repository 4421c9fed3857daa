// False positives of the monitor and the model-free-of-training checks on healthy runs: the MNIST MLP
// (784-256-128-10) and the trainer's CNN, Adam 2e-3, batch 128, one epoch of 12,800 examples each,
// 5 seeds, monitor checks every 10 updates (9 checks per run, each evaluating every rule), on the wasm
// backend with trainkit's kernels. Prints every warn/fail (there should be none) and the counts.
//
//   npx tsup && node bench/false-positives.mjs [--seeds 0,1,2,3,4]
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '@trainkit/backend';
import { loadMnist } from '@trainkit/mnist';
import {
  checkEvaluationMode,
  checkInitialLoss,
  checkOutputLossPairing,
  trainingMonitorCallback,
} from '../dist/tfjs/index.js';

const args = process.argv.slice(2);
const seeds = (args.includes('--seeds') ? args[args.indexOf('--seeds') + 1] : '0,1,2,3,4')
  .split(',')
  .map(Number);
tf.env().set('PROD', true);
await selectBackend({ backend: 'wasm' });
const mnist = await loadMnist({ split: 'train', limit: 12_800 });

function build(kind, seed) {
  let next = seed * 100 + 1;
  const kernel = () => tfl.initializers.glorotUniform({ seed: next++ });
  const layers =
    kind === 'mlp'
      ? [
          tfl.layers.dense({
            inputShape: [784],
            units: 256,
            activation: 'relu',
            kernelInitializer: kernel(),
          }),
          tfl.layers.dense({ units: 128, activation: 'relu', kernelInitializer: kernel() }),
          tfl.layers.dense({ units: 10, kernelInitializer: kernel() }),
        ]
      : [
          tfl.layers.conv2d({
            inputShape: [28, 28, 1],
            filters: 16,
            kernelSize: 3,
            activation: 'relu',
            kernelInitializer: kernel(),
          }),
          tfl.layers.maxPooling2d({ poolSize: 2 }),
          tfl.layers.conv2d({
            filters: 32,
            kernelSize: 3,
            activation: 'relu',
            kernelInitializer: kernel(),
          }),
          tfl.layers.maxPooling2d({ poolSize: 2 }),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 10, kernelInitializer: kernel() }),
        ];
  const model = tfl.sequential({ layers });
  model.compile({
    optimizer: tf.train.adam(2e-3),
    loss: (y, p) => tf.losses.softmaxCrossEntropy(y, p),
  });
  return model;
}

let evaluations = 0;
let problems = 0;
for (const kind of ['mlp', 'cnn']) {
  const shape = kind === 'mlp' ? [784] : [28, 28, 1];
  const x = tf.tensor(mnist.images, [mnist.count, ...shape]);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(mnist.labels, 'int32'), 10), 'float32'));
  const probe = { x: tf.slice(x, 0, 64), y: tf.slice(y, 0, 64) };
  for (const seed of seeds) {
    const model = build(kind, seed);
    const before = [
      checkInitialLoss(model, { x, y }),
      checkOutputLossPairing(model, { x, y }),
      checkEvaluationMode(model, { x, y }),
    ];
    const callback = trainingMonitorCallback({
      model,
      probe,
      interval: 10,
      log: false,
      reportAtEnd: false,
    });
    await model.fit(x, y, {
      epochs: 1,
      batchSize: 128,
      shuffle: true,
      verbose: 0,
      callbacks: [callback],
    });
    const results = [...before, ...callback.monitor.report().results];
    const checks = callback.monitor
      .report()
      .results.reduce((sum, r) => sum + (r.measurements.checks ?? 0), 0);
    evaluations += before.length + checks;
    for (const r of results) {
      if (r.status === 'warn' || r.status === 'fail') {
        problems++;
        console.log(`${kind} seed ${seed}: ${r.status} ${r.name}: ${r.summary}`);
      }
    }
    console.log(
      `${kind} seed ${seed}: ${before.length} pre-training checks, ${checks} rule evaluations, initial loss ${before[0].measurements.loss.toFixed(3)}`,
    );
    callback.monitor.dispose();
    model.optimizer.dispose();
    model.dispose();
  }
  tf.dispose([x, y, probe.x, probe.y]);
}
console.log(`\n${problems} warn/fail in ${evaluations} check and rule evaluations on healthy runs`);
