import { contiguousFold, createFolds, type Folds } from './folds';
import { checkSampleCount } from './split-arguments';

/**
 * Leave-one-out cross-validation (scikit-learn's `LeaveOneOut`): n folds,
 * fold i validates on sample i alone and trains on the other n - 1. Folds are
 * built on demand, so memory stays O(n) while iterating.
 *
 * @param n - Number of samples, an integer >= 2.
 * @returns n folds.
 *
 * @example
 * ```ts
 * const folds = leaveOneOut(3);
 * Array.from(folds, (f) => Array.from(f.train)); // [[1, 2], [0, 2], [0, 1]]
 * ```
 */
export function leaveOneOut(n: number): Folds {
  const samples = checkSampleCount('leaveOneOut', n, 2);
  return createFolds('leaveOneOut', samples, new Int32Array(samples).fill(1), (index) =>
    contiguousFold(index, 0, samples, index, index + 1),
  );
}
