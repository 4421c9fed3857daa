import { checkArguments } from '@trainkit/core';
import { deriveSeed } from '@trainkit/stats';
import { dealFolds } from './deal-folds';
import { contiguousFold, createFolds, equalFoldSizes, type Folds, partitionFolds } from './folds';
import { checkFoldCount, checkOptions, checkSampleCount, checkSeed } from './split-arguments';

/** Options of {@link kFold}. */
export interface KFoldOptions {
  /** Number of folds, an integer in [2, n] (scikit-learn's `n_splits`). */
  readonly k: number;
  /** Assign samples to folds at random (default `false`: contiguous blocks, like scikit-learn). */
  readonly shuffle?: boolean;
  /** Seed of the shuffle; required when `shuffle` is true, ignored otherwise. */
  readonly seed?: number;
}

/** Options of {@link repeatedKFold}. */
export interface RepeatedKFoldOptions {
  /** Number of folds per repetition, an integer in [2, n]. */
  readonly k: number;
  /** Number of repetitions, an integer >= 1. */
  readonly repeats: number;
  /** Seed; repetition r shuffles with `deriveSeed(seed, r)`. */
  readonly seed: number;
}

/**
 * K-fold cross-validation: splits 0..n-1 into k folds of nearly equal size
 * (the first `n % k` folds have one sample more, exactly like scikit-learn's
 * `KFold`); each fold is once the validation set while the others train.
 *
 * Without `shuffle` the folds are contiguous blocks in index order and equal
 * scikit-learn's `KFold(k).split` index for index. With `shuffle` the folds
 * are dealt at random from `seed`: every assignment with these sizes is
 * equally likely. Each sample gets a uniform fold digit (xoshiro128** seeded
 * by PCG32, Lemire's bounded integers on 8-bit chunks, so one 32-bit draw
 * serves 4 samples), then uniformly chosen surplus entries are moved to the
 * folds that miss samples; the exact rule is in the README ("Determinism").
 * Same sizes as scikit-learn; the indices differ (different random
 * generator). Equals {@link stratifiedKFold} with a single class.
 *
 * @param n - Number of samples, an integer >= 2.
 * @param options - `k`, `shuffle`, `seed`.
 * @returns The folds (built lazily, each train/validation array ascending).
 * @throws InvalidArgumentError for k < 2, k > n, a missing seed with shuffle.
 *
 * @example
 * ```ts
 * const folds = kFold(10, { k: 3 });
 * Array.from(folds, (f) => Array.from(f.validation));
 * // [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
 * ```
 */
export function kFold(n: number, options: KFoldOptions): Folds {
  const name = 'kFold';
  checkOptions(name, options, '{ k: 5 }');
  const samples = checkSampleCount(name, n, 2);
  const k = checkFoldCount(
    name,
    options.k,
    samples,
    'n, the number of samples',
    'Use fewer folds, or leaveOneOut for one sample per fold.',
  );
  const shuffle = options.shuffle ?? false;
  const sizes = equalFoldSizes(samples, k);
  if (!shuffle) {
    const starts = new Int32Array(k + 1);
    for (let f = 0; f < k; f++) starts[f + 1] = starts[f]! + sizes[f]!;
    return createFolds(name, samples, sizes, (index) =>
      contiguousFold(index, 0, samples, starts[index]!, starts[index + 1]!),
    );
  }
  const seed = checkSeed(name, options.seed, true);
  return partitionFolds(name, k, [dealFolds(undefined, sizes, k, samples, seed)]);
}

/**
 * Repeated k-fold: `repeats` independent shuffled k-folds (scikit-learn's
 * `RepeatedKFold`). Repetition r is `kFold(n, { k, shuffle: true, seed:
 * deriveSeed(seed, r) })`, so any repetition can be recomputed alone. Folds are
 * ordered repetition by repetition; `fold.repetition` tells which.
 *
 * @param n - Number of samples, an integer >= 2.
 * @param options - `k`, `repeats`, `seed`.
 * @returns k * repeats folds.
 *
 * @example
 * ```ts
 * const folds = repeatedKFold(100, { k: 5, repeats: 3, seed: 0 }); // 15 folds
 * ```
 */
export function repeatedKFold(n: number, options: RepeatedKFoldOptions): Folds {
  const name = 'repeatedKFold';
  checkOptions(name, options, '{ k: 5, repeats: 3, seed: 0 }');
  const samples = checkSampleCount(name, n, 2);
  const k = checkFoldCount(
    name,
    options.k,
    samples,
    'n, the number of samples',
    'Use fewer folds.',
  );
  const repeats = checkRepeats(name, options.repeats);
  const seed = checkSeed(name, options.seed, true);
  const sizes = equalFoldSizes(samples, k);
  const partitions = Array.from({ length: repeats }, (_, r) =>
    dealFolds(undefined, sizes, k, samples, deriveSeed(seed, r)),
  );
  return partitionFolds(name, k, partitions);
}

/** @internal */
export function checkRepeats(functionName: string, repeats: unknown): number {
  return checkArguments(functionName).integer('repeats', repeats, {
    min: 1,
    fix: 'Pass how many times to repeat the k-fold split, e.g. 3.',
  });
}
