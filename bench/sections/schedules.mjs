// BENCHMARKS.md section "schedules": the per-update cost of driving an optimizer from a
// schedule. trainkit: `setLearningRate(optimizer, schedule(step))` on a tfjs optimizer (what
// `batchLearningRateScheduler` does before each update); PyTorch: `scheduler.step()` on a
// torch.optim optimizer over the trainer's MLP (one parameter group). Same schedules, same
// horizon (10,000 steps), rounds alternating between the frameworks.
//
//   node bench/sections/schedules.mjs [--quick] [--runs N] [--out PATH]
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as schedules from '@trainkit/schedules';
import { setLearningRate } from '@trainkit/schedules/tfjs';
import { pairedRatio, sideBySide, spread, startPeer, startSection } from '../lib/common.mjs';

const { options, progress, finish } = startSection('schedules');
const steps = options.quick ? 1000 : 10_000;
const runs = options.runs ?? (options.quick ? 1 : 7);
await tf.setBackend('cpu');

// `linear` was `linearSchedule` before the schedules renames (either name works here).
const linear = schedules.linear ?? schedules.linearSchedule;
const warm = Math.floor(steps / 20);
const kinds = {
  cosine: {
    title: 'cosine decay',
    trainkit: () => schedules.cosineDecay({ initialValue: 0.1, decaySteps: steps }),
    peer: `CosineAnnealingLR(T_max=${steps})`,
  },
  warmupCosine: {
    title: `linear warmup (${warm} steps) + cosine`,
    trainkit: () =>
      schedules.join(
        [
          linear({ initialValue: 1e-4, endValue: 0.1, transitionSteps: warm }),
          schedules.cosineDecay({ initialValue: 0.1, decaySteps: steps - warm, alpha: 0.01 }),
        ],
        [warm],
      ),
    peer: 'SequentialLR([LinearLR, CosineAnnealingLR])',
  },
  oneCycle: {
    title: 'one-cycle (learning rate only)',
    trainkit: () => schedules.oneCycle({ maxValue: 0.1, totalSteps: steps }),
    peer: 'OneCycleLR(cycle_momentum=False)',
  },
};
const optimizers = {
  adam: () => tf.train.adam(0.1),
  sgd: () => tf.train.sgd(0.1),
};

function trainkitRun(kind, optimizerName) {
  const optimizer = optimizers[optimizerName]();
  const schedule = kinds[kind].trainkit();
  const t = performance.now();
  const cpu = process.cpuUsage();
  let sink = 0;
  for (let step = 0; step < steps; step++) {
    const value = schedule(step);
    setLearningRate(optimizer, value);
    sink += value;
  }
  const elapsed = performance.now() - t;
  const used = process.cpuUsage(cpu);
  optimizer.dispose();
  if (!(sink > 0)) throw new Error('schedules: unexpected schedule output');
  return { ms: elapsed, cpuMs: (used.user + used.system) / 1000 };
}

const { peer, info, unavailable } = await startPeer('torch_extras_peer.py');
const combos = [];
for (const kind of Object.keys(kinds))
  for (const o of Object.keys(optimizers)) combos.push([kind, o]);

// Warm-up (JIT, imports), untimed.
for (const [kind, o] of combos) {
  trainkitRun(kind, o);
  if (peer) await peer.call({ cmd: 'schedule', kind, optimizer: o, steps });
}

const results = new Map(combos.map((c) => [c.join(':'), sideBySide()]));
for (let round = 0; round < runs; round++) {
  for (const [kind, o] of combos) {
    await results
      .get(`${kind}:${o}`)
      .round(
        round,
        () => trainkitRun(kind, o),
        peer && (() => peer.call({ cmd: 'schedule', kind, optimizer: o, steps })),
      );
  }
  progress(`round ${round + 1}/${runs} done`);
}
if (peer) await peer.close();

const usPerStep = (list) => list.map((m) => (1000 * m.ms) / steps);
const rows = combos.map(([kind, o]) => {
  const r = results.get(`${kind}:${o}`);
  return {
    schedule: kind,
    title: kinds[kind].title,
    optimizer: o,
    peerCall: kinds[kind].peer,
    trainkitUs: spread(usPerStep(r.trainkit)),
    peerUs: spread(usPerStep(r.peer)),
    // speedup = PyTorch's time per step / trainkit's, per round
    speedup: r.peer.length ? pairedRatio(usPerStep(r.peer), usPerStep(r.trainkit)) : null,
    loadAverage: spread(r.loads),
  };
});

finish({
  steps,
  runs,
  tfjs: { version: tf.version_core, backend: tf.getBackend() },
  peer: peer ? { name: 'PyTorch', ...info } : { unavailable },
  rows,
});
