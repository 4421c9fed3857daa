// BENCHMARKS.md section "sanity": the overhead of @trainkit/sanity's training monitor, measured
// by packages/sanity/bench/monitor-overhead.mjs' own functions (that script prints a table;
// this driver runs the same measurements and writes JSON): model.fit on the
// trainer's MNIST MLP (784-256-128-10, Adam, batch 128) on the wasm backend with trainkit's
// kernels, runs of 3 epochs (the first untimed) with no callback, with the monitor at its default
// interval (50) and at interval 10, interleaved, medians of CPU and wall milliseconds per step; plus one check
// timed directly against one training step (alternating, medians).
//
//   node bench/sections/sanity.mjs [--quick] [--runs N] [--out PATH]
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@trainkit/backend';
import {
  epochsPerRun,
  loadData,
  measureDirect,
  measureEpochs,
  variants,
} from '../../packages/sanity/bench/monitor-overhead.mjs';
import { median, pairedRatio, spread, startSection } from '../lib/common.mjs';

const { options, progress, finish } = startSection('sanity');
// 11 rounds: the overhead (a few percent) is smaller than the scatter of single epochs on a
// shared machine (5 rounds gave a paired range of -21% to +17% around a 6% median).
const rounds = options.runs ?? (options.quick ? 1 : 11);
const directSteps = options.quick ? 6 : 60;
const selection = await selectBackend({ backend: 'wasm' });
tf.env().set('PROD', true);

const data = await loadData(options.quick ? 1280 : 12_800);
const { times, loads } = await measureEpochs(data, {
  rounds,
  onRound: (r) => progress(`round ${r + 1}/${rounds} done`),
});

// Direct: one check against one training step, alternating in the same loop.
const { stepTimes, checkTimes } = await measureDirect(data, {
  steps: directSteps,
  warm: Math.min(10, directSteps / 2),
});
const step = median(stepTimes);
const check = median(checkTimes);
const direct = {
  checkMs: check,
  stepMs: step,
  amortizedAt50: check / 50 / step,
  amortizedAt10: check / 10 / step,
  samples: stepTimes.length,
};

const key = (v, k) => times[v].map((t) => t[k]);
const rows = variants.map((v) => ({
  variant: v === 'none' ? 'none' : `interval ${v}`,
  cpuMsPerStep: spread(key(v, 'cpu')),
  wallMsPerStep: spread(key(v, 'wall')),
  // per-round ratio to the epoch without the monitor (1.02 = 2% overhead)
  cpuRatio: v === 'none' ? null : pairedRatio(key(v, 'cpu'), key('none', 'cpu')),
  wallRatio: v === 'none' ? null : pairedRatio(key(v, 'wall'), key('none', 'wall')),
  findings: v === 'none' ? null : times[v].reduce((n, t) => n + t.findings, 0),
}));

finish({
  model: 'MLP 784-256-128-10, Adam 2e-3, batch 128, model.fit',
  stepsPerEpoch: data.steps,
  epochsPerRun,
  rounds,
  tfjs: { version: tf.version_core, backend: selection.backend, threads: selection.threads },
  rows,
  direct,
  loadAverage: spread(loads),
});
