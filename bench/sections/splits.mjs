// BENCHMARKS.md section "splits": @trainkit/splits against scikit-learn's KFold,
// StratifiedKFold and train_test_split on the same 10,000,000 labels (10 classes, class c
// drawn with weight 1 / (c + 1)), every fold built. Each round runs every operation once in
// each framework, alternating (the first framework alternates by round); the page shows the
// spread (min / median / max) of the per-round speedups.
//
//   node bench/sections/splits.mjs [--quick] [--runs N] [--out PATH]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kFold, stratifiedKFold, trainTestSplit } from '@trainkit/splits';
import { imbalancedLabels } from '../../packages/splits/bench/labels.mjs';
import { cacheDir, sideBySide, startPeer, startSection, timed } from '../lib/common.mjs';

const { options, progress, finish } = startSection('splits');
const n = options.quick ? 200_000 : 10_000_000;
const runs = options.runs ?? (options.quick ? 1 : 7);
const classes = 10;
const k = 5;
const testSize = 0.2;

const labels = imbalancedLabels(n, { classes, seed: 2024 });

const operations = [
  {
    id: 'kfold',
    title: `k-fold, k = ${k}, shuffled, all folds built`,
    trainkit: `kFold(n, { k: ${k}, shuffle: true, seed })`,
    peer: `KFold(${k}, shuffle=True).split(X)`,
    run: (seed) => {
      let check = 0;
      for (const fold of kFold(n, { k, shuffle: true, seed })) {
        check += fold.train.length + fold.validation[0];
      }
      return check;
    },
  },
  {
    id: 'stratifiedKFold',
    title: `stratified k-fold, k = ${k}, shuffled, all folds built`,
    trainkit: `stratifiedKFold(n, { k: ${k}, labels, shuffle: true, seed })`,
    peer: `StratifiedKFold(${k}, shuffle=True).split(X, y)`,
    run: (seed) => {
      let check = 0;
      for (const fold of stratifiedKFold(n, { k, labels, shuffle: true, seed })) {
        check += fold.train.length + fold.validation[0];
      }
      return check;
    },
  },
  {
    id: 'trainTestSplit',
    title: 'train/test split 80/20, shuffled',
    trainkit: `trainTestSplit(n, { testSize: ${testSize}, seed })`,
    peer: `train_test_split(np.arange(n), test_size=${testSize})`,
    run: (seed) => {
      const parts = trainTestSplit(n, { testSize, seed });
      return parts.train.length + parts.test.length;
    },
  },
  {
    id: 'stratifiedTrainTestSplit',
    title: 'train/test split 80/20, stratified',
    trainkit: `trainTestSplit(n, { testSize: ${testSize}, stratify: labels, seed })`,
    peer: `train_test_split(np.arange(n), test_size=${testSize}, stratify=y)`,
    run: (seed) => {
      const parts = trainTestSplit(n, { testSize, stratify: labels, seed });
      return parts.train.length + parts.test.length;
    },
  },
];

const { peer, info, unavailable } = await startPeer('sklearn_peer.py');
if (peer) {
  const path = join(cacheDir, `splits-labels-${n}.i32`);
  writeFileSync(path, Buffer.from(labels.buffer));
  await peer.call({ cmd: 'labels', name: 'y', path });
}

// Warm-up (JIT, imports), untimed.
for (const op of operations) {
  op.run(1);
  if (peer) await peer.call({ cmd: 'split', kind: op.id, k, testSize, seed: 1 });
}

const results = Object.fromEntries(operations.map((op) => [op.id, sideBySide()]));
for (let round = 0; round < runs; round++) {
  const seed = 100 + round;
  for (const op of operations) {
    const r = results[op.id];
    await r.round(
      round,
      async () => {
        const t = await timed(() => op.run(seed));
        return { ms: t.ms, cpuMs: t.cpuMs };
      },
      peer && (() => peer.call({ cmd: 'split', kind: op.id, k, testSize, seed })),
    );
    const last = (list) => list.at(-1)?.ms.toFixed(0) ?? '-';
    progress(
      `round ${round + 1}/${runs} ${op.id.padEnd(26)} trainkit ${last(r.trainkit)} ms, scikit-learn ${last(r.peer)} ms`,
    );
  }
}
if (peer) await peer.close();

// speedup = scikit-learn's time / trainkit's, per round (both ran back to back)
const rows = operations.map((op) => ({
  id: op.id,
  title: op.title,
  trainkitCall: op.trainkit,
  peerCall: op.peer,
  ...results[op.id].summary(),
}));

finish({
  labels: { count: n, classes, distribution: 'class c with weight 1/(c+1), PCG32 seed 2024' },
  runs,
  peer: peer ? { name: 'scikit-learn', ...info } : { unavailable },
  rows,
});
