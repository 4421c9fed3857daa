import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../random.shared';
import { seededClassifier } from '../../../../step-unit.shared';
import type { Diagnosis } from '../diagnose';
import { earlyStopping } from '../early-stopping';
import { formatDiagnosis } from '../format-diagnosis';
import { createHistory } from '../history';
import { earlyStoppingCallback } from './early-stopping-callback';
import { historyCallback } from './history-callback';

/** A toy 3-class problem: 12 training samples with half the labels noisy, 60 clean validation samples. */
function toyData() {
  const random = seededRandom(7);
  const make = (count: number, noise: number) => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < count; i++) {
      const x = [random() * 2 - 1, random() * 2 - 1, random() * 2 - 1, random() * 2 - 1];
      let label = x[0]! + x[1]! > 0 ? 0 : x[2]! > 0 ? 1 : 2;
      if (random() < noise) label = Math.floor(random() * 3);
      xs.push(...x);
      ys.push(...[0, 1, 2].map((k) => (k === label ? 1 : 0)));
    }
    return [tf.tensor2d(xs, [count, 4]), tf.tensor2d(ys, [count, 3])] as const;
  };
  const [x, y] = make(12, 0.5);
  const [xVal, yVal] = make(60, 0);
  return { x, y, xVal, yVal };
}

/** A seeded 4-64-3 MLP that overfits the toy data: validation loss bottoms out near epoch 14. */
function toyModel(): tfl.Sequential {
  return seededClassifier(4, 3);
}

function weightValues(model: tfl.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

/** Records a copy of every epoch's weights and validation loss (runs before the callback under test). */
function recorder(model: tfl.LayersModel) {
  const weights: Float32Array[][] = [];
  const losses: number[] = [];
  const callback = new tfl.CustomCallback({
    onEpochEnd: (_epoch, logs) => {
      weights.push(weightValues(model).map((w) => Float32Array.from(w)));
      losses.push(logs!.val_loss as number);
    },
  });
  return { callback, weights, losses };
}

describe('earlyStoppingCallback', () => {
  it('stops after patience, restores exactly the best epoch weights and leaks no tensors', async () => {
    const { x, y, xVal, yVal } = toyData();
    const model = toyModel();
    const record = recorder(model);
    const lines: string[] = [];
    const stopper = earlyStoppingCallback({
      patience: 5,
      restoreBestWeights: true,
      log: (line) => lines.push(line),
    });
    const before = tf.memory().numTensors;
    await model.fit(x, y, {
      epochs: 60,
      batchSize: 4,
      shuffle: false,
      validationData: [xVal, yVal],
      verbose: 0,
      callbacks: [record.callback, stopper],
    });
    expect(tf.memory().numTensors).toBe(before);
    const best = record.losses.indexOf(Math.min(...record.losses));
    expect(best).toBeGreaterThan(5);
    expect(record.losses.length).toBe(best + 6); // stopped patience epochs after the best
    expect(stopper.state).toMatchObject({ bestEpoch: best, stoppedEpoch: best + 5, wait: 5 });
    expect(stopper.state.best).toBe(record.losses[best]);
    // The last epoch's weights differ from the best epoch's; the model now holds the best ones exactly.
    expect(record.weights.at(-1)).not.toEqual(record.weights[best]);
    expect(weightValues(model)).toEqual(record.weights[best]);
    expect(stopper.hasSnapshot).toBe(false);
    expect(lines).toEqual([
      `earlyStoppingCallback: stopping at epoch ${best + 5} (no improvement of val_loss for 5 epochs; best ${record.losses[best]} at epoch ${best}).`,
      `earlyStoppingCallback: restored the weights of epoch ${best}.`,
    ]);
    // The restored model evaluates to the best validation loss.
    const evaluated = model.evaluate(xVal, yVal) as tf.Scalar;
    expect(evaluated.dataSync()[0]).toBeCloseTo(record.losses[best]!, 5);
    evaluated.dispose();
    model.dispose();
    tf.dispose([x, y, xVal, yVal]);
  });

  it('without restore keeps the last weights; stops like tf.callbacks.earlyStopping', async () => {
    const { x, y, xVal, yVal } = toyData();
    const model = toyModel();
    const record = recorder(model);
    const stopper = earlyStoppingCallback({ patience: 3, minDelta: 0.001 });
    const builtIn = tfl.callbacks.earlyStopping({ patience: 3, minDelta: 0.001 });
    await model.fit(x, y, {
      epochs: 60,
      batchSize: 4,
      shuffle: false,
      validationData: [xVal, yVal],
      verbose: 0,
      callbacks: [record.callback, stopper, builtIn],
    });
    expect(weightValues(model)).toEqual(record.weights.at(-1));
    expect(stopper.state.stoppedEpoch).toBe(record.losses.length - 1);
    model.dispose();
    tf.dispose([x, y, xVal, yVal]);
  });

  it('agrees with tfjs EarlyStopping on finite sequences (no baseline) (property)', async () => {
    const host = toyModel();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 0, max: 4 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        async (values, patience, minDelta) => {
          host.stopTraining = false;
          const builtIn = tfl.callbacks.earlyStopping({ patience, minDelta, monitor: 'val_loss' });
          builtIn.setModel(host);
          await builtIn.onTrainBegin();
          const machine = earlyStopping({ patience, minDelta });
          let state = machine.init();
          for (const [epoch, value] of values.entries()) {
            await builtIn.onEpochEnd(epoch, { val_loss: value });
            const step = machine.update(state, value);
            state = step.state;
            expect(step.shouldStop).toBe(host.stopTraining);
            if (step.shouldStop) break;
          }
        },
      ),
      { numRuns: 200 },
    );
    host.dispose();
  });

  it('names the missing monitor key and validates options', async () => {
    expect(() => earlyStoppingCallback({ patience: -2 })).toThrow(InvalidArgumentError);
    expect(() => earlyStoppingCallback({ monitor: '' })).toThrow(
      "earlyStoppingCallback: monitor must be a non-empty string, got \"\". e.g. 'val_loss' or 'val_acc'.",
    );
    const stopper = earlyStoppingCallback();
    await expect(stopper.onEpochEnd(0, { loss: 1 })).rejects.toThrow(
      "earlyStoppingCallback: logs['val_loss'] must be a number in the epoch logs, got undefined. The logs have loss; pass validationData or validationSplit to fit(), or set monitor.",
    );
    expect(earlyStoppingCallback({ monitor: 'val_acc' }).state).toMatchObject({ best: null });
  });
});

describe('historyCallback', () => {
  it('records per-batch losses, per-epoch validation, training-set re-evaluation; logs the diagnosis', async () => {
    const { x, y, xVal, yVal } = toyData();
    const model = toyModel();
    const history = createHistory({ name: 'toy' });
    const lines: string[] = [];
    const callback = historyCallback({
      history,
      trainingSet: { x, y, everyEpochs: 2 },
      chartAtEnd: { width: 60 },
      log: (line) => lines.push(line),
    });
    const before = tf.memory().numTensors;
    const result = await model.fit(x, y, {
      epochs: 30,
      batchSize: 4,
      shuffle: false,
      validationData: [xVal, yVal],
      verbose: 0,
      callbacks: [callback],
    });
    expect(tf.memory().numTensors).toBe(before);
    // 12 samples / batch 4 = 3 updates per epoch, 30 epochs.
    expect(history.train.iterations).toEqual(Array.from({ length: 90 }, (_, i) => i));
    expect(history.validation.iterations).toEqual(
      Array.from({ length: 30 }, (_, e) => 3 * (e + 1)),
    );
    expect(history.validation.values).toEqual(result.history.val_loss);
    expect(history.epochs.map((e) => e.metrics.loss)).toEqual(result.history.loss);
    expect(history.epochs[29]).toMatchObject({ epoch: 29, iteration: 90 });
    // The epoch loss is the mean of its 3 batch losses (equal batch sizes).
    const batchMean =
      (history.train.values[0]! + history.train.values[1]! + history.train.values[2]!) / 3;
    expect(history.epochs[0]!.metrics.loss).toBeCloseTo(batchMean, 5);
    // Re-evaluation every 2 epochs equals model.evaluate on the training set at that point.
    expect(history.trainingEvaluation.iterations).toEqual(
      Array.from({ length: 15 }, (_, k) => 6 * (k + 1)),
    );
    const final = model.evaluate(x, y) as tf.Scalar;
    expect(history.trainingEvaluation.values.at(-1)).toBeCloseTo(final.dataSync()[0]!, 5);
    final.dispose();
    expect(callback.diagnosis).not.toBeUndefined();
    expect(lines[0]).toMatch(/^Learning-curve diagnosis of toy:\n\[/);
    // The printed text is the stored diagnosis, formatted.
    expect(lines[0]).toBe(
      `Learning-curve diagnosis of toy:\n${formatDiagnosis(callback.diagnosis as Diagnosis)}`,
    );
    expect(lines[1]!.split('\n')[0]!.trim()).toBe('loss');
    // A second fit continues the iteration and epoch counts.
    await model.fit(x, y, {
      epochs: 1,
      batchSize: 4,
      shuffle: false,
      validationData: [xVal, yVal],
      verbose: 0,
      callbacks: [callback],
    });
    expect(history.train.iterations.at(-1)).toBe(92);
    expect(history.epochs.at(-1)).toMatchObject({ epoch: 30, iteration: 93 });
    model.dispose();
    tf.dispose([x, y, xVal, yVal]);
  });

  it('validates its options', () => {
    expect(() => historyCallback({ history: {} as never })).toThrow(
      /historyCallback: history must be a TrainingHistory/,
    );
    expect(() =>
      historyCallback({
        history: createHistory(),
        trainingSet: { x: tf.zeros([1]), y: tf.zeros([1]), everyEpochs: 0 },
      }),
    ).toThrow('historyCallback: trainingSet.everyEpochs must be an integer >= 1, got 0.');
  });
});
