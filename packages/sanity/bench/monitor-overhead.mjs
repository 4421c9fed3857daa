// Overhead of the training monitor callback on the MNIST MLP (784-256-128-10, Adam, batch 128)
// with model.fit on the wasm backend with trainkit's kernels: the same epochs with no callback, with
// the monitor at its default interval (50), and at interval 10, interleaved, medians of the step
// time. Both wall-clock and process CPU time per step are reported: on a shared machine the CPU time
// (the wasm backend runs on one thread) is far less disturbed by other processes.
//
//   npx tsup && node bench/monitor-overhead.mjs [--rounds 5]
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { formatBackendSelection, selectBackend } from '@trainkit/backend';
import { loadMnist } from '@trainkit/mnist';
import { trainingMonitor, trainingMonitorCallback } from '../dist/tfjs/index.js';

const args = process.argv.slice(2);
const rounds = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 5;
tf.env().set('PROD', true);
console.log(formatBackendSelection(await selectBackend({ backend: 'wasm' })));
const mnist = await loadMnist({ split: 'train', limit: 12_800 });
const x = tf.tensor2d(mnist.images, [mnist.count, 784]);
const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(mnist.labels, 'int32'), 10), 'float32'));
const probe = { x: tf.slice(x, [0, 0], [64, 784]), y: tf.slice(y, [0, 0], [64, 10]) };
const steps = mnist.count / 128;

function build() {
  let next = 1;
  const kernel = () => tfl.initializers.glorotUniform({ seed: next++ });
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [784],
        units: 256,
        activation: 'relu',
        kernelInitializer: kernel(),
      }),
      tfl.layers.dense({ units: 128, activation: 'relu', kernelInitializer: kernel() }),
      tfl.layers.dense({ units: 10, kernelInitializer: kernel() }),
    ],
  });
  model.compile({
    optimizer: tf.train.adam(2e-3),
    loss: (yTrue, yPred) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
  });
  return model;
}

async function epoch(variant) {
  const model = build();
  await model.fit(probe.x, probe.y, { epochs: 1, batchSize: 64, verbose: 0 }); // warm-up: kernels, slots
  const callbacks =
    variant === 'none'
      ? []
      : [
          trainingMonitorCallback({
            model,
            probe,
            interval: variant,
            log: false,
            reportAtEnd: false,
          }),
        ];
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await model.fit(x, y, { epochs: 1, batchSize: 128, shuffle: true, verbose: 0, callbacks });
  const cpu = process.cpuUsage(cpuStart);
  const ms = {
    wall: (performance.now() - start) / steps,
    cpu: (cpu.user + cpu.system) / 1000 / steps,
  };
  if (callbacks.length > 0) {
    const report = callbacks[0].monitor.report();
    if (report.counts.fail + report.counts.warn > 0)
      throw new Error('the healthy run reported a problem');
    callbacks[0].monitor.dispose();
  }
  model.optimizer.dispose();
  model.dispose();
  return ms;
}

const variants = ['none', 50, 10];
const times = Object.fromEntries(variants.map((v) => [v, []]));
await epoch('none');
for (let r = 0; r < rounds; r++) for (const v of variants) times[v].push(await epoch(v));
const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
const of = (v, key) => median(times[v].map((t) => t[key]));
console.log(
  `\nmodel.fit, ${steps} steps of 128 per epoch, ${rounds} rounds interleaved, medians (ms per step):`,
);
console.log('| callback | CPU ms/step | CPU overhead | wall ms/step | wall overhead |');
console.log('|---|---|---|---|---|');
for (const v of variants) {
  const label = v === 'none' ? 'none' : `monitor, interval ${v}${v === 50 ? ' (default)' : ''}`;
  const cells = ['cpu', 'wall'].flatMap((key) => {
    const m = of(v, key);
    return [m.toFixed(2), v === 'none' ? '-' : `${(100 * (m / of('none', key) - 1)).toFixed(1)}%`];
  });
  console.log(`| ${label} | ${cells.join(' | ')} |`);
}
console.log(
  `load average during the run: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(', ')}`,
);

// Direct: the cost of one check (probe gradient and activations, weight/update statistics, rules)
// against one training step, timed alternately in the same loop with the custom-loop hook.
{
  const model = build();
  const monitor = trainingMonitor({ model, probe, interval: 1, log: false });
  const batch = { x: tf.slice(x, 0, 128), y: tf.slice(y, 0, 128) };
  const stepTimes = [];
  const checkTimes = [];
  for (let i = 0; i < 60; i++) {
    monitor.beforeStep(i);
    const t0 = performance.now();
    const loss = await model.trainOnBatch(batch.x, batch.y);
    const t1 = performance.now();
    await monitor.afterStep(i, { loss });
    const t2 = performance.now();
    if (i >= 10) {
      stepTimes.push(t1 - t0);
      checkTimes.push(t2 - t1);
    }
  }
  const step = median(stepTimes);
  const check = median(checkTimes);
  console.log(
    `\ndirect: one check ${check.toFixed(2)} ms, one step ${step.toFixed(2)} ms (median of 50 each, alternating);` +
      ` amortized at interval 50: ${((100 * check) / 50 / step).toFixed(1)}% of the step time, at interval 10: ${((100 * check) / 10 / step).toFixed(1)}%`,
  );
  monitor.dispose();
}
