// BENCHMARKS.md section "time to accuracy": epochs and training seconds until the MNIST test
// accuracy reaches 98% (MLP) and 99% (CNN), trainkit against PyTorch (1 thread), run ONCE per
// framework (one seed; a single run, not a median). Same models as bench/peers.mjs (the
// trainer's buildModel; PyTorch mirrors its layer list through bench/torch_peer.py's build),
// batch 128, Adam 1e-3, the same shuffled order per epoch in both. trainkit: the bare loop on
// the wasm backend with trainkit's kernels and fusedAdam (as in bench/peers.mjs). Epochs of
// the two frameworks alternate; the test accuracy is evaluated after every epoch (untimed);
// each framework stops at the threshold or at the epoch cap.
//
//   node bench/sections/time-to-accuracy.mjs [--quick] [--out PATH]
import * as tf from '@tensorflow/tfjs-core';
import { fusedAdam, selectBackend } from '@trainkit/backend';
import { loadMnist } from '@trainkit/mnist';
import { bareLoop, layerSpec, permutation, writeCached } from '../lib/bare-loop.mjs';
import { load1, startPeer, startSection } from '../lib/common.mjs';
import { loadTrainerModels } from '../trainer-model.mjs';

const { options, progress, finish } = startSection('time-to-accuracy');
const BATCH = 128;
const LR = 1e-3;
const SEED = 1;
const plan = [
  { kind: 'mlp', threshold: 0.98, cap: options.quick ? 1 : 20 },
  { kind: 'cnn', threshold: 0.99, cap: options.quick ? 1 : 15 },
];
const stepsCap = options.quick ? 10 : null;
const testLimit = options.quick ? 1000 : undefined;

const selection = await selectBackend({ backend: 'wasm' });
tf.env().set('PROD', true);
const [train, test] = await Promise.all([
  loadMnist({ split: 'train' }),
  loadMnist({ split: 'test', limit: testLimit }),
]);

/** A trainkit run that keeps its model across epochs. */
function tfjsRun(trainer, kind) {
  const loop = bareLoop(
    trainer.build(kind, SEED),
    fusedAdam(LR),
    tf.losses.softmaxCrossEntropy,
    BATCH,
  );
  let stepCount = 0;
  return {
    epoch(order) {
      const total = Math.ceil(order.length / BATCH);
      const steps = stepsCap === null ? total : Math.min(total, stepsCap);
      const cpu = process.cpuUsage();
      const start = performance.now();
      let loss = Number.NaN;
      for (let s = 0; s < steps; s++) {
        const rows = Math.min(BATCH, order.length - s * BATCH);
        loss = loop.train(train, order, s * BATCH, rows, SEED * 100_000 + stepCount++);
      }
      const seconds = (performance.now() - start) / 1000;
      const used = process.cpuUsage(cpu);
      return {
        seconds,
        cpuSeconds: (used.user + used.system) / 1e6,
        steps,
        lastLoss: loss,
        testAccuracy: loop.accuracy(test),
      };
    },
    dispose: loop.dispose,
  };
}

const trainer = await loadTrainerModels();
const { peer, info, unavailable } = await startPeer('torch_extras_peer.py');
if (peer) {
  await peer.call({
    cmd: 'mnist',
    data: {
      trainImages: writeCached('mnist-train-images.f32', train.images),
      trainLabels: writeCached('mnist-train-labels.i32', train.labels),
      testImages: writeCached(`mnist-test-images-${test.count}.f32`, test.images),
      testLabels: writeCached(`mnist-test-labels-${test.count}.i32`, test.labels),
    },
  });
}

const models = [];
for (const { kind, threshold, cap } of plan) {
  const { model } = trainer.build(kind, SEED);
  const layers = layerSpec(model);
  model.dispose();
  const run = { trainkit: tfjsRun(trainer, kind), pytorch: null };
  if (peer) await peer.call({ cmd: 'ttaInit', layers, seed: SEED, lr: LR });
  const curves = { trainkit: [], pytorch: [] };
  const done = { trainkit: false, pytorch: !peer };
  for (let epoch = 1; epoch <= cap && !(done.trainkit && done.pytorch); epoch++) {
    const order = permutation(train.count, 5000 + epoch);
    const permPath = writeCached(`tta-perm-${5000 + epoch}.i32`, order);
    const sides = epoch % 2 === 1 ? ['trainkit', 'pytorch'] : ['pytorch', 'trainkit'];
    for (const side of sides) {
      if (done[side]) continue;
      const load = load1();
      const result =
        side === 'trainkit'
          ? run.trainkit.epoch(order)
          : await peer.call({
              cmd: 'ttaEpoch',
              permutation: permPath,
              batch: BATCH,
              steps: stepsCap,
              testLimit: testLimit ?? null,
            });
      curves[side].push({ epoch, ...result, loadAverage1m: load });
      if (result.testAccuracy >= threshold) done[side] = true;
      progress(
        `${kind} ${side} epoch ${epoch}: ${result.seconds.toFixed(1)} s, test accuracy ${(100 * result.testAccuracy).toFixed(2)}%`,
      );
    }
  }
  run.trainkit.dispose();
  const summarize = (curve) => {
    if (curve.length === 0) return null;
    const hit = curve.findIndex((e) => e.testAccuracy >= threshold);
    const upTo = hit === -1 ? curve : curve.slice(0, hit + 1);
    return {
      reached: hit !== -1,
      epochs: hit === -1 ? null : hit + 1,
      epochsRun: curve.length,
      trainingSeconds: upTo.reduce((s, e) => s + e.seconds, 0),
      secondsPerEpoch: upTo.reduce((s, e) => s + e.seconds, 0) / upTo.length,
      finalAccuracy: curve.at(-1).testAccuracy,
      bestAccuracy: Math.max(...curve.map((e) => e.testAccuracy)),
      curve,
    };
  };
  models.push({
    kind,
    threshold,
    cap,
    layers,
    trainkit: summarize(curves.trainkit),
    pytorch: peer ? summarize(curves.pytorch) : null,
  });
}
if (peer) await peer.close();

finish({
  protocol: {
    batch: BATCH,
    optimizer: `Adam(lr ${LR}, epsilon 1e-7)`,
    runs: 'one run per framework and model (seed 1), not a median',
    order: `epoch e uses the mulberry32 permutation with seed 5000 + e in both frameworks; epochs alternate between the frameworks`,
    timed: 'training only; the test accuracy (10,000 images) after each epoch is untimed',
    stepsCap,
    testImages: test.count,
  },
  tfjs: { version: tf.version_core, backend: selection.backend, optimizer: 'fusedAdam' },
  peer: peer ? { name: 'PyTorch', ...info } : { unavailable },
  models,
});
