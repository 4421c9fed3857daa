// Every option is checked at construction: a typed error naming the function,
// the option, the value and the fix, never a NaN at step 10,000.
import { InvalidArgumentError, ShapeMismatchError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { constant } from './constant';
import { cosineDecay } from './cosine-decay';
import { cosineDecayRestarts } from './cosine-decay-restarts';
import { cyclic, cyclicMomentum } from './cyclic';
import { epochsToSteps, perEpoch, stepsToEpochs } from './epochs';
import { exponentialDecay } from './exponential-decay';
import { inverseSqrtDecay } from './inverse-sqrt-decay';
import { inverseTimeDecay } from './inverse-time-decay';
import { join } from './join';
import { linear } from './linear';
import { multiStepDecay } from './multi-step-decay';
import { oneCycle, oneCycleMomentum } from './one-cycle';
import { piecewiseConstant } from './piecewise-constant';
import { polynomialDecay } from './polynomial-decay';
import { reduceOnPlateau } from './reduce-on-plateau';
import { sample } from './sample';
import type { Schedule } from './schedule';
import { stepDecay } from './step-decay';
import { warmup } from './warmup';

const flat = constant({ value: 0.1 });

// [description, call, exact message]
const invalid: [string, () => unknown, string][] = [
  [
    'options missing',
    () => cosineDecay(undefined as never),
    'cosineDecay: options must be an options object, got undefined. Call cosineDecay({ ... }) with named options.',
  ],
  [
    'zero rate',
    () => constant({ value: 0 }),
    'constant: value must be a finite number > 0, got 0.',
  ],
  [
    'negative rate',
    () => inverseTimeDecay({ initialValue: -0.1, decayRate: 1 }),
    'inverseTimeDecay: initialValue must be a finite number > 0, got -0.1.',
  ],
  [
    'NaN rate',
    () => exponentialDecay({ initialValue: Number.NaN, decayRate: 0.9 }),
    'exponentialDecay: initialValue must be a finite number > 0, got NaN.',
  ],
  [
    'infinite rate',
    () => polynomialDecay({ initialValue: Number.POSITIVE_INFINITY, decaySteps: 10 }),
    'polynomialDecay: initialValue must be a finite number > 0, got Infinity.',
  ],
  [
    'zero factor',
    () => inverseSqrtDecay({ initialValue: 0.1, factor: 0 }),
    'inverseSqrtDecay: factor must be a finite number > 0, got 0.',
  ],
  [
    'non-integer steps',
    () => cosineDecay({ initialValue: 0.1, decaySteps: 10.5 }),
    'cosineDecay: decaySteps must be an integer >= 1, got 10.5.',
  ],
  [
    'zero steps',
    () => cosineDecay({ initialValue: 0.1, decaySteps: 0 }),
    'cosineDecay: decaySteps must be an integer >= 1, got 0.',
  ],
  [
    'negative transition begin',
    () => linear({ initialValue: 0, endValue: 1, transitionSteps: 5, transitionBegin: -1 }),
    'linear: transitionBegin must be an integer >= 0, got -1.',
  ],
  [
    'staircase not a boolean',
    () => inverseTimeDecay({ initialValue: 0.1, decayRate: 1, staircase: 'yes' as never }),
    'inverseTimeDecay: staircase must be true or false, got "yes".',
  ],
  [
    'step decay without factor',
    () => stepDecay({ initialValue: 0.1, stepSize: 10 }),
    'stepDecay: factor must be a finite number > 0 and <= 1, got undefined. Give factor (the multiplier at each decay, e.g. 0.1) or dropFraction (e.g. 0.5).',
  ],
  [
    'step decay with both',
    () => stepDecay({ initialValue: 0.1, stepSize: 10, factor: 0.5, dropFraction: 0.5 }),
    'stepDecay: dropFraction must be omitted when factor is given, got 0.5. Give either factor (the multiplier) or dropFraction (1 - factor), not both.',
  ],
  [
    'drop fraction 1',
    () => stepDecay({ initialValue: 0.1, stepSize: 10, dropFraction: 1 }),
    'stepDecay: dropFraction must be a finite number >= 0 and < 1, got 1. dropFraction is the fraction removed at each decay, e.g. 0.5 halves the value.',
  ],
  [
    'empty boundaries',
    () => multiStepDecay({ initialValue: 0.1, boundaries: [] }),
    'multiStepDecay: boundaries must be a non-empty array, got []. Pass at least one step at which the value changes, e.g. [30, 80].',
  ],
  [
    'unsorted boundaries',
    () => multiStepDecay({ initialValue: 0.1, boundaries: [30, 10] }),
    'multiStepDecay: boundaries must be sorted in non-decreasing order, got [30, 10]. Sort the boundaries (and their values) by step.',
  ],
  [
    'repeated piecewise boundaries',
    () => piecewiseConstant({ boundaries: [10, 10], values: [1, 2, 3] }),
    'piecewiseConstant: boundaries must be sorted in strictly increasing order, got [10, 10]. Sort the boundaries (and their values) by step.',
  ],
  [
    'boundary at 0',
    () => piecewiseConstant({ boundaries: [0, 10], values: [1, 2, 3] }),
    'piecewiseConstant: boundaries[0] must be an integer >= 1, got 0. A boundary at 0 would hide the first value; drop it.',
  ],
  [
    'fractional boundary',
    () => multiStepDecay({ initialValue: 0.1, boundaries: [10, 20.5] }),
    'multiStepDecay: boundaries[1] must be an integer >= 1, got 20.5. Boundaries are whole numbers of steps (or epochs).',
  ],
  [
    'zero piecewise value',
    () => piecewiseConstant({ boundaries: [10], values: [0.1, 0] }),
    'piecewiseConstant: values[1] must be a finite number > 0, got 0.',
  ],
  [
    'exponential floor above the start',
    () => exponentialDecay({ initialValue: 0.1, decayRate: 0.5, endValue: 0.2 }),
    'exponentialDecay: endValue must be <= initialValue (0.1) when decayRate < 1, got 0.2. With decayRate < 1 the end value is a floor below the initial value.',
  ],
  [
    'cosine alpha > 1',
    () => cosineDecay({ initialValue: 0.1, decaySteps: 10, alpha: 2 }),
    'cosineDecay: alpha must be a finite number >= 0 and <= 1, got 2.',
  ],
  [
    'warmup steps without target',
    () => cosineDecay({ initialValue: 0, decaySteps: 10, warmupSteps: 5 }),
    'cosineDecay: warmupTarget must be a finite number > 0, got undefined. With warmupSteps > 0, give warmupTarget: the value reached at the end of the warmup.',
  ],
  [
    'warmup target without steps',
    () => cosineDecay({ initialValue: 0, decaySteps: 10, warmupTarget: 0.1 }),
    'cosineDecay: warmupSteps must be an integer >= 1, got 0. With warmupTarget, give warmupSteps >= 1 (or drop warmupTarget).',
  ],
  [
    'shrinking periods',
    () => cosineDecayRestarts({ initialValue: 0.1, firstDecaySteps: 10, periodMultiplier: 0.5 }),
    'cosineDecayRestarts: periodMultiplier must be a finite number >= 1, got 0.5. Cycles may only grow (or keep their length with 1).',
  ],
  [
    'one cycle too short a warmup',
    () => oneCycle({ maxValue: 0.1, totalSteps: 10, warmupFraction: 0.1 }),
    'oneCycle: warmupFraction must be > 1 / totalSteps (0.1) so that the rising phase lasts at least one step, got 0.1. Increase warmupFraction or totalSteps.',
  ],
  [
    'one cycle three phases without room',
    () => oneCycle({ maxValue: 0.1, totalSteps: 100, warmupFraction: 0.6, phases: 3 }),
    'oneCycle: warmupFraction must be < (totalSteps + 1) / (2 * totalSteps) (0.505) with 3 phases, got 0.6. The rising and falling phases take 2 * warmupFraction of the cycle; leave room for the third.',
  ],
  [
    'one cycle phases',
    () => oneCycle({ maxValue: 0.1, totalSteps: 100, phases: 4 as never }),
    'oneCycle: phases must be 2 or 3, got 4.',
  ],
  [
    'one cycle anneal',
    () => oneCycle({ maxValue: 0.1, totalSteps: 100, anneal: 'cos' as never }),
    "oneCycle: anneal must be one of 'cosine', 'linear', got \"cos\".",
  ],
  [
    'one cycle momentum order',
    () => oneCycleMomentum({ maxValue: 0.1, totalSteps: 100, baseMomentum: 0.9, maxMomentum: 0.8 }),
    'oneCycleMomentum: maxMomentum must be a finite number >= 0.9 and < 1, got 0.8. maxMomentum must be >= baseMomentum and < 1.',
  ],
  [
    'cyclic max below base',
    () => cyclic({ baseValue: 0.1, maxValue: 0.01 }),
    'cyclic: maxValue must be a finite number >= 0.1, got 0.01. maxValue is the top of the cycle and must be >= baseValue.',
  ],
  [
    'cyclic mode',
    () => cyclicMomentum({ baseValue: 0.1, maxValue: 1, mode: 'exp_range' as never }),
    "cyclicMomentum: mode must be one of 'triangular', 'triangular2', 'exponentialRange', got \"exp_range\".",
  ],
  [
    'warmup of a non-function',
    () => warmup(0.1 as never, { steps: 10 }),
    'warmup: schedule must be a function, got 0.1.',
  ],
  [
    'warmup steps',
    () => warmup(flat, { steps: 0 }),
    'warmup: steps must be an integer >= 1, got 0.',
  ],
  [
    'join of one schedule',
    () => join([flat], []),
    'join: schedules must be an array of at least 2 schedules, got [function (anonymous)]. Join two or more.',
  ],
  [
    'per-epoch steps',
    () => perEpoch(flat, { stepsPerEpoch: 0 }),
    'perEpoch: stepsPerEpoch must be an integer >= 1, got 0.',
  ],
  [
    'steps to epochs',
    () => stepsToEpochs(-1, 10),
    'stepsToEpochs: step must be a finite number >= 0, got -1.',
  ],
  [
    'epochs to steps',
    () => epochsToSteps(3, 2.5),
    'epochsToSteps: stepsPerEpoch must be an integer >= 1, got 2.5.',
  ],
  ['sample count', () => sample(flat, -1), 'sample: count must be an integer >= 0, got -1.'],
  [
    'plateau factor',
    () => reduceOnPlateau({ initialValue: 0.1, factor: 1 }),
    'reduceOnPlateau: factor must be a finite number > 0 and < 1, got 1. factor multiplies the rate at each reduction, e.g. 0.1 or 0.5.',
  ],
  [
    'plateau threshold mode',
    () => reduceOnPlateau({ initialValue: 0.1, thresholdMode: 'rel' as never }),
    "reduceOnPlateau: thresholdMode must be one of 'relative', 'absolute', got \"rel\".",
  ],
  [
    'plateau patience',
    () => reduceOnPlateau({ initialValue: 0.1, patience: 1.5 }),
    'reduceOnPlateau: patience must be an integer >= 0, got 1.5.',
  ],
];

describe('construction-time validation', () => {
  it.each(invalid)('%s', (_description, call, message) => {
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(message);
    try {
      call();
    } catch (error) {
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe(message);
    }
  });

  it('reports length mismatches as ShapeMismatchError', () => {
    const values = () => piecewiseConstant({ boundaries: [10, 20], values: [1, 2] });
    expect(values).toThrow(ShapeMismatchError);
    expect(values).toThrow(
      'piecewiseConstant: values must have shape length 3 (boundaries.length + 1), got length 2. Give one value before the first boundary and one after each boundary.',
    );
    const boundaries = () => join([flat, flat, flat], [10]);
    expect(boundaries).toThrow(ShapeMismatchError);
    expect(boundaries).toThrow(
      'join: boundaries must have shape length 2 (schedules.length - 1), got length 1.',
    );
  });
});

describe('step validation at evaluation', () => {
  const schedules: [string, Schedule][] = [
    ['cosineDecay', cosineDecay({ initialValue: 0.1, decaySteps: 10 })],
    ['oneCycle', oneCycle({ maxValue: 0.1, totalSteps: 100 })],
    ['join', join([flat, flat], [5])],
  ];

  it.each(schedules)('%s rejects negative, NaN and infinite steps', (name, schedule) => {
    for (const step of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => schedule(step)).toThrow(InvalidArgumentError);
    }
    expect(() => schedule(-1)).toThrow(
      `${name}: step must be a finite number >= 0, got -1. Pass the number of optimizer updates applied so far (0 before the first update).`,
    );
    expect(() => schedule('3' as never)).toThrow(
      `${name}: step must be a finite number >= 0, got "3".`,
    );
  });
});
