// BENCHMARKS.md section "metrics": @trainkit/metrics' confusion matrix and classification
// report against scikit-learn's confusion_matrix and classification_report on the same
// labels (10 classes, 70% correct predictions), at 1M, 10M and 100M labels. Each round runs
// every call once per framework, alternating. trainkit's report is timed from the labels
// (matrix + report), like scikit-learn's, and its text is compared with scikit-learn's.
//
// scikit-learn's classification_report takes about 40 s per 10M labels on the development
// machine, so it is measured at 1M and 10M only (100M would take ~7 minutes per call).
//
//   node bench/sections/metrics.mjs [--quick] [--runs N] [--out PATH]
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  classificationReport,
  confusionMatrixToArray,
  createConfusionMatrix,
  updateConfusionMatrix,
} from '@trainkit/metrics';
import { createRandom } from '@trainkit/stats';
import { cacheDir, sideBySide, spread, startPeer, startSection, timed } from '../lib/common.mjs';

const { options, progress, finish } = startSection('metrics');
const C = 10;
// [label count, rounds of the confusion matrix, rounds of the report (0: not measured)]
const plan = options.quick
  ? [
      [100_000, 1, 1],
      [1_000_000, 1, 0],
    ]
  : [
      [1_000_000, 5, 3],
      [10_000_000, 5, 3],
      [100_000_000, 2, 0],
    ];
const runsOverride = options.runs;

function makeLabels(n) {
  const random = createRandom({ seed: 42 });
  const yTrue = new Int32Array(n);
  const yPred = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const t = Math.floor(random.nextFloat() * C);
    yTrue[i] = t;
    yPred[i] = random.nextFloat() < 0.7 ? t : Math.floor(random.nextFloat() * C);
  }
  return { yTrue, yPred };
}

function trainkitMatrix(yTrue, yPred) {
  const state = createConfusionMatrix(C);
  updateConfusionMatrix(state, yTrue, yPred);
  return state;
}

function trainkitReport(yTrue, yPred) {
  return classificationReport(trainkitMatrix(yTrue, yPred), { digits: 2 });
}

const { peer, info, unavailable } = await startPeer('sklearn_peer.py');
const rows = [];
let agreement = null;

// JIT warm-up on a small slice.
{
  const { yTrue, yPred } = makeLabels(200_000);
  for (let i = 0; i < 3; i++) trainkitReport(yTrue, yPred);
}

for (const [n, matrixRounds, reportRounds] of plan) {
  const { yTrue, yPred } = makeLabels(n);
  const files = {
    true: join(cacheDir, `metrics-true-${n}.i32`),
    pred: join(cacheDir, `metrics-pred-${n}.i32`),
  };
  if (peer) {
    writeFileSync(files.true, Buffer.from(yTrue.buffer));
    writeFileSync(files.pred, Buffer.from(yPred.buffer));
    await peer.call({ cmd: 'labels', name: 'true', path: files.true });
    await peer.call({ cmd: 'labels', name: 'pred', path: files.pred });
    rmSync(files.true, { force: true });
    rmSync(files.pred, { force: true });
    if (agreement === null) {
      // Same results: the matrix entry by entry, the report's text byte for byte.
      const sk = await peer.call({
        cmd: 'confusion',
        labels: true,
        classes: C,
        returnMatrix: true,
      });
      const report = await peer.call({ cmd: 'report', digits: 2, returnText: true });
      agreement = {
        labels: n,
        matrixIdentical:
          JSON.stringify(sk.matrix) ===
          JSON.stringify(confusionMatrixToArray(trainkitMatrix(yTrue, yPred))),
        reportIdentical: report.text === trainkitReport(yTrue, yPred),
      };
    }
  }
  const measure = async (kind, rounds) => {
    const r = sideBySide();
    const peerDefault = [];
    for (let round = 0; round < rounds; round++) {
      await r.round(
        round,
        () =>
          timed(() =>
            kind === 'matrix' ? trainkitMatrix(yTrue, yPred) : trainkitReport(yTrue, yPred),
          ),
        peer &&
          (async () => {
            if (kind !== 'matrix') return peer.call({ cmd: 'report', digits: 2 });
            const measured = await peer.call({ cmd: 'confusion', labels: true, classes: C });
            peerDefault.push(await peer.call({ cmd: 'confusion', labels: false }));
            return measured;
          }),
      );
      progress(
        `${kind} ${n.toLocaleString('en-US')} labels round ${round + 1}/${rounds}: trainkit ${r.trainkit.at(-1).ms.toFixed(0)} ms, scikit-learn ${r.peer.at(-1)?.ms.toFixed(0) ?? '-'} ms`,
      );
    }
    const summary = r.summary();
    const { trainkitMs, trainkitCpuMs, peerMs, peerCpuMs } = summary;
    return {
      kind,
      labels: n,
      rounds,
      trainkitMs,
      trainkitCpuMs,
      peerMs,
      peerCpuMs,
      peerDefaultMs: spread(peerDefault.map((m) => m.ms)),
      speedup: summary.speedup,
      cpuSpeedup: summary.cpuSpeedup,
      trainkitLabelsPerSecond: n / (trainkitMs.median / 1000),
      loadAverage: summary.loadAverage,
    };
  };
  rows.push(await measure('matrix', runsOverride ?? matrixRounds));
  if (reportRounds > 0) rows.push(await measure('report', runsOverride ?? reportRounds));
  else rows.push({ kind: 'report', labels: n, skipped: true });
  if (peer) {
    await peer.call({ cmd: 'drop', name: 'true' });
    await peer.call({ cmd: 'drop', name: 'pred' });
  }
}
if (peer) await peer.close();

finish({
  classes: C,
  labels:
    'uniform true labels (PCG32 seed 42), predictions correct with probability 0.7, Int32Array',
  peer: peer ? { name: 'scikit-learn', ...info } : { unavailable },
  agreement,
  rows,
});
