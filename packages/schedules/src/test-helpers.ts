// Shared by the tests of this package; not exported from the package.
import { expect } from 'vitest';

/**
 * Asserts |actual − expected| <= tolerance · |expected| element-wise (so an
 * expected 0 must be matched exactly) and returns the largest relative error.
 */
export function expectRelativeClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
  label = '',
): number {
  expect(actual.length, `${label} length`).toBe(expected.length);
  let worst = 0;
  for (let index = 0; index < expected.length; index++) {
    const a = actual[index] as number;
    const b = expected[index] as number;
    const error = Math.abs(a - b);
    if (!(error <= tolerance * Math.abs(b))) {
      expect.fail(
        `${label} step ${index}: got ${a}, expected ${b} (relative error ${error / Math.abs(b)} > ${tolerance})`,
      );
    }
    if (b !== 0) worst = Math.max(worst, error / Math.abs(b));
  }
  return worst;
}
