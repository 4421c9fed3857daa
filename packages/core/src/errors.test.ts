import { describe, expect, it } from 'vitest';
import { checkArguments } from './check-arguments';
import {
  errorMarker,
  hasErrorMarker,
  InvalidArgumentError,
  ShapeMismatchError,
  StateRestoreError,
  TrainkitError,
} from './errors';
import { formatValue } from './format-value';

describe('errors', () => {
  it('names the function, the argument, the value and the fix', () => {
    const error = new InvalidArgumentError({
      functionName: 'cosineDecay',
      argument: 'decaySteps',
      value: 0,
      expected: '> 0',
      fix: 'Pass the number of steps the decay lasts.',
    });
    expect(error.message).toBe(
      'cosineDecay: decaySteps must be > 0, got 0. Pass the number of steps the decay lasts.',
    );
    expect(error.name).toBe('InvalidArgumentError');
    expect(error.argument).toBe('decaySteps');
  });

  it('recognizes instances by marker, including foreign copies', () => {
    const error = new ShapeMismatchError({
      functionName: 'f',
      argument: 'labels',
      expected: [3],
      actual: [4],
    });
    expect(error.message).toBe('f: labels must have shape [3], got [4].');
    expect(ShapeMismatchError.isInstance(error)).toBe(true);
    expect(TrainkitError.isInstance(error)).toBe(true);
    expect(InvalidArgumentError.isInstance(error)).toBe(false);
    const foreign = { [Symbol.for('trainkit.error')]: true };
    expect(TrainkitError.isInstance(foreign)).toBe(true);
    expect(TrainkitError.isInstance(new Error('x'))).toBe(false);
    expect(TrainkitError.isInstance(null)).toBe(false);
  });

  it('errorMarker and hasErrorMarker: one check for every class, in any package', () => {
    const marker = errorMarker('ExampleError');
    expect(marker).toBe(Symbol.for('trainkit.error.ExampleError'));
    class ExampleError extends TrainkitError {
      readonly [marker] = true;
      static override isInstance(error: unknown): error is ExampleError {
        return hasErrorMarker(error, marker);
      }
    }
    const error = new ExampleError('x');
    expect(ExampleError.isInstance(error)).toBe(true);
    expect(TrainkitError.isInstance(error)).toBe(true);
    expect(ExampleError.isInstance(new TrainkitError('x'))).toBe(false);
    expect(ExampleError.isInstance({ [Symbol.for('trainkit.error.ExampleError')]: true })).toBe(
      true,
    );
    expect(ExampleError.isInstance({ [marker]: 'yes' })).toBe(false);
    expect(hasErrorMarker(undefined, marker)).toBe(false);
    expect(InvalidArgumentError.isInstance({ [errorMarker('InvalidArgumentError')]: true })).toBe(
      true,
    );
  });

  it('keeps the cause of a state restore error', () => {
    const cause = new Error('bad json');
    const error = new StateRestoreError('restore', 'cannot parse', { cause });
    expect(error.cause).toBe(cause);
    expect(error.message).toBe('restore: cannot parse');
  });

  it('formats values so that NaN, -0 and strings stay visible', () => {
    expect(formatValue(Number.NaN)).toBe('NaN');
    expect(formatValue(-0)).toBe('-0');
    expect(formatValue(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
    expect(formatValue('a')).toBe('"a"');
    expect(formatValue([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toBe(
      '[1, 2, 3, 4, 5, 6, 7, 8, … (10 items)]',
    );
    expect(formatValue(new Int32Array([1, 2]))).toBe('[1, 2]');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
  });
});

describe('checkArguments', () => {
  const check = checkArguments('demo');

  it('accepts valid values and returns them', () => {
    expect(check.positive('rate', 0.5)).toBe(0.5);
    expect(check.nonNegative('floor', 0)).toBe(0);
    expect(check.integer('k', 3, { min: 2 })).toBe(3);
    expect(check.oneOf('mode', 'min', ['min', 'max'])).toBe('min');
    expect(check.number('t', 1, { min: 0, max: 1 })).toBe(1);
    expect(check.options('options', undefined)).toEqual({});
    const given = { a: 1 };
    expect(check.options('options', given)).toBe(given);
  });

  it.each([
    ['positive', () => check.positive('rate', 0), 'demo: rate must be a finite number > 0, got 0.'],
    [
      'positive NaN',
      () => check.positive('rate', Number.NaN),
      'demo: rate must be a finite number > 0, got NaN.',
    ],
    [
      'finite',
      () => check.finite('x', Number.POSITIVE_INFINITY),
      'demo: x must be a finite number, got Infinity.',
    ],
    [
      'integer',
      () => check.integer('k', 2.5, { min: 2 }),
      'demo: k must be an integer >= 2, got 2.5.',
    ],
    [
      'exclusive max',
      () => check.number('t', 1, { min: 0, max: 1, maxInclusive: false }),
      'demo: t must be a finite number >= 0 and < 1, got 1.',
    ],
    [
      'oneOf',
      () => check.oneOf('mode', 'avg', ['min', 'max']),
      "demo: mode must be one of 'min', 'max', got \"avg\".",
    ],
    ['array', () => check.nonEmptyArray('b', []), 'demo: b must be a non-empty array, got [].'],
    ['boolean', () => check.boolean('flag', 1), 'demo: flag must be true or false, got 1.'],
    [
      'options null',
      () => check.options('options', null as never, '{ width: 80 }'),
      'demo: options must be an options object, got null. Pass an object such as { width: 80 }, or nothing.',
    ],
    [
      'options array',
      () => check.options('options', [] as never),
      'demo: options must be an options object, got [].',
    ],
  ])('rejects %s with a precise message', (_name, call, message) => {
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(message);
  });

  it('uses the fix given by the caller', () => {
    expect(() => check.integer('k', 1, { min: 2, fix: 'Use k >= 2.' })).toThrow(
      'demo: k must be an integer >= 2, got 1. Use k >= 2.',
    );
  });
});
