// Issue 11: the callback composes in any order (first in the list, then
// tf.callbacks.earlyStopping), and its batch steps count optimizer updates, not micro-batches.

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { EverySecondBatch, fitSetup, microBatchLosses } from '../../../../step-unit.shared';
import { parseEventFile, scalarSeries } from '../event-reader';
import { MemoryFileSystem } from '../test-helpers';
import { tensorBoardCallback } from './tensorboard-callback';

/** The scalars of one run written to the memory file system: tag -> [step, value] pairs. */
function scalars(fileSystem: MemoryFileSystem, run: string): Map<string, [number, number][]> {
  const [file] = [...fileSystem.files.keys()].filter((path) => path.startsWith(`logs/${run}/`));
  const { events } = parseEventFile(fileSystem.files.get(file!)!);
  return new Map(
    [...scalarSeries(events)].map(([tag, points]) => [
      tag,
      points.map((point): [number, number] => [point.step, point.value]),
    ]),
  );
}

describe('tensorBoardCallback', () => {
  it('first in the list, then tf.callbacks.earlyStopping: writes every batch and epoch', async () => {
    const before = tf.memory().numTensors;
    const { fit, dispose } = fitSetup(tf.train.sgd(0.1));
    const fileSystem = new MemoryFileSystem();
    const callback = tensorBoardCallback('logs', {
      updateFreq: 'batch',
      writerOptions: { fileSystem, hostname: 'test', pid: 1 },
    });
    expect(callback).toBeInstanceOf(tfl.CustomCallback);
    const stopper = tfl.callbacks.earlyStopping({ monitor: 'loss', patience: 100 });
    const history = await fit([callback, stopper], { epochs: 2, batchSize: 10 });
    const train = scalars(fileSystem, 'train');
    expect(train.get('batch_loss')?.map(([step]) => step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(train.get('epoch_loss')?.map(([, value]) => value)).toEqual(
      (history.history.loss as number[]).map(Math.fround),
    );
    dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('counts optimizer updates: one batch_ point per update of an accumulating optimizer', async () => {
    const { model, fit, dispose } = fitSetup(new EverySecondBatch(0.1));
    const fileSystem = new MemoryFileSystem();
    const batchLogs = microBatchLosses();
    // 40 samples in batches of 12: 4 micro-batches (12, 12, 12, 4) per epoch, 2 updates.
    await fit(
      [
        batchLogs.callback,
        tensorBoardCallback('logs', {
          updateFreq: 2,
          writerOptions: { fileSystem, hostname: 'test', pid: 1 },
        }),
      ],
      { epochs: 3, batchSize: 12 },
    );
    expect(model.optimizer.iterations).toBe(6);
    expect(batchLogs.losses).toHaveLength(12);
    // Every second update (updateFreq 2): steps 0, 2, 4 of 0..5.
    expect(scalars(fileSystem, 'train').get('batch_loss')).toEqual(
      [0, 2, 4].map((step) => [step, Math.fround(batchLogs.updateMean(step))]),
    );
    dispose();
  });
});
