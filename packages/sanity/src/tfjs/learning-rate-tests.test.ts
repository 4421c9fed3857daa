import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { rangeTestSvg } from '../lr-range-svg';
import { discreteLearningRateTest } from './discrete-lr-test';
import { rangeTest } from './range-test';
import { disposeModel, smallMlp, useMnistSlice, useWasmBackend } from './test-helpers';

useWasmBackend();
const data = useMnistSlice(2000);

const weightsOf = (model: { weights: { read(): tf.Tensor }[] }) =>
  model.weights.map((w) => Array.from(w.read().dataSync()));

describe('rangeTest on MNIST', () => {
  it('suggests an Adam rate near 1e-3 and restores model and optimizer bit for bit', async () => {
    const model = smallMlp({ hidden: [64] });
    const reference = smallMlp({ hidden: [64] });
    // Both train 5 steps first so the optimizer has state to restore.
    const warm = { x: tf.slice(data.x, [0, 0], [64, 784]), y: tf.slice(data.y, [0, 0], [64, 10]) };
    for (const m of [model, reference])
      for (let i = 0; i < 5; i++) await m.trainOnBatch(warm.x, warm.y);
    const weights = weightsOf(model);
    const before = tf.memory().numTensors;
    const result = await rangeTest(model, data);
    expect(tf.memory().numTensors).toBe(before);
    expect(weightsOf(model)).toEqual(weights);
    expect((model.optimizer as unknown as { learningRate: number }).learningRate).toBe(1e-3);
    // Training continues exactly as if the range test had never run.
    for (const m of [model, reference])
      for (let i = 0; i < 3; i++) await m.trainOnBatch(warm.x, warm.y);
    expect(weightsOf(model)).toEqual(weightsOf(reference));

    expect(result.check.status, result.check.summary).toBe('pass');
    expect(result.suggestion).toBeGreaterThan(1e-4);
    expect(result.suggestion).toBeLessThan(1e-2);
    expect(result.stopReason).not.toBe('completed');
    expect(result.learningRates[0]).toBe(1e-7);
    expect(result.losses.length).toBeLessThanOrEqual(100);
    expect(result.peers.valley?.learningRate).toBeGreaterThan(0);
    expect(result.check.measurements.startLoss).toBeGreaterThan(2);
    const svg = rangeTestSvg(result);
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('trainkit ');
    expect(svg).toContain('valley ');
    tf.dispose([warm.x, warm.y]);
    disposeModel(model);
    disposeModel(reference);
  });

  it('warns when the loss cannot fall (all weights frozen)', async () => {
    const model = smallMlp({ hidden: [32] });
    for (const layer of model.layers) layer.trainable = false;
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
    const w = tf.variable(tf.zeros([1]));
    // A custom loop whose loss does not depend on its variable: nothing can learn.
    const target = {
      variables: [w],
      optimizer: tf.train.sgd(0.1),
      loss: (x: tf.Tensor, y: tf.Tensor) =>
        tf.add(
          tf.losses.softmaxCrossEntropy(y, model.predict(x) as tf.Tensor),
          tf.mul(w, 0),
        ) as tf.Scalar,
    };
    const result = await rangeTest(target, data, { iterations: 50 });
    expect(result.check.status).toBe('warn');
    expect(result.suggestion).toBeUndefined();
    expect(result.check.summary).toMatch(/^the loss never falls clearly/);
    tf.dispose(w);
    target.optimizer.dispose();
    disposeModel(model);
  });
});

describe('discreteLearningRateTest on MNIST', () => {
  it('finds the rates that drop, and fails a configured rate of 10 or 1e-7', async () => {
    const model = smallMlp({ hidden: [64] });
    const weights = weightsOf(model);
    const before = tf.memory().numTensors;
    const healthy = await discreteLearningRateTest(model, data, { configured: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(weightsOf(model)).toEqual(weights);
    expect(healthy.status, healthy.summary).toBe('pass');
    const verdicts = Object.fromEntries(
      healthy.runs.filter((r) => !r.configured).map((r) => [r.learningRate, r.verdict]),
    );
    expect(verdicts[1e-3]).toBe('drops');
    expect(verdicts[1e-2]).toBe('drops');
    expect([1e-2, 1e-3]).toContain(healthy.measurements.best);
    expect(healthy.measurements.configuredVerdict).toBe('drops');

    const tooHigh = await discreteLearningRateTest(model, data, {
      configured: 10,
      learningRates: [1e-3],
    });
    expect(tooHigh.status).toBe('fail');
    expect(tooHigh.measurements.configuredVerdict).toBe('diverged');
    expect(tooHigh.advice[0]).toMatch(/^Lower the learning rate/);
    const tooLow = await discreteLearningRateTest(model, data, {
      configured: 1e-7,
      learningRates: [1e-3],
    });
    expect(tooLow.status).toBe('fail');
    expect(tooLow.measurements.configuredVerdict).toBe('flat');
    expect(tooLow.advice[0]).toMatch(/^Raise the learning rate/);
    disposeModel(model);
  });
});
