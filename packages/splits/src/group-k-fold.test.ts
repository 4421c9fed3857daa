import { InvalidArgumentError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import fixtures from '../fixtures/sklearn.json';
import { groupKFold } from './group-k-fold';
import { expectPartitionFolds } from './test-helpers';

describe('groupKFold', () => {
  it.each(fixtures.groupKFold.map((c) => [c.n, c.k, c.distinctSizes, c] as const))(
    'n = %i, k = %i (distinct group sizes: %s): fold sizes (and indices) equal scikit-learn GroupKFold',
    (n, k, distinct, expected) => {
      const folds = groupKFold(n, { k, groups: expected.groups });
      expect(Array.from(folds.validationSizes)).toEqual(expected.testSizes);
      expectPartitionFolds(folds, k);
      if (distinct) {
        expect([...folds].map((f) => Array.from(f.validation))).toEqual(expected.test);
      }
      const seeded = groupKFold(n, { k, groups: expected.groups, seed: 4 });
      expect(Array.from(seeded.validationSizes)).toEqual(expected.testSizes);
    },
  );

  it('never puts a group on both sides (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 5, maxLength: 150 }),
        fc.integer({ min: 2, max: 5 }),
        (groups, k) => {
          fc.pre(new Set(groups).size >= k);
          const folds = groupKFold(groups.length, { k, groups });
          expectPartitionFolds(folds, k);
          for (const fold of folds) {
            const validationGroups = new Set(Array.from(fold.validation, (i) => groups[i]));
            for (const i of fold.train) expect(validationGroups.has(groups[i]!)).toBe(false);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('assigns the largest groups first to the lightest fold (documented example)', () => {
    const groups = ['a', 'a', 'b', 'b', 'b', 'c', 'd', 'd'];
    const folds = groupKFold(groups.length, { k: 2, groups });
    expect([...folds].map((f) => Array.from(f.validation))).toEqual([
      [2, 3, 4, 5],
      [0, 1, 6, 7],
    ]);
  });

  it('rejects fewer groups than k', () => {
    const call = () => groupKFold(6, { k: 4, groups: [1, 1, 2, 2, 3, 3] });
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(
      'groupKFold: k must be an integer <= 3 (the number of distinct groups), got 4. Each fold needs at least one whole group: lower k or split the data into more groups.',
    );
    expect(() => groupKFold(6, { k: 2, groups: [1, 1, 2] })).toThrow(
      'groupKFold: groups.length must have shape 6, got 3. Pass one group id per sample (n = 6).',
    );
  });
});
