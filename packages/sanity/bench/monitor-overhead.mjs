// Overhead of the training monitor callback on the MNIST MLP (784-256-128-10, Adam, batch 128)
// with model.fit on the wasm backend with trainkit's kernels: the same runs (3 epochs, the first
// untimed) with no callback, with the monitor at its default interval (50), and at interval 10,
// interleaved, medians of the step time. Both wall-clock and process CPU time per step are reported: on a shared machine the CPU time
// (the wasm backend runs on one thread) is far less disturbed by other processes.
//
//   npx tsup && node bench/monitor-overhead.mjs [--rounds 5]
//
// The measuring functions are exported: the root benchmark page's section
// (bench/sections/sanity.mjs) runs the same measurements and writes them as JSON.
import { realpathSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { formatBackendSelection, selectBackend } from '@trainkit/backend';
import { loadMnist } from '@trainkit/mnist';
import { mnistModel } from '@trainkit/mnist/models';
import { trainingMonitor, trainingMonitorCallback } from '../dist/tfjs/index.js';

/** The variants of one round: no callback, the monitor at interval 50 (default) and 10. */
export const variants = ['none', 50, 10];

/**
 * The first `limit` MNIST training images as tensors: `{ x, y (one-hot), probe (64 rows),
 * steps (batches of 128 per epoch) }`.
 */
export async function loadData(limit) {
  const mnist = await loadMnist({ split: 'train', limit });
  const x = tf.tensor2d(mnist.images, [mnist.count, 784]);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(mnist.labels, 'int32'), 10), 'float32'));
  const probe = { x: tf.slice(x, [0, 0], [64, 784]), y: tf.slice(y, [0, 0], [64, 10]) };
  return { x, y, probe, steps: mnist.count / 128 };
}

/** The MNIST reference MLP (@trainkit/mnist/models, kernel seeds 1, 2, 3), Adam 2e-3, softmax cross-entropy. */
export function build() {
  const model = mnistModel('mlp', { kernelSeed: (i) => 1 + i });
  model.compile({
    optimizer: tf.train.adam(2e-3),
    loss: (yTrue, yPred) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
  });
  return model;
}

/** Epochs of each measurement: the first is not timed (kernels, slots, the monitor's setup and first check). */
export const epochsPerRun = 3;

/**
 * One model.fit of {@link epochsPerRun} epochs (batch 128, shuffled) on a fresh model, with no
 * callback (`'none'`) or the monitor at interval `variant`, kept for the whole run as in a real
 * training: ms per step `{ wall, cpu }` over the epochs after the first (timed by a callback
 * with only epoch hooks, which adds no per-batch work), and with the monitor the number of
 * fail/warn findings.
 */
export async function epoch({ x, y, probe, steps }, variant) {
  const model = build();
  const monitorCallbacks =
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
  const marks = [];
  const mark = async () => {
    marks.push({ wall: performance.now(), cpu: process.cpuUsage() });
  };
  const timer = new tfl.CustomCallback({ onEpochBegin: mark, onEpochEnd: mark }, 'never');
  await model.fit(x, y, {
    epochs: epochsPerRun,
    batchSize: 128,
    shuffle: true,
    verbose: 0,
    callbacks: [...monitorCallbacks, timer],
  });
  let wall = 0;
  let cpu = 0;
  for (let e = 1; e < epochsPerRun; e++) {
    const [begin, end] = [marks[2 * e], marks[2 * e + 1]];
    wall += end.wall - begin.wall;
    cpu += (end.cpu.user - begin.cpu.user + end.cpu.system - begin.cpu.system) / 1000;
  }
  const timedSteps = steps * (epochsPerRun - 1);
  const result = { wall: wall / timedSteps, cpu: cpu / timedSteps };
  if (monitorCallbacks.length > 0) {
    const report = monitorCallbacks[0].monitor.report();
    result.findings = report.counts.fail + report.counts.warn;
    monitorCallbacks[0].monitor.dispose();
  }
  model.optimizer.dispose();
  model.dispose();
  return result;
}

/**
 * `rounds` rounds of every variant (after one untimed epoch), the order rotated by round:
 * `{ times: { none: [epoch results], 50: [...], 10: [...] }, loads }` (the 1-minute load
 * average before each epoch).
 */
export async function measureEpochs(data, { rounds, onRound }) {
  const times = Object.fromEntries(variants.map((v) => [v, []]));
  const loads = [];
  await epoch(data, 'none');
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < variants.length; i++) {
      const v = variants[(i + r) % variants.length];
      loads.push(loadavg()[0]);
      times[v].push(await epoch(data, v));
    }
    onRound?.(r);
  }
  return { times, loads };
}

/**
 * Direct: the cost of one check (probe gradient and activations, weight/update statistics,
 * rules) against one training step, timed alternately in the same loop with the custom-loop
 * hook, `steps` steps of which the first `warm` are not counted: `{ stepTimes, checkTimes }` (ms).
 */
export async function measureDirect({ x, y, probe }, { steps, warm }) {
  const model = build();
  const monitor = trainingMonitor({ model, probe, interval: 1, log: false });
  const batch = { x: tf.slice(x, 0, 128), y: tf.slice(y, 0, 128) };
  const stepTimes = [];
  const checkTimes = [];
  for (let i = 0; i < steps; i++) {
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
  monitor.dispose();
  tf.dispose([batch.x, batch.y]);
  model.optimizer.dispose();
  model.dispose();
  return { stepTimes, checkTimes };
}

async function main() {
  const args = process.argv.slice(2);
  const rounds = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 5;
  tf.env().set('PROD', true);
  console.log(formatBackendSelection(await selectBackend({ backend: 'wasm' })));
  const data = await loadData(12_800);
  const { steps } = data;
  const { times } = await measureEpochs(data, { rounds });
  for (const v of variants.slice(1)) {
    if (times[v].some((t) => t.findings > 0)) throw new Error('the healthy run reported a problem');
  }
  const median = (a) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
  const of = (v, key) => median(times[v].map((t) => t[key]));
  console.log(
    `\nmodel.fit, ${steps} steps of 128 per epoch, epochs 2-${epochsPerRun} of each run timed, ${rounds} rounds interleaved, medians (ms per step):`,
  );
  console.log('| callback | CPU ms/step | CPU overhead | wall ms/step | wall overhead |');
  console.log('|---|---|---|---|---|');
  for (const v of variants) {
    const label = v === 'none' ? 'none' : `monitor, interval ${v}${v === 50 ? ' (default)' : ''}`;
    const cells = ['cpu', 'wall'].flatMap((key) => {
      const m = of(v, key);
      return [
        m.toFixed(2),
        v === 'none' ? '-' : `${(100 * (m / of('none', key) - 1)).toFixed(1)}%`,
      ];
    });
    console.log(`| ${label} | ${cells.join(' | ')} |`);
  }
  console.log(
    `load average during the run: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')}`,
  );

  const { stepTimes, checkTimes } = await measureDirect(data, { steps: 60, warm: 10 });
  const step = median(stepTimes);
  const check = median(checkTimes);
  console.log(
    `\ndirect: one check ${check.toFixed(2)} ms, one step ${step.toFixed(2)} ms (median of 50 each, alternating);` +
      ` amortized at interval 50: ${((100 * check) / 50 / step).toFixed(1)}% of the step time, at interval 10: ${((100 * check) / 10 / step).toFixed(1)}%`,
  );
}

if (realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
