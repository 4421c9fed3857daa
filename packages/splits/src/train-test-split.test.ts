import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import fixtures from '../fixtures/sklearn.json';
import { classCounts, expectPartition } from './test-helpers';
import { trainTestSplit } from './train-test-split';

const sizeOptions = (c: { testSize: number | null; trainSize: number | null }) => ({
  ...(c.testSize === null ? {} : { testSize: c.testSize }),
  ...(c.trainSize === null ? {} : { trainSize: c.trainSize }),
});

describe('trainTestSplit', () => {
  const plain = fixtures.trainTestSplit.plain;
  type Case = {
    n: number;
    testSize: number | null;
    trainSize: number | null;
    train: number;
    test: number;
  };
  const valid = plain.filter((c) => !('error' in c)) as Case[];
  const invalid = plain.filter((c) => 'error' in c);

  it(`has scikit-learn train_test_split sizes in all ${valid.length} valid fixture cases`, () => {
    const mismatches = [];
    for (const c of valid) {
      const { train, test } = trainTestSplit(c.n, { ...sizeOptions(c), seed: 0 });
      if (train.length !== c.train || test.length !== c.test)
        mismatches.push({ case: c, got: [train.length, test.length] });
      if (c.testSize === null || c.trainSize === null) expectPartition([train, test], c.n);
    }
    expect(mismatches).toEqual([]);
  });

  it(`rejects the ${invalid.length} fixture cases that scikit-learn rejects (empty train set)`, () => {
    for (const c of invalid) {
      expect(() => trainTestSplit(c.n, { ...sizeOptions(c), seed: 0 })).toThrow(
        InvalidArgumentError,
      );
    }
  });

  it.each(fixtures.trainTestSplit.stratified.map((c) => [c.n, c.classes, c.testSize, c] as const))(
    'stratified n = %i, %i classes, test %f: totals equal scikit-learn, classes within one of exact and of scikit-learn',
    (n, _classes, testSize, expected) => {
      const labels = expected.labels;
      const { train, test } = trainTestSplit(n, { testSize, stratify: labels, seed: 0 });
      expect([train.length, test.length]).toEqual([expected.train, expected.test]);
      expectPartition([train, test], n);
      const totals = classCounts(
        labels,
        Array.from({ length: n }, (_, i) => i),
      );
      const counts = classCounts(labels, test);
      expected.classOrder.forEach((label, c) => {
        const mine = counts.get(label) ?? 0;
        expect(Math.abs(mine - (totals.get(label)! * expected.test) / n)).toBeLessThan(1);
        expect(Math.abs(mine - expected.testClassCounts[c]!)).toBeLessThanOrEqual(1);
      });
    },
  );

  it('documents the difference to the largest-remainder ratio splits: 11 at 0.2 -> 8 / 3', () => {
    const { train, test } = trainTestSplit(11, { testSize: 0.2, seed: 1 });
    expect([train.length, test.length]).toEqual([8, 3]);
    const ordered = trainTestSplit(5, { testSize: 0.4, shuffle: false });
    expect([Array.from(ordered.train), Array.from(ordered.test)]).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
  });

  it('leaves samples out when trainSize + testSize < 1', () => {
    const { train, test } = trainTestSplit(100, { trainSize: 0.5, testSize: 0.2, seed: 1 });
    expect([train.length, test.length]).toEqual([50, 20]);
    expect(new Set([...train, ...test]).size).toBe(70);
  });

  it('rejects bad sizes with messages naming the argument', () => {
    expect(() => trainTestSplit(10, { testSize: 1.5, seed: 0 })).toThrow(
      'trainTestSplit: testSize must be a finite number > 0 and < 1, got 1.5. Pass a fraction of the samples, e.g. 0.2.',
    );
    expect(() => trainTestSplit(10, { testSize: 0.5, trainSize: 0.6, seed: 0 })).toThrow(
      'trainTestSplit: trainSize must be <= 1 - testSize = 0.5, got 0.6. The two fractions must sum to at most 1.',
    );
    expect(() => trainTestSplit(2, { testSize: 0.9, seed: 0 })).toThrow(
      'trainTestSplit: trainSize must be large enough that the train set is not empty (n = 2, train 0, test 2), got 0.09999999999999998. Adjust testSize/trainSize or use more samples.',
    );
    expect(() =>
      trainTestSplit(10, {
        testSize: 0.2,
        shuffle: false,
        stratify: [0, 1, 0, 1, 0, 1, 0, 1, 0, 1],
      }),
    ).toThrow('trainTestSplit: shuffle must be true when stratify is given');
  });
});
