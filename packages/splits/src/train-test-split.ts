import { checkArguments, formatValue } from '@trainkit/core';
import { createRandom } from '@trainkit/stats';
import { type EncodedLabels, encodeLabels, type Labels } from './encode-labels';
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
 * Like scikit-learn, a stratified split is refused when a class has a single
 * sample, or when the train or the test set is smaller than the number of
 * classes (it could not hold a sample of each); the error says how many
 * samples the set needs and which size would give them.
 *
 * @throws InvalidArgumentError when a size is outside (0, 1), the sizes sum
 *   above 1, the train or test set would be empty, a seed is missing, or a
 *   stratified split cannot hold every class in both sets.
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
  const { nTrain, nTest } = setSizes(samples, testSize, trainSize);
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
    checkStratifiable(name, options.stratify, encoded, {
      samples,
      nTrain,
      nTest,
      testSize,
      trainSize,
    });
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

interface SplitSizes {
  readonly samples: number;
  readonly nTrain: number;
  readonly nTest: number;
  readonly testSize: number | undefined;
  readonly trainSize: number | undefined;
}

/**
 * scikit-learn's refusals of a stratified split (StratifiedShuffleSplit, in its
 * order): a class with one sample, a train set or a test set smaller than the
 * number of classes.
 */
function checkStratifiable(
  name: string,
  labels: Labels,
  encoded: EncodedLabels,
  sizes: SplitSizes,
): void {
  const check = checkArguments(name);
  const classes = encoded.classCount;
  const single = encoded.counts.indexOf(1);
  if (single >= 0) {
    check.fail(
      'stratify',
      labels,
      'labels with at least 2 samples of every class (one for train, one for test)',
      `Class ${formatValue(encoded.values[single])} has 1 sample: merge or drop the rare classes, or split without stratify.`,
    );
  }
  const { samples, nTrain, nTest, testSize, trainSize } = sizes;
  for (const set of ['train', 'test'] as const) {
    const count = set === 'train' ? nTrain : nTest;
    if (count >= classes) continue;
    const own = set === 'train' ? trainSize : testSize;
    const other = set === 'train' ? testSize : trainSize;
    // The set's own fraction if the caller gave it, else the other set's.
    const raise = own !== undefined;
    const argument = (raise ? `${set}Size` : `${set === 'train' ? 'test' : 'train'}Size`) as
      | 'testSize'
      | 'trainSize';
    const bound = fractionFor(sizes, classes, set, argument, raise);
    check.fail(
      argument,
      raise ? own : other,
      `${raise ? 'large' : 'small'} enough that the ${set} set holds a sample of each of the ${classes} classes (${set} ${count} of n = ${samples}; it needs at least ${classes}, ${argument} ${raise ? '>=' : '<='} ${bound})`,
      `${raise ? 'Raise' : 'Lower'} ${argument}, or split without stratify.`,
    );
  }
}

/** scikit-learn's sizes: ceil for the test set, floor for the train set, the rest to the other. */
function setSizes(
  samples: number,
  testSize: number | undefined,
  trainSize: number | undefined,
): { nTrain: number; nTest: number } {
  const test = testSize === undefined ? undefined : Math.ceil(testSize * samples);
  const nTrain = trainSize === undefined ? samples - (test ?? 0) : Math.floor(trainSize * samples);
  return { nTrain, nTest: test ?? samples - nTrain };
}

/**
 * The 4-decimal value of `argument` nearest to the failing one that gives the
 * set `classes` samples by {@link setSizes} (the other fraction unchanged).
 */
function fractionFor(
  sizes: SplitSizes,
  classes: number,
  set: 'train' | 'test',
  argument: 'testSize' | 'trainSize',
  raise: boolean,
): number {
  const { samples, testSize, trainSize } = sizes;
  const countOf = (value: number): number => {
    const { nTrain, nTest } =
      argument === 'testSize'
        ? setSizes(samples, value, trainSize)
        : setSizes(samples, testSize, value);
    return set === 'train' ? nTrain : nTest;
  };
  const step = 1e-4;
  const start = raise ? classes / samples : (samples - classes) / samples;
  let value = (raise ? Math.ceil(start / step) : Math.floor(start / step)) * step;
  for (let i = 0; i < 10_000 && countOf(value) < classes; i++) value += raise ? step : -step;
  return Number(value.toFixed(4));
}
