// False positives of the monitor and the model-free-of-training checks on healthy runs: the MNIST MLP
// (784-256-128-10) and the CNN (both from @trainkit/mnist/models; the CNN without the trainer's
// dense-128 and dropout head), Adam 2e-3, batch 128, one epoch of 12,800 examples each,
// 5 seeds, monitor checks every 10 updates (9 checks per run, each evaluating every rule), on the wasm
// backend with trainkit's kernels. Prints every warn/fail (there should be none) and the counts.
//
//   npx tsup && node bench/false-positives.mjs [--seeds 0,1,2,3,4]
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@trainkit/backend';
import { loadMnist } from '@trainkit/mnist';
import { mnistInputShape, mnistModel } from '@trainkit/mnist/models';
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
  // The reference models of @trainkit/mnist/models; the CNN without its hidden dense layer.
  const model = mnistModel(kind, {
    kernelSeed: (i) => seed * 100 + 1 + i,
    ...(kind === 'cnn' ? { hiddenUnits: 0 } : {}),
  });
  model.compile({
    optimizer: tf.train.adam(2e-3),
    loss: (y, p) => tf.losses.softmaxCrossEntropy(y, p),
  });
  return model;
}

let evaluations = 0;
let problems = 0;
for (const kind of ['mlp', 'cnn']) {
  const shape = mnistInputShape(kind);
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
