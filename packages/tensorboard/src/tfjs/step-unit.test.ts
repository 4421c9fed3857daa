// Issue 11: the callback composes in any order (first in the list, then
// tf.callbacks.earlyStopping), and its batch steps count optimizer updates, not micro-batches.

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { parseEventFile, scalarSeries } from '../event-reader';
import { MemoryFileSystem } from '../test-helpers';
import { tensorBoardCallback } from './tensorboard-callback';

/**
 * SGD that applies one update per two micro-batches, shaped like an accumulating
 * optimizer: `iterations` counts updates and `state.miniStep` the waiting micro-batches.
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
    const { x, y, model, dispose } = setup(tf.train.sgd(0.1));
    const fileSystem = new MemoryFileSystem();
    const callback = tensorBoardCallback('logs', {
      updateFreq: 'batch',
      writerOptions: { fileSystem, hostname: 'test', pid: 1 },
    });
    expect(callback).toBeInstanceOf(tfl.CustomCallback);
    const stopper = tfl.callbacks.earlyStopping({ monitor: 'loss', patience: 100 });
    const history = await model.fit(x, y, {
      epochs: 2,
      batchSize: 10,
      shuffle: false,
      verbose: 0,
      callbacks: [callback, stopper],
    });
    const train = scalars(fileSystem, 'train');
    expect(train.get('batch_loss')?.map(([step]) => step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(train.get('epoch_loss')?.map(([, value]) => value)).toEqual(
      (history.history.loss as number[]).map(Math.fround),
    );
    dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('counts optimizer updates: one batch_ point per update of an accumulating optimizer', async () => {
    const { x, y, model, dispose } = setup(new EverySecondBatch(0.1));
    const fileSystem = new MemoryFileSystem();
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
      callbacks: [
        batchLogs,
        tensorBoardCallback('logs', {
          updateFreq: 2,
          writerOptions: { fileSystem, hostname: 'test', pid: 1 },
        }),
      ],
    });
    expect(model.optimizer.iterations).toBe(6);
    const mean = (update: number) => {
      const [a, b] = [2 * update, 2 * update + 1];
      return (sizes[a]! * losses[a]! + sizes[b]! * losses[b]!) / (sizes[a]! + sizes[b]!);
    };
    // Every second update (updateFreq 2): steps 0, 2, 4 of 0..5.
    expect(scalars(fileSystem, 'train').get('batch_loss')).toEqual(
      [0, 2, 4].map((step) => [step, Math.fround(mean(step))]),
    );
    dispose();
  });
});
