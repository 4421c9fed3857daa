import { deriveSeed } from '@trainkit/stats';
import { dealFolds } from './deal-folds';
import { type EncodedLabels, encodeLabels, type Labels } from './encode-labels';
import { type FoldAssignment, partitionAssignment } from './fold-assignment';
import { type Folds, partitionFolds } from './folds';
import { checkRepeats } from './k-fold';
import { blockPartition } from './partition';
import { checkFoldCount, checkOptions, checkSampleCount, checkSeed } from './split-arguments';

/** Options of {@link stratifiedKFold}. */
export interface StratifiedKFoldOptions {
  /** Number of folds, an integer in [2, size of the smallest class]. */
  readonly k: number;
  /** Class label of each sample (length n). */
  readonly labels: Labels;
  /** Shuffle each class's members before assigning them (default `false`). */
  readonly shuffle?: boolean;
  /** Seed of the shuffle; required when `shuffle` is true. */
  readonly seed?: number;
}

/** Options of {@link repeatedStratifiedKFold}. */
export interface RepeatedStratifiedKFoldOptions {
  readonly k: number;
  readonly labels: Labels;
  /** Number of repetitions, an integer >= 1. */
  readonly repeats: number;
  /** Seed; repetition r shuffles with `deriveSeed(seed, r)`. */
  readonly seed: number;
}

/**
 * Stratified k-fold: k folds that each hold every class in (nearly) the
 * proportion of the whole data set.
 *
 * Allocation (scikit-learn's `StratifiedKFold`, reproduced exactly): classes
 * are numbered in order of first appearance, the samples sorted by class, and
 * sorted position j goes to fold `j % k`. So fold f holds
 * `floor(n_c / k)` or `floor(n_c / k) + 1` members of class c (within one
 * sample of the exact `n_c / k`), fold sizes are those of {@link kFold}, and
 * without `shuffle` every class is spread over the folds in blocks, in index
 * order, equal to scikit-learn's index for index. With `shuffle`, the folds
 * are dealt class by class from `seed`, so every arrangement with these
 * counts is equally likely: uniform fold digits (xoshiro128** seeded by
 * PCG32, 4 samples per 32-bit draw), corrected to the class's counts by moving
 * uniformly chosen surplus entries (the exact rule is in the README,
 * "Determinism"). No per-sample division or unpredictable branch: 10^7
 * labels take a few passes over typed arrays.
 *
 * Stricter than scikit-learn, which only warns: every class must have at
 * least k members, otherwise some fold would miss the class.
 *
 * @param n - Number of samples, an integer >= 2.
 * @param options - `k`, `labels`, `shuffle`, `seed`.
 * @returns The folds, each train/validation array ascending.
 * @throws InvalidArgumentError for k < 2 or k above the smallest class size,
 *   ShapeMismatchError when `labels.length !== n`.
 *
 * @example
 * ```ts
 * const labels = Int32Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 1 : 0));
 * const folds = stratifiedKFold(100, { k: 5, labels, shuffle: true, seed: 0 });
 * // every validation fold holds 2 samples of class 1 and 18 of class 0
 * ```
 */
export function stratifiedKFold(n: number, options: StratifiedKFoldOptions): Folds {
  const name = 'stratifiedKFold';
  checkOptions(name, options, '{ k: 5, labels }');
  const samples = checkSampleCount(name, n, 2);
  const encoded = encodeLabels(name, 'labels', options.labels, samples);
  const k = checkStratifiedK(name, options.k, encoded);
  const shuffle = options.shuffle ?? false;
  const seed = shuffle ? checkSeed(name, options.seed, true) : undefined;
  return partitionFolds(name, k, [stratifiedAssignment(encoded, k, seed)]);
}

/**
 * Repeated stratified k-fold (scikit-learn's `RepeatedStratifiedKFold`):
 * repetition r is `stratifiedKFold(n, { k, labels, shuffle: true, seed:
 * deriveSeed(seed, r) })`.
 *
 * @param n - Number of samples, an integer >= 2.
 * @param options - `k`, `labels`, `repeats`, `seed`.
 * @returns k * repeats folds, repetition by repetition.
 *
 * @example
 * ```ts
 * const folds = repeatedStratifiedKFold(labels.length, { k: 5, repeats: 2, labels, seed: 1 });
 * ```
 */
export function repeatedStratifiedKFold(n: number, options: RepeatedStratifiedKFoldOptions): Folds {
  const name = 'repeatedStratifiedKFold';
  checkOptions(name, options, '{ k: 5, labels, repeats: 3, seed: 0 }');
  const samples = checkSampleCount(name, n, 2);
  const encoded = encodeLabels(name, 'labels', options.labels, samples);
  const k = checkStratifiedK(name, options.k, encoded);
  const repeats = checkRepeats(name, options.repeats);
  const seed = checkSeed(name, options.seed, true);
  const partitions = Array.from({ length: repeats }, (_, r) =>
    stratifiedAssignment(encoded, k, deriveSeed(seed, r)),
  );
  return partitionFolds(name, k, partitions);
}

function checkStratifiedK(name: string, k: unknown, encoded: EncodedLabels): number {
  let smallest = 0;
  for (let c = 1; c < encoded.classCount; c++) {
    if (encoded.counts[c]! < encoded.counts[smallest]!) smallest = c;
  }
  const members = encoded.counts[smallest]!;
  return checkFoldCount(
    name,
    k,
    members,
    `the smallest class, label ${JSON.stringify(encoded.values[smallest])}, has ${members} member${members === 1 ? '' : 's'}`,
    'Every class needs at least k members: lower k, merge rare classes, or use kFold.',
  );
}

/**
 * Number of class-c samples in fold f: sorted positions [start, start + count)
 * taken round robin (`j % k`).
 *
 * @internal
 */
export function roundRobinCount(start: number, count: number, k: number, fold: number): number {
  const remainder = count % k;
  return Math.floor(count / k) + ((((fold - start) % k) + k) % k < remainder ? 1 : 0);
}

/**
 * Folds with scikit-learn's allocation. Without `seed`, each class's members
 * (index order) fill fold 0, then fold 1, ... (scikit-learn's blocks); with
 * `seed`, they are dealt at random ({@link dealFolds}).
 */
function stratifiedAssignment(
  encoded: EncodedLabels,
  k: number,
  seed: number | undefined,
): FoldAssignment {
  const classes = encoded.classCount;
  const allocation = new Int32Array(classes * k);
  let start = 0;
  for (let c = 0; c < classes; c++) {
    const count = encoded.counts[c]!;
    for (let f = 0; f < k; f++) allocation[c * k + f] = roundRobinCount(start, count, k, f);
    start += count;
  }
  const n = encoded.keys.length;
  return seed === undefined
    ? partitionAssignment(blockPartition(encoded, allocation, k, n))
    : dealFolds(encoded, allocation, k, n, seed);
}
