import { checkArguments } from '@trainkit/core';
import {
  assertArrayLike as assertNumberArray,
  checkSameLength as checkLengths,
} from '@trainkit/stats';

/**
 * Class labels: integer class indices in `[0, numClasses)`. Any array-like of
 * numbers works: `number[]`, `Int32Array`, `Uint8Array`, `Float32Array`, ...
 */
export type LabelArray = ArrayLike<number>;

/** Per-sample weights: finite numbers >= 0, one per label. */
export type WeightArray = ArrayLike<number>;

const arrayFix = 'Pass a number[] or a typed array such as Int32Array.';

/** Throws unless `value` is an array or a numeric typed array (stats' check, metrics' fix). */
export function assertArrayLike(
  functionName: string,
  argument: string,
  value: unknown,
): asserts value is ArrayLike<number> {
  assertNumberArray(functionName, argument, value, arrayFix);
}

/**
 * Index of the first label that is not an integer in `[0, numClasses)`, or -1.
 * `(v | 0) !== v` rejects non-integers, NaN, non-numbers and values >= 2^31.
 */
export function findBadLabel(labels: ArrayLike<number>, numClasses: number): number {
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    const v = labels[i] as number;
    if (!(v >= 0 && v < numClasses) || (v | 0) !== v) return i;
  }
  return -1;
}

/** Index of the first weight that is not a finite number >= 0, or -1. */
export function findBadWeight(weights: ArrayLike<number>): number {
  const n = weights.length;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (typeof w !== 'number' || !(w >= 0 && w < Number.POSITIVE_INFINITY)) return i;
  }
  return -1;
}

/**
 * Validates a label array completely (type, every element) and throws a typed
 * error naming the first bad element.
 */
export function checkLabels(
  functionName: string,
  argument: string,
  labels: unknown,
  numClasses: number,
): asserts labels is LabelArray {
  assertArrayLike(functionName, argument, labels);
  const bad = findBadLabel(labels, numClasses);
  if (bad >= 0) {
    checkArguments(functionName).fail(
      `${argument}[${bad}]`,
      labels[bad],
      `an integer class index in [0, ${numClasses - 1}]`,
      'Labels must be integers 0..numClasses-1: check numClasses or remap the labels.',
    );
  }
}

/** Validates sample weights: array-like, the expected length, finite and >= 0. */
export function checkWeights(
  functionName: string,
  argument: string,
  weights: unknown,
  length: number,
): asserts weights is WeightArray {
  assertArrayLike(functionName, argument, weights);
  checkSameLength(functionName, argument, weights.length, length);
  const bad = findBadWeight(weights);
  if (bad >= 0) {
    checkArguments(functionName).fail(
      `${argument}[${bad}]`,
      weights[bad],
      'a finite number >= 0',
      'Sample weights must be finite and non-negative.',
    );
  }
}

/** Throws a `ShapeMismatchError` when two lengths differ (stats' check, metrics' fix). */
export function checkSameLength(
  functionName: string,
  argument: string,
  actual: number,
  expected: number,
): void {
  checkLengths(
    functionName,
    argument,
    actual,
    expected,
    'Pass one value per sample: yTrue, yPred and sampleWeight must have the same length.',
  );
}

/**
 * An options argument: the object itself, or a typed error for `null`, an
 * array or a primitive. (`undefined` never gets here: options default to `{}`.)
 * The checker is built only for a bad value: update functions run once per batch.
 */
export function checkOptions<T extends object>(functionName: string, options: T): T {
  if (typeof options === 'object' && options !== null && !Array.isArray(options)) return options;
  return checkArguments(functionName).options('options', options);
}
