import { checkArguments } from '@trainkit/core';
import type { Labels } from './encode-labels';
import { groupSplitNamed, randomSplitNamed, stratifiedSplitNamed } from './ratio-split';

/** Options of {@link trainValidationTestSplit}. */
export interface TrainValidationTestSplitOptions {
  /** `[train, validation, test]` fractions, each >= 0, summing to 1 within 1e-9, e.g. `[0.8, 0.1, 0.1]`. */
  readonly ratios: readonly [number, number, number];
  /** Seed of the shuffle; required unless `shuffle` is false. */
  readonly seed?: number;
  /** Default `true`. */
  readonly shuffle?: boolean;
  /** Class labels to stratify by (length n). Not together with `groups`. */
  readonly stratify?: Labels;
  /** Group ids (length n): each group goes whole to one set. Not together with `stratify`. */
  readonly groups?: Labels;
}

/** Result of {@link trainValidationTestSplit}: ascending index arrays, disjoint, covering 0..n-1. */
export interface TrainValidationTestSplit {
  readonly train: Int32Array;
  readonly validation: Int32Array;
  readonly test: Int32Array;
}

/**
 * Train/validation/test split by ratios (60/20/20, 80/10/10, ...): every
 * index in exactly one set. Plain ({@link randomSplit}), stratified
 * ({@link stratifiedSplit}, with `stratify`) or group-aware
 * ({@link groupSplit}, with `groups`); sizes by the largest-remainder rule of
 * {@link splitSizes}.
 *
 * @param n - Number of samples.
 * @param options - `ratios`, `seed`, `shuffle`, `stratify` or `groups`.
 * @returns `{ train, validation, test }`.
 *
 * @example
 * ```ts
 * const labels = Int32Array.from({ length: 1000 }, (_, i) => i % 10);
 * const { train, validation, test } = trainValidationTestSplit(1000, {
 *   ratios: [0.8, 0.1, 0.1],
 *   stratify: labels,
 *   seed: 42,
 * });
 * [train.length, validation.length, test.length]; // [800, 100, 100], 10 of each class in test
 * ```
 */
export function trainValidationTestSplit(
  n: number,
  options: TrainValidationTestSplitOptions,
): TrainValidationTestSplit {
  const name = 'trainValidationTestSplit';
  const check = checkArguments(name);
  if (typeof options !== 'object' || options === null) {
    check.fail('options', options, 'an object like { ratios: [0.8, 0.1, 0.1], seed: 42 }');
  }
  if (!Array.isArray(options.ratios) || options.ratios.length !== 3) {
    check.fail(
      'ratios',
      options.ratios,
      'three fractions [train, validation, test]',
      'E.g. [0.8, 0.1, 0.1].',
    );
  }
  if (options.stratify !== undefined && options.groups !== undefined) {
    check.fail(
      'groups',
      '(given together with stratify)',
      'absent when stratify is given',
      'Pass either stratify or groups.',
    );
  }
  const base = { ratios: options.ratios, seed: options.seed, shuffle: options.shuffle };
  const parts =
    options.stratify !== undefined
      ? stratifiedSplitNamed(name, n, { ...base, labels: options.stratify }, 'stratify')
      : options.groups !== undefined
        ? groupSplitNamed(name, n, { ...base, groups: options.groups })
        : randomSplitNamed(name, n, base);
  return { train: parts[0]!, validation: parts[1]!, test: parts[2]! };
}
