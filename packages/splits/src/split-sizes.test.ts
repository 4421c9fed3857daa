import { InvalidArgumentError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { largestRemainder, splitSizes, stratifiedSizes } from './split-sizes';

const ratiosArbitrary = fc
  .array(fc.integer({ min: 0, max: 1000 }), { minLength: 2, maxLength: 6 })
  .filter((weights) => weights.some((w) => w > 0))
  .map((weights) => {
    const sum = weights.reduce((a, b) => a + b, 0);
    return weights.map((w) => w / sum);
  });

describe('splitSizes (largest remainder)', () => {
  it.each([
    [100, [0.6, 0.2, 0.2], [60, 20, 20]],
    [100, [0.8, 0.1, 0.1], [80, 10, 10]],
    [11, [0.8, 0.2], [9, 2]], // quotas 8.8 / 2.2
    [5, [0.8, 0.1, 0.1], [4, 1, 0]], // .5/.5 tie goes to the earlier part
    [10, [0.7, 0.2, 0.1], [7, 2, 1]], // 0.7 * 10 = 7.000000000000001 must not matter
    [100, [0.29, 0.71], [29, 71]], // 0.29 * 100 = 28.999999999999996 counts as 29
    [7, [1 / 3, 1 / 3, 1 / 3], [3, 2, 2]],
    [1, [0.5, 0.5], [1, 0]],
    [0, [0.5, 0.5], [0, 0]],
    [10, [0, 1], [0, 10]],
    [1001, [0.8, 0.1, 0.1], [801, 100, 100]], // 800.8, 100.1, 100.1
    // 93/205, 97/205, 15/205 of 280: remainders 5/205, 100/205, 100/205 tie exactly -> earlier part.
    [280, [93 / 205, 97 / 205, 15 / 205], [127, 133, 20]],
    [280, [0.45365853658536587, 0.47317073170731705, 0.07317073170731707], [127, 133, 20]],
  ])('n = %i, ratios %j -> %j', (n, ratios, expected) => {
    expect(Array.from(splitSizes(n, ratios))).toEqual(expected);
  });

  it('gives floor or ceil of each quota and sums to n (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), ratiosArbitrary, (n, ratios) => {
        const sizes = largestRemainder(n, ratios);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
        sizes.forEach((size, p) => {
          expect(Math.abs(size - ratios[p]! * n)).toBeLessThan(1 + 1e-6);
        });
      }),
    );
  });

  it('rejects negative ratios, ratios not summing to 1 and too few parts', () => {
    expect(() => splitSizes(10, [1.2, -0.2])).toThrow(InvalidArgumentError);
    expect(() => splitSizes(10, [1.2, -0.2])).toThrow(
      'splitSizes: ratios[0] must be a finite number >= 0 and <= 1, got 1.2. Pass fractions that sum to 1, e.g. [0.8, 0.1, 0.1].',
    );
    expect(() => splitSizes(10, [0.5, -0.5, 1])).toThrow('ratios[1] must be a finite number >= 0');
    expect(() => splitSizes(10, [0.8, 0.1])).toThrow(
      'splitSizes: ratios must be fractions summing to 1 (within 1e-9), their sum is 0.9, got [0.8, 0.1]. Pass fractions that sum to 1, e.g. [0.8, 0.1, 0.1].',
    );
    expect(() => splitSizes(10, [0.5, 0.5 + 2e-9])).toThrow('summing to 1');
    expect(() => splitSizes(10, [1])).toThrow(
      'splitSizes: ratios must be an array of at least 2 fractions',
    );
    expect(() => splitSizes(10, [Number.NaN, 1])).toThrow('ratios[0] must be a finite number');
    // Within the tolerance is fine, and normalized.
    expect(Array.from(splitSizes(10, [0.5, 0.5 + 5e-10]))).toEqual([5, 5]);
  });
});

describe('stratifiedSizes', () => {
  it('keeps class rows, unstratified column totals, and every cell within one of exact (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 12 }),
        ratiosArbitrary,
        (counts, ratios) => {
          const n = counts.reduce((a, b) => a + b, 0);
          const targets = largestRemainder(n, ratios);
          const cells = stratifiedSizes(counts, ratios, targets);
          const parts = ratios.length;
          counts.forEach((count, c) => {
            let row = 0;
            for (let p = 0; p < parts; p++) {
              const cell = cells[c * parts + p]!;
              expect(cell).toBeGreaterThanOrEqual(0);
              expect(Math.abs(cell - ratios[p]! * count)).toBeLessThan(1 + 1e-9);
              row += cell;
            }
            expect(row).toBe(count);
          });
          for (let p = 0; p < parts; p++) {
            let column = 0;
            for (let c = 0; c < counts.length; c++) column += cells[c * parts + p]!;
            expect(column).toBe(targets[p]);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reassigns extras along augmenting paths when the greedy pass gets stuck', () => {
    // Found by search: the greedy pass by remainder leaves a class short here.
    const counts = [7, 5, 2, 7, 6];
    const ratios = [6 / 18, 5 / 18, 7 / 18];
    const targets = largestRemainder(27, ratios);
    expect(Array.from(targets)).toEqual([9, 8, 10]);
    const cells = stratifiedSizes(counts, ratios, targets);
    const rows = counts.map((_, c) => cells.slice(c * 3, c * 3 + 3));
    rows.forEach((row, c) => {
      expect(row.reduce((a, b) => a + b, 0)).toBe(counts[c]);
      row.forEach((cell, p) => {
        const quota = ratios[p]! * counts[c]!;
        expect([Math.floor(quota), Math.ceil(quota)]).toContain(cell);
      });
    });
    expect([0, 1, 2].map((p) => rows.reduce((sum, row) => sum + row[p]!, 0))).toEqual([9, 8, 10]);
  });
});
