import { InvalidArgumentError } from '@trainkit/core';
import { deriveSeed } from '@trainkit/stats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import fixtures from '../fixtures/sklearn.json';
import { kFold, repeatedKFold } from './k-fold';
import { expectPartitionFolds, referenceDeal } from './test-helpers';

describe('kFold', () => {
  it.each(fixtures.kFold.map((c) => [c.n, c.k, c] as const))(
    'n = %i, k = %i: fold sizes (and unshuffled indices) equal scikit-learn KFold',
    (n, k, expected) => {
      const folds = kFold(n, { k });
      expect(Array.from(folds.validationSizes)).toEqual(expected.testSizes);
      const shuffled = kFold(n, { k, shuffle: true, seed: 0 });
      expect(Array.from(shuffled.validationSizes)).toEqual(expected.shuffledTestSizes);
      if (expected.test !== undefined) {
        expect([...folds].map((f) => Array.from(f.validation))).toEqual(expected.test);
        expect([...folds].map((f) => Array.from(f.train))).toEqual(expected.train);
      } else {
        const first = folds.fold(0);
        expect(first.train.length).toBe(expected.trainSizes[0]);
      }
    },
  );

  it('partitions the samples, sizes differ by at most one, train and validation disjoint (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 300 }),
        fc.integer({ min: 2, max: 20 }),
        fc.boolean(),
        fc.nat(1000),
        (n, kRaw, shuffle, seed) => {
          const k = Math.min(kRaw, n);
          const folds = kFold(n, { k, shuffle, seed });
          expect(folds.length).toBe(k);
          expectPartitionFolds(folds, k);
          const sizes = Array.from(folds.validationSizes);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('shuffles deterministically by seed', () => {
    const a = [...kFold(50, { k: 5, shuffle: true, seed: 9 })].map((f) => Array.from(f.validation));
    const b = [...kFold(50, { k: 5, shuffle: true, seed: 9 })].map((f) => Array.from(f.validation));
    const c = [...kFold(50, { k: 5, shuffle: true, seed: 10 })].map((f) =>
      Array.from(f.validation),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    // Definition (dealFolds): fold digits from PCG32(seed, stream 0), corrected to the fold
    // sizes with picks from PCG32(seed, stream 1); written out independently in test-helpers.
    const foldOf = referenceDeal(new Array<number>(50).fill(0), 5, () => [10, 10, 10, 10, 10], 9);
    for (let f = 0; f < 5; f++) {
      expect(a[f]).toEqual(foldOf.flatMap((fold, i) => (fold === f ? [i] : [])));
    }
  });

  it('is iterable again, and fold(i) equals the i-th iterated fold', () => {
    const folds = kFold(7, { k: 3, shuffle: true, seed: 1 });
    const once = [...folds].map((f) => Array.from(f.validation));
    expect([...folds].map((f) => Array.from(f.validation))).toEqual(once);
    expect(Array.from(folds.fold(1).validation)).toEqual(once[1]);
    expect(() => folds.fold(3)).toThrow(
      'kFold().fold: index must be an integer >= 0 and <= 2, got 3. There are 3 folds.',
    );
  });

  it('rejects k < 2, k > n, empty data and a missing seed', () => {
    expect(() => kFold(10, { k: 1 })).toThrow(InvalidArgumentError);
    expect(() => kFold(10, { k: 1 })).toThrow(
      'kFold: k must be an integer >= 2, got 1. Use at least 2 folds; for a single hold-out split use trainTestSplit or randomSplit.',
    );
    expect(() => kFold(5, { k: 6 })).toThrow(
      'kFold: k must be an integer <= 5 (n, the number of samples), got 6. Use fewer folds, or leaveOneOut for one sample per fold.',
    );
    expect(() => kFold(0, { k: 2 })).toThrow(
      'kFold: n must be an integer >= 2 and <= 2147483647, got 0.',
    );
    expect(() => kFold(10, { k: 2, shuffle: true })).toThrow(
      'kFold: seed must be an integer, got undefined. Pass seed: <integer> so that the result is reproducible',
    );
    expect(() => kFold(10, null as never)).toThrow(
      'kFold: options must be an object like { k: 5 }, got null.',
    );
  });
});

describe('repeatedKFold', () => {
  it('repeats independent shuffled k-folds; repetition r is kFold with deriveSeed(seed, r)', () => {
    const folds = repeatedKFold(23, { k: 4, repeats: 3, seed: 5 });
    expect(folds.length).toBe(12);
    expectPartitionFolds(folds, 4);
    for (let r = 0; r < 3; r++) {
      const single = kFold(23, { k: 4, shuffle: true, seed: deriveSeed(5, r) });
      for (let f = 0; f < 4; f++) {
        expect(Array.from(folds.fold(r * 4 + f).validation)).toEqual(
          Array.from(single.fold(f).validation),
        );
      }
    }
    expect(Array.from(folds.fold(0).validation)).not.toEqual(Array.from(folds.fold(4).validation));
  });

  it('rejects repeats < 1', () => {
    expect(() => repeatedKFold(10, { k: 2, repeats: 0, seed: 1 })).toThrow(
      'repeatedKFold: repeats must be an integer >= 1, got 0.',
    );
  });
});
