// Issue 11: the callbacks compose in any order (callbacks[0] is a trainkit callback, then
// tf.callbacks.earlyStopping), and the history counts optimizer updates, not micro-batches.

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { EverySecondBatch, fitSetup, microBatchLosses } from '../../../../step-unit.shared';
import { createHistory } from '../history';
import { earlyStoppingCallback } from './early-stopping-callback';
import { historyCallback } from './history-callback';

describe('curves callbacks first in the list, then tf.callbacks.earlyStopping', () => {
  it('historyCallback records and earlyStoppingCallback stops, without leaking', async () => {
    const before = tf.memory().numTensors;
    const { fit, dispose } = fitSetup(tf.train.sgd(0.1));
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
    await fit([recorder, tfjsStopper], { epochs: 2, batchSize: 10 });
    expect(history.train.iterations).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await fit([stopper, tfjsStopper], { epochs: 2, batchSize: 10 });
    expect(stopper.state.bestEpoch).toBe(1);
    expect(stopper.hasSnapshot).toBe(false);
    dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('historyCallback step unit', () => {
  it('with an optimizer that updates every second micro-batch: one point per update', async () => {
    const { model, fit, dispose } = fitSetup(new EverySecondBatch(0.1));
    const history = createHistory();
    const batchLogs = microBatchLosses();
    // 40 samples in batches of 12: 4 micro-batches (12, 12, 12, 4) per epoch, 2 updates.
    await fit([historyCallback({ history, diagnoseAtEnd: false }), batchLogs.callback], {
      epochs: 3,
      batchSize: 12,
    });
    expect(model.optimizer.iterations).toBe(6);
    expect(history.train.iterations).toEqual([0, 1, 2, 3, 4, 5]);
    // Each point: the sample-weighted mean of its two micro-batches' losses.
    expect(batchLogs.losses).toHaveLength(12);
    const expected = [0, 1, 2, 3, 4, 5].map(batchLogs.updateMean);
    history.train.values.forEach((value, i) => {
      expect(value).toBeCloseTo(expected[i]!, 12);
    });
    // Epoch records at the updates applied after each epoch.
    expect(history.epochs.map((record) => record.iteration)).toEqual([2, 4, 6]);
    dispose();
  });
});
