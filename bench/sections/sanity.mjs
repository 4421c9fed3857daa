// BENCHMARKS.md section "sanity": the overhead of @trainkit/sanity's training monitor, measured
// as packages/sanity/bench/monitor-overhead.mjs does (that script prints a table; this driver
// repeats its measurement against the built package and writes JSON): model.fit on the
// trainer's MNIST MLP (784-256-128-10, Adam, batch 128) on the wasm backend with trainkit's
// kernels, one epoch with no callback, with the monitor at its default interval (50) and at
// interval 10, interleaved, medians of CPU and wall milliseconds per step; plus one check
// timed directly against one training step (alternating, medians).
//
//   node bench/sections/sanity.mjs [--quick] [--runs N] [--out PATH]
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '@trainkit/backend';
import { loadMnist } from '@trainkit/mnist';
import { trainingMonitor, trainingMonitorCallback } from '@trainkit/sanity/tfjs';
import {
  load1,
  median,
  pairedRatio,
  progress,
  sectionArgs,
  sectionResult,
  spread,
  writeJson,
} from '../lib/common.mjs';

const options = sectionArgs('sanity');
const rounds = options.runs ?? (options.quick ? 1 : 5);
const limit = options.quick ? 1280 : 12_800;
const directSteps = options.quick ? 6 : 60;
const selection = await selectBackend({ backend: 'wasm' });
tf.env().set('PROD', true);

const mnist = await loadMnist({ split: 'train', limit });
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
  await model.fit(probe.x, probe.y, { epochs: 1, batchSize: 64, verbose: 0 }); // warm-up
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
  const result = {
    wall: (performance.now() - start) / steps,
    cpu: (cpu.user + cpu.system) / 1000 / steps,
  };
  if (callbacks.length > 0) {
    const report = callbacks[0].monitor.report();
    result.findings = report.counts.fail + report.counts.warn;
    callbacks[0].monitor.dispose();
  }
  model.optimizer.dispose();
  model.dispose();
  return result;
}

const variants = ['none', 50, 10];
const times = Object.fromEntries(variants.map((v) => [v, []]));
const loads = [];
await epoch('none');
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < variants.length; i++) {
    const v = variants[(i + r) % variants.length];
    loads.push(load1());
    times[v].push(await epoch(v));
  }
  progress('sanity', `round ${r + 1}/${rounds} done`);
}

// Direct: one check against one training step, alternating in the same loop.
let direct;
{
  const model = build();
  const monitor = trainingMonitor({ model, probe, interval: 1, log: false });
  const batch = { x: tf.slice(x, 0, 128), y: tf.slice(y, 0, 128) };
  const stepTimes = [];
  const checkTimes = [];
  const warm = Math.min(10, directSteps / 2);
  for (let i = 0; i < directSteps; i++) {
    monitor.beforeStep(i);
    const t0 = performance.now();
    const loss = await model.trainOnBatch(batch.x, batch.y);
    const t1 = performance.now();
    await monitor.afterStep(i, { loss });
    const t2 = performance.now();
    if (i >= warm) {
      stepTimes.push(t1 - t0);
      checkTimes.push(t2 - t1);
    }
  }
  const step = median(stepTimes);
  const check = median(checkTimes);
  direct = {
    checkMs: check,
    stepMs: step,
    amortizedAt50: check / 50 / step,
    amortizedAt10: check / 10 / step,
    samples: stepTimes.length,
  };
  monitor.dispose();
  tf.dispose([batch.x, batch.y]);
  model.optimizer.dispose();
  model.dispose();
}

const key = (v, k) => times[v].map((t) => t[k]);
const rows = variants.map((v) => ({
  variant: v === 'none' ? 'none' : `interval ${v}`,
  cpuMsPerStep: spread(key(v, 'cpu')),
  wallMsPerStep: spread(key(v, 'wall')),
  // per-round ratio to the epoch without the monitor (1.02 = 2% overhead)
  cpuRatio: v === 'none' ? null : pairedRatio(key(v, 'cpu'), key('none', 'cpu')),
  wallRatio: v === 'none' ? null : pairedRatio(key(v, 'wall'), key('none', 'wall')),
  findings: v === 'none' ? null : times[v].reduce((n, t) => n + t.findings, 0),
}));

writeJson(
  options.out,
  sectionResult('sanity', options, {
    model: 'MLP 784-256-128-10, Adam 2e-3, batch 128, model.fit',
    stepsPerEpoch: steps,
    rounds,
    tfjs: { version: tf.version_core, backend: selection.backend, threads: selection.threads },
    rows,
    direct,
    loadAverage: spread(loads),
  }),
);
progress('sanity', `wrote ${options.out}`);
