// Issue 11: the callback composes in any order (first in the list, then
// tf.callbacks.earlyStopping), and one iteration is one optimizer update, not a micro-batch.

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { EverySecondBatch, fitSetup } from '../../../../step-unit.shared';
import { type FitProfileResult, profilerCallback } from './profiler-callback';

describe('profilerCallback', () => {
  it('first in the list, then tf.callbacks.earlyStopping: one iteration per batch', async () => {
    const before = tf.memory().numTensors;
    const { fit, dispose } = fitSetup(tf.train.sgd(0.1));
    const callback = profilerCallback({ log: () => undefined });
    expect(callback).toBeInstanceOf(tfl.CustomCallback);
    const stopper = tfl.callbacks.earlyStopping({ monitor: 'loss', patience: 100 });
    await fit([callback, stopper], { epochs: 2, batchSize: 10 });
    expect(callback.profiler.state().totals).toMatchObject({ iterations: 8, samples: 80 });
    dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('counts optimizer updates: an iteration spans the micro-batches of one update', async () => {
    const optimizer = new EverySecondBatch(0.1);
    const { model, fit, dispose } = fitSetup(optimizer);
    let result: FitProfileResult | undefined;
    const flushAtEpochEnd = new tfl.CustomCallback({ onEpochEnd: () => optimizer.flush() });
    const callback = profilerCallback({
      log: () => undefined,
      onReport: (report) => {
        result = report;
      },
    });
    // 40 samples in batches of 8: 5 micro-batches per epoch, 2 updates of 16 samples, then
    // the epoch-end flush applies the fifth (8 samples): 3 updates per epoch.
    await fit([flushAtEpochEnd, callback], { epochs: 2, batchSize: 8 });
    expect(model.optimizer.iterations).toBe(6);
    const state = callback.profiler.state();
    expect(state.totals).toMatchObject({ iterations: 6, samples: 80 });
    expect(Array.from(state.iterations.samples)).toEqual([16, 16, 8, 16, 16, 8]);
    expect(result?.text).toContain('6 iterations (optimizer updates of 10 micro-batches)');
    // Time estimates per epoch use updates per epoch.
    expect(result?.estimates?.epoch?.iterations).toBe(3);
    dispose();
  });
});
