import { checkArguments } from '@trainkit/core';
import { type FoldAssignment, splitByFold } from './fold-assignment';

/**
 * One cross-validation fold: the indices to train on and the held-out
 * indices to validate on, both ascending (like scikit-learn's splitters).
 */
export interface Fold {
  /** Position of this fold in its {@link Folds} (0-based, across repetitions). */
  readonly index: number;
  /** Repetition this fold belongs to (0 unless the splitter is repeated). */
  readonly repetition: number;
  /** Training indices, ascending. */
  readonly train: Int32Array;
  /** Held-out indices, ascending (scikit-learn's `test_index`). */
  readonly validation: Int32Array;
}

/**
 * The folds of a cross-validation splitter: an immutable, re-iterable,
 * indexable collection that builds each fold's index arrays when asked
 * (`fold(i)` or iteration), so k folds of n samples never hold k * n indices
 * at once.
 *
 * @example
 * ```ts
 * const folds = kFold(10, { k: 5 });
 * folds.length; // 5
 * folds.fold(0).validation; // Int32Array [0, 1]
 * for (const { train, validation } of folds) { ... }
 * const all = [...folds];
 * ```
 */
export interface Folds extends Iterable<Fold> {
  /** Number of folds (k, or k * repeats, or n for leave-one-out). */
  readonly length: number;
  /** Number of samples n the folds index into. */
  readonly sampleCount: number;
  /** Size of each fold's validation set, by fold index. */
  readonly validationSizes: Int32Array;
  /** Builds fold `index` (0 <= index < length). */
  fold(index: number): Fold;
}

/** Builds a {@link Folds} from a function that makes fold `index`. @internal */
export function createFolds(
  functionName: string,
  sampleCount: number,
  validationSizes: Int32Array,
  make: (index: number) => Fold,
): Folds {
  const length = validationSizes.length;
  const fold = (index: number): Fold => {
    checkArguments(`${functionName}().fold`).integer('index', index, {
      min: 0,
      max: length - 1,
      fix: `There are ${length} folds.`,
    });
    return make(index);
  };
  return Object.freeze({
    length,
    sampleCount,
    validationSizes,
    fold,
    *[Symbol.iterator](): Iterator<Fold> {
      for (let index = 0; index < length; index++) yield make(index);
    },
  });
}

/**
 * Folds from one fold assignment per repetition: fold `f` of repetition `r`
 * validates on the samples assigned to f and trains on the rest.
 *
 * @internal
 */
export function partitionFolds(
  functionName: string,
  k: number,
  assignments: readonly FoldAssignment[],
): Folds {
  const n = assignments[0]!.foldOf.length;
  const validationSizes = new Int32Array(k * assignments.length);
  assignments.forEach(({ sizes }, r) => {
    validationSizes.set(sizes, r * k);
  });
  return createFolds(functionName, n, validationSizes, (index) => {
    const repetition = Math.floor(index / k);
    const target = index - repetition * k;
    const { train, validation } = splitByFold(
      assignments[repetition]!.foldOf,
      target,
      validationSizes[index]!,
    );
    return { index, repetition, train, validation };
  });
}

/** Sizes of k nearly equal folds: the first n % k folds get one more (scikit-learn's KFold). @internal */
export function equalFoldSizes(n: number, k: number): Int32Array {
  const sizes = new Int32Array(k).fill(Math.floor(n / k));
  for (let f = 0; f < n % k; f++) sizes[f]! += 1;
  return sizes;
}

/** A fold whose validation set is the contiguous range [start, end). @internal */
export function contiguousFold(
  index: number,
  repetition: number,
  n: number,
  start: number,
  end: number,
): Fold {
  const validation = new Int32Array(end - start);
  for (let i = start; i < end; i++) validation[i - start] = i;
  const train = new Int32Array(n - (end - start));
  for (let i = 0; i < start; i++) train[i] = i;
  for (let i = end; i < n; i++) train[i - end + start] = i;
  return { index, repetition, train, validation };
}
