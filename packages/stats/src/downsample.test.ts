import { InvalidArgumentError, ShapeMismatchError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { downsample, lttbIndices, minMaxIndices } from './downsample';

const curve = fc
  .array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 400 })
  .map((values) => ({ xs: values.map((_, i) => i * 2), values }));

function isStrictlyIncreasing(indices: number[]): boolean {
  return indices.every((v, i) => i === 0 || v > indices[i - 1]!);
}

describe('minMaxIndices', () => {
  it('hand-worked example', () => {
    expect(minMaxIndices([0, 1, 2, 3, 4, 5], [0, 5, 1, -3, 2, 0], 4)).toEqual([0, 1, 3, 5]);
  });
  it('keeps the global extremes, first and last, at most maxPoints, in order (property)', () => {
    fc.assert(
      fc.property(curve, fc.integer({ min: 4, max: 100 }), ({ xs, values }, maxPoints) => {
        const kept = minMaxIndices(xs, values, maxPoints);
        expect(kept.length).toBeLessThanOrEqual(Math.max(maxPoints, 0));
        expect(isStrictlyIncreasing(kept)).toBe(true);
        expect(kept[0]).toBe(0);
        expect(kept[kept.length - 1]).toBe(values.length - 1);
        const keptValues = kept.map((i) => values[i]!);
        // === so that -0 and 0 count as the same extreme.
        expect(Math.min(...keptValues) === Math.min(...values)).toBe(true);
        expect(Math.max(...keptValues) === Math.max(...values)).toBe(true);
      }),
    );
  });
});

describe('lttbIndices', () => {
  it('hand-worked example (triangle areas 18 vs 4.5, then 22 vs 3)', () => {
    expect(lttbIndices([0, 1, 2, 3, 4, 5], [0, 5, 1, -3, 2, 0], 4)).toEqual([0, 1, 3, 5]);
  });
  it('returns exactly maxPoints indices in order with first and last (property)', () => {
    fc.assert(
      fc.property(curve, fc.integer({ min: 4, max: 100 }), ({ xs, values }, maxPoints) => {
        const kept = lttbIndices(xs, values, maxPoints);
        expect(kept.length).toBe(Math.min(values.length, maxPoints));
        expect(isStrictlyIncreasing(kept)).toBe(true);
        expect(kept[0]).toBe(0);
        expect(kept[kept.length - 1]).toBe(values.length - 1);
      }),
    );
  });
  it('keeps an isolated spike and a dip on a 10,000-point curve', () => {
    const n = 10_000;
    const xs = Array.from({ length: n }, (_, i) => i);
    const values = xs.map((i) => 1 + 0.001 * Math.sin(i / 50));
    values[3_333] = 9;
    values[7_777] = -4;
    const kept = lttbIndices(xs, values, 100);
    expect(kept).toContain(3_333);
    expect(kept).toContain(7_777);
  });
});

describe('downsample', () => {
  it('drops non-finite points and keeps the shape with both methods', () => {
    const series = {
      iterations: [0, 1, 2, 3, 4, 5, 6],
      values: [3, Number.NaN, 2, 10, 1, Number.POSITIVE_INFINITY, 0.5],
    };
    expect(downsample(series, { maxPoints: 10 })).toEqual({
      iterations: [0, 2, 3, 4, 6],
      values: [3, 2, 10, 1, 0.5],
    });
    const minMax = downsample(series, { maxPoints: 4 });
    expect(minMax.values).toEqual([3, 10, 1, 0.5]);
    expect(downsample(series, { maxPoints: 4, method: 'lttb' }).iterations).toHaveLength(4);
  });
  it('rejects bad options with typed errors', () => {
    const series = { iterations: [0, 1], values: [1, 2] };
    expect(() => downsample(series, { maxPoints: 3 })).toThrow(InvalidArgumentError);
    expect(() => downsample(series, { maxPoints: 3 })).toThrow(
      'downsample: maxPoints must be an integer >= 4, got 3.',
    );
    expect(() => downsample(series, { maxPoints: 5, method: 'mean' as 'lttb' })).toThrow(
      "downsample: method must be one of 'min-max', 'lttb', got \"mean\".",
    );
    expect(() => minMaxIndices([0], [1, 2], 5)).toThrow(ShapeMismatchError);
    expect(() => lttbIndices([0, 1], [1, Number.NaN], 5)).toThrow(
      /values\[1\] must be a finite number/,
    );
  });
});
