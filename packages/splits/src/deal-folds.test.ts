import { createRandom, Xoshiro128 } from '@trainkit/stats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { correctFoldCounts, dealFolds, digitBits, fillFoldDigits } from './deal-folds';
import { encodeLabels } from './encode-labels';
import { referenceDeal, referenceDigits, referenceXoshiro } from './test-helpers';

const pcg = (seed: number, stream = 0) => createRandom({ seed, stream });

/** scikit-learn's StratifiedKFold allocation: sorted position j to fold j % k. */
const roundRobin = (k: number) => (size: number, _c: number, start: number) =>
  Array.from({ length: k }, (_, f) => {
    let count = 0;
    for (let j = start; j < start + size; j++) if (j % k === f) count++;
    return count;
  });

function chiSquare(counts: Iterable<number>, expected: number): number {
  let sum = 0;
  for (const count of counts) sum += (count - expected) ** 2 / expected;
  return sum;
}

describe('fillFoldDigits (Lemire multiply-shift on 8- or 16-bit chunks of PCG32 outputs)', () => {
  it.each([2, 3, 5, 7, 10, 16, 17, 100, 255, 4096, 4097, 100_000])(
    'k = %i: equals the documented rule computed with plain arithmetic',
    (k) => {
      for (const count of [0, 1, 3, 4, 5, 4099, 20_000]) {
        const target = k <= 256 ? new Uint8Array(count) : new Int32Array(count);
        const state = [k, count, 7, 9];
        fillFoldDigits(target, count, k, new Xoshiro128(k, count, 7, 9));
        expect(Array.from(target)).toEqual(referenceDigits(count, k, referenceXoshiro(state)));
        // Any bulk source: PCG32 outputs.
        fillFoldDigits(target, count, k, pcg(k + count));
        const random = pcg(k + count);
        expect(Array.from(target)).toEqual(referenceDigits(count, k, () => random.nextUint32()));
      }
    },
  );

  it('uses 8-bit chunks up to k = 16, 16-bit up to 4096, whole draws above', () => {
    expect([2, 16, 17, 4096, 4097].map(digitBits)).toEqual([8, 8, 16, 16, 32]);
  });

  it('is uniform: chi-square over 70,000 digits for k = 5, 7, 12, 300', () => {
    for (const k of [5, 7, 12, 300]) {
      const count = 70_000;
      const target = k <= 256 ? new Uint8Array(count) : new Int32Array(count);
      fillFoldDigits(target, count, k, pcg(11));
      const histogram = new Array<number>(k).fill(0);
      for (const digit of target) histogram[digit]! += 1;
      // 0.999 quantiles of chi-square with k - 1 degrees of freedom.
      const limit = { 5: 18.5, 7: 22.5, 12: 31.3, 300: 391 }[k]!;
      expect(chiSquare(histogram, count / k)).toBeLessThan(limit);
    }
  });
});

describe('correctFoldCounts', () => {
  it('reaches the target counts; by rejection it changes only surplus entries into missing folds', () => {
    let rejections = 0;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 60 }),
        fc.nat(1000),
        (digits, seed) => {
          const k = 4;
          const length = digits.length;
          const targets = Array.from(
            { length: k },
            (_, f) => Math.floor(length / k) + (f < length % k ? 1 : 0),
          );
          const sequence = Uint8Array.from([9, ...digits, 9]); // guards outside the segment
          correctFoldCounts(sequence, 1, length, targets, k, pcg(seed));
          expect(sequence[0]).toBe(9);
          expect(sequence[length + 1]).toBe(9);
          const after = Array.from(sequence.subarray(1, length + 1));
          const counts = (values: number[]) =>
            Array.from({ length: k }, (_, f) => values.filter((d) => d === f).length);
          expect(counts(after)).toEqual(targets);
          const before = counts(digits);
          let expectedDraws = 0;
          before.forEach((count, f) => {
            for (let r = 0; r < count - targets[f]!; r++) expectedDraws += length / (count - r);
          });
          if (expectedDraws > length) return; // Fisher-Yates fallback: a fresh arrangement
          rejections++;
          const moved = before.reduce((sum, count, f) => sum + Math.max(0, count - targets[f]!), 0);
          let changed = 0;
          after.forEach((fold, j) => {
            if (fold !== digits[j]) {
              changed++;
              expect(before[digits[j]!]!).toBeGreaterThan(targets[digits[j]!]!); // was surplus
              expect(before[fold]!).toBeLessThan(targets[fold]!); // is missing
            }
          });
          expect(changed).toBe(moved);
        },
      ),
      { numRuns: 200 },
    );
    expect(rejections).toBeGreaterThan(50);
  });
});

describe('dealFolds', () => {
  it('follows its definition (kFold, one class)', () => {
    for (const [n, k, seed] of [
      [50, 5, 9],
      [23, 4, 1],
      [300, 17, 2],
      [1000, 3, 77],
      [200, 100, 3], // many folds of 2: the Fisher-Yates fallback
      [2000, 1000, 5],
    ] as const) {
      const sizes = Int32Array.from(
        { length: k },
        (_, f) => Math.floor(n / k) + (f < n % k ? 1 : 0),
      );
      const { foldOf, sizes: dealt } = dealFolds(undefined, sizes, k, n, seed);
      expect(Array.from(dealt)).toEqual(Array.from(sizes));
      const expected = referenceDeal(
        new Array<number>(n).fill(0),
        k,
        () => Array.from(sizes),
        seed,
      );
      expect(Array.from(foldOf)).toEqual(expected);
    }
  });

  it('follows its definition (stratified: classes by first appearance, round-robin counts)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(7, 3, 5, 11), { minLength: 12, maxLength: 400 }),
        fc.integer({ min: 2, max: 6 }),
        fc.nat(10_000),
        (labels, k, seed) => {
          const encoded = encodeLabels('test', 'labels', labels, labels.length);
          fc.pre(Math.min(...encoded.counts) >= k);
          const allocate = roundRobin(k);
          const cells: number[] = [];
          let start = 0;
          for (const size of encoded.counts) {
            cells.push(...allocate(size, 0, start));
            start += size;
          }
          const { foldOf, sizes } = dealFolds(
            encoded,
            Int32Array.from(cells),
            k,
            labels.length,
            seed,
          );
          expect(Array.from(foldOf)).toEqual(referenceDeal(labels, k, allocate, seed));
          for (let f = 0; f < k; f++) {
            expect(sizes[f]).toBe(Array.from(foldOf).filter((x) => x === f).length);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('makes every assignment with the given sizes equally likely (2 classes of 4, k = 2: 36 outcomes)', () => {
    const labels = Int32Array.from([0, 1, 1, 0, 0, 1, 0, 1]);
    const encoded = encodeLabels('test', 'labels', labels, 8);
    const cells = Int32Array.from([2, 2, 2, 2]);
    const seen = new Map<string, number>();
    const runs = 36 * 400;
    for (let seed = 0; seed < runs; seed++) {
      const key = Array.from(dealFolds(encoded, cells, 2, 8, seed).foldOf).join('');
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect(seen.size).toBe(36);
    // Chi-square with 35 degrees of freedom; 66.6 is the 0.999 quantile.
    expect(chiSquare(seen.values(), runs / 36)).toBeLessThan(66.6);
  });

  it('is uniform with unequal fold sizes (5 samples into sizes [2, 2, 1]: 30 outcomes)', () => {
    const seen = new Map<string, number>();
    const runs = 30 * 400;
    for (let seed = 0; seed < runs; seed++) {
      const key = Array.from(
        dealFolds(undefined, Int32Array.from([2, 2, 1]), 3, 5, seed).foldOf,
      ).join('');
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect(seen.size).toBe(30);
    // Chi-square with 29 degrees of freedom; 58.3 is the 0.999 quantile.
    expect(chiSquare(seen.values(), runs / 30)).toBeLessThan(58.3);
  });

  it('is uniform where most draws take the Fisher-Yates fallback (6 samples into [2, 2, 2]: 90 outcomes)', () => {
    const seen = new Map<string, number>();
    const runs = 90 * 200;
    for (let seed = 0; seed < runs; seed++) {
      const key = Array.from(
        dealFolds(undefined, Int32Array.from([2, 2, 2]), 3, 6, seed).foldOf,
      ).join('');
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect(seen.size).toBe(90);
    // Chi-square with 89 degrees of freedom; 135.9 is the 0.999 quantile.
    expect(chiSquare(seen.values(), runs / 90)).toBeLessThan(135.9);
  });

  it('deals k = 100,000 folds of 2 samples each (the Fisher-Yates fallback, linear in n)', () => {
    const n = 200_000;
    const k = 100_000;
    const sizes = new Int32Array(k).fill(2);
    const { foldOf } = dealFolds(undefined, sizes, k, n, 1);
    const counts = new Int32Array(k);
    for (const f of foldOf) counts[f]! += 1;
    expect(counts.every((c) => c === 2)).toBe(true);
  });

  it('uses int32 fold ids above 256 folds', () => {
    const n = 2000;
    const k = 300;
    const sizes = Int32Array.from({ length: k }, (_, f) => Math.floor(n / k) + (f < n % k ? 1 : 0));
    const { foldOf } = dealFolds(undefined, sizes, k, n, 4);
    expect(foldOf).toBeInstanceOf(Int32Array);
    const counts = new Array<number>(k).fill(0);
    for (const f of foldOf) counts[f]! += 1;
    expect(counts).toEqual(Array.from(sizes));
  });
});
