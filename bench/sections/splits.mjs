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
import { createRandom } from '@trainkit/stats';
import {
  cacheDir,
  load1,
  pairedRatio,
  progress,
  sectionArgs,
  sectionResult,
  spread,
  startPeer,
  timed,
  writeJson,
} from '../lib/common.mjs';

const options = sectionArgs('splits');
const n = options.quick ? 200_000 : 10_000_000;
const runs = options.runs ?? (options.quick ? 1 : 7);
const classes = 10;
const k = 5;
const testSize = 0.2;

function makeLabels() {
  const weights = Array.from({ length: classes }, (_, c) => 1 / (c + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative = [];
  let sum = 0;
  for (const w of weights) {
    sum += w / total;
    cumulative.push(sum);
  }
  const labels = new Int32Array(n);
  const random = createRandom({ seed: 2024 });
  for (let i = 0; i < n; i++) {
    const u = random.nextFloat();
    let c = 0;
    while (c < classes - 1 && u >= cumulative[c]) c++;
    labels[i] = c;
  }
  return labels;
}

const labels = makeLabels();

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

const results = Object.fromEntries(
  operations.map((op) => [op.id, { trainkit: [], peer: [], loads: [] }]),
);
for (let round = 0; round < runs; round++) {
  const seed = 100 + round;
  for (const op of operations) {
    const r = results[op.id];
    const sides = round % 2 === 0 ? ['trainkit', 'peer'] : ['peer', 'trainkit'];
    for (const side of sides) {
      r.loads.push(load1());
      if (side === 'trainkit') {
        const t = await timed(() => op.run(seed));
        r.trainkit.push({ ms: t.ms, cpuMs: t.cpuMs });
      } else if (peer) {
        const t = await peer.call({ cmd: 'split', kind: op.id, k, testSize, seed });
        r.peer.push({ ms: t.ms, cpuMs: t.cpuMs });
      }
    }
    const last = (list) => list.at(-1)?.ms.toFixed(0) ?? '-';
    progress(
      'splits',
      `round ${round + 1}/${runs} ${op.id.padEnd(26)} trainkit ${last(r.trainkit)} ms, scikit-learn ${last(r.peer)} ms`,
    );
  }
}
if (peer) await peer.close();

const rows = operations.map((op) => {
  const r = results[op.id];
  const ms = (list, key = 'ms') => list.map((m) => m[key]);
  return {
    id: op.id,
    title: op.title,
    trainkitCall: op.trainkit,
    peerCall: op.peer,
    trainkitMs: spread(ms(r.trainkit)),
    trainkitCpuMs: spread(ms(r.trainkit, 'cpuMs')),
    peerMs: spread(ms(r.peer)),
    peerCpuMs: spread(ms(r.peer, 'cpuMs')),
    // speedup = scikit-learn's time / trainkit's, per round (both ran back to back)
    speedup: r.peer.length ? pairedRatio(ms(r.peer), ms(r.trainkit)) : null,
    cpuSpeedup: r.peer.length ? pairedRatio(ms(r.peer, 'cpuMs'), ms(r.trainkit, 'cpuMs')) : null,
    loadAverage: spread(r.loads),
  };
});

writeJson(
  options.out,
  sectionResult('splits', options, {
    labels: { count: n, classes, distribution: 'class c with weight 1/(c+1), PCG32 seed 2024' },
    runs,
    peer: peer ? { name: 'scikit-learn', ...info } : { unavailable },
    rows,
  }),
);
progress('splits', `wrote ${options.out}`);
