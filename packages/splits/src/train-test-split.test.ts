import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import fixtures from '../fixtures/sklearn.json';
import refusals from '../fixtures/sklearn-stratify-refusals.json';
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

  describe(`stratified splits scikit-learn ${refusals.sklearn} refuses are refused (${refusals.cases.length} cases)`, () => {
    const argumentFor = {
      // The set that is too small is named by the size the caller gave for it, else by the other one.
      train: (c: { trainSize: number | null }) => (c.trainSize === null ? 'testSize' : 'trainSize'),
      test: (c: { testSize: number | null }) => (c.testSize === null ? 'trainSize' : 'testSize'),
      class: () => 'stratify',
    } as const;
    it('accepts what scikit-learn accepts, with its sizes; refuses the rest with a typed error naming the cause', () => {
      const wrong: unknown[] = [];
      for (const c of refusals.cases) {
        const n = c.labels.length;
        const call = () => trainTestSplit(n, { ...sizeOptions(c), stratify: c.labels, seed: 0 });
        if (c.ok) {
          const { train, test } = call();
          if (train.length !== c.train || test.length !== c.test)
            wrong.push({ c, got: [train.length, test.length] });
          continue;
        }
        let error: unknown;
        try {
          call();
        } catch (caught) {
          error = caught;
        }
        const refused = c.refused as string;
        const expected =
          refused in argumentFor ? argumentFor[refused as keyof typeof argumentFor](c) : undefined;
        // The fraction the message suggests gives the set its samples.
        const bound = /(\w+Size) [<>]= ([\d.]+)\)/.exec(String((error as Error)?.message));
        if (bound !== null) {
          const retry = { ...sizeOptions(c), [bound[1]!]: Number(bound[2]) };
          try {
            trainTestSplit(n, { ...retry, stratify: c.labels, seed: 0 });
          } catch (again) {
            if (String(again).includes(`the ${refused} set holds`))
              wrong.push({ retry, again: String(again) });
          }
        }
        if (
          !InvalidArgumentError.isInstance(error) ||
          (expected !== undefined && error.argument !== expected)
        ) {
          wrong.push({
            refused,
            expected,
            got: String(error),
            labels: c.labels,
            testSize: c.testSize,
            trainSize: c.trainSize,
          });
        }
      }
      expect(wrong.slice(0, 3)).toEqual([]);
    });

    it('says how many samples each set needs', () => {
      // 5 classes of 4: 20 samples; testSize 0.15 gives 3 test samples.
      const labels = Array.from({ length: 20 }, (_, i) => i % 5);
      expect(() => trainTestSplit(20, { testSize: 0.15, stratify: labels, seed: 0 })).toThrow(
        'trainTestSplit: testSize must be large enough that the test set holds a sample of each of the 5 classes (test 3 of n = 20; it needs at least 5, testSize >= 0.25), got 0.15. Raise testSize, or split without stratify.',
      );
      expect(() => trainTestSplit(20, { testSize: 0.85, stratify: labels, seed: 0 })).toThrow(
        'trainTestSplit: testSize must be small enough that the train set holds a sample of each of the 5 classes (train 3 of n = 20; it needs at least 5, testSize <= 0.75), got 0.85. Lower testSize, or split without stratify.',
      );
      expect(() =>
        trainTestSplit(9, { testSize: 0.5, stratify: [0, 0, 0, 0, 1, 1, 1, 1, 2], seed: 0 }),
      ).toThrow(
        'trainTestSplit: stratify must be labels with at least 2 samples of every class (one for train, one for test), got [0, 0, 0, 0, 1, 1, 1, 1, … (9 items)]. Class 2 has 1 sample: merge or drop the rare classes, or split without stratify.',
      );
    });
  });
});
