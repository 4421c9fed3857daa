import { type ArgumentChecker, checkArguments, ShapeMismatchError } from '@trainkit/core';

function isArrayLikeOfNumbers(value: unknown): value is ArrayLike<number> {
  if (Array.isArray(value)) return true;
  return (
    ArrayBuffer.isView(value) &&
    !(value instanceof DataView) &&
    !(value instanceof BigInt64Array) &&
    !(value instanceof BigUint64Array)
  );
}

/**
 * Throws an `InvalidArgumentError` unless `value` is an array or a numeric
 * typed array (no `DataView`, no BigInt arrays). The elements are not checked.
 * Shared by trainkit's packages that take arrays of numbers (stats, metrics).
 *
 * @param functionName - The public function, for the message.
 * @param argument - The argument's name, e.g. `values`.
 * @param value - What was passed.
 * @param fix - The message's fix sentence (default: pass a number[] or a Float64Array).
 * @example
 * ```ts
 * assertArrayLike('smoothEma', 'values', 'abc'); // throws: smoothEma: values must be an array or a numeric typed array, got "abc". ...
 * ```
 */
export function assertArrayLike(
  functionName: string,
  argument: string,
  value: unknown,
  fix = 'Pass a number[] or a typed array such as Float64Array.',
): asserts value is ArrayLike<number> {
  if (!isArrayLikeOfNumbers(value)) {
    checkArguments(functionName).fail(argument, value, 'an array or a numeric typed array', fix);
  }
}

/**
 * Throws a `ShapeMismatchError` when two lengths differ.
 *
 * @param functionName - The public function, for the message.
 * @param argument - The argument whose length is wrong, e.g. `weights`.
 * @param actual - Its length.
 * @param expected - The length it must have.
 * @param fix - The message's fix sentence (default: pass one weight per value).
 * @example
 * ```ts
 * checkSameLength('windowMean', 'weights', 2, 3); // throws: windowMean: weights must have shape [3], got [2]. ...
 * ```
 */
export function checkSameLength(
  functionName: string,
  argument: string,
  actual: number,
  expected: number,
  fix = 'Pass one weight per value.',
): void {
  if (actual !== expected) {
    throw new ShapeMismatchError({
      functionName,
      argument,
      expected: [expected],
      actual: [actual],
      fix,
    });
  }
}

/**
 * Throws an `InvalidArgumentError` naming the first element of `values` that is
 * not a finite number (NaN, ±Infinity).
 *
 * @param check - The caller's argument checker (its function name goes in the message).
 * @param argument - The array's name, e.g. `losses`.
 * @param values - The numbers to check.
 * @param fix - The message's fix sentence.
 * @example
 * ```ts
 * checkFiniteValues(checkArguments('trendOnset'), 'values', [1, Number.NaN], 'Drop NaN losses first.');
 * // throws: trendOnset: values[1] must be a finite number, got NaN. Drop NaN losses first.
 * ```
 */
export function checkFiniteValues(
  check: ArgumentChecker,
  argument: string,
  values: ArrayLike<number>,
  fix: string,
): void {
  const n = values.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i]!))
      check.fail(`${argument}[${i}]`, values[i], 'a finite number', fix);
  }
}
