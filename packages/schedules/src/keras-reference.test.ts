// Hand-derived values for the formulas PyTorch does not have (Keras, optax and the
// textbook forms). Each expected value is worked out in the comment beside it from
// the formula in reference/peers.md §2.2/§2.3, not computed by the code under test.
import { describe, expect, it } from 'vitest';
import { constant } from './constant';
import { cosineDecay } from './cosine-decay';
import { cosineDecayRestarts } from './cosine-decay-restarts';
import { exponentialDecay } from './exponential-decay';
import { inverseSqrtDecay } from './inverse-sqrt-decay';
import { inverseTimeDecay } from './inverse-time-decay';
import { piecewiseConstant } from './piecewise-constant';
import { polynomialDecay } from './polynomial-decay';
import type { Schedule } from './schedule';
import { stepDecay } from './step-decay';

function expectValues(schedule: Schedule, expected: Record<number, number>): void {
  for (const [step, value] of Object.entries(expected)) {
    const actual = schedule(Number(step));
    if (value === 0) expect(actual, `step ${step}`).toBe(0);
    else
      expect(
        Math.abs(actual - value) / Math.abs(value),
        `step ${step}: ${actual} vs ${value}`,
      ).toBeLessThan(1e-12);
  }
}

describe('textbook formulas', () => {
  it('inverse time decay: a0 / (1 + k * epoch) gives 0.1, 0.05, 0.0333… for a0 = 0.1, k = 1', () => {
    expectValues(inverseTimeDecay({ initialValue: 0.1, decayRate: 1 }), {
      0: 0.1,
      1: 0.05,
      2: 0.1 / 3,
      9: 0.01,
    });
  });

  it('step decay: a <- a - t*a every n steps', () => {
    const schedule = stepDecay({ initialValue: 0.1, stepSize: 10, dropFraction: 0.5 });
    expectValues(schedule, { 0: 0.1, 9: 0.1, 10: 0.05, 19: 0.05, 20: 0.025, 35: 0.0125 });
    // factor is the same decay expressed as a multiplier
    const same = stepDecay({ initialValue: 0.1, stepSize: 10, factor: 0.5 });
    for (const step of [0, 10, 20, 35]) expect(same(step)).toBe(schedule(step));
  });

  it('exponential decay: t^epoch * a0', () => {
    expectValues(exponentialDecay({ initialValue: 0.2, decayRate: 0.95 }), {
      0: 0.2,
      1: 0.19,
      2: 0.1805, // 0.2 * 0.9025
      3: 0.171475, // 0.2 * 0.857375
    });
  });

  it('inverse square root: k / sqrt(epoch) * a0, with epoch 0 held at the value of epoch 1', () => {
    expectValues(inverseSqrtDecay({ initialValue: 0.1, factor: 2 }), {
      0: 0.2, // defined as epoch 1
      0.5: 0.2,
      1: 0.2,
      4: 0.1, // 2 / 2 * 0.1
      9: 0.2 / 3,
      100: 0.02,
    });
    expectValues(inverseSqrtDecay({ initialValue: 0.1, decaySteps: 100 }), { 50: 0.1, 400: 0.05 });
  });

  it('piecewise constant: a manual schedule, changing AT the boundary', () => {
    expectValues(piecewiseConstant({ boundaries: [10, 20], values: [0.1, 0.01, 0.001] }), {
      0: 0.1,
      9: 0.1,
      9.99: 0.1,
      10: 0.01,
      19: 0.01,
      20: 0.001,
      1e6: 0.001,
    });
  });

  it('constant', () => {
    expectValues(constant({ value: 3e-4 }), { 0: 3e-4, 1e9: 3e-4 });
  });
});

describe('Keras InverseTimeDecay', () => {
  it('continuous and staircase, decay_steps = 10, decay_rate = 0.5', () => {
    // lr0 / (1 + 0.5 * t / 10)
    expectValues(inverseTimeDecay({ initialValue: 0.1, decayRate: 0.5, decaySteps: 10 }), {
      5: 0.08, // 0.1 / 1.25
      10: 0.1 / 1.5,
      25: 0.1 / 2.25,
    });
    // lr0 / (1 + 0.5 * floor(t / 10))
    expectValues(
      inverseTimeDecay({ initialValue: 0.1, decayRate: 0.5, decaySteps: 10, staircase: true }),
      { 5: 0.1, 9: 0.1, 10: 0.1 / 1.5, 25: 0.05, 30: 0.04 },
    );
  });
});

describe('Keras ExponentialDecay / optax exponential_decay', () => {
  it('decay_steps, staircase, transition_begin and end_value', () => {
    expectValues(exponentialDecay({ initialValue: 0.1, decayRate: 0.5, decaySteps: 10 }), {
      5: 0.1 * Math.SQRT1_2, // 0.1 * 0.5^0.5
      10: 0.05,
      30: 0.0125,
    });
    expectValues(
      exponentialDecay({ initialValue: 0.1, decayRate: 0.5, decaySteps: 10, staircase: true }),
      { 9: 0.1, 15: 0.05, 29: 0.025 },
    );
    const clamped = exponentialDecay({
      initialValue: 0.1,
      decayRate: 0.5,
      decaySteps: 10,
      transitionBegin: 5,
      endValue: 0.02,
    });
    // 0.1 until step 5, then 0.1 * 0.5^((t - 5) / 10), never below 0.02
    expectValues(clamped, { 0: 0.1, 5: 0.1, 25: 0.025, 35: 0.02, 1000: 0.02 });
    // growth with a ceiling
    expectValues(exponentialDecay({ initialValue: 0.01, decayRate: 2, endValue: 0.05 }), {
      1: 0.02,
      2: 0.04,
      3: 0.05,
    });
  });
});

describe('Keras PolynomialDecay', () => {
  const base = { initialValue: 0.1, decaySteps: 10, endValue: 0.01, power: 0.5 };

  it('clamps past decay_steps without cycle', () => {
    // (0.1 - 0.01) * (1 - min(t, 10) / 10)^0.5 + 0.01
    expectValues(polynomialDecay(base), {
      0: 0.1,
      5: 0.09 * Math.sqrt(0.5) + 0.01,
      10: 0.01,
      15: 0.01,
      1000: 0.01,
    });
  });

  it('with cycle=True the period grows to decay_steps * ceil(t / decay_steps)', () => {
    expectValues(polynomialDecay({ ...base, cycle: true }), {
      0: 0.1, // multiplier 1 at t = 0
      5: 0.09 * Math.sqrt(0.5) + 0.01,
      10: 0.01, // ceil(1) = 1: the end of the first period
      15: 0.055, // ceil(1.5) = 2, period 20: 0.09 * (1 - 0.75)^0.5 + 0.01
      20: 0.01,
      21: 0.09 * Math.sqrt(1 - 21 / 30) + 0.01, // period 30
    });
  });

  it('defaults to end value 0 and power 1 (PyTorch PolynomialLR)', () => {
    expectValues(polynomialDecay({ initialValue: 1, decaySteps: 4 }), {
      0: 1,
      1: 0.75,
      2: 0.5,
      3: 0.25,
      4: 0,
      9: 0,
    });
  });
});

describe('Keras CosineDecay', () => {
  it('with alpha, clamped past decay_steps (no periodic rebound)', () => {
    // 0.1 * ((1 - 0.1) * 0.5 * (1 + cos(pi * t / 100)) + 0.1)
    expectValues(cosineDecay({ initialValue: 0.1, decaySteps: 100, alpha: 0.1 }), {
      0: 0.1,
      50: 0.055,
      100: 0.01,
      150: 0.01, // PyTorch's periodic form would be back at 0.055
      200: 0.01,
    });
  });

  it('with warmup: linear from initial_learning_rate to warmup_target, then decay_steps of cosine', () => {
    const schedule = cosineDecay({
      initialValue: 0,
      warmupTarget: 0.1,
      warmupSteps: 10,
      decaySteps: 100,
      alpha: 0.1,
    });
    expectValues(schedule, {
      0: 0,
      5: 0.05,
      10: 0.1, // the peak: cosine step 0
      60: 0.055, // 0.1 * (0.9 * 0.5 + 0.1); alpha is a fraction of warmup_target
      110: 0.01,
      500: 0.01,
    });
    const fromNonZero = cosineDecay({
      initialValue: 0.02,
      warmupTarget: 0.1,
      warmupSteps: 4,
      decaySteps: 10,
    });
    expectValues(fromNonZero, { 0: 0.02, 1: 0.04, 3: 0.08, 4: 0.1, 9: 0.05, 14: 0 });
  });

  it('with exponent (optax)', () => {
    // ((1 + cos(pi/2)) / 2)^2 = 0.25
    expectValues(cosineDecay({ initialValue: 1, decaySteps: 10, exponent: 2 }), { 5: 0.25, 10: 0 });
  });
});

describe('Keras CosineDecayRestarts', () => {
  it('t_mul = 2, m_mul = 0.5, alpha = 0.1', () => {
    // lr0 * ((1 - alpha) * m_mul^i * 0.5 * (1 + cos(pi * x)) + alpha); cycles [0,10), [10,30), [30,70)
    const schedule = cosineDecayRestarts({
      initialValue: 1,
      firstDecaySteps: 10,
      periodMultiplier: 2,
      amplitudeMultiplier: 0.5,
      alpha: 0.1,
    });
    expectValues(schedule, {
      0: 1,
      5: 0.55, // 0.9 * 0.5 + 0.1
      10: 0.55, // restart, amplitude 0.5: 0.9 * 0.5 + 0.1
      20: 0.325, // middle of [10, 30): 0.9 * 0.5 * 0.5 + 0.1
      30: 0.325, // restart, amplitude 0.25
      50: 0.2125, // 0.9 * 0.25 * 0.5 + 0.1
      70: 0.2125, // restart, amplitude 0.125
    });
  });

  it('non-integer t_mul = 1.5: cycles start at 0, 10, 25, 47.5', () => {
    const schedule = cosineDecayRestarts({
      initialValue: 1,
      firstDecaySteps: 10,
      periodMultiplier: 1.5,
      amplitudeMultiplier: 0.5,
    });
    expectValues(schedule, {
      17.5: 0.25, // middle of [10, 25): 0.5 * 0.5
      25: 0.25, // restart, amplitude 0.25
      36.25: 0.125, // middle of [25, 47.5)
      47.5: 0.125, // restart, amplitude 0.125
    });
    expect(schedule(24.999)).toBeLessThan(1e-6);
  });

  it('lands exactly on every restart for t_mul = 3 (where the logarithm is inexact)', () => {
    const schedule = cosineDecayRestarts({
      initialValue: 0.1,
      firstDecaySteps: 10,
      periodMultiplier: 3,
    });
    // starts: 10 * (3^i - 1) / 2 = 0, 10, 40, 130, 400, 1210, 3640, 10930
    for (const start of [0, 10, 40, 130, 400, 1210, 3640, 10930]) {
      expect(schedule(start), `restart at ${start}`).toBe(0.1);
      if (start > 0) {
        expect(schedule(start - 1)).toBeLessThan(0.1 * 0.025);
        // Just before the restart the logarithm already rounds up to the next cycle.
        expect(schedule(start - start * Number.EPSILON)).toBeLessThan(1e-12);
      }
    }
  });

  it('t_mul = 1: equal cycles', () => {
    const schedule = cosineDecayRestarts({
      initialValue: 0.1,
      firstDecaySteps: 4,
      periodMultiplier: 1,
    });
    expect([0, 1, 2, 3, 4, 6, 8].map(schedule)).toEqual([
      0.1,
      0.1 * ((1 + Math.cos(Math.PI / 4)) / 2),
      0.05,
      0.1 * ((1 + Math.cos((3 * Math.PI) / 4)) / 2),
      0.1,
      0.05,
      0.1,
    ]);
  });
});
