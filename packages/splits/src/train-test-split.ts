import { checkArguments } from '@trainkit/core';
import { createRandom } from '@trainkit/stats';
import { encodeLabels, type Labels } from './encode-labels';
import { drawPartition, partsOf } from './partition';
import { stratifiedPartition } from './ratio-split';
import { checkOptions, checkSampleCount, checkSeed } from './split-arguments';

/** Options of {@link trainTestSplit}. */
export interface TrainTestSplitOptions {
  /** Fraction of samples to test on, in (0, 1). Default 0.25 when `trainSize` is also absent. */
  readonly testSize?: number;
  /** Fraction of samples to train on, in (0, 1). Default: all samples not in the test set. */
  readonly trainSize?: number;
  /** Seed of the shuffle; required unless `shuffle` is false. */
  readonly seed?: number;
  /** Default `true`. `false`: train is the first samples, test the next ones (no stratification). */
  readonly shuffle?: boolean;
  /** Class labels to stratify by (length n), scikit-learn's `stratify=y`. */
  readonly stratify?: Labels;
}

/** Result of {@link trainTestSplit}: ascending index arrays. */
export interface TrainTestSplit {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/**
 * Two-way split with scikit-learn's `train_test_split` sizes, exactly:
 * `nTest = ceil(testSize * n)`, `nTrain = floor(trainSize * n)` or
 * `n - nTest` when `trainSize` is absent (computed with the same
 * floating-point products as scikit-learn, so the sizes agree for every n).
 * When both are given and sum below 1, the remaining samples are in neither
 * set. Unlike the ratio splits ({@link randomSplit}, largest remainder), the
 * test set is rounded up: 11 samples at 0.2 give 8 train / 3 test here and in
 * scikit-learn, 9 / 2 with `randomSplit`.
 *
 * Stratified (`stratify`): totals as above; per class the counts are within
 * one sample of exact, by the rule of {@link stratifiedSplit}. scikit-learn
 * breaks per-class ties at random, so its per-class counts can differ from
 * these by one while totals match. Indices are returned ascending, where
 * scikit-learn returns them shuffled; the members chosen differ (different
 * random generator).
 *
 * @param n - Number of samples, an integer >= 2.
 * @param options - `testSize`, `trainSize`, `seed`, `shuffle`, `stratify`.
 * @returns `{ train, test }`.
 * @throws InvalidArgumentError when a size is outside (0, 1), the sizes sum
 *   above 1, the train or test set would be empty, or a seed is missing.
 *
 * @example
 * ```ts
 * const { train, test } = trainTestSplit(10, { testSize: 0.25, seed: 0 });
 * [train.length, test.length]; // [7, 3], as scikit-learn
 * ```
 */
export function trainTestSplit(n: number, options: TrainTestSplitOptions): TrainTestSplit {
  const name = 'trainTestSplit';
  const check = checkArguments(name);
  checkOptions(name, options, '{ testSize: 0.2, seed: 42 }');
  const samples = checkSampleCount(name, n, 2);
  const fraction = {
    min: 0,
    max: 1,
    minInclusive: false,
    maxInclusive: false,
    fix: 'Pass a fraction of the samples, e.g. 0.2.',
  } as const;
  const testSize =
    options.testSize === undefined
      ? options.trainSize === undefined
        ? 0.25
        : undefined
      : check.number('testSize', options.testSize, fraction);
  const trainSize =
    options.trainSize === undefined
      ? undefined
      : check.number('trainSize', options.trainSize, fraction);
  if (testSize !== undefined && trainSize !== undefined && testSize + trainSize > 1) {
    check.fail(
      'trainSize',
      trainSize,
      `<= 1 - testSize = ${1 - testSize}`,
      'The two fractions must sum to at most 1.',
    );
  }
  let nTest = testSize === undefined ? 0 : Math.ceil(testSize * samples);
  const nTrain = trainSize === undefined ? samples - nTest : Math.floor(trainSize * samples);
  if (testSize === undefined) nTest = samples - nTrain;
  if (nTrain + nTest > samples) {
    check.fail(
      'trainSize',
      trainSize,
      `small enough that train + test fit in n = ${samples}`,
      'Lower trainSize or testSize.',
    );
  }
  if (nTrain === 0 || nTest === 0) {
    check.fail(
      nTrain === 0 ? 'trainSize' : 'testSize',
      nTrain === 0 ? (trainSize ?? 1 - (testSize ?? 0)) : (testSize ?? 1 - (trainSize ?? 0)),
      `large enough that the ${nTrain === 0 ? 'train' : 'test'} set is not empty (n = ${samples}, train ${nTrain}, test ${nTest})`,
      'Adjust testSize/trainSize or use more samples.',
    );
  }
  const rest = samples - nTrain - nTest;
  const sizes = Int32Array.from([nTrain, nTest, rest]);
  const shuffle = options.shuffle ?? true;
  check.boolean('shuffle', shuffle);
  if (!shuffle) {
    if (options.stratify !== undefined) {
      check.fail(
        'shuffle',
        shuffle,
        'true when stratify is given',
        'Stratified splits shuffle; pass a seed.',
      );
    }
    const train = new Int32Array(nTrain);
    for (let i = 0; i < nTrain; i++) train[i] = i;
    const test = new Int32Array(nTest);
    for (let i = 0; i < nTest; i++) test[i] = nTrain + i;
    return { train, test };
  }
  const random = createRandom({ seed: checkSeed(name, options.seed, true) });
  let parts: Int32Array[];
  if (options.stratify !== undefined) {
    const encoded = encodeLabels(name, 'stratify', options.stratify, samples);
    parts = stratifiedPartition(
      encoded,
      [nTrain / samples, nTest / samples, rest / samples],
      sizes,
      random,
    );
  } else {
    parts = partsOf(drawPartition(undefined, sizes, 3, samples, random));
  }
  return { train: parts[0]!, test: parts[1]! };
}
