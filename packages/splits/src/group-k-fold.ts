import { createRandom } from '@trainkit/stats';
import { encodeLabels, type Labels } from './encode-labels';
import { foldAssignment } from './fold-assignment';
import { type Folds, partitionFolds } from './folds';
import { checkFoldCount, checkOptions, checkSampleCount, checkSeed } from './split-arguments';

/** Options of {@link groupKFold}. */
export interface GroupKFoldOptions {
  /** Number of folds, an integer in [2, number of distinct groups]. */
  readonly k: number;
  /** Group id of each sample (length n); a group never straddles train and validation. */
  readonly groups: Labels;
  /**
   * Optional seed: shuffles the groups before the size-ordered assignment, so
   * that equally sized groups land in random folds. Without it, ties go by
   * first appearance and the result is deterministic.
   */
  readonly seed?: number;
}

/**
 * Group k-fold: k folds in which every group lies entirely in one fold, so no
 * group is in both the training and the validation set (patients, users,
 * sessions). Fold sizes are balanced by sample count with scikit-learn's
 * `GroupKFold` rule: groups sorted by size, largest first, each to the fold
 * with the fewest samples so far (lowest fold index on ties). Fold sizes per
 * fold index equal scikit-learn's; the indices do too when no two groups have
 * the same size (numpy's unstable sort orders ties arbitrarily; here ties go
 * by first appearance, or randomly with `seed`).
 *
 * @param n - Number of samples, an integer >= 2.
 * @param options - `k`, `groups`, optional `seed`.
 * @returns The folds, each train/validation array ascending.
 * @throws InvalidArgumentError when there are fewer distinct groups than k,
 *   ShapeMismatchError when `groups.length !== n`.
 *
 * @example
 * ```ts
 * const groups = ['a', 'a', 'b', 'b', 'b', 'c', 'd', 'd'];
 * const folds = groupKFold(groups.length, { k: 2, groups });
 * Array.from(folds, (f) => Array.from(f.validation)); // [[2, 3, 4, 5], [0, 1, 6, 7]]
 * ```
 */
export function groupKFold(n: number, options: GroupKFoldOptions): Folds {
  const name = 'groupKFold';
  checkOptions(name, options, '{ k: 5, groups }');
  const samples = checkSampleCount(name, n, 2);
  const encoded = encodeLabels(name, 'groups', options.groups, samples);
  const groupCount = encoded.classCount;
  const k = checkFoldCount(
    name,
    options.k,
    groupCount,
    `the number of distinct groups`,
    'Each fold needs at least one whole group: lower k or split the data into more groups.',
  );
  let order = Array.from({ length: groupCount }, (_, g) => g);
  if (options.seed !== undefined) {
    createRandom({ seed: checkSeed(name, options.seed, true) }).shuffle(order);
  }
  const counts = encoded.counts;
  order = order.sort((a, b) => counts[b]! - counts[a]!); // stable: ties keep the (shuffled) order
  const foldTotals = new Float64Array(k);
  const foldOfGroup = new Int32Array(groupCount);
  for (const group of order) {
    let lightest = 0;
    for (let f = 1; f < k; f++) if (foldTotals[f]! < foldTotals[lightest]!) lightest = f;
    foldTotals[lightest]! += counts[group]!;
    foldOfGroup[group] = lightest;
  }
  const foldOf = new Int32Array(samples);
  const { keys, table } = encoded;
  for (let i = 0; i < samples; i++) foldOf[i] = foldOfGroup[table[keys[i]!]!]!;
  return partitionFolds(name, k, [foldAssignment(foldOf, k)]);
}
