import { InvalidArgumentError, ShapeMismatchError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import fixtures from '../fixtures/sklearn.json';
import { kFold } from './k-fold';
import { repeatedStratifiedKFold, stratifiedKFold } from './stratified-k-fold';
import { classCounts, expectPartitionFolds, referenceDeal } from './test-helpers';

describe('stratifiedKFold', () => {
  it.each(fixtures.stratifiedKFold.map((c) => [c.n, c.classes, c.k, c] as const))(
    'n = %i, %i classes, k = %i: sizes, class counts (and unshuffled indices) equal scikit-learn',
    (n, _classes, k, expected) => {
      const labels = expected.labels as (number | string)[];
      const counts = (folds: ReturnType<typeof stratifiedKFold>) =>
        [...folds].map((fold) => {
          const byClass = classCounts(labels, fold.validation);
          return expected.classOrder.map((value) => byClass.get(value) ?? 0);
        });
      const folds = stratifiedKFold(n, { k, labels: labels as string[] });
      expect(Array.from(folds.validationSizes)).toEqual(expected.testSizes);
      expect(counts(folds)).toEqual(expected.testClassCounts);
      if (expected.test !== undefined) {
        expect([...folds].map((f) => Array.from(f.validation))).toEqual(expected.test);
      }
      const shuffled = stratifiedKFold(n, {
        k,
        labels: labels as string[],
        shuffle: true,
        seed: 3,
      });
      expect(Array.from(shuffled.validationSizes)).toEqual(expected.shuffledTestSizes);
      expect(counts(shuffled)).toEqual(expected.shuffledTestClassCounts);
      expectPartitionFolds(shuffled, k);
    },
  );

  it('partitions, keeps every class within one sample of n_c / k, sizes differ by at most one (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 10, maxLength: 200 }),
        fc.integer({ min: 2, max: 6 }),
        fc.nat(100),
        (labels, k, seed) => {
          const counts = new Map<number, number>();
          for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
          fc.pre(Math.min(...counts.values()) >= k);
          const folds = stratifiedKFold(labels.length, { k, labels, shuffle: true, seed });
          expectPartitionFolds(folds, k);
          const sizes = Array.from(folds.validationSizes);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
          for (const fold of folds) {
            for (const [label, count] of counts) {
              const inFold = classCounts(labels, fold.validation).get(label) ?? 0;
              expect(Math.abs(inFold - count / k)).toBeLessThan(1);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('shuffles by its definition: folds dealt class by class (independent reference)', () => {
    // Classes in order of first appearance: 'b' (7 members), 'a' (5), 'c' (3); sorted
    // position j goes to fold j % 3, so the per-class fold counts are [3, 2, 2], [1, 2, 2], [1, 1, 1].
    const labels = 'bbabcabbacabcba'.split('');
    const codes = labels.map((label) => 'bac'.indexOf(label));
    const counts = [
      [3, 2, 2],
      [1, 2, 2],
      [1, 1, 1],
    ];
    for (const seed of [0, 1, 2, 3]) {
      const folds = stratifiedKFold(labels.length, { k: 3, labels, shuffle: true, seed });
      const foldOf = referenceDeal(codes, 3, (_size, c) => counts[c]!, seed);
      for (let f = 0; f < 3; f++) {
        expect(Array.from(folds.fold(f).validation)).toEqual(
          foldOf.flatMap((fold, i) => (fold === f ? [i] : [])),
        );
      }
    }
  });

  it('equals kFold on a single class', () => {
    const a = stratifiedKFold(37, {
      k: 4,
      labels: new Array(37).fill('x'),
      shuffle: true,
      seed: 5,
    });
    const b = kFold(37, { k: 4, shuffle: true, seed: 5 });
    expect([...a].map((f) => Array.from(f.validation))).toEqual(
      [...b].map((f) => Array.from(f.validation)),
    );
  });

  it('rejects a class with fewer than k members, k < 2, wrong label length, bad labels', () => {
    const labels = [0, 0, 0, 1, 1, 2, 2, 2];
    const call = () => stratifiedKFold(8, { k: 3, labels });
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(
      'stratifiedKFold: k must be an integer <= 2 (the smallest class, label 1, has 2 members), got 3. Every class needs at least k members: lower k, merge rare classes, or use kFold.',
    );
    expect(() => stratifiedKFold(8, { k: 1, labels })).toThrow(
      'stratifiedKFold: k must be an integer >= 2, got 1.',
    );
    expect(() => stratifiedKFold(9, { k: 2, labels })).toThrow(ShapeMismatchError);
    expect(() => stratifiedKFold(9, { k: 2, labels })).toThrow(
      'stratifiedKFold: labels.length must have shape 9, got 8. Pass one label per sample (n = 9).',
    );
    expect(() => stratifiedKFold(3, { k: 2, labels: [0, Number.NaN, 0] })).toThrow(
      'stratifiedKFold: labels[1] must be a finite number or a string, got NaN. Remove or relabel samples with a missing label.',
    );
    expect(() => stratifiedKFold(2, { k: 2, labels: 'ab' as never })).toThrow(
      'stratifiedKFold: labels must be an array or typed array with one value per sample',
    );
    expect(() => stratifiedKFold(0, { k: 2, labels: [] })).toThrow(
      'stratifiedKFold: n must be an integer >= 2',
    );
  });
});

describe('repeatedStratifiedKFold', () => {
  it('gives k * repeats stratified folds, different per repetition', () => {
    const labels = Int32Array.from({ length: 60 }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const folds = repeatedStratifiedKFold(60, { k: 5, repeats: 2, labels, seed: 0 });
    expect(folds.length).toBe(10);
    expectPartitionFolds(folds, 5);
    for (const fold of folds) expect(classCounts(labels, fold.validation).get(1)).toBe(3);
    expect(Array.from(folds.fold(0).validation)).not.toEqual(Array.from(folds.fold(5).validation));
  });
});
