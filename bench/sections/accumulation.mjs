// BENCHMARKS.md section "accumulation": gradient accumulation (k = 4 micro-batches of 32 per
// update) against one batch of 128, in both frameworks, on the trainer's MLP 784-256-128-10
// with Adam 1e-3 and softmax cross-entropy, the loss read after every micro-batch.
//   trainkit: AccumulatingOptimizer(fusedAdam, { k: 4 }) driven by optimizer.minimize, on the
//             wasm backend with trainkit's kernels; plain: fusedAdam with batches of 128.
//   PyTorch:  loss / k backward k times, then optimizer.step() (the idiom of its docs); plain:
//             batches of 128; 1 thread.
// "Lower bound": the same k gradient computations of 32 and one update per 128 samples without
// accumulating (tells the cost of small batches on the backend apart from accumulation's own).
// Throughput: samples per second over U updates, every setup once per round (order rotated),
// medians and the per-round ratio accumulated / plain. Peak memory of one update above the
// bytes alive before it: tfjs' tf.profile peakBytes (tensor bytes); PyTorch: the running sum
// of the profiler's per-operator allocation deltas (profile_memory=True), its peak.
//
//   node bench/sections/accumulation.mjs [--quick] [--runs N] [--out PATH]
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradients
import { AccumulatingOptimizer } from '@trainkit/accumulate';
import { fusedAdam, selectBackend } from '@trainkit/backend';
import { load1, mulberry32, pairedRatio, spread, startPeer, startSection } from '../lib/common.mjs';

const { options, progress, finish } = startSection('accumulation');
const runs = options.runs ?? (options.quick ? 1 : 7);
const updates = options.quick ? 2 : 20;
const k = 4;
const micro = 32;
const batch = k * micro;
const sizes = [784, 256, 128, 10];

const selection = await selectBackend({ backend: 'wasm' });
tf.env().set('PROD', true);

function makeMlp(seed) {
  const random = mulberry32(seed);
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
  const loss = (x, y) => {
    let h = x;
    for (let i = 0; i < variables.length; i += 2) {
      h = tf.add(tf.matMul(h, variables[i]), variables[i + 1]);
      if (i + 2 < variables.length) h = tf.relu(h);
    }
    return tf.losses.softmaxCrossEntropy(y, h);
  };
  return { variables, loss };
}

const samples = updates * batch;
const random = mulberry32(3);
const xData = Float32Array.from({ length: samples * 784 }, () => random());
const yData = Int32Array.from({ length: samples }, () => Math.floor(random() * 10));

function setup(mode) {
  const model = makeMlp(1);
  const optimizer =
    mode === 'accumulated' ? new AccumulatingOptimizer(fusedAdam(1e-3), { k }) : fusedAdam(1e-3);
  const rows = mode === 'plain' ? batch : micro;
  const stepsPerUpdate = mode === 'plain' ? 1 : k;
  const oneUpdate = (u) => {
    for (let m = 0; m < stepsPerUpdate; m++) {
      const start = u * batch + m * rows;
      const x = tf.tensor2d(xData.subarray(start * 784, (start + rows) * 784), [rows, 784]);
      const labels = tf.tensor1d(yData.subarray(start, start + rows), 'int32');
      const y = tf.oneHot(labels, 10);
      if (mode === 'lowerBound' && m < stepsPerUpdate - 1) {
        // the same gradient computation, no accumulation, no update
        const { value, grads } = tf.variableGrads(() => model.loss(x, y), model.variables);
        value.dataSync();
        tf.dispose([value, grads]);
      } else {
        const cost = optimizer.minimize(() => model.loss(x, y), true, model.variables);
        cost.dataSync();
        tf.dispose(cost);
      }
      tf.dispose([x, labels, y]);
    }
  };
  oneUpdate(0); // warm: optimizer slots exist before timing
  return {
    run() {
      const cpu = process.cpuUsage();
      const start = performance.now();
      for (let u = 0; u < updates; u++) oneUpdate(u);
      const ms = performance.now() - start;
      const used = process.cpuUsage(cpu);
      return { ms, cpuMs: (used.user + used.system) / 1000, samples };
    },
    async peakBytes() {
      const before = tf.memory().numBytes;
      const profile = await tf.profile(() => oneUpdate(0));
      return profile.peakBytes - before;
    },
    dispose() {
      optimizer.dispose();
      tf.dispose(model.variables);
    },
  };
}

const { peer, info, unavailable } = await startPeer('torch_extras_peer.py');
const modes = ['plain', 'accumulated', 'lowerBound'];
const tfjsSetups = Object.fromEntries(modes.map((mode) => [mode, setup(mode)]));
const memory = { trainkit: {}, peer: {} };
for (const [mode, s] of Object.entries(tfjsSetups)) memory.trainkit[mode] = await s.peakBytes();
const peerCall = (mode, profileMemory = false) =>
  peer.call({ cmd: 'accumulate', mode, k, micro, updates, seed: 1, profileMemory });
if (peer) {
  for (const mode of modes) memory.peer[mode] = (await peerCall(mode, true)).peakBytes;
}

const configs = ['trainkit', 'peer'].flatMap((framework) => modes.map((mode) => [framework, mode]));
const results = Object.fromEntries(configs.map(([f, m]) => [`${f}:${m}`, []]));
const loads = [];
for (let round = 0; round < runs; round++) {
  for (let i = 0; i < configs.length; i++) {
    const [framework, mode] = configs[(i + round) % configs.length];
    loads.push(load1());
    if (framework === 'trainkit') results[`${framework}:${mode}`].push(tfjsSetups[mode].run());
    else if (peer) results[`${framework}:${mode}`].push(await peerCall(mode));
  }
  progress(`round ${round + 1}/${runs} done`);
}
for (const s of Object.values(tfjsSetups)) s.dispose();
if (peer) await peer.close();

const rate = (list, key = 'ms') => list.map((m) => m.samples / (m[key] / 1000));
const frameworkRow = (framework) => {
  const plain = results[`${framework}:plain`];
  const accumulated = results[`${framework}:accumulated`];
  const lowerBound = results[`${framework}:lowerBound`];
  if (plain.length === 0) return null;
  return {
    plainSamplesPerSecond: spread(rate(plain)),
    accumulatedSamplesPerSecond: spread(rate(accumulated)),
    // accumulated / plain, per round (higher is better; 1 = no cost)
    throughputRatio: pairedRatio(rate(accumulated), rate(plain)),
    cpuThroughputRatio: pairedRatio(rate(accumulated, 'cpuMs'), rate(plain, 'cpuMs')),
    lowerBoundSamplesPerSecond: spread(rate(lowerBound)),
    // the same k gradient computations of micro-batches and one update, no accumulation
    lowerBoundRatio: pairedRatio(rate(lowerBound), rate(plain)),
    // accumulated / lower bound: the cost of accumulating itself
    accumulationCostRatio: pairedRatio(rate(accumulated), rate(lowerBound)),
    peakBytes: memory[framework],
    peakRatio: memory[framework].accumulated / memory[framework].plain,
  };
};

finish({
  model: `MLP ${sizes.join('-')}`,
  k,
  microBatch: micro,
  batch,
  updatesPerRound: updates,
  runs,
  tfjs: {
    version: tf.version_core,
    backend: selection.backend,
    simd: selection.simd,
    threads: selection.threads,
  },
  peer: peer ? { name: 'PyTorch', ...info } : { unavailable },
  trainkit: frameworkRow('trainkit'),
  pytorch: peer ? frameworkRow('peer') : null,
  loadAverage: spread(loads),
});
