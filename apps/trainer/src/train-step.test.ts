import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { createProfiler } from '@trainkit/profiler';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchGatherer } from './data';
import { buildModel } from './model';
import { buildOptimizer } from './optimizer';
import { defaultTrainOptions } from './options';
import type { Run } from './run-setup';
import { createRunState } from './run-state';
import { buildSchedules } from './schedule';
import { batchGradients, batchLoss, trainStep } from './train-step';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('batchGradients', () => {
  it('adds weightDecay * w to every gradient and keeps the data loss (PyTorch weight_decay)', () => {
    const { model } = buildModel('mlp', 3);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const x = tf.randomUniform([8, 784], 0, 1, 'float32', 1);
    const targets = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10);
    // A first pass creates what tfjs keeps for good (e.g. cached scalars); measure after it.
    for (const decay of [0, 0.01]) {
      const warm = batchGradients(model, variables, x, targets, decay);
      tf.dispose([warm.value, ...Object.values(warm.grads)]);
    }
    const before = tf.memory().numTensors;
    const plain = batchGradients(model, variables, x, targets, 0);
    const decayed = batchGradients(model, variables, x, targets, 0.01);
    expect(decayed.value.dataSync()[0]).toBe(plain.value.dataSync()[0]);
    const loss = tf.tidy(() => batchLoss(model, x, targets));
    expect(loss.dataSync()[0]).toBe(plain.value.dataSync()[0]);
    for (const variable of variables) {
      const [difference, decay] = tf.tidy(() => {
        const got = decayed.grads[variable.name]!;
        const expected = tf.add(plain.grads[variable.name]!, tf.mul(variable, 0.01));
        return [
          tf.max(tf.abs(tf.sub(expected, got))).dataSync()[0]!,
          tf.max(tf.abs(tf.sub(plain.grads[variable.name]!, got))).dataSync()[0]!,
        ];
      });
      expect(difference).toBeLessThan(1e-7);
      // And the decay is really there (not a no-op) where w is not zero (kernels; biases start at 0).
      if (variable.rank > 1) expect(decay).toBeGreaterThan(1e-5);
    }
    tf.dispose([
      plain.value,
      decayed.value,
      loss,
      ...Object.values(plain.grads),
      ...Object.values(decayed.grads),
    ]);
    // The decay's own temporaries are disposed: nothing leaks.
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, targets]);
    model.dispose();
  });
});

describe('trainStep', () => {
  /** A run of the MLP over 16 synthetic images (8 per batch), as setupRun builds it, without files. */
  function miniRun(nonFinite: 'skip' | 'propagate', images: Float32Array) {
    const options = {
      ...defaultTrainOptions,
      batchSize: 8,
      accumulate: 1,
      warmupSteps: 0,
      seed: 5,
    };
    const { model } = buildModel('mlp', 5);
    const labels = Int32Array.from({ length: 16 }, (_, i) => i % 10);
    const run = {
      options,
      state: createRunState(options, 'mini'),
      plan: { trainSize: 16, validationSize: 0, microBatchesPerEpoch: 2, updatesPerEpoch: 2 },
      trainBatches: new BatchGatherer({ images, labels, count: 16 } as never, [784], 8),
      model,
      dropout: [],
      variables: model.trainableWeights.map((w) => w.read() as tf.Variable),
      optimizer: buildOptimizer(options, nonFinite),
      schedules: buildSchedules(options, 20, 2),
      profiler: createProfiler({ phases: ['data', 'step', 'evaluation', 'logging', 'checkpoint'] }),
      scheduledUpdate: -1,
    } as unknown as Run;
    const weights = () => run.model.trainableWeights.map((w) => Array.from(w.read().dataSync()));
    const dispose = () => {
      run.optimizer.dispose();
      run.model.dispose();
    };
    return { run, weights, dispose };
  }

  it('drops a micro-batch with non-finite gradients as the optimizer would (nothing changes but the streak), then trains on', () => {
    const images = Float32Array.from({ length: 16 * 784 }, (_, i) => ((i * 7919) % 101) / 100);
    const poisoned = images.slice();
    poisoned[3 * 784 + 100] = Number.NaN; // an image of the first batch: NaN gradients
    const first = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    const second = Int32Array.from([8, 9, 10, 11, 12, 13, 14, 15]);
    const before = tf.memory().numTensors;

    // The trainer's run: its optimizer propagates, trainStep checks.
    const mine = miniRun('propagate', poisoned);
    const initial = mine.weights();
    const skipped = trainStep(mine.run, first, false);
    expect(skipped).toMatchObject({ skipped: true, updated: false });
    expect(Number.isNaN(skipped.loss)).toBe(true);
    expect(mine.run.state.nonFiniteStreak).toBe(1);
    expect(mine.run.optimizer.iterations).toBe(0);
    expect(mine.weights()).toEqual(initial);
    const trained = trainStep(mine.run, second, true);
    expect(trained).toMatchObject({ skipped: false, updated: true });
    expect(mine.run.state.nonFiniteStreak).toBe(0);
    expect(mine.run.optimizer.iterations).toBe(1);

    // The accumulating optimizer's own 'skip' on the same batches: the same weights, bit for bit.
    const reference = miniRun('skip', poisoned);
    expect(trainStep(reference.run, first, false)).toMatchObject({ skipped: true });
    expect(trainStep(reference.run, second, true)).toMatchObject({ updated: true });
    expect(mine.weights()).toEqual(reference.weights());
    expect(mine.weights()).not.toEqual(initial);
    mine.dispose();
    reference.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
