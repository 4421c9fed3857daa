// Issue 11: the callbacks compose in any order (callbacks[0] is a trainkit callback, then
// tf.callbacks.earlyStopping), and the history counts optimizer updates, not micro-batches.

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { createHistory } from '../history';
import { earlyStoppingCallback } from './early-stopping-callback';
import { historyCallback } from './history-callback';

/**
 * SGD that applies one update per two micro-batches (the gradient of the second only: the
 * grouping, not the averaging, is under test), shaped like an accumulating optimizer:
 * `iterations` counts updates and `state.miniStep` the waiting micro-batches.
 */
class EverySecondBatch extends tf.SGDOptimizer {
  private waiting = 0;
  get state() {
    return { miniStep: this.waiting };
  }
  override applyGradients(gradients: Parameters<tf.Optimizer['applyGradients']>[0]): void {
    this.waiting++;
    if (this.waiting < 2) return;
    this.waiting = 0;
    super.applyGradients(gradients);
  }
}

function setup(optimizer: tf.Optimizer) {
  const x = tf.randomUniform([40, 3], -1, 1, 'float32', 1);
  const y = tf.sum(x, 1, true);
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 1,
        inputShape: [3],
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const dispose = () => {
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  };
  return { x, y, model, dispose };
}

describe('curves callbacks first in the list, then tf.callbacks.earlyStopping', () => {
  it('historyCallback records and earlyStoppingCallback stops, without leaking', async () => {
    const before = tf.memory().numTensors;
    const { x, y, model, dispose } = setup(tf.train.sgd(0.1));
    const history = createHistory();
    const recorder = historyCallback({ history, diagnoseAtEnd: false });
    const stopper = earlyStoppingCallback({
      monitor: 'loss',
      patience: 0,
      restoreBestWeights: true,
    });
    for (const first of [recorder, stopper]) {
      expect(first).toBeInstanceOf(tfl.CustomCallback);
    }
    const tfjsStopper = tfl.callbacks.earlyStopping({ monitor: 'loss', patience: 100 });
    await model.fit(x, y, {
      epochs: 2,
      batchSize: 10,
      shuffle: false,
      verbose: 0,
      callbacks: [recorder, tfjsStopper],
    });
    expect(history.train.iterations).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await model.fit(x, y, {
      epochs: 2,
      batchSize: 10,
      shuffle: false,
      verbose: 0,
      callbacks: [stopper, tfjsStopper],
    });
    expect(stopper.state.bestEpoch).toBe(1);
    expect(stopper.hasSnapshot).toBe(false);
    dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('historyCallback step unit', () => {
  it('with an optimizer that updates every second micro-batch: one point per update', async () => {
    const { x, y, model, dispose } = setup(new EverySecondBatch(0.1));
    const history = createHistory();
    const losses: number[] = [];
    const sizes: number[] = [];
    const batchLogs = new tfl.CustomCallback({
      onBatchEnd: (_batch, logs) => {
        losses.push(logs!.loss as number);
        sizes.push(logs!.size as number);
      },
    });
    // 40 samples in batches of 12: 4 micro-batches (12, 12, 12, 4) per epoch, 2 updates.
    await model.fit(x, y, {
      epochs: 3,
      batchSize: 12,
      shuffle: false,
      verbose: 0,
      callbacks: [historyCallback({ history, diagnoseAtEnd: false }), batchLogs],
    });
    expect(model.optimizer.iterations).toBe(6);
    expect(history.train.iterations).toEqual([0, 1, 2, 3, 4, 5]);
    // Each point: the sample-weighted mean of its two micro-batches' losses.
    const expected = [0, 1, 2, 3, 4, 5].map((update) => {
      const [a, b] = [2 * update, 2 * update + 1];
      return (sizes[a]! * losses[a]! + sizes[b]! * losses[b]!) / (sizes[a]! + sizes[b]!);
    });
    history.train.values.forEach((value, i) => {
      expect(value).toBeCloseTo(expected[i]!, 12);
    });
    // Epoch records at the updates applied after each epoch.
    expect(history.epochs.map((record) => record.iteration)).toEqual([2, 4, 6]);
    dispose();
  });
});
