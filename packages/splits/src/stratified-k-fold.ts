import { type EncodedLabels, encodeLabels, type Labels, sortByClass } from './encode-labels';
import { assignmentFolds, equalFoldSizes, type Folds } from './folds';
import { checkRepeats } from './k-fold';
import { createRandom, deriveSeed, type Random, shuffleInt32 } from './random';
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
 * every class is spread over the folds in blocks, in index order. With
 * `shuffle`, each class's members are shuffled (seeded Fisher-Yates) before
 * the blocks are assigned. Without `shuffle` the result equals scikit-learn's
 * index for index.
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
  const random = shuffle ? createRandom({ seed: checkSeed(name, options.seed, true) }) : undefined;
  return assignmentFolds(
    name,
    k,
    [stratifiedAssignment(encoded, k, random)],
    equalFoldSizes(samples, k),
  );
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
  const assignments = Array.from({ length: repeats }, (_, r) =>
    stratifiedAssignment(encoded, k, createRandom({ seed: deriveSeed(seed, r) })),
  );
  return assignmentFolds(name, k, assignments, equalFoldSizes(samples, k));
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

/** Fold id per sample, scikit-learn's allocation, classes shuffled by `random` if given. */
function stratifiedAssignment(
  encoded: EncodedLabels,
  k: number,
  random: Random | undefined,
): Int32Array {
  const { order, offsets } = sortByClass(encoded);
  const foldOf = new Int32Array(encoded.codes.length);
  for (let c = 0; c < encoded.classCount; c++) {
    const start = offsets[c]!;
    const count = offsets[c + 1]! - start;
    const members = order.subarray(start, start + count);
    if (random !== undefined) shuffleInt32(random, members, count);
    let position = 0;
    for (let f = 0; f < k; f++) {
      const end = position + roundRobinCount(start, count, k, f);
      for (let j = position; j < end; j++) foldOf[members[j]!] = f;
      position = end;
    }
  }
  return foldOf;
}
