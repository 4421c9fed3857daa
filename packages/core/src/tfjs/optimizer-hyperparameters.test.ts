// The setters change the update each optimizer applies, as a schedule says.
// Gradients are fed directly with applyGradients so that every expected weight
// change can be derived by hand (SGD, Momentum) or shown to be exactly
// proportional to the scheduled rate (the adaptive optimizers, whose state does
// not depend on the learning rate).
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors';
import {
  getLearningRate,
  getMomentum,
  setLearningRate,
  setMomentum,
} from './optimizer-hyperparameters';

const gradient = [0.5, -1, 2];
// A piecewise-constant schedule (the values of schedules' piecewiseConstant with
// boundaries [1, 2, 4] and values [0.1, 0.05, 0.2, 0.01]).
const schedule = (step: number): number => [0.1, 0.05, 0.2, 0.2, 0.01, 0.01][step]!;
const steps = 6;

const variables: tf.Variable[] = [];
afterEach(() => {
  for (const variable of variables.splice(0)) variable.dispose();
});

/** Runs `steps` updates with a constant gradient; the rate is set from the schedule before each one. */
function run(optimizer: tf.Optimizer, rate: (step: number) => number | undefined): number[][] {
  const weights = tf.variable(tf.tensor1d([1, 2, 3]));
  variables.push(weights);
  const deltas: number[][] = [];
  for (let step = 0; step < steps; step++) {
    const value = rate(optimizer.iterations);
    if (value !== undefined) setLearningRate(optimizer, value);
    const before = weights.dataSync().slice();
    const g = tf.tensor1d(gradient);
    optimizer.applyGradients([{ name: weights.name, tensor: g }]);
    g.dispose();
    const after = weights.dataSync();
    deltas.push(Array.from(after, (value, index) => value - (before[index] as number)));
  }
  return deltas;
}

function expectClose(actual: number[][], expected: number[][], relative = 2e-6): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, step) => {
    row.forEach((value, index) => {
      const want = expected[step]?.[index] as number;
      expect(
        Math.abs(value - want),
        `step ${step} [${index}]: ${value} vs ${want}`,
      ).toBeLessThanOrEqual(relative * Math.abs(want) + 1e-9);
    });
  });
}

describe('setLearningRate on SGD and Momentum (hand-derived updates)', () => {
  it('SGD: Δw = −lr_t · g with lr_t = schedule(iterations)', () => {
    const optimizer = tf.train.sgd(1);
    const deltas = run(optimizer, schedule);
    const rates = [0.1, 0.05, 0.2, 0.2, 0.01, 0.01];
    expectClose(
      deltas,
      rates.map((rate) => gradient.map((g) => -rate * g)),
    );
    expect(getLearningRate(optimizer)).toBe(0.01);
    optimizer.dispose();
  });

  it('Momentum: a_t = 0.9 a_{t−1} + g, Δw = −lr_t · a_t', () => {
    const optimizer = tf.train.momentum(1, 0.9);
    const deltas = run(optimizer, schedule);
    const rates = [0.1, 0.05, 0.2, 0.2, 0.01, 0.01];
    let accumulation = 0; // in units of g
    const expected = rates.map((rate) => {
      accumulation = 0.9 * accumulation + 1;
      return gradient.map((g) => -rate * accumulation * g);
    });
    expectClose(deltas, expected);
    optimizer.dispose();
  });
});

describe('setLearningRate on the adaptive optimizers (proportional updates)', () => {
  // Each factory builds two identical optimizers; their state never depends on the rate.
  const cases: [string, () => tf.Optimizer][] = [
    ['Adam', () => tf.train.adam(1, 0.9, 0.999)],
    ['Adagrad', () => tf.train.adagrad(1)],
    ['Adadelta', () => tf.train.adadelta(1, 0.95)],
    ['Adamax', () => tf.train.adamax(1, 0.9, 0.999)],
    ['RMSProp', () => tf.train.rmsprop(1, 0.9)],
  ];
  // Cosine decay from 0.3 to 0.1·0.3 over the run.
  const decay = (t: number) =>
    0.3 * ((1 - 0.1) * 0.5 * (1 + Math.cos((Math.PI * t) / steps)) + 0.1);

  it.each(cases)('%s: Δw(scheduled) = schedule(t) · Δw(rate 1) at every step', (_name, make) => {
    const reference = make();
    const scheduled = make();
    const unit = run(reference, () => undefined);
    const deltas = run(scheduled, decay);
    const expected = unit.map((row, step) => row.map((value) => decay(step) * value));
    expectClose(deltas, expected, 1e-5);
    // the update really changed from step to step (0.3 at t = 0 down to 0.03 at t = 6)
    expect(Math.abs(deltas[0]?.[0] as number)).toBeGreaterThan(
      2 * Math.abs(deltas[5]?.[0] as number),
    );
    expect(getLearningRate(scheduled)).toBe(decay(steps - 1));
    reference.dispose();
    scheduled.dispose();
  });
});

describe('setMomentum', () => {
  it('Momentum: the new momentum is used by the next update (tfjs setMomentum alone is not)', () => {
    const optimizer = tf.train.momentum(0.1, 0.9);
    const weights = tf.variable(tf.tensor1d([0]));
    variables.push(weights);
    const step = () => {
      const before = weights.dataSync()[0] as number;
      const g = tf.tensor1d([1]);
      optimizer.applyGradients([{ name: weights.name, tensor: g }]);
      g.dispose();
      return (weights.dataSync()[0] as number) - before;
    };
    expect(step()).toBeCloseTo(-0.1, 6); // a = 1
    setMomentum(optimizer, 0.5);
    expect(getMomentum(optimizer)).toBe(0.5);
    expect(step()).toBeCloseTo(-0.15, 6); // a = 0.5 * 1 + 1
    // tfjs' own setMomentum changes the field but not the tensor the update reads:
    (optimizer as tf.MomentumOptimizer).setMomentum(0);
    expect(step()).toBeCloseTo(-0.175, 6); // still 0.5 * 1.5 + 1
    setMomentum(optimizer, 0);
    expect(step()).toBeCloseTo(-0.1, 6); // a = 0 * 1.75 + 1
    optimizer.dispose();
  });

  it("Adam: sets beta1; the bias correction uses tfjs' running product accBeta1", () => {
    const run1 = (beta1?: number) => {
      const optimizer = tf.train.adam(0.1, 0.9, 0.999);
      if (beta1 !== undefined) setMomentum(optimizer, beta1);
      const weights = tf.variable(tf.tensor1d([0]));
      variables.push(weights);
      const g = tf.tensor1d([2]);
      optimizer.applyGradients([{ name: weights.name, tensor: g }]);
      g.dispose();
      const delta = weights.dataSync()[0] as number;
      const momentum = getMomentum(optimizer);
      optimizer.dispose();
      return { delta, momentum };
    };
    // beta1 = 0.9: m = 0.1 g, m̂ = m / (1 − 0.9) = g, v̂ = g², Δ = −0.1 · g / |g| = −0.1
    expect(run1().delta).toBeCloseTo(-0.1, 5);
    // beta1 = 0.5: m = 0.5 g, but accBeta1 is still the construction value 0.9 at the first
    // update, so m̂ = 0.5 g / 0.1 = 5 g and Δ = −0.5 (PyTorch would divide by 1 − 0.5: Δ = −0.1)
    const changed = run1(0.5);
    expect(changed.momentum).toBe(0.5);
    expect(changed.delta).toBeCloseTo(-0.5, 5);
  });

  it('Adamax and RMSProp', () => {
    const adamax = tf.train.adamax(0.1, 0.9);
    setMomentum(adamax, 0.8);
    expect(getMomentum(adamax)).toBe(0.8);
    adamax.dispose();
    const rmsprop = tf.train.rmsprop(0.1, 0.9, 0);
    const weights = tf.variable(tf.tensor1d([0]));
    variables.push(weights);
    const step = () => {
      const before = weights.dataSync()[0] as number;
      const g = tf.tensor1d([1]);
      rmsprop.applyGradients([{ name: weights.name, tensor: g }]);
      g.dispose();
      return (weights.dataSync()[0] as number) - before;
    };
    const first = step(); // moment = lr · g / √(0.1 g² + ε)
    setMomentum(rmsprop, 0.5);
    const second = step(); // moment = 0.5 · first moment + lr · g / √(0.19 g² + ε)
    expect(getMomentum(rmsprop)).toBe(0.5);
    expect(second).toBeCloseTo(0.5 * first - 0.1 / Math.sqrt(0.19), 5);
    rmsprop.dispose();
  });

  it('rejects optimizers without momentum and bad values', () => {
    const sgd = tf.train.sgd(0.1);
    expect(() => setMomentum(sgd, 0.9)).toThrow(InvalidArgumentError);
    expect(() => setMomentum(sgd, 0.9)).toThrow(
      'setMomentum: optimizer must be an optimizer with momentum (Momentum, Adam, Adamax, RMSProp, or a wrapper with setMomentum), got "SGD". SGD, Adagrad and Adadelta have no momentum to schedule; use tf.train.momentum or adam.',
    );
    expect(() => setMomentum(tf.train.adam(0.1), 1)).toThrow(
      'setMomentum: value must be a finite number >= 0 and < 1, got 1.',
    );
    expect(() => getMomentum(sgd)).toThrow(InvalidArgumentError);
    sgd.dispose();
  });
});

describe('wrappers and errors', () => {
  it('uses a wrapper optimizer’s setLearningRate / getLearningRate / setMomentum', () => {
    const inner = tf.train.momentum(0.1, 0.9);
    const wrapper = {
      setLearningRate: (value: number) => setLearningRate(inner, value),
      getLearningRate: () => getLearningRate(inner),
      setMomentum: (value: number) => setMomentum(inner, value),
      getMomentum: () => getMomentum(inner),
    };
    setLearningRate(wrapper, 0.02);
    setMomentum(wrapper, 0.7);
    expect(getLearningRate(inner)).toBe(0.02);
    expect(getLearningRate(wrapper)).toBe(0.02);
    expect(getMomentum(wrapper)).toBe(0.7);
    inner.dispose();
  });

  it('rejects bad rates and objects that are not optimizers', () => {
    const sgd = tf.train.sgd(0.1);
    for (const value of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      expect(() => setLearningRate(sgd, value)).toThrow(InvalidArgumentError);
    }
    expect(() => setLearningRate(sgd, Number.NaN)).toThrow(
      'setLearningRate: value must be a finite number >= 0, got NaN. A schedule returned an invalid rate; check its options.',
    );
    expect(getLearningRate(sgd)).toBe(0.1);
    setLearningRate(sgd, 0);
    expect(getLearningRate(sgd)).toBe(0);
    expect(() => setLearningRate({} as never, 0.1)).toThrow(
      'setLearningRate: optimizer must be a tfjs optimizer (or a wrapper) with a setLearningRate method or a numeric learningRate, got "Object". Pass the optimizer the model was compiled with.',
    );
    expect(() => getLearningRate(null as never)).toThrow(InvalidArgumentError);
    sgd.dispose();
  });

  it('does not leak tensors over 1,000 rate and momentum changes', () => {
    const optimizer = tf.train.momentum(0.1, 0.9);
    const adam = tf.train.adam(0.1);
    setLearningRate(optimizer, 0.1);
    setMomentum(optimizer, 0.9);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 1000; step++) {
      setLearningRate(optimizer, 0.1 / (1 + step));
      setMomentum(optimizer, 0.85 + (step % 10) / 100);
      setLearningRate(adam, 0.1 / (1 + step));
      setMomentum(adam, 0.9);
    }
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
    adam.dispose();
  });
});
