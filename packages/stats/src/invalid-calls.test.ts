// The streaming smoothers and the state definition called wrongly: typed errors naming the
// function and the argument, states unchanged.
import {
  checkArguments,
  InvalidArgumentError,
  StateRestoreError,
  TrainkitError,
} from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { describeInvalidCalls, type InvalidCall } from '../../../invalid-calls.shared';
import {
  checkFiniteValues,
  createEma,
  createWindowMean,
  defineStreamingState,
  downsample,
  emaFromJSON,
  emaToJSON,
  emaValue,
  resetEma,
  resetWindowMean,
  significanceLevel,
  smoothEma,
  stateField,
  trendOnset,
  trendTest,
  updateEma,
  updateWindowMean,
  windowMean,
  windowMeanFromJSON,
  windowMeanToJSON,
  windowMeanValue,
} from './index';

const nul = null as never;
const ema = () => updateEma(createEma(0.6), 1.5);
const window = () => updateWindowMean(updateWindowMean(createWindowMean(3), 1), 2, 4);

const cases: InvalidCall[] = [
  [
    'trendTest alpha 1',
    () => trendTest([1, 2, 3, 4], { alpha: 1 }),
    InvalidArgumentError,
    'trendTest: alpha must be a finite number > 0 and < 1, got 1.',
  ],
  [
    'trendOnset alpha 0',
    () => trendOnset([1, 2, 3, 4], { alpha: 0 }),
    InvalidArgumentError,
    'trendOnset: alpha must be a finite number > 0 and < 1, got 0.',
  ],
  [
    'trendOnset a NaN value',
    () => trendOnset([1, 2, Number.NaN, 4]),
    InvalidArgumentError,
    'trendOnset: values[2] must be a finite number, got NaN. Drop NaN and infinite losses first.',
  ],
  [
    'significanceLevel NaN',
    () => significanceLevel(checkArguments('myTest'), Number.NaN, 0.05),
    InvalidArgumentError,
    'myTest: alpha must be a finite number > 0 and < 1, got NaN.',
  ],
  [
    'checkFiniteValues Infinity',
    () =>
      checkFiniteValues(
        checkArguments('myTest'),
        'xs',
        [0, 1, Number.POSITIVE_INFINITY],
        'Fix it.',
      ),
    InvalidArgumentError,
    'myTest: xs[2] must be a finite number, got Infinity. Fix it.',
  ],
  [
    'createEma(NaN)',
    () => createEma(Number.NaN),
    InvalidArgumentError,
    'createEma: weight must be a finite number >= 0 and < 1, got NaN.',
  ],
  [
    'updateEma(window mean state)',
    () => updateEma(window() as never, 1),
    InvalidArgumentError,
    'updateEma: state must be an EMA state',
  ],
  [
    'updateEma value "1"',
    () => updateEma(ema(), '1' as never),
    InvalidArgumentError,
    'updateEma: value must be a number, got "1".',
  ],
  [
    'emaValue(null)',
    () => emaValue(nul),
    InvalidArgumentError,
    'emaValue: state must be an EMA state, got null. Create one with createEma(weight).',
  ],
  [
    'resetEma(undefined)',
    () => resetEma(undefined as never),
    InvalidArgumentError,
    'resetEma: state must be an EMA state, got undefined.',
  ],
  [
    'emaToJSON({})',
    () => emaToJSON({} as never),
    InvalidArgumentError,
    'emaToJSON: state must be an EMA state, got {}.',
  ],
  [
    'emaFromJSON(window mean JSON)',
    () => emaFromJSON(windowMeanToJSON(window())),
    StateRestoreError,
    'emaFromJSON: expected format "trainkit.stats.ema", got "trainkit.stats.windowMean".',
  ],
  [
    'smoothEma values null',
    () => smoothEma(nul, 0.5),
    InvalidArgumentError,
    'smoothEma: values must be an array or a numeric typed array, got null.',
  ],
  [
    'createWindowMean(2.5)',
    () => createWindowMean(2.5),
    InvalidArgumentError,
    'createWindowMean: window must be an integer >= 1 and <= 10000000, got 2.5.',
  ],
  [
    'updateWindowMean weight NaN',
    () => updateWindowMean(window(), 1, Number.NaN),
    InvalidArgumentError,
    'updateWindowMean: weight must be a finite number >= 0, got NaN.',
  ],
  [
    'updateWindowMean(EMA state)',
    () => updateWindowMean(ema() as never, 1),
    InvalidArgumentError,
    'updateWindowMean: state must be a window mean state',
  ],
  [
    'windowMeanValue({})',
    () => windowMeanValue({} as never),
    InvalidArgumentError,
    'windowMeanValue: state must be a window mean state, got {}.',
  ],
  [
    'resetWindowMean(null)',
    () => resetWindowMean(nul),
    InvalidArgumentError,
    'resetWindowMean: state must be a window mean state, got null.',
  ],
  [
    'windowMeanFromJSON sinceRecompute = window',
    () => windowMeanFromJSON({ ...windowMeanToJSON(window()), sinceRecompute: 3 }),
    StateRestoreError,
    'windowMeanFromJSON: sinceRecompute must be an integer >= 0 and < 3, got 3.',
  ],
  [
    'windowMean options null',
    () => windowMean([1, 2], 2, nul),
    InvalidArgumentError,
    'windowMean: options must be an options object, got null.',
  ],
  [
    'windowMean a negative weight',
    () => windowMean([1, 2], 2, { weights: [1, -1] }),
    InvalidArgumentError,
    'windowMean: weights[1] must be a finite number >= 0, got -1.',
  ],
  [
    'downsample options null',
    () => downsample({ steps: [0], values: [1] } as never, nul),
    InvalidArgumentError,
    'downsample: options must be an options object, got null.',
  ],
  [
    'trendTest options null',
    () => trendTest([1, 2, 3], nul),
    InvalidArgumentError,
    'trendTest: options must be an options object, got null.',
  ],
  [
    'trendOnset options null',
    () => trendOnset([1, 2, 3], nul),
    InvalidArgumentError,
    'trendOnset: options must be an options object, got null.',
  ],
  [
    'defineStreamingState format without a package',
    () =>
      defineStreamingState('histogram' as never, { description: 'x', parameters: {}, fields: {} }),
    InvalidArgumentError,
    'defineStreamingState: format must be \'trainkit.<package>.<kind>\', got "histogram".',
  ],
  [
    'defineStreamingState spec null',
    () => defineStreamingState('trainkit.test.x' as never, nul),
    InvalidArgumentError,
    'defineStreamingState: spec must be an options object, got null.',
  ],
  [
    'defineStreamingState a field that is not a stateField',
    () =>
      defineStreamingState(
        'trainkit.test.x' as never,
        { description: 'x', parameters: {}, fields: { total: 0 } } as never,
      ),
    InvalidArgumentError,
    'defineStreamingState: spec.fields.total must be a stateField, got 0.',
  ],
  [
    'defineStreamingState a field without JSON and no payload',
    () =>
      defineStreamingState(
        'trainkit.test.x' as never,
        { description: 'x', parameters: {}, fields: { ring: stateField.buffer(() => 2) } } as never,
      ),
    InvalidArgumentError,
    'defineStreamingState: spec.fields.ring must be a field with toJSON and fromJSON',
  ],
];

describeInvalidCalls(cases);

describe('significanceLevel', () => {
  it('gives the default when the option is absent and the value otherwise', () => {
    expect(significanceLevel(checkArguments('f'), undefined, 0.05)).toBe(0.05);
    expect(significanceLevel(checkArguments('f'), 0.2, 0.05)).toBe(0.2);
  });
});

describe('a rejected update leaves the state as it was', () => {
  it.each([
    [
      'updateEma, a string',
      () => {
        const state = ema();
        const before = JSON.stringify(emaToJSON(state));
        expect(() => updateEma(state, 'x' as never)).toThrow(TrainkitError);
        return [before, JSON.stringify(emaToJSON(state))];
      },
    ],
    [
      'updateWindowMean, a negative weight',
      () => {
        const state = window();
        const before = JSON.stringify(windowMeanToJSON(state));
        expect(() => updateWindowMean(state, 1, -2)).toThrow(TrainkitError);
        return [before, JSON.stringify(windowMeanToJSON(state))];
      },
    ],
    [
      'updateWindowMean, a string value',
      () => {
        const state = window();
        const before = JSON.stringify(windowMeanToJSON(state));
        expect(() => updateWindowMean(state, '1' as never)).toThrow(TrainkitError);
        return [before, JSON.stringify(windowMeanToJSON(state))];
      },
    ],
  ] as const)('%s', (_name, run) => {
    const [before, after] = run();
    expect(after).toBe(before);
  });
});
