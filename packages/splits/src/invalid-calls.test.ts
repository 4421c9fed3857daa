// Every splitter called wrongly: a typed trainkit error naming the function and the argument
// (a rejected promise for the async crossValidate).
import { TrainkitError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import * as s from './index';

const cases: [string, () => unknown, string][] = [
  [
    'randomSplit options null',
    () => s.randomSplit(10, null as never),
    'randomSplit: options must be an object like { ratios: [0.8, 0.1, 0.1], seed: 42 }, got null.',
  ],
  [
    'randomSplit n -1',
    () => s.randomSplit(-1, { ratios: [0.5, 0.5], seed: 1 }),
    'randomSplit: n must be an integer >= 1 and <= 2147483647, got -1.',
  ],
  [
    'randomSplit ratios summing to 2',
    () => s.randomSplit(10, { ratios: [1, 1], seed: 1 }),
    'randomSplit: ratios must be fractions summing to 1 (within 1e-9), their sum is 2, got [1, 1].',
  ],
  [
    'randomSplit without a seed',
    () => s.randomSplit(10, { ratios: [0.5, 0.5] }),
    'randomSplit: seed must be an integer, got undefined.',
  ],
  [
    'stratifiedSplit labels too short',
    () => s.stratifiedSplit(4, { ratios: [0.5, 0.5], labels: [0, 1], seed: 1 }),
    'stratifiedSplit: labels.length must have shape 4, got 2.',
  ],
  [
    'groupSplit without groups',
    () => s.groupSplit(4, { ratios: [0.5, 0.5], seed: 1 } as never),
    'groupSplit: groups must be an array or typed array with one value per sample, got undefined.',
  ],
  [
    'trainTestSplit a one-sample class',
    () => s.trainTestSplit(5, { testSize: 0.4, stratify: [0, 0, 1, 1, 2], seed: 1 }),
    'trainTestSplit: stratify must be labels with at least 2 samples of every class',
  ],
  [
    'trainValidationTestSplit options null',
    () => s.trainValidationTestSplit(10, null as never),
    'trainValidationTestSplit: options must be an object like',
  ],
  ['kFold k 1', () => s.kFold(10, { k: 1 }), 'kFold: k must be an integer >= 2, got 1.'],
  [
    'kFold k > n',
    () => s.kFold(3, { k: 5 }),
    'kFold: k must be an integer <= 3 (n, the number of samples), got 5.',
  ],
  [
    'repeatedKFold repeats 0',
    () => s.repeatedKFold(10, { k: 2, repeats: 0, seed: 1 }),
    'repeatedKFold: repeats must be an integer >= 1, got 0.',
  ],
  [
    'stratifiedKFold labels null',
    () => s.stratifiedKFold(10, { k: 2, labels: null as never }),
    'stratifiedKFold: labels must be an array or typed array with one value per sample, got null.',
  ],
  [
    'stratifiedKFold a class smaller than k',
    () => s.stratifiedKFold(6, { k: 3, labels: [0, 0, 0, 0, 0, 1] }),
    'stratifiedKFold: k must be an integer <= 1 (the smallest class, label 1, has 1 member), got 3.',
  ],
  [
    'groupKFold fewer groups than k',
    () => s.groupKFold(4, { k: 3, groups: [0, 0, 1, 1] }),
    'groupKFold: k must be an integer <= 2 (the number of distinct groups), got 3.',
  ],
  [
    'leaveOneOut(1)',
    () => s.leaveOneOut(1),
    'leaveOneOut: n must be an integer >= 2 and <= 2147483647, got 1.',
  ],
  [
    'timeSeriesSplit k too large',
    () => s.timeSeriesSplit(10, { k: 10 }),
    'timeSeriesSplit: k must be an integer >= 2 and <= 9, got 10.',
  ],
  [
    'miniBatches batchSize 0',
    () => s.miniBatches([0, 1], { batchSize: 0, seed: 1 }),
    'miniBatches: batchSize must be an integer >= 1, got 0.',
  ],
  [
    'miniBatches string indices',
    () => s.miniBatches(['a'] as never, { batchSize: 1, seed: 1 }),
    'miniBatches: samples[0] must be a non-negative integer index, got "a".',
  ],
  [
    'batchCount batchSize 0',
    () => s.batchCount(10, 0),
    'batchCount: batchSize must be an integer >= 1, got 0.',
  ],
  [
    'prefetchBatches not iterable',
    () => s.prefetchBatches(5 as never, (x) => x),
    'prefetchBatches: source must be an iterable or async iterable, got 5.',
  ],
  [
    'prefetchBatches depth 0',
    () => s.prefetchBatches([[0]], (x) => x, { depth: 0 }),
    'prefetchBatches: depth must be an integer >= 1, got 0.',
  ],
  [
    'validationSubsets options null',
    () => s.validationSubsets(null as never),
    'validationSubsets: options must be an object like',
  ],
  [
    'splitSizes a negative ratio',
    () => s.splitSizes(10, [-0.5, 1.5]),
    'splitSizes: ratios[0] must be a finite number >= 0 and <= 1, got -0.5.',
  ],
  [
    'splitSizes n NaN',
    () => s.splitSizes(Number.NaN, [0.5, 0.5]),
    'splitSizes: n must be an integer >= 0, got NaN.',
  ],
  [
    'crossValidate folds null',
    () => s.crossValidate(null as never, () => ({ accuracy: 1 })),
    'crossValidate: folds must be',
  ],
];

describe('invalid calls: typed errors naming the function and the argument', () => {
  it.each(cases)('%s', async (_name, call, message) => {
    let caught: unknown;
    try {
      await call();
    } catch (error) {
      caught = error;
    }
    expect(TrainkitError.isInstance(caught), String(caught)).toBe(true);
    expect((caught as Error).message.startsWith(message), (caught as Error).message).toBe(true);
  });
});
