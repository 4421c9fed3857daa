import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { formatReport, reportToJSON } from '@trainkit/sanity';
import { runSanityChecks, trainingMonitorCallback } from '@trainkit/sanity/tfjs';

await tf.setBackend('cpu');

// A 3-class problem: the class is the largest of the first three features.
const x = tf.randomNormal([600, 8], 0, 1, 'float32', 1);
const y = tf.tidy(() =>
  tf.cast(tf.oneHot(tf.argMax(tf.slice(x, [0, 0], [-1, 3]), 1), 3), 'float32'),
);
const model = tfl.sequential({
  layers: [
    tfl.layers.dense({
      inputShape: [8],
      units: 32,
      activation: 'relu',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
    }),
    tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
  ],
});
model.compile({
  optimizer: tf.train.adam(0.01),
  loss: (yTrue, yPred) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
});

// Before training: every check, each restoring the model exactly afterwards.
const report = await runSanityChecks(
  model,
  { x, y },
  {
    ladder: { sizes: [1, 4, 10, 100], maxSteps: 150 },
    discrete: { configured: true, iterations: 50, batchSize: 32 },
    rangeTest: { batchSize: 32 },
  },
);
for (const result of report.results) console.log(result.status.padEnd(5), result.name);
console.log(reportToJSON(report).format);

// During training: the monitor checks every 10 batches and prints each problem once.
const probe = { x: tf.slice(x, [0, 0], [64, 8]), y: tf.slice(y, [0, 0], [64, 3]) };
const monitor = trainingMonitorCallback({ model, probe, interval: 10, reportAtEnd: false });
await model.fit(x, y, { epochs: 3, batchSize: 32, verbose: 0, callbacks: [monitor] });
console.log(formatReport(monitor.monitor.report()).split('\n')[0]);
monitor.monitor.dispose();
