import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { AccumulatingOptimizer } from '@trainkit/accumulate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorFinding } from '../monitor/runner';
import {
  disposeModel,
  type MnistSlice,
  mnistSlice,
  seeded,
  smallMlp,
  trainerCnn,
  useWasmBackend,
} from './test-helpers';
import { trainingMonitor, trainingMonitorCallback } from './training-monitor';

useWasmBackend();
let data: MnistSlice;
let probe: { x: tf.Tensor; y: tf.Tensor };
beforeAll(async () => {
  data = await mnistSlice(4000);
  probe = { x: tf.slice(data.x, [0, 0], [64, 784]), y: tf.slice(data.y, [0, 0], [64, 10]) };
});
afterAll(() => {
  data.dispose();
  tf.dispose([probe.x, probe.y]);
});

/** Fits `model` on the slice for `epochs` with the monitor callback (checks every 10 updates). */
async function fitMonitored(
  model: tfl.LayersModel,
  options: { epochs?: number; batchSize?: number; stopOnFail?: boolean } = {},
) {
  const lines: string[] = [];
  const callback = trainingMonitorCallback({
    model,
    probe,
    interval: 10,
    stopOnFail: options.stopOnFail ?? false,
    log: (line) => lines.push(line),
    reportAtEnd: false,
  });
  const history = await model.fit(data.x, data.y, {
    epochs: options.epochs ?? 1,
    batchSize: options.batchSize ?? 64,
    shuffle: true,
    verbose: 0,
    callbacks: [callback],
  });
  callback.monitor.dispose();
  return { callback, report: callback.monitor.report(), lines, history };
}

const rulesFound = (findings: readonly MonitorFinding[]) =>
  [...new Set(findings.map((f) => `${f.ruleId}:${f.severity}`))].sort();

describe('trainingMonitorCallback on MNIST (planted bugs)', () => {
  it('is a real tf.CustomCallback and passes a healthy MLP with no finding', async () => {
    const model = smallMlp({ hidden: [256, 128], learningRate: 2e-3 });
    // One update first, so that Adam's slots exist before counting.
    await model.trainOnBatch(probe.x, probe.y);
    const before = tf.memory().numTensors;
    const { callback, report, lines } = await fitMonitored(model, { epochs: 2 });
    expect(callback).toBeInstanceOf(tfl.CustomCallback);
    expect(tf.memory().numTensors).toBe(before);
    expect(lines).toEqual([]);
    expect(report.counts.fail + report.counts.warn).toBe(0);
    expect(report.counts.skipped).toBe(0);
    disposeModel(model);
  });

  it('learning rate 10: the updates are hundreds of times the weights, the loss blows up; stopOnFail stops fit', async () => {
    const model = smallMlp({ hidden: [256, 128], learningRate: 10 });
    const { callback, history } = await fitMonitored(model, { stopOnFail: true });
    const found = rulesFound(callback.monitor.findings);
    expect(found).toContain('update-ratio:fail');
    expect(callback.monitor.shouldStop).toBe(true);
    // Stopped after the first check (update 1): fit ends before its 63 batches.
    expect(history.history.loss).toHaveLength(1);
    disposeModel(model);
  });

  it('learning rate 1e-7: updates too small and the loss does not decrease', async () => {
    const model = smallMlp({ hidden: [256, 128], learningRate: 1e-7 });
    const { callback } = await fitMonitored(model, { epochs: 2 });
    expect(rulesFound(callback.monitor.findings)).toEqual([
      'loss-not-decreasing:warn',
      'update-ratio:warn',
    ]);
    disposeModel(model);
  });

  it('sigmoid everywhere in a deep MLP: vanishing gradients', async () => {
    const model = smallMlp({ hidden: [64, 64, 64, 64, 64, 64, 64, 64], activation: 'sigmoid' });
    const { callback } = await fitMonitored(model);
    const found = rulesFound(callback.monitor.findings);
    expect(found).toContain('vanishing-gradients:warn');
    const finding = callback.monitor.findings.find((f) => f.ruleId === 'vanishing-gradients')!;
    expect(finding.evidence.ratio).toBeLessThan(1e-3);
    disposeModel(model);
  });

  it('a huge initialization: poor initialization and exploding gradients', async () => {
    let seed = 5;
    const model = smallMlp({
      hidden: [256, 128],
      kernelInitializer: () => tfl.initializers.randomNormal({ stddev: 1, seed: seed++ }),
    });
    const { callback } = await fitMonitored(model);
    const found = rulesFound(callback.monitor.findings);
    expect(found).toContain('poor-initialization:warn');
    expect(found).toContain('exploding-gradients:fail');
    const init = callback.monitor.findings.find((f) => f.ruleId === 'poor-initialization')!;
    expect(init.evidence.scaleRatio).toBeGreaterThan(100);
    disposeModel(model);
  });

  it('all-negative biases before ReLU: dying ReLU', async () => {
    const model = smallMlp({
      hidden: [256, 128],
      biasInitializer: () => tfl.initializers.constant({ value: -10 }),
    });
    const { callback } = await fitMonitored(model);
    const found = rulesFound(callback.monitor.findings);
    expect(found).toContain('dying-relu:fail');
    const dead = callback.monitor.findings.filter((f) => f.ruleId === 'dying-relu');
    expect(dead.map((f) => f.subject)).toEqual(model.layers.slice(0, 2).map((l) => l.name));
    disposeModel(model);
  });
});

describe('trainingMonitorCallback step unit', () => {
  it('counts optimizer updates, not batches, with an accumulating optimizer', async () => {
    const model = smallMlp({ hidden: [32] });
    model.compile({
      optimizer: new AccumulatingOptimizer(tf.train.adam(1e-3), { k: 2 }),
      loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
    });
    const callback = trainingMonitorCallback({
      model,
      probe,
      interval: 1,
      log: false,
      reportAtEnd: false,
    });
    const x = tf.slice(data.x, [0, 0], [640, 784]);
    const y = tf.slice(data.y, [0, 0], [640, 10]);
    await model.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0, callbacks: [callback] });
    // 10 batches = 5 updates, each a check (plus the look at the initial weights).
    const nonFinite = callback.monitor.report().results.find((r) => r.name === 'non-finite')!;
    expect(nonFinite.measurements.checks).toBe(6);
    expect((model.optimizer as AccumulatingOptimizer).iterations).toBe(5);
    callback.monitor.dispose();
    tf.dispose([x, y]);
    disposeModel(model);
  });
});

describe('trainingMonitorCallback: the trainer CNN over a whole epoch', () => {
  it('reports nothing on a healthy run', async () => {
    const images = await mnistSlice(4000, { images: true });
    const model = trainerCnn(1, 2e-3);
    const cnnProbe = {
      x: tf.slice(images.x, [0, 0, 0, 0], [64, 28, 28, 1]),
      y: tf.slice(images.y, [0, 0], [64, 10]),
    };
    const lines: string[] = [];
    const callback = trainingMonitorCallback({
      model,
      probe: cnnProbe,
      interval: 10,
      log: (line) => lines.push(line),
      reportAtEnd: false,
    });
    await model.fit(images.x, images.y, {
      epochs: 1,
      batchSize: 64,
      shuffle: true,
      verbose: 0,
      callbacks: [callback],
    });
    const report = callback.monitor.report();
    expect(lines).toEqual([]);
    expect(
      report.results.filter((r) => r.status !== 'pass').map((r) => `${r.name}:${r.status}`),
    ).toEqual([]);
    expect(
      report.results.find((r) => r.name === 'dying-relu')!.measurements.checks,
    ).toBeGreaterThan(5);
    callback.monitor.dispose();
    tf.dispose([cnnProbe.x, cnnProbe.y]);
    images.dispose();
    disposeModel(model);
  });
});

describe('trainingMonitor hook in a custom loop', () => {
  function loop(leak: boolean) {
    const kernel = seeded(3);
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({
          inputShape: [784],
          units: 128,
          activation: 'relu',
          kernelInitializer: kernel(),
        }),
        tfl.layers.dense({ units: 10, kernelInitializer: kernel() }),
      ],
    });
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const optimizer = tf.train.adam(2e-3);
    const loss = (x: tf.Tensor, y: tf.Tensor) =>
      tf.losses.softmaxCrossEntropy(
        y,
        model.apply(x, { training: true }) as tf.Tensor,
      ) as tf.Scalar;
    return { model, variables, optimizer, loss, leak };
  }

  async function run(setup: ReturnType<typeof loop>, steps: number) {
    const monitor = trainingMonitor({
      model: setup.model,
      loss: setup.loss,
      probe,
      interval: 10,
      log: false,
    });
    const kept: tf.Tensor[] = [];
    for (let step = 0; step < steps; step++) {
      const start = (step * 64) % (data.count - 64);
      const x = tf.slice(data.x, [start, 0], [64, 784]);
      const y = tf.slice(data.y, [start, 0], [64, 10]);
      monitor.beforeStep(step);
      const { value, grads } = tf.variableGrads(() => setup.loss(x, y), setup.variables);
      setup.optimizer.applyGradients(grads as never);
      await monitor.afterStep(step, { loss: value, gradients: grads });
      // The planted leak: the loss value is kept (never disposed) every step.
      if (setup.leak) kept.push(value);
      else value.dispose();
      tf.dispose([x, y, ...Object.values(grads)]);
    }
    monitor.dispose();
    tf.dispose(kept);
    return monitor;
  }

  it('passes a healthy loop (gradients from the loop, activations from the model)', async () => {
    const setup = loop(false);
    const monitor = await run(setup, 60);
    const report = monitor.report();
    expect(
      report.results.filter((r) => r.status !== 'pass').map((r) => `${r.name}:${r.status}`),
    ).toEqual([]);
    setup.optimizer.dispose();
    setup.model.dispose();
  });

  it('fails a loop that leaks a tensor per step', async () => {
    const setup = loop(true);
    const monitor = await run(setup, 60);
    expect(rulesFound(monitor.findings)).toEqual(['tensor-leak:fail']);
    const leak = monitor.findings[0]!;
    expect(leak.evidence.tensorsPerStep).toBe(1);
    setup.optimizer.dispose();
    setup.model.dispose();
  });
});

describe('trainingMonitor measurements', () => {
  it('measures dead units, saturation, weight scale and update ratio exactly', async () => {
    // 200 samples x 4 ReLU units: always active, active on 1 sample (0.5%: dead), never, half the time.
    const relu = tf.tensor2d(
      Array.from({ length: 200 }, (_, i) => [1, i === 0 ? 2 : 0, 0, i % 2 === 0 ? 3 : 0]).flat(),
      [200, 4],
    );
    // Sigmoid outputs: 30 of 100 beyond +-5 before the sigmoid.
    const sigmoid = tf.tensor1d(
      Array.from({ length: 100 }, (_, i) => 1 / (1 + Math.exp(i < 30 ? -6 : 0.5))),
    );
    const w = tf.variable(tf.tensor2d([3, -3, 3, -3, 3, -3], [2, 3])); // variance 9, fanIn 2
    const before = Array.from(w.dataSync());
    const monitor = trainingMonitor({
      variables: [w],
      probe: { x: tf.zeros([1, 2]), y: tf.zeros([1, 3]) },
      activations: () => [
        { name: 'relu-layer', activation: 'relu', output: tf.clone(relu) },
        { name: 'sigmoid-layer', activation: 'sigmoid', output: tf.clone(sigmoid) },
      ],
      thresholds: {
        'dying-relu': { maxDeadFraction: 0.4 },
        'saturated-activations': { maxSaturatedFraction: 0.1 },
        'update-ratio': { maxRatio: 0.4, patience: 1 },
      },
      log: false,
    });
    monitor.beforeStep(0);
    w.assign(
      tf.tensor2d(
        before.map((v) => v * 1.5),
        [2, 3],
      ),
    ); // the "update": 50% of the weights
    const found = await monitor.afterStep(0, { loss: 1 });
    const byRule = Object.fromEntries(found.map((f) => [f.ruleId, f.evidence]));
    expect(byRule['dying-relu']!.deadFraction).toBe(0.5);
    expect(byRule['dying-relu']!.zeroFraction).toBeCloseTo(1 - (200 + 1 + 0 + 100) / 800, 6);
    expect(byRule['saturated-activations']!.saturatedFraction).toBeCloseTo(0.3, 6);
    expect(byRule['poor-initialization']!.variance).toBeCloseTo(9, 5);
    expect(byRule['poor-initialization']).toMatchObject({ fanIn: 2 });
    expect(byRule['update-ratio']!.medianRatio).toBeCloseTo(0.5, 6);
    monitor.dispose();
    tf.dispose([relu, sigmoid, w]);
  });
});
