import { checkArguments } from '@trainkit/core';
import { createFolds, type Folds } from './folds';
import { checkOptions, checkSampleCount } from './split-arguments';

/** Options of {@link timeSeriesSplit}. */
export interface TimeSeriesSplitOptions {
  /** Number of splits, an integer >= 2 (scikit-learn's `n_splits`). */
  readonly k: number;
  /** Samples left out between the end of training and the start of validation (default 0). */
  readonly gap?: number;
  /** Keep only the most recent `maxTrainSize` training samples (default: all). */
  readonly maxTrainSize?: number;
  /** Validation size of every split (default `floor(n / (k + 1))`). */
  readonly testSize?: number;
}

/**
 * Time-series cross-validation (scikit-learn's `TimeSeriesSplit`, index for
 * index): samples are in time order; split i validates on
 * `[n - (k - i) * testSize, n - (k - i - 1) * testSize)` and trains on
 * everything before it minus `gap` samples, optionally only the last
 * `maxTrainSize` of those. Training sets grow; nothing from the future is
 * ever trained on.
 *
 * @param n - Number of samples in time order.
 * @param options - `k`, `gap`, `maxTrainSize`, `testSize`.
 * @returns k folds (validation sets of equal size, later ones last).
 * @throws InvalidArgumentError when `k + 1 > n` or `n - gap - k * testSize <= 0`
 *   (the first split would have no training data).
 *
 * @example
 * ```ts
 * const folds = timeSeriesSplit(6, { k: 3 });
 * Array.from(folds, (f) => [Array.from(f.train), Array.from(f.validation)]);
 * // [[[0, 1, 2], [3]], [[0, 1, 2, 3], [4]], [[0, 1, 2, 3, 4], [5]]]
 * ```
 */
export function timeSeriesSplit(n: number, options: TimeSeriesSplitOptions): Folds {
  const name = 'timeSeriesSplit';
  const check = checkArguments(name);
  checkOptions(name, options, '{ k: 5 }');
  const samples = checkSampleCount(name, n, 3);
  const k = check.integer('k', options.k, {
    min: 2,
    max: samples - 1,
    fix: 'k + 1 blocks must fit in the samples: use between 2 and n - 1 splits.',
  });
  const gap = check.integer('gap', options.gap ?? 0, { min: 0 });
  const testSize =
    options.testSize === undefined
      ? Math.floor(samples / (k + 1))
      : check.integer('testSize', options.testSize, { min: 1 });
  const maxTrainSize =
    options.maxTrainSize === undefined
      ? undefined
      : check.integer('maxTrainSize', options.maxTrainSize, { min: 1 });
  if (samples - gap - testSize * k <= 0) {
    check.fail(
      'k',
      k,
      `small enough that n - gap - k * testSize > 0 (n = ${samples}, gap = ${gap}, testSize = ${testSize})`,
      'Use fewer splits, a smaller testSize or gap, or more samples.',
    );
  }
  const firstTestStart = samples - k * testSize;
  return createFolds(name, samples, new Int32Array(k).fill(testSize), (index) => {
    const testStart = firstTestStart + index * testSize;
    const trainEnd = testStart - gap;
    const trainStart =
      maxTrainSize !== undefined && maxTrainSize < trainEnd ? trainEnd - maxTrainSize : 0;
    const train = new Int32Array(trainEnd - trainStart);
    for (let i = 0; i < train.length; i++) train[i] = trainStart + i;
    const validation = new Int32Array(testSize);
    for (let i = 0; i < testSize; i++) validation[i] = testStart + i;
    return { index, repetition: 0, train, validation };
  });
}
