// Benchmark: 10,000,000 labels of 10 classes into a streaming confusion matrix,
// compared side by side with scikit-learn's confusion_matrix on the same labels
// when /usr/bin/python3 has scikit-learn. Build first: `npx tsup`.
//
//   node bench/confusion.mjs            (or: npm run bench)
//   BENCH_N=1000000 node bench/confusion.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRandom } from '@trainkit/stats';
import {
  confusionMatrixToArray,
  createConfusionMatrix,
  updateConfusionMatrix,
} from '../dist/index.js';

const N = Number(process.env.BENCH_N ?? 10_000_000);
const C = 10;
const REPEATS = 5;
const PYTHON = '/usr/bin/python3';

// Deterministic labels (@trainkit/stats' PCG32), 70% correct predictions.
const generator = createRandom({ seed: 42 });
const random = () => generator.nextFloat();
const yTrue = new Int32Array(N);
const yPred = new Int32Array(N);
for (let i = 0; i < N; i++) {
  const t = Math.floor(random() * C);
  yTrue[i] = t;
  yPred[i] = random() < 0.7 ? t : Math.floor(random() * C);
}

function timeOnce() {
  const start = performance.now();
  const state = createConfusionMatrix(C);
  updateConfusionMatrix(state, yTrue, yPred);
  return { seconds: (performance.now() - start) / 1000, state };
}

// Warm up the JIT on a slice, then time full passes.
for (let i = 0; i < 3; i++) {
  updateConfusionMatrix(
    createConfusionMatrix(C),
    yTrue.subarray(0, 1_000_000),
    yPred.subarray(0, 1_000_000),
  );
}
const runs = [];
let state;
for (let i = 0; i < REPEATS; i++) {
  const run = timeOnce();
  runs.push(run.seconds);
  state = run.state;
}
runs.sort((a, b) => a - b);
const best = runs[0];
const median = runs[Math.floor(runs.length / 2)];
const fmt = (x) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
console.log(
  `@trainkit/metrics updateConfusionMatrix: ${fmt(N)} labels, ${C} classes (Int32Array), best of ${REPEATS}`,
);
console.log(`  best   ${(best * 1000).toFixed(1)} ms  = ${fmt(N / best)} labels/s`);
console.log(`  median ${(median * 1000).toFixed(1)} ms  = ${fmt(N / median)} labels/s`);

const hasSklearn = spawnSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;
if (!hasSklearn) {
  console.log(`scikit-learn not available at ${PYTHON}: no comparison.`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'trainkit-metrics-bench-'));
try {
  const truePath = join(dir, 'y_true.i32');
  const predPath = join(dir, 'y_pred.i32');
  writeFileSync(truePath, new Uint8Array(yTrue.buffer));
  writeFileSync(predPath, new Uint8Array(yPred.buffer));
  // Times only the confusion_matrix call (best of 3), on the same labels read from the files.
  const script = `
import json, sys, time
import numpy as np
import sklearn
from sklearn.metrics import confusion_matrix
y_true = np.fromfile(sys.argv[1], dtype='<i4')
y_pred = np.fromfile(sys.argv[2], dtype='<i4')
def best(fn, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result
default_s, cm = best(lambda: confusion_matrix(y_true, y_pred))
labels_s, _ = best(lambda: confusion_matrix(y_true, y_pred, labels=np.arange(${C})))
print(json.dumps({"version": sklearn.__version__, "default": default_s, "labels": labels_s, "matrix": cm.tolist()}))
`;
  const output = execFileSync(PYTHON, ['-c', script, truePath, predPath], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const result = JSON.parse(output);
  const same = JSON.stringify(result.matrix) === JSON.stringify(confusionMatrixToArray(state));
  const fastest = Math.min(result.default, result.labels);
  console.log(`scikit-learn ${result.version} confusion_matrix on the same labels, best of 3:`);
  console.log(
    `  confusion_matrix(y_true, y_pred)                      ${(result.default * 1000).toFixed(1)} ms = ${fmt(N / result.default)} labels/s`,
  );
  console.log(
    `  confusion_matrix(y_true, y_pred, labels=np.arange(${C})) ${(result.labels * 1000).toFixed(1)} ms = ${fmt(N / result.labels)} labels/s`,
  );
  console.log(`  matrices identical: ${same}`);
  console.log(
    `ratio (faster scikit-learn call / trainkit best): ${(fastest / best).toFixed(1)}x faster (target >= 10x)`,
  );
  if (!same) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
