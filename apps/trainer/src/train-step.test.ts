import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from './model';
import { batchGradients, batchLoss } from './train-step';

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
