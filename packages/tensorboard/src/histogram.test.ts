import { InvalidArgumentError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeHistogram, defaultBucketLimits, validateHistogram } from './histogram';

describe('defaultBucketLimits', () => {
  const limits = defaultBucketLimits();

  it('has 1e-12 * 1.1^k below 1e20, DBL_MAX, mirrored, and 0 in the middle', () => {
    // Number of k with 1e-12 * 1.1^k < 1e20: k < 32 / log10(1.1) = 773.1..., so k = 0..773.
    const positives = 774;
    expect(limits.length).toBe(2 * (positives + 1) + 1);
    expect(limits.length).toBe(1551);
    const zeroAt = positives + 1;
    expect(limits[zeroAt]).toBe(0);
    expect(limits[zeroAt + 1]).toBe(1e-12);
    expect(limits[zeroAt + 2]).toBeCloseTo(1.1e-12, 25);
    expect(limits[limits.length - 1]).toBe(Number.MAX_VALUE);
    expect(limits[0]).toBe(-Number.MAX_VALUE);
    expect(limits[limits.length - 2]).toBeLessThan(1e20);
    expect(limits[limits.length - 2]! * 1.1).toBeGreaterThanOrEqual(1e20);
    for (let i = 1; i < limits.length; i++) {
      expect(limits[i]!).toBeGreaterThan(limits[i - 1]!);
      expect(limits[limits.length - 1 - i]! + limits[i]!).toBe(0);
    }
  });

  it('grows by 10% per bucket', () => {
    const zeroAt = 775;
    for (let i = zeroAt + 2; i < limits.length - 1; i++) {
      expect(limits[i]! / limits[i - 1]!).toBeCloseTo(1.1, 12);
    }
  });
});

/** Linear-scan reference: bucket i holds v with limits[i-1] <= v < limits[i]. */
function referenceCounts(values: number[]): number[] {
  const limits = defaultBucketLimits();
  const counts = new Array<number>(limits.length).fill(0);
  for (const v of values) {
    let index = limits.findIndex((limit) => v < limit);
    if (index === -1) index = limits.length - 1;
    counts[index]! += 1;
  }
  return counts;
}

/** Expands a compact histogram back to counts over all default buckets. */
function expand(bucketLimits: readonly number[], bucketCounts: readonly number[]): number[] {
  const limits = defaultBucketLimits();
  const counts = new Array<number>(limits.length).fill(0);
  bucketLimits.forEach((limit, i) => {
    counts[limits.indexOf(limit)] = bucketCounts[i]!;
  });
  return counts;
}

describe('computeHistogram', () => {
  it('computes min, max, num, sum and sum of squares', () => {
    const h = computeHistogram([1, 2, 3, -4]);
    expect(h).toMatchObject({ min: -4, max: 3, num: 4, sum: 2, sumSquares: 30 });
  });

  it('puts values in [limit(i-1), limit(i)) and collapses empty runs', () => {
    // 0.5, 0.5 and 2: 0.5 lies in [1.1^k0 * 1e-12, ...); 2 further right.
    const h = computeHistogram([0.5, 0.5, 2]);
    const limits = defaultBucketLimits();
    const i05 = limits.findIndex((l) => l > 0.5);
    const i2 = limits.findIndex((l) => l > 2);
    expect(h.bucketLimits).toEqual([limits[i05], limits[i2 - 1], limits[i2]]);
    expect(h.bucketCounts).toEqual([2, 0, 1]);
    expect(limits[i05 - 1]!).toBeLessThanOrEqual(0.5);
    expect(limits[i2 - 1]!).toBeLessThanOrEqual(2);
  });

  it('counts a value equal to a limit in the bucket to its right (upper_bound)', () => {
    const h = computeHistogram([0]);
    // 0 is a limit: it belongs to [0, 1e-12).
    expect(h.bucketLimits).toEqual([1e-12]);
    expect(h.bucketCounts).toEqual([1]);
  });

  it('agrees with a linear-scan reference for any finite values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e25, max: 1e25 }), {
          minLength: 1,
          maxLength: 60,
        }),
        (values) => {
          const h = computeHistogram(values);
          expect(expand(h.bucketLimits, h.bucketCounts)).toEqual(referenceCounts(values));
          expect(h.num).toBe(values.length);
          expect(h.bucketCounts.reduce((a, b) => a + b, 0)).toBe(values.length);
          expect(h.min).toBe(Math.min(...values));
          expect(h.max).toBe(Math.max(...values));
          // Compact: first and last buckets are non-empty, no two empty buckets in a row.
          expect(h.bucketCounts[0]).toBeGreaterThan(0);
          expect(h.bucketCounts[h.bucketCounts.length - 1]).toBeGreaterThan(0);
          for (let i = 1; i < h.bucketCounts.length; i++) {
            expect(h.bucketCounts[i] === 0 && h.bucketCounts[i - 1] === 0).toBe(false);
          }
          validateHistogram('test', h);
        },
      ),
    );
  });

  it('leaves NaN out and puts infinities in the outer buckets', () => {
    const h = computeHistogram([Number.NaN, Number.NEGATIVE_INFINITY, 1, Number.POSITIVE_INFINITY]);
    expect(h.num).toBe(3);
    expect(h.min).toBe(Number.NEGATIVE_INFINITY);
    expect(h.max).toBe(Number.POSITIVE_INFINITY);
    expect(h.bucketLimits[0]).toBe(-Number.MAX_VALUE);
    expect(h.bucketLimits[h.bucketLimits.length - 1]).toBe(Number.MAX_VALUE);
    expect(h.bucketCounts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(computeHistogram([Number.NaN])).toEqual({
      min: 0,
      max: 0,
      num: 0,
      sum: 0,
      sumSquares: 0,
      bucketLimits: [],
      bucketCounts: [],
    });
  });

  it('accepts typed arrays', () => {
    const h = computeHistogram(new Float32Array([0.25, -0.25]));
    expect(h.num).toBe(2);
    expect(h.sum).toBe(0);
  });

  it('an empty array and NaN alone give the same empty histogram (issue 13: [] threw, [NaN] did not)', () => {
    const empty = {
      min: 0,
      max: 0,
      num: 0,
      sum: 0,
      sumSquares: 0,
      bucketLimits: [],
      bucketCounts: [],
    };
    expect(computeHistogram([])).toEqual(empty);
    expect(computeHistogram([Number.NaN, Number.NaN])).toEqual(empty);
    expect(computeHistogram(new Float32Array(0))).toEqual(empty);
  });

  it('rejects what is not an array of numbers with a typed error', () => {
    expect(() => computeHistogram(undefined as never)).toThrow(InvalidArgumentError);
    expect(() => computeHistogram('abc' as never)).toThrow(
      'computeHistogram: values must be an array or a typed array of numbers, got "abc".',
    );
    expect(() => computeHistogram([1, '2'] as never)).toThrow(
      'computeHistogram: values[1] must be a number, got "2".',
    );
  });
});

describe('validateHistogram', () => {
  const good = computeHistogram([1, 2, 3]);

  it('accepts a computed histogram', () => {
    expect(validateHistogram('f', good)).toBe(good);
  });

  it('rejects inconsistent histograms by argument', () => {
    expect(() => validateHistogram('f', { ...good, num: 4 })).toThrow(
      /f: histogram\.num must be the sum of bucketCounts \(3\), got 4/,
    );
    expect(() => validateHistogram('f', { ...good, bucketCounts: [1] })).toThrow(
      /histogram\.bucketCounts must be an array as long as bucketLimits/,
    );
    expect(() =>
      validateHistogram('f', { ...good, bucketLimits: [...good.bucketLimits].reverse() }),
    ).toThrow(/must be greater than the previous limit/);
    expect(() =>
      validateHistogram('f', { ...good, bucketCounts: good.bucketCounts.map(() => -1), num: -3 }),
    ).toThrow(InvalidArgumentError);
  });
});
