import { checkArguments, ShapeMismatchError } from '@trainkit/core';

function isArrayLikeOfNumbers(value: unknown): value is ArrayLike<number> {
  if (Array.isArray(value)) return true;
  return (
    ArrayBuffer.isView(value) &&
    !(value instanceof DataView) &&
    !(value instanceof BigInt64Array) &&
    !(value instanceof BigUint64Array)
  );
}

/** Throws unless `value` is an array or a numeric typed array. Internal. */
export function assertArrayLike(
  functionName: string,
  argument: string,
  value: unknown,
): asserts value is ArrayLike<number> {
  if (!isArrayLikeOfNumbers(value)) {
    checkArguments(functionName).fail(
      argument,
      value,
      'an array or a numeric typed array',
      'Pass a number[] or a typed array such as Float64Array.',
    );
  }
}

/** Throws a ShapeMismatchError when two lengths differ. Internal. */
export function checkSameLength(
  functionName: string,
  argument: string,
  actual: number,
  expected: number,
): void {
  if (actual !== expected) {
    throw new ShapeMismatchError({
      functionName,
      argument,
      expected: [expected],
      actual: [actual],
      fix: 'Pass one weight per value.',
    });
  }
}
