// Benchmark of @trainkit/profiler (build first: npx tsup).
//
// 1. The cost of one phase mark without synchronization (ns/mark; target < 1 µs).
// 2. Its share of a small MLP training step (784-128-10, batch 64, CPU backend,
//    5 marks per step; target < 0.5%), measured side by side in one run.
// 3. The cost of a synchronized mark (synchronizedProfiler, 'always').
//
// Usage: node bench/profiler.mjs [--quick]
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node build registers no gradients; tfjs-layers' Node build
// registers all of them in tfjs' global registry.
import '@tensorflow/tfjs-layers';
import { createProfiler, formatProfileReport, summarizeProfile } from '../dist/index.js';
import { synchronizedProfiler } from '../dist/tfjs/index.js';

const quick = process.argv.includes('--quick');
await tf.setBackend('cpu');
await tf.ready();

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

// ---------------------------------------------------------------- 1. mark cost
function markLoop(iterations, useIds) {
  const profiler = createProfiler({
    phases: ['data', 'forward', 'backward', 'optimizer'],
    warn: () => {},
  });
  const ids = [0, 1, 2, 3];
  const names = ['data', 'forward', 'backward', 'optimizer'];
  const start = performance.now();
  for (let i = 0; i < iterations; i += 1) {
    if (useIds) {
      profiler.phase(ids[0]);
      profiler.phase(ids[1]);
      profiler.phase(ids[2]);
      profiler.phase(ids[3]);
    } else {
      profiler.phase(names[0]);
      profiler.phase(names[1]);
      profiler.phase(names[2]);
      profiler.phase(names[3]);
    }
    profiler.endIteration(64);
  }
  return ((performance.now() - start) * 1e6) / (iterations * 5); // ns per mark
}

function clockLoop(calls) {
  let sink = 0;
  const start = performance.now();
  for (let i = 0; i < calls; i += 1) sink += performance.now();
  const ns = ((performance.now() - start) * 1e6) / calls;
  return sink === -1 ? 0 : ns;
}

const markIterations = quick ? 50_000 : 200_000;
markLoop(markIterations, true); // warm-up (JIT)
markLoop(markIterations, false);
const idCost = [];
const nameCost = [];
const clockCost = [];
for (let r = 0; r < 7; r += 1) {
  idCost.push(markLoop(markIterations, true));
  nameCost.push(markLoop(markIterations, false));
  clockCost.push(clockLoop(markIterations * 5));
}
const nsPerMark = median(idCost);
const nsPerNamedMark = median(nameCost);
const nsPerClock = median(clockCost);

// ---------------------------------------------------------- 2. MLP step share
const batch = 64;
const xs = tf.randomNormal([batch * 8, 784], 0, 1, 'float32', 1);
const labels = tf.oneHot(tf.randomUniform([batch * 8], 0, 10, 'int32', 2), 10);
const w1 = tf.variable(tf.randomNormal([784, 128], 0, 0.05, 'float32', 3));
const b1 = tf.variable(tf.zeros([128]));
const w2 = tf.variable(tf.randomNormal([128, 10], 0, 0.05, 'float32', 4));
const b2 = tf.variable(tf.zeros([10]));
const optimizer = tf.train.sgd(0.01);

function trainStep(i, profiler) {
  profiler?.phase(0); // data
  const start = (i % 8) * batch;
  const x = tf.slice(xs, [start, 0], [batch, 784]);
  const y = tf.slice(labels, [start, 0], [batch, 10]);
  profiler?.phase(1); // forward + backward + update
  const loss = optimizer.minimize(() => {
    const hidden = tf.relu(tf.add(tf.matMul(x, w1), b1));
    return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(hidden, w2), b2));
  }, true);
  profiler?.phase(2); // logging
  loss.dispose();
  profiler?.phase(3); // cleanup
  tf.dispose([x, y]);
  profiler?.endIteration(batch);
}

const stepProfiler = createProfiler({
  phases: ['data', 'train step', 'logging', 'cleanup'],
  warn: () => {},
});
for (let i = 0; i < 10; i += 1) trainStep(i, stepProfiler); // warm-up both paths
for (let i = 0; i < 10; i += 1) trainStep(i, undefined);

// Side by side: pairs of one plain and one marked step, in alternating order.
const pairs = quick ? 20 : 100;
const plainMs = [];
const ratios = [];
for (let k = 0; k < pairs; k += 1) {
  const times = {};
  for (const withMarks of k % 2 === 0 ? [false, true] : [true, false]) {
    const start = performance.now();
    trainStep(k, withMarks ? stepProfiler : undefined);
    times[withMarks] = performance.now() - start;
  }
  plainMs.push(times.false);
  ratios.push(times.true / times.false);
}
const stepMs = median(plainMs);
const pairedDifference = median(ratios) - 1;

// In situ: the five marks of a step timed together inside the training loop (caches
// cold after a step), minus an empty bracket of two clock reads taken just before.
const situProfiler = createProfiler({
  phases: ['data', 'train step', 'logging', 'cleanup'],
  warn: () => {},
});
const inSitu = [];
for (let k = 0; k < (quick ? 20 : 60); k += 1) {
  trainStep(k, undefined);
  const e0 = performance.now();
  const e1 = performance.now();
  const t0 = performance.now();
  situProfiler.phase(0);
  situProfiler.phase(1);
  situProfiler.phase(2);
  situProfiler.phase(3);
  situProfiler.endIteration(batch);
  const t1 = performance.now();
  inSitu.push((t1 - t0 - (e1 - e0)) / 5);
}
const nsPerMarkInSitu = Math.max(0, median(inSitu) * 1e6);
const marksPerStep = 5;
const shareFromMarkCost = (marksPerStep * nsPerMark) / (stepMs * 1e6);
const shareInSitu = (marksPerStep * nsPerMarkInSitu) / (stepMs * 1e6);

// ------------------------------------------------------ 3. synchronized mark
async function syncLoop(marks, mode, waitForTensor) {
  const profiler = createProfiler({ phases: ['a', 'b'], warn: () => {} });
  const sync = synchronizedProfiler(profiler, { synchronize: mode });
  const tensor = waitForTensor ? tf.scalar(1) : undefined;
  const start = performance.now();
  for (let i = 0; i < marks; i += 2) {
    await sync.phase(0, tensor);
    await sync.phase(1, tensor);
    if ((i & 255) === 254) profiler.endIteration(1);
  }
  const ns = ((performance.now() - start) * 1e6) / marks;
  tensor?.dispose();
  return ns;
}
const syncMarks = quick ? 2_000 : 20_000;
await syncLoop(syncMarks, 'always', false);
const syncProbe = [];
const syncTensor = [];
const syncNever = [];
for (let r = 0; r < 5; r += 1) {
  syncProbe.push(await syncLoop(syncMarks, 'always', false));
  syncTensor.push(await syncLoop(syncMarks, 'always', true));
  syncNever.push(await syncLoop(syncMarks, 'never', false));
}

const us = (ns) => `${(ns / 1000).toFixed(3)} µs`;
console.log(
  `@trainkit/profiler benchmark (Node ${process.version}, tfjs ${tf.version_core}, backend ${tf.getBackend()}${quick ? ', quick' : ''})`,
);
console.log('');
console.log('1. One phase mark, no synchronization (median of 7 runs):');
console.log(
  `   by id:    ${nsPerMark.toFixed(1)} ns/mark   (${us(nsPerMark)}; target < 1 µs: ${nsPerMark < 1000 ? 'met' : 'MISSED'})`,
);
console.log(`   by name:  ${nsPerNamedMark.toFixed(1)} ns/mark`);
console.log(`   performance.now() alone: ${nsPerClock.toFixed(1)} ns/call`);
console.log('');
console.log(
  `2. MLP 784-128-10, batch ${batch}, SGD, CPU backend, ${marksPerStep} marks per step (${pairs} side-by-side pairs):`,
);
console.log(`   step without marks: ${stepMs.toFixed(3)} ms (median)`);
console.log(`   marks in situ (inside the loop): ${nsPerMarkInSitu.toFixed(1)} ns/mark`);
console.log(
  `   marks' share of the step: ${(shareInSitu * 100).toFixed(4)}% in situ, ${(shareFromMarkCost * 100).toFixed(4)}% from the hot-loop cost (target < 0.5%: ${Math.max(shareInSitu, shareFromMarkCost) < 0.005 ? 'met' : 'MISSED'})`,
);
console.log(
  `   paired step-time difference marked/plain: ${(pairedDifference * 100).toFixed(2)}% (median ratio - 1; run-to-run noise of a ${stepMs.toFixed(0)} ms step dominates it)`,
);
console.log('');
console.log('3. Synchronized mark (synchronizedProfiler, CPU backend, median of 5 runs):');
console.log(`   'always', 1-element probe readback: ${us(median(syncProbe))}/mark`);
console.log(`   'always', readback of a given scalar: ${us(median(syncTensor))}/mark`);
console.log(`   'never' (async wrapper only):        ${us(median(syncNever))}/mark`);
console.log(
  `   ratio probe-synchronized / plain mark: ${(median(syncProbe) / nsPerMark).toFixed(0)}x`,
);
console.log('');
console.log("Profile of the benchmark's MLP steps:");
console.log(formatProfileReport(summarizeProfile(stepProfiler.state(), { warmupIterations: 10 })));
