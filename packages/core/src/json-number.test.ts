import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StateRestoreError } from './errors';
import { decodeJsonNumber, encodeJsonNumber } from './json-number';

describe('JSON numbers', () => {
  it('round-trips every double exactly through JSON, including NaN, infinities and -0', () => {
    fc.assert(
      fc.property(fc.double(), (value) => {
        const text = JSON.stringify(encodeJsonNumber(value));
        expect(Object.is(decodeJsonNumber('f', 'x', JSON.parse(text)), value)).toBe(true);
      }),
    );
    expect(
      [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 2].map(encodeJsonNumber),
    ).toEqual(['NaN', 'Infinity', '-Infinity', '-0', 2]);
  });

  it('rejects anything else with a StateRestoreError naming the field', () => {
    expect(() => decodeJsonNumber('restore', 'values[3]', null)).toThrow(StateRestoreError);
    expect(() => decodeJsonNumber('restore', 'values[3]', 'nan')).toThrow(
      'restore: values[3] must be a number (or "NaN", "Infinity", "-Infinity", "-0"), got "nan".',
    );
  });
});
