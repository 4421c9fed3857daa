import { readFileSync } from 'node:fs';
import { InvalidArgumentError, ShapeMismatchError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketMedians, mannKendall, theilSen, trendOnset, trendTest } from './trend-test';

interface TrendFixture {
  name: string;
  x: number[];
  y: number[];
  alpha: number;
  kendallTau: number;
  kendallPValue: number;
  slope: number;
  intercept: number;
  slopeLow: number;
  slopeHigh: number;
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/statistics.json', import.meta.url), 'utf8'),
) as { erfc: [number, number][]; normalQuantile: [number, number][]; trend: TrendFixture[] };

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
}

describe('trend statistics against SciPy', () => {
  for (const series of fixture.trend) {
    it(`Mann-Kendall without continuity correction = kendalltau: ${series.name}`, () => {
      const result = mannKendall(series.y, { iterations: series.x, continuityCorrection: false });
      expect(result.tau).toBeCloseTo(series.kendallTau, 12);
      // SciPy divides by 1.4142136 instead of sqrt(2): agreement to ~1e-7 relative.
      expect(relativeError(result.pValue, series.kendallPValue)).toBeLessThan(1e-6);
    });
    it(`Theil-Sen = theilslopes: ${series.name}`, () => {
      const result = theilSen(series.y, { iterations: series.x, alpha: series.alpha });
      expect(result.slope).toBeCloseTo(series.slope, 12);
      expect(result.intercept).toBeCloseTo(series.intercept, 10);
      expect(result.slopeLow).toBeCloseTo(series.slopeLow, 12);
      expect(result.slopeHigh).toBeCloseTo(series.slopeHigh, 12);
    });
  }

  it('hand-computed Mann-Kendall S and variance with a tie group', () => {
    // Pairs of [1, 3, 2, 2]: (1,3)+ (1,2)+ (1,2)+ (3,2)- (3,2)- (2,2)0 -> S = 1.
    const result = mannKendall([1, 3, 2, 2]);
    expect(result.s).toBe(1);
    // (4*3*13 - 2*1*9) / 18 = (156 - 18) / 18
    expect(result.variance).toBeCloseTo(138 / 18, 14);
    expect(result.z).toBe(0); // (1 - 1) / sd with the continuity correction
    expect(result.pValue).toBe(1);
  });

  it('the continuity correction shrinks |z| by 1/sd', () => {
    const values = [5, 4, 4.5, 3, 2, 1];
    const corrected = mannKendall(values);
    const raw = mannKendall(values, { continuityCorrection: false });
    expect(corrected.s).toBe(-13);
    expect(raw.z - corrected.z).toBeCloseTo(-1 / Math.sqrt(corrected.variance), 14);
  });

  it('trendTest names direction and significance', () => {
    const falling = trendTest([2.3, 2.1, 2.2, 1.9, 1.7, 1.8, 1.5], {
      iterations: [0, 10, 20, 30, 40, 50, 60],
    });
    expect(falling.direction).toBe('decreasing');
    expect(falling.significant).toBe(true);
    expect(falling.slope).toBeCloseTo(-0.04 / 3, 12); // median of the 21 pairwise slopes (SciPy: -0.013333)
    const flat = trendTest([1, 1.1, 0.9, 1.05, 0.95, 1]);
    expect(flat.direction).toBe('none');
    expect(flat.significant).toBe(false);
    const constant = trendTest([2, 2, 2, 2]);
    expect(constant.variance).toBe(0);
    expect(constant.pValue).toBe(1);
    expect(constant.slope).toBe(0);
  });

  it('is invariant to monotone transforms of the values (rank test) and shifts of x', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 3, maxLength: 40 }),
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        (values, shift) => {
          const a = mannKendall(values);
          const b = mannKendall(values.map((v) => v ** 3 + 5 * v)); // strictly increasing, exact
          expect(b.s).toBe(a.s);
          const x = values.map((_, i) => i * 3 + shift);
          const c = trendTest(values, { iterations: x });
          expect(c.s).toBe(a.s);
          expect(c.slopeLow).toBeLessThanOrEqual(c.slope);
          expect(c.slope).toBeLessThanOrEqual(c.slopeHigh);
        },
      ),
    );
  });

  it('rejects bad input with typed errors', () => {
    expect(() => trendTest([1])).toThrow(InvalidArgumentError);
    expect(() => trendTest([1])).toThrow('trendTest: values must be at least 2 values, got [1].');
    expect(() => trendTest([1, Number.NaN, 2])).toThrow(
      'trendTest: values[1] must be a finite number, got NaN.',
    );
    expect(() => trendTest([1, 2], { iterations: [0] })).toThrow(ShapeMismatchError);
    expect(() => trendTest([1, 2, 3], { iterations: [0, 2, 2] })).toThrow(
      'trendTest: iterations[2] must be a finite number > 2, got 2. Iterations must be strictly increasing.',
    );
    expect(() => trendTest([1, 2], { alpha: 1 })).toThrow(InvalidArgumentError);
    expect(() => trendTest(new Array(2001).fill(1))).toThrow(/values.length must be <= 2000/);
  });
});

describe('trendOnset', () => {
  it('finds where a plateau turns into a fall, not before', () => {
    // 30 flat noisy points then a steady fall.
    const values = Array.from({ length: 80 }, (_, i) =>
      i < 30 ? 2.3 + 0.01 * Math.sin(i * 1.7) : 2.3 - 0.03 * (i - 30) + 0.01 * Math.sin(i * 1.7),
    );
    const onset = trendOnset(values, { iterations: values.map((_, i) => i * 10) });
    expect(onset).not.toBeUndefined();
    expect(onset!.count).toBeGreaterThan(30);
    expect(onset!.count).toBeLessThan(50);
    expect(onset!.iteration).toBe((onset!.count - 1) * 10);
    expect(onset!.trend!.direction).toBe('decreasing');
    // Its p-value equals the one-shot test of the same prefix (without alpha change).
    const prefix = values.slice(0, onset!.count);
    expect(onset!.trend!.pValue).toBeCloseTo(mannKendall(prefix).pValue, 14);
  });
  it('returns undefined for a flat curve and respects direction', () => {
    const flat = Array.from({ length: 60 }, (_, i) => 1 + 0.01 * Math.sin(i * 2.3));
    expect(trendOnset(flat)).toBeUndefined();
    const rising = Array.from({ length: 30 }, (_, i) => i);
    expect(trendOnset(rising)).toBeUndefined();
    expect(trendOnset(rising, { direction: 'increasing' })?.count).toBe(8);
  });
});

describe('bucketMedians', () => {
  it('takes medians of equal-count buckets and skips non-finite values', () => {
    expect(bucketMedians([0, 1, 2, 3], [4, 100, 2, 1], 2)).toEqual({
      iterations: [0.5, 2.5],
      values: [52, 1.5],
    });
    expect(bucketMedians([0, 1, 2, 3, 4], [1, Number.NaN, 3, 5, 7], 2)).toEqual({
      iterations: [1, 3.5],
      values: [2, 6],
    });
    expect(bucketMedians([0, 1], [1, 2], 5).values).toEqual([1, 2]);
  });
});
