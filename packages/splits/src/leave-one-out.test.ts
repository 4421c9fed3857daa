import { describe, expect, it } from 'vitest';
import fixtures from '../fixtures/sklearn.json';
import { leaveOneOut } from './leave-one-out';

describe('leaveOneOut', () => {
  it.each(fixtures.leaveOneOut.map((c) => [c.n, c] as const))(
    'n = %i: folds equal scikit-learn LeaveOneOut',
    (n, expected) => {
      const folds = leaveOneOut(n);
      expect([...folds].map((f) => [Array.from(f.train), Array.from(f.validation)])).toEqual(
        expected.folds,
      );
    },
  );

  it('builds folds lazily (n = 100000 folds without n^2 memory)', () => {
    const folds = leaveOneOut(100_000);
    expect(folds.length).toBe(100_000);
    const fold = folds.fold(99_999);
    expect(Array.from(fold.validation)).toEqual([99_999]);
    expect(fold.train.length).toBe(99_999);
    expect(fold.train[99_998]).toBe(99_998);
  });

  it('rejects fewer than 2 samples', () => {
    expect(() => leaveOneOut(1)).toThrow(
      'leaveOneOut: n must be an integer >= 2 and <= 2147483647, got 1. Pass the number of samples; at least 2 are needed.',
    );
  });
});
