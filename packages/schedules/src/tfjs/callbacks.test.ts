// The callbacks inside a real model.fit: a 2→1 linear model without bias, mean
// squared error, no shuffling, so that plain SGD can be replayed by hand in float64
// and compared with the trained float32 weights.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError } from '@trainkit/core';
import { getLearningRate, setLearningRate } from '@trainkit/core/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { exponentialDecay } from '../exponential-decay';
import { inverseTimeDecay } from '../inverse-time-decay';
import { reduceOnPlateau } from '../reduce-on-plateau';
import type { Schedule } from '../schedule';
import {
  batchLearningRateScheduler,
  epochLearningRateScheduler,
  reduceLearningRateOnPlateau,
} from './callbacks';

const inputs = [
  [1, 0],
  [0, 1],
  [1, 1],
  [2, -1],
  [0.5, 0.5],
  [-1, 2],
  [1.5, 0],
  [0, -1],
];
const targets = inputs.map(([a, b]) => [2 * (a as number) - 3 * (b as number) + 0.5]);
const batchSize = 2;
const batchesPerEpoch = inputs.length / batchSize;

const disposables: { dispose(): void }[] = [];
afterEach(() => {
  for (const item of disposables.splice(0)) item.dispose();
});

function setup(optimizer: tf.Optimizer) {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 1, inputShape: [2], useBias: false, kernelInitializer: 'zeros' }),
    ],
  });
  model.compile({ optimizer, loss: 'meanSquaredError' });
  const x = tf.tensor2d(inputs);
  const y = tf.tensor2d(targets);
  disposables.push(model, x, y, optimizer);
  return { model, x, y };
}

/** Replays minibatch SGD on MSE in float64 with the given rate per update. */
function replaySgd(rates: readonly number[]): [number, number] {
  let w = [0, 0];
  rates.forEach((rate, update) => {
    const start = (update % batchesPerEpoch) * batchSize;
    const gradient = [0, 0];
    for (let row = start; row < start + batchSize; row++) {
      const [a, b] = inputs[row] as [number, number];
      const error = a * (w[0] as number) + b * (w[1] as number) - (targets[row]?.[0] as number);
      gradient[0] = (gradient[0] as number) + (2 / batchSize) * error * a;
      gradient[1] = (gradient[1] as number) + (2 / batchSize) * error * b;
    }
    w = [
      (w[0] as number) - rate * (gradient[0] as number),
      (w[1] as number) - rate * (gradient[1] as number),
    ];
  });
  return w as [number, number];
}

function spy(schedule: Schedule, calls: number[]): Schedule {
  return (step) => {
    calls.push(step);
    return schedule(step);
  };
}

describe('batchLearningRateScheduler', () => {
  it('sets schedule(optimizer.iterations) before every update and logs the rate per epoch', async () => {
    const schedule = exponentialDecay({ initialValue: 0.05, decayRate: 0.8 });
    const calls: number[] = [];
    const { model, x, y } = setup(tf.train.sgd(1));
    const history = await model.fit(x, y, {
      epochs: 3,
      batchSize,
      shuffle: false,
      verbose: 0,
      callbacks: [batchLearningRateScheduler({ schedule: spy(schedule, calls) })],
    });
    expect(calls).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // the rate used by the last update of each epoch, in the History
    expect(history.history.learning_rate).toEqual([schedule(3), schedule(7), schedule(11)]);
    // the trained weights are those of SGD with the scheduled rate at every update
    const expected = replaySgd(calls.map(schedule));
    const actual = Array.from((model.getWeights()[0] as tf.Tensor).dataSync());
    expect(actual[0]).toBeCloseTo(expected[0], 5);
    expect(actual[1]).toBeCloseTo(expected[1], 5);
    // ... and differ from a constant rate (the schedule mattered)
    const constant = replaySgd(calls.map(() => 0.05));
    expect(Math.abs((actual[0] as number) - constant[0])).toBeGreaterThan(1e-3);
  });

  it('counts updates, not micro-batches, with an accumulating wrapper optimizer', async () => {
    const calls: number[] = [];
    const wrapper = new EveryOtherBatch(tf.train.sgd(1));
    const { model, x, y } = setup(wrapper);
    const history = await model.fit(x, y, {
      epochs: 2,
      batchSize,
      shuffle: false,
      verbose: 0,
      callbacks: [
        batchLearningRateScheduler({ schedule: spy((step) => 0.01 * (step + 1), calls) }),
      ],
    });
    // 4 micro-batches per epoch, one update every 2
    expect(calls).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(wrapper.iterations).toBe(4);
    expect(getLearningRate(wrapper.inner)).toBe(0.04);
    expect(history.history.learning_rate).toEqual([0.02, 0.04]);
  });

  it('does not leak tensors across fits', async () => {
    const { model, x, y } = setup(tf.train.momentum(0.01, 0.9));
    const callbacks = [
      batchLearningRateScheduler({
        schedule: exponentialDecay({ initialValue: 0.01, decayRate: 0.9 }),
        momentum: () => 0.8,
      }),
    ];
    const options = { epochs: 2, batchSize, shuffle: false, verbose: 0 as const, callbacks };
    const first = await model.fit(x, y, options);
    expect(first.history.momentum).toEqual([0.8, 0.8]);
    const before = tf.memory().numTensors;
    await model.fit(x, y, options);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('validates its options at construction', () => {
    expect(() => batchLearningRateScheduler({ schedule: 0.1 as never })).toThrow(
      InvalidArgumentError,
    );
    expect(() => batchLearningRateScheduler({ schedule: 0.1 as never })).toThrow(
      'batchLearningRateScheduler: schedule must be a function, got 0.1.',
    );
    expect(() => epochLearningRateScheduler({ schedule: () => 1, logKey: '' })).toThrow(
      'epochLearningRateScheduler: logKey must be a non-empty string, got "".',
    );
  });
});

describe('epochLearningRateScheduler', () => {
  it('sets schedule(epoch) at each epoch start, including initialEpoch', async () => {
    const schedule = inverseTimeDecay({ initialValue: 0.1, decayRate: 1 });
    const calls: number[] = [];
    const { model, x, y } = setup(tf.train.adam(1));
    const history = await model.fit(x, y, {
      epochs: 4,
      initialEpoch: 1,
      batchSize,
      shuffle: false,
      verbose: 0,
      callbacks: [epochLearningRateScheduler({ schedule: spy(schedule, calls), logKey: 'lr' })],
    });
    expect(calls).toEqual([1, 2, 3]);
    expect(history.history.lr).toEqual([0.05, 0.1 / 3, 0.025]);
    expect(getLearningRate(model.optimizer)).toBe(0.025);
  });

  it('drives SGD with the textbook 0.1, 0.05, 0.0333… per epoch', async () => {
    const schedule = inverseTimeDecay({ initialValue: 0.1, decayRate: 1 });
    const { model, x, y } = setup(tf.train.sgd(1));
    await model.fit(x, y, {
      epochs: 3,
      batchSize,
      shuffle: false,
      verbose: 0,
      callbacks: [epochLearningRateScheduler({ schedule })],
    });
    const rates = [0, 1, 2].flatMap((epoch) =>
      Array<number>(batchesPerEpoch).fill(schedule(epoch)),
    );
    const expected = replaySgd(rates);
    const actual = Array.from((model.getWeights()[0] as tf.Tensor).dataSync());
    expect(actual[0]).toBeCloseTo(expected[0], 5);
    expect(actual[1]).toBeCloseTo(expected[1], 5);
  });
});

describe('reduceLearningRateOnPlateau', () => {
  it('reduces when the monitored loss stalls, logs the rate used, and matches the pure state machine', async () => {
    // A rate this small leaves the loss unchanged in float32: every epoch after the first is
    // bad. (minimumChange: 0, since PyTorch's default eps 1e-8 would skip such tiny reductions.)
    const { model, x, y } = setup(tf.train.sgd(1e-12));
    const options = { monitor: 'loss', patience: 1, factor: 0.5, minimumChange: 0 };
    const plateau = reduceLearningRateOnPlateau(options);
    expect(plateau.state).toBeUndefined();
    const history = await model.fit(x, y, {
      epochs: 6,
      batchSize,
      shuffle: false,
      verbose: 0,
      callbacks: [plateau],
    });
    // bad epochs 1, 2 -> reduce after epoch 2; 3, 4 -> reduce after epoch 4
    expect(history.history.learning_rate).toEqual([1e-12, 1e-12, 1e-12, 5e-13, 5e-13, 2.5e-13]);
    expect(getLearningRate(model.optimizer)).toBe(2.5e-13);
    const pure = reduceOnPlateau({
      initialValue: 1e-12,
      patience: 1,
      factor: 0.5,
      minimumChange: 0,
    });
    let state = pure.init();
    for (const loss of history.history.loss as number[]) state = pure.update(state, loss);
    expect(plateau.state).toEqual(state);
    expect(plateau.state?.reductions).toBe(2);
  });

  it('resumes from a saved state: the reduced rate is applied and counting continues', async () => {
    const { model, x, y } = setup(tf.train.sgd(1e-12));
    const options = { monitor: 'loss', patience: 1, factor: 0.5, minimumChange: 0 };
    const first = reduceLearningRateOnPlateau(options);
    await model.fit(x, y, { epochs: 3, batchSize, shuffle: false, verbose: 0, callbacks: [first] });
    const saved = JSON.parse(JSON.stringify(first.state));
    expect(saved.learningRate).toBe(5e-13);

    // a fresh optimizer at the original rate, as after a restart
    setLearningRate(model.optimizer, 1e-12);
    const resumed = reduceLearningRateOnPlateau({ ...options, state: saved });
    const history = await model.fit(x, y, {
      epochs: 3,
      batchSize,
      shuffle: false,
      verbose: 0,
      callbacks: [resumed],
    });
    expect(history.history.learning_rate).toEqual([5e-13, 5e-13, 2.5e-13]);
    expect(resumed.state?.epochs).toBe(6);
  });

  it('fails clearly when the monitored key is missing, and validates options at construction', async () => {
    const { model, x, y } = setup(tf.train.sgd(0.01));
    const missing = reduceLearningRateOnPlateau();
    await expect(
      model.fit(x, y, { epochs: 1, batchSize, verbose: 0, callbacks: [missing] }),
    ).rejects.toThrow(
      'reduceLearningRateOnPlateau: monitor must be a key of the epoch logs (loss), got "val_loss". Pass validationData or validationSplit to fit, or monitor a training metric.',
    );
    expect(() => reduceLearningRateOnPlateau({ factor: 2 })).toThrow(InvalidArgumentError);
    expect(() => reduceLearningRateOnPlateau({ state: { kind: 'other' } as never })).toThrow(
      'reduceLearningRateOnPlateau: state.mode must be one of "min", "max", got undefined.',
    );
  });
});

/**
 * A minimal accumulating wrapper, standing in for @trainkit/accumulate: it applies
 * the mean of every two micro-batch gradients, and `iterations` counts updates.
 */
class EveryOtherBatch extends tf.Optimizer {
  static get className() {
    return 'EveryOtherBatch';
  }
  private pending: tf.NamedTensorMap | undefined;

  constructor(readonly inner: tf.Optimizer) {
    super();
  }

  applyGradients(gradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const map: tf.NamedTensorMap = Array.isArray(gradients)
      ? Object.fromEntries(gradients.map((item) => [item.name, item.tensor]))
      : gradients;
    if (this.pending === undefined) {
      this.pending = Object.fromEntries(
        Object.entries(map).map(([name, t]) => [name, tf.keep(t.clone())]),
      );
      return;
    }
    const pending = this.pending;
    const mean = tf.tidy(() =>
      Object.fromEntries(
        Object.entries(map).map(([name, t]) => [
          name,
          tf.div(tf.add(t, pending[name] as tf.Tensor), 2),
        ]),
      ),
    );
    this.inner.applyGradients(mean);
    tf.dispose([...Object.values(mean), ...Object.values(pending)]);
    this.pending = undefined;
    this.incrementIterations();
  }

  setLearningRate(value: number): void {
    setLearningRate(this.inner, value);
  }

  get learningRate(): number {
    return getLearningRate(this.inner);
  }

  getConfig(): tf.serialization.ConfigDict {
    return {};
  }

  override dispose(): void {
    this.inner.dispose();
  }
}
