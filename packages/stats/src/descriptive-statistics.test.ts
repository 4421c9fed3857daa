import { InvalidArgumentError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mean, quantileSorted, sortedCopy } from './descriptive-statistics';

describe('quantileSorted', () => {
  it.each([
    // numpy.percentile(values, 100 q) (linear, NumPy's default), printed by /usr/bin/python3.
    [[1, 2, 3, 4], 0.5, 2.5],
    [[3.5], 0.9, 3.5],
    [[0, 10], 0.25, 2.5],
    [[1, 2, 4, 8, 16], 0.95, 14.399999999999999],
    [[1, 2, 4, 8, 16], 0.1, 1.4],
    [[-3, -1, 0, 2.5, 7, 7, 9], 0.37, 0.5499999999999994],
  ])('matches numpy.percentile: %j at q = %d', (values, q, expected) => {
    expect(quantileSorted(values, q)).toBeCloseTo(expected, 13);
  });

  it('is the minimum at 0, the maximum at 1, exact on ranks, and 0 when empty', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }),
        (values) => {
          const sorted = sortedCopy(values);
          expect(quantileSorted(sorted, 0)).toBe(sorted[0]);
          expect(quantileSorted(sorted, 1)).toBe(sorted[sorted.length - 1]);
          if (sorted.length > 1) {
            expect(quantileSorted(sorted, 1 / (sorted.length - 1))).toBe(sorted[1]);
          }
        },
      ),
    );
    expect(quantileSorted([], 0.5)).toBe(0);
  });

  it('rejects q outside [0, 1] with a typed error', () => {
    expect(() => quantileSorted([1, 2], 95)).toThrow(InvalidArgumentError);
    expect(() => quantileSorted([1, 2], Number.NaN)).toThrow(
      'quantileSorted: q must be a finite number >= 0 and <= 1, got NaN.',
    );
  });
});

describe('sortedCopy and mean', () => {
  it('sorts numerically without touching the input', () => {
    const values = [10, 2, 33, -1];
    expect(Array.from(sortedCopy(values))).toEqual([-1, 2, 10, 33]);
    expect(values).toEqual([10, 2, 33, -1]);
  });
  it('mean: sum over count, 0 when empty', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(mean(new Float32Array([0.5]))).toBe(0.5);
    expect(mean([])).toBe(0);
    expect(mean([1, Number.NaN])).toBeNaN();
  });
});
