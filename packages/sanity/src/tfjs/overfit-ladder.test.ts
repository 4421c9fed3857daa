import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { overfitLadder } from './overfit-ladder';
import { disposeModel, smallMlp, useMnistSlice, useWasmBackend } from './test-helpers';

useWasmBackend();
const data = useMnistSlice(1500);

describe('overfitLadder on MNIST', () => {
  it('memorizes the small sets, generalizes at 500, and leaves the model as it was', async () => {
    const model = smallMlp({ hidden: [64], learningRate: 3e-3 });
    const weights = model.weights.map((w) => Array.from(w.read().dataSync()));
    const before = tf.memory().numTensors;
    const result = await overfitLadder(model, data, { sizes: [1, 4, 10, 100, 500], maxSteps: 150 });
    expect(tf.memory().numTensors).toBe(before);
    expect(model.weights.map((w) => Array.from(w.read().dataSync()))).toEqual(weights);
    expect(result.status, result.summary).toBe('pass');
    const table = result.table!;
    expect(table.map((row) => row.size)).toEqual([1, 4, 10, 100, 500]);
    for (const row of table.slice(0, 3)) {
      expect(row.trainAccuracy).toBe(1);
      expect(row.steps).toBeLessThan(50);
    }
    // Memorizing more takes more updates; generalization appears with size.
    expect(table[3]!.steps).toBeGreaterThan(table[0]!.steps as number);
    expect(table[4]!.heldOutAccuracy).toBeGreaterThan(0.75);
    expect(table[4]!.heldOutAccuracy).toBeGreaterThan(table[1]!.heldOutAccuracy as number);
    disposeModel(model);
  });

  it('warns when labels are shifted by one position: memorized, never generalized', async () => {
    const shifted = tf.concat([
      tf.slice(data.y, [1, 0], [data.count - 1, 10]),
      tf.slice(data.y, [0, 0], [1, 10]),
    ]);
    const model = smallMlp({ hidden: [64], learningRate: 3e-3 });
    const result = await overfitLadder(
      model,
      { x: data.x, y: shifted },
      { sizes: [1, 4, 10, 300], maxSteps: 150 },
    );
    expect(result.status).toBe('warn');
    expect(result.summary).toMatch(/at chance level/);
    expect(result.table![3]!.heldOutAccuracy).toBeLessThan(0.2);
    shifted.dispose();
    disposeModel(model);
  });

  it('fails when even one example cannot be memorized (all-negative biases before ReLU)', async () => {
    const model = smallMlp({
      hidden: [64, 64],
      biasInitializer: () => tfl.initializers.constant({ value: -10 }),
    });
    const result = await overfitLadder(model, data, { sizes: [1, 4, 10], maxSteps: 100 });
    expect(result.status).toBe('fail');
    // One example is memorized by the output bias alone; four need the dead hidden layers.
    expect(result.summary).toMatch(/^cannot memorize 4 examples in 100 updates/);
    expect(result.table![0]!.steps).toBeLessThan(100);
    disposeModel(model);
  });
});
