// Issue 11: each scheduler first in model.fit's callbacks list, then tf.callbacks.earlyStopping
// (tfjs-layers wraps the whole list unless callbacks[0] is a tf callback instance).

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import {
  batchLearningRateScheduler,
  epochLearningRateScheduler,
  reduceLearningRateOnPlateau,
} from './callbacks';

function setup() {
  const x = tf.randomUniform([20, 3], -1, 1, 'float32', 1);
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
  const optimizer = tf.train.sgd(0.1);
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const dispose = () => {
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  };
  return { x, y, model, dispose };
}

describe('schedulers first in the list, then tf.callbacks.earlyStopping', () => {
  const cases = [
    // 20 samples in batches of 5: 4 updates per epoch; the last batch of epoch e runs at step 4e + 3.
    [
      'batchLearningRateScheduler',
      () => batchLearningRateScheduler({ schedule: (step) => 0.1 / (step + 1) }),
      [0.1 / 4, 0.1 / 8],
    ],
    [
      'epochLearningRateScheduler',
      () => epochLearningRateScheduler({ schedule: (epoch) => 0.1 / (epoch + 1) }),
      [0.1, 0.05],
    ],
    [
      'reduceLearningRateOnPlateau',
      () => reduceLearningRateOnPlateau({ monitor: 'loss' }),
      [0.1, 0.1],
    ],
  ] as const;
  for (const [name, make, rates] of cases) {
    it(`${name}: writes the learning rate into the logs, no tensor leaked`, async () => {
      const before = tf.memory().numTensors;
      const { x, y, model, dispose } = setup();
      const callback = make();
      expect(callback).toBeInstanceOf(tfl.CustomCallback);
      const history = await model.fit(x, y, {
        epochs: 2,
        batchSize: 5,
        shuffle: false,
        verbose: 0,
        callbacks: [callback, tfl.callbacks.earlyStopping({ monitor: 'loss', patience: 100 })],
      });
      expect(history.history.learning_rate).toEqual([...rates]);
      expect(history.history.loss).toHaveLength(2);
      dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
