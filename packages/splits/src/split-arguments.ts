import { checkArguments } from '@trainkit/core';

/** Largest sample count: indices are Int32Array elements. */
export const maxSampleCount = 2 ** 31 - 1;

/**
 * Validates the sample count `n` (an integer in [min, 2^31 - 1]).
 *
 * @internal
 */
export function checkSampleCount(functionName: string, n: unknown, min: number): number {
  return checkArguments(functionName).integer('n', n, {
    min,
    max: maxSampleCount,
    fix:
      min <= 1
        ? 'Pass the number of samples (at least 1); the data is empty.'
        : `Pass the number of samples; at least ${min} are needed.`,
  });
}

/**
 * Validates an options object and returns it.
 *
 * @internal
 */
export function checkOptions<T>(functionName: string, options: T, example: string): T {
  if (typeof options !== 'object' || options === null) {
    checkArguments(functionName).fail('options', options, `an object like ${example}`);
  }
  return options;
}

/**
 * Validates a seed; `required` when the function shuffles.
 *
 * @internal
 */
export function checkSeed(functionName: string, seed: unknown, required: boolean): number {
  const check = checkArguments(functionName);
  if (seed === undefined) {
    if (!required) return 0;
    check.fail(
      'seed',
      seed,
      'an integer',
      'Pass seed: <integer> so that the result is reproducible (or shuffle: false where available).',
    );
  }
  return check.integer('seed', seed, {
    min: 0,
    max: 2 ** 53 - 1,
    fix: 'Use a non-negative safe integer, e.g. 42.',
  });
}

/**
 * Validates the number of folds `k` against the number of samples (or groups, or the smallest class).
 *
 * @internal
 */
export function checkFoldCount(
  functionName: string,
  k: unknown,
  max: number,
  maxDescription: string,
  fix: string,
): number {
  const check = checkArguments(functionName);
  check.integer('k', k, {
    min: 2,
    fix: 'Use at least 2 folds; for a single hold-out split use trainTestSplit or randomSplit.',
  });
  if ((k as number) > max) {
    check.fail('k', k, `an integer <= ${max} (${maxDescription})`, fix);
  }
  return k as number;
}

/**
 * Copies a list of sample indices into an Int32Array, checking that each is a
 * non-negative integer below 2^31.
 *
 * @internal
 */
export function toIndexArray(functionName: string, argument: string, list: unknown): Int32Array {
  const check = checkArguments(functionName);
  const values = check.nonEmptyArray<number>(
    argument,
    list,
    `Pass a non-empty array of sample indices as ${argument}.`,
  );
  const indices = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (
      typeof value !== 'number' ||
      !Number.isInteger(value) ||
      value < 0 ||
      value > maxSampleCount
    ) {
      check.fail(`${argument}[${i}]`, value, 'a non-negative integer index');
    }
    indices[i] = value as number;
  }
  return indices;
}
