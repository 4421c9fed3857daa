import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import fixtures from '../fixtures/sklearn.json';
import { timeSeriesSplit } from './time-series-split';

const range = (start: number, end: number) =>
  Array.from({ length: end - start }, (_, i) => start + i);

describe('timeSeriesSplit', () => {
  it.each(
    fixtures.timeSeriesSplit.map(
      (c) => [c.n, c.k, c.gap, c.maxTrainSize ?? 'none', c.testSize ?? 'default', c] as const,
    ),
  )(
    'n = %i, k = %i, gap %i, max train %s, test size %s: indices equal scikit-learn TimeSeriesSplit',
    (n, k, gap, _m, _t, expected) => {
      const folds = timeSeriesSplit(n, {
        k,
        gap,
        ...(expected.maxTrainSize === null ? {} : { maxTrainSize: expected.maxTrainSize }),
        ...(expected.testSize === null ? {} : { testSize: expected.testSize }),
      });
      expect(folds.length).toBe(expected.folds.length);
      [...folds].forEach((fold, i) => {
        const want = expected.folds[i]!;
        expect(Array.from(fold.train)).toEqual(range(want.train[0]!, want.train[1]!));
        expect(Array.from(fold.validation)).toEqual(range(want.test[0]!, want.test[1]!));
        // Nothing from the future is trained on.
        expect(fold.train[fold.train.length - 1]! + gap).toBeLessThan(fold.validation[0]!);
      });
    },
  );

  it('rejects too many splits for the data', () => {
    expect(() => timeSeriesSplit(5, { k: 5 })).toThrow(InvalidArgumentError);
    expect(() => timeSeriesSplit(5, { k: 5 })).toThrow(
      'timeSeriesSplit: k must be an integer >= 2 and <= 4, got 5. k + 1 blocks must fit in the samples',
    );
    expect(() => timeSeriesSplit(10, { k: 3, testSize: 3, gap: 1 })).toThrow(
      'timeSeriesSplit: k must be small enough that n - gap - k * testSize > 0 (n = 10, gap = 1, testSize = 3), got 3.',
    );
    expect(() => timeSeriesSplit(10, { k: 1 })).toThrow(
      'timeSeriesSplit: k must be an integer >= 2',
    );
    expect(() => timeSeriesSplit(10, { k: 2, gap: -1 })).toThrow(
      'timeSeriesSplit: gap must be an integer >= 0, got -1.',
    );
  });
});
