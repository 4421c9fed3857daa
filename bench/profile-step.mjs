// Where the milliseconds of one training step go on the wasm backend with trainkit's
// kernels: every registered wasm kernel is wrapped with a timer (outermost calls only, so a
// kernel composed of other kernels is counted once, under its own name), and the rest of
// the step (tape, gradient functions, engine bookkeeping, batch upload) is "outside kernels".
//
//   node bench/profile-step.mjs [--model mlp|cnn] [--batch 128] [--steps 100] [--by-shape]
//                               [--optimizer adam|fusedAdam] [--loss stock|fused] [--no-wrap]
//                               [--backend <bundle.mjs>]

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { loadTrainerModels, seedDropout } from './trainer-model.mjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const kind = arg('--model', 'mlp');
const batch = Number(arg('--batch', '128'));
const steps = Number(arg('--steps', '100'));
const byShape = args.includes('--by-shape');
const optimizerName = arg('--optimizer', 'adam');
// --loss fused: trainkit's fusedSoftmaxCrossEntropy instead of tf.losses.softmaxCrossEntropy.
const lossName = arg('--loss', 'stock');
// --backend <path>: another build of @trainkit/backend (e.g. a bundle of an older commit) to compare.
const backendPath = arg('--backend', undefined);
const { fusedAdam, fusedSoftmaxCrossEntropy, selectBackend } = await import(
  backendPath === undefined ? '@trainkit/backend' : pathToFileURL(resolve(backendPath)).href
);
// --no-wrap: plain steps (for --cpu-prof, without the timers' own cost).
const wrap = !args.includes('--no-wrap');

await selectBackend({ backend: 'wasm' });
const trainer = await loadTrainerModels();

const totals = new Map();
let depth = 0;
let counting = false;
for (const config of wrap ? tf.getKernelsForBackend('wasm') : []) {
  const inner = config.kernelFunc;
  const wrapped = (callArgs) => {
    if (!counting || depth > 0) {
      depth++;
      try {
        return inner(callArgs);
      } finally {
        depth--;
      }
    }
    depth++;
    const start = performance.now();
    try {
      return inner(callArgs);
    } finally {
      const ms = performance.now() - start;
      depth--;
      const shapes = byShape
        ? ` ${Object.values(callArgs.inputs)
            .filter((t) => t?.shape)
            .map((t) => `[${t.shape.join('x')}]`)
            .join(' ')}`
        : '';
      const key = `${config.kernelName}${shapes}`;
      const entry = totals.get(key) ?? { ms: 0, calls: 0, perStep: new Map() };
      entry.ms += ms;
      entry.calls++;
      entry.perStep.set(stepIndex, (entry.perStep.get(stepIndex) ?? 0) + ms);
      totals.set(key, entry);
    }
  };
  tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel({ ...config, kernelFunc: wrapped });
}

const { model, dropoutLayers } = trainer.build(kind, 1);
const shape = model.inputs[0].shape.slice(1);
const optimizer = optimizerName === 'fusedAdam' ? fusedAdam(1e-3) : tf.train.adam(1e-3);
const loss = lossName === 'fused' ? fusedSoftmaxCrossEntropy : tf.losses.softmaxCrossEntropy;
let stepCount = 0;
const variables = model.trainableWeights.map((w) => w.read());
const xs = new Float32Array(batch * 784).map(() => Math.random());
const ys = new Int32Array(batch).map(() => Math.floor(Math.random() * 10));
function step() {
  seedDropout(dropoutLayers, stepCount++);
  const x = tf.tensor(xs, [batch, ...shape]);
  const y = tf.tensor1d(ys, 'int32');
  const cost = optimizer.minimize(
    () => loss(tf.oneHot(y, 10), model.apply(x, { training: true })),
    true,
    variables,
  );
  cost.dataSync();
  tf.dispose([x, y, cost]);
}
for (let i = 0; i < 10; i++) step();
counting = true;
let stepIndex = 0;
const stepTimes = [];
for (; stepIndex < steps; stepIndex++) {
  const start = performance.now();
  step();
  stepTimes.push(performance.now() - start);
}
counting = false;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
// Medians over the steps (robust to a loaded machine), each kernel's and the whole step's.
const total = median(stepTimes);

const rows = [...totals.entries()]
  .map(([name, { calls, perStep }]) => ({
    name,
    ms: median(Array.from({ length: steps }, (_, i) => perStep.get(i) ?? 0)),
    calls: calls / steps,
  }))
  .sort((a, b) => b.ms - a.ms);
const inKernels = rows.reduce((sum, r) => sum + r.ms, 0);
console.log(
  `${kind} batch ${batch}, ${optimizerName}, ${lossName} loss: ${total.toFixed(2)} ms per step (median of ${steps}; kernels: medians per step)`,
);
console.log(
  `${'kernel'.padEnd(byShape ? 70 : 28)} ${'ms/step'.padStart(8)} ${'calls'.padStart(6)}  share`,
);
for (const r of rows) {
  if (r.ms < 0.005) continue;
  console.log(
    `${r.name.padEnd(byShape ? 70 : 28)} ${r.ms.toFixed(3).padStart(8)} ${String(r.calls).padStart(6)}  ${((100 * r.ms) / total).toFixed(1)}%`,
  );
}
console.log(
  `${'all kernels'.padEnd(byShape ? 70 : 28)} ${inKernels.toFixed(3).padStart(8)} ${String(rows.reduce((s, r) => s + r.calls, 0)).padStart(6)}  ${((100 * inKernels) / total).toFixed(1)}%`,
);
console.log(
  `${'outside kernels'.padEnd(byShape ? 70 : 28)} ${(total - inKernels).toFixed(3).padStart(8)} ${''.padStart(6)}  ${((100 * (total - inKernels)) / total).toFixed(1)}%`,
);
