// Benchmark: stratified 5-fold and a stratified 80/10/10 split of 10,000,000
// labels (10 classes, imbalanced), against scikit-learn on the same labels when
// /usr/bin/python3 has it. Build first (`npx tsup`), then `npm run bench`.
// SPLITS_BENCH_N overrides the label count.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { miniBatches, stratifiedKFold, trainValidationTestSplit } from '../dist/index.js';
import { imbalancedLabels } from './labels.mjs';

const n = Number(process.env.SPLITS_BENCH_N ?? 10_000_000);
const classes = 10;
const runs = 2;

// Labels: class c with weight 1 / (c + 1) (class 0 is 10x class 9), drawn with PCG32.
const labels = imbalancedLabels(n, { classes, seed: 2024 });

// Wall time and process CPU time (user + system). On a shared machine the CPU
// time is the steadier figure; both are printed and both ratios computed.
function cpuMs() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function report(name, wall, cpu) {
  const runsText = wall.map((t) => t.toFixed(0)).join(', ');
  console.log(
    `${name.padEnd(52)} wall ${Math.min(...wall)
      .toFixed(0)
      .padStart(6)} ms  cpu ${Math.min(...cpu)
      .toFixed(0)
      .padStart(6)} ms  (wall runs: ${runsText})`,
  );
}

function best(name, run) {
  const wall = [];
  const cpu = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    const cpuStart = cpuMs();
    run();
    wall.push(performance.now() - start);
    cpu.push(cpuMs() - cpuStart);
  }
  report(name, wall, cpu);
  return { wall: Math.min(...wall), cpu: Math.min(...cpu) };
}

console.log(`@trainkit/splits: n = ${n.toLocaleString('en')}, ${classes} classes, best of ${runs}`);
const kfold = best('stratifiedKFold(k=5, shuffle), all 5 folds built', () => {
  let check = 0;
  for (const fold of stratifiedKFold(n, { k: 5, labels, shuffle: true, seed: 0 })) {
    check += fold.train.length + fold.validation[0];
  }
  return check;
});
const split = best('trainValidationTestSplit 80/10/10 stratified', () => {
  const parts = trainValidationTestSplit(n, {
    ratios: [0.8, 0.1, 0.1],
    stratify: labels,
    seed: 0,
  });
  return parts.train.length + parts.validation.length + parts.test.length;
});
best('miniBatches (one epoch, batch 256, shuffled)', () => {
  return miniBatches(n, { batchSize: 256, seed: 0, epoch: 1 }).length;
});

const hasSklearn =
  spawnSync('/usr/bin/python3', ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;
if (!hasSklearn) {
  console.log('scikit-learn not found (/usr/bin/python3 -c "import sklearn" failed): no ratio.');
  process.exit(0);
}

// The labels go to a .npy file (int32, little-endian); Python times only the splits.
const directory = mkdtempSync(join(tmpdir(), 'splits-bench-'));
const file = join(directory, 'labels.npy');
let header = `{'descr': '<i4', 'fortran_order': False, 'shape': (${n},), }`;
header += `${' '.repeat(63 - ((10 + header.length) % 64))}\n`;
const preamble = Buffer.alloc(10);
preamble.write('\x93NUMPY', 0, 'latin1');
preamble[6] = 1;
preamble[7] = 0;
preamble.writeUInt16LE(header.length, 8);
writeFileSync(
  file,
  Buffer.concat([preamble, Buffer.from(header, 'latin1'), Buffer.from(labels.buffer)]),
);

const python = `
import json, sys, time
import numpy as np
from sklearn.model_selection import StratifiedKFold, train_test_split
y = np.load(sys.argv[1])
X = np.zeros((len(y), 1), dtype=np.uint8)
idx = np.arange(len(y))
out = {"kfold": [], "kfoldCpu": [], "split": [], "splitCpu": []}
for _ in range(${runs}):
    t, c = time.perf_counter(), time.process_time()
    check = 0
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(X, y):
        check += len(train) + int(test[0])
    out["kfold"].append((time.perf_counter() - t) * 1000)
    out["kfoldCpu"].append((time.process_time() - c) * 1000)
    t, c = time.perf_counter(), time.process_time()
    train, rest = train_test_split(idx, test_size=0.2, stratify=y, random_state=0)
    val, test = train_test_split(rest, test_size=0.5, stratify=y[rest], random_state=0)
    out["split"].append((time.perf_counter() - t) * 1000)
    out["splitCpu"].append((time.process_time() - c) * 1000)
    out["sizes"] = [len(train), len(val), len(test)]
print(json.dumps(out))
`;
try {
  const child = spawnSync('/usr/bin/python3', ['-c', python, file], { encoding: 'utf8' });
  if (child.status !== 0) {
    console.log(`scikit-learn run failed: ${child.stderr}`);
    process.exit(0);
  }
  const sk = JSON.parse(child.stdout);
  report('scikit-learn StratifiedKFold(5, shuffle=True).split', sk.kfold, sk.kfoldCpu);
  report(
    `scikit-learn train_test_split(stratify) x2 (${sk.sizes.join('/')})`,
    sk.split,
    sk.splitCpu,
  );
  const ratio = (theirs, ours) => (Math.min(...theirs) / ours).toFixed(1);
  console.log(
    `ratio stratified 5-fold:   ${ratio(sk.kfold, kfold.wall)}x (wall), ${ratio(sk.kfoldCpu, kfold.cpu)}x (cpu) faster than scikit-learn; target >= 5x`,
  );
  console.log(
    `ratio stratified 80/10/10: ${ratio(sk.split, split.wall)}x (wall), ${ratio(sk.splitCpu, split.cpu)}x (cpu) faster than scikit-learn; target >= 5x`,
  );
} finally {
  rmSync(directory, { recursive: true, force: true });
}
