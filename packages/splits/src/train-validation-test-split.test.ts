import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { groupSplit, randomSplit, stratifiedSplit } from './ratio-split';
import { classCounts, expectPartition } from './test-helpers';
import { trainValidationTestSplit } from './train-validation-test-split';

describe('trainValidationTestSplit', () => {
  const labels = Int32Array.from({ length: 1000 }, (_, i) => i % 10);
  const groups = Int32Array.from({ length: 1000 }, (_, i) => Math.floor(i / 5));

  it('splits 60/20/20 and 80/10/10 into a partition', () => {
    for (const ratios of [
      [0.6, 0.2, 0.2],
      [0.8, 0.1, 0.1],
    ] as const) {
      const { train, validation, test } = trainValidationTestSplit(1000, {
        ratios: [...ratios],
        seed: 42,
      });
      expect([train.length, validation.length, test.length]).toEqual(ratios.map((r) => r * 1000));
      expectPartition([train, validation, test], 1000);
    }
  });

  it('delegates to randomSplit, stratifiedSplit and groupSplit with the same seed', () => {
    const ratios: [number, number, number] = [0.8, 0.1, 0.1];
    const plain = trainValidationTestSplit(1000, { ratios, seed: 3 });
    expect([plain.train, plain.validation, plain.test]).toEqual(
      randomSplit(1000, { ratios, seed: 3 }),
    );
    const stratified = trainValidationTestSplit(1000, { ratios, seed: 3, stratify: labels });
    expect([stratified.train, stratified.validation, stratified.test]).toEqual(
      stratifiedSplit(1000, { ratios, seed: 3, labels }),
    );
    for (let c = 0; c < 10; c++) expect(classCounts(labels, stratified.test).get(c)).toBe(10);
    const grouped = trainValidationTestSplit(1000, { ratios, seed: 3, groups });
    expect([grouped.train, grouped.validation, grouped.test]).toEqual(
      groupSplit(1000, { ratios, seed: 3, groups }),
    );
  });

  it('rejects stratify together with groups, and not three ratios', () => {
    expect(() =>
      trainValidationTestSplit(1000, {
        ratios: [0.8, 0.1, 0.1],
        seed: 1,
        stratify: labels,
        groups,
      }),
    ).toThrow(InvalidArgumentError);
    expect(() => trainValidationTestSplit(10, { ratios: [0.8, 0.2] as never, seed: 1 })).toThrow(
      'trainValidationTestSplit: ratios must be three fractions [train, validation, test], got [0.8, 0.2]. E.g. [0.8, 0.1, 0.1].',
    );
    expect(() =>
      trainValidationTestSplit(10, { ratios: [0.8, 0.1, 0.1], seed: 1, stratify: [1, 2] }),
    ).toThrow('trainValidationTestSplit: stratify.length must have shape 10, got 2.');
  });
});
