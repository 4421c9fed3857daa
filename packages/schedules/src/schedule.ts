import { checkArguments } from '@trainkit/core';

/**
 * A learning-rate schedule: a pure function from the step to a value.
 *
 * The step is the number of optimizer updates already applied (0 before the
 * first update; with gradient accumulation, updates, not micro-batches). An
 * epoch-based schedule is the same function fed an epoch index (see
 * {@link perEpoch}). Steps may be fractional (e.g. `epoch + batch / batches`);
 * they must be finite and `>= 0`.
 *
 * Because a schedule is a pure function of a counter, resuming is exact: save
 * the step (tfjs optimizers save it as their `iterations` weight) and call the
 * schedule again.
 */
export type Schedule = (step: number) => number;

/**
 * Wraps the evaluation of a schedule with the check of its step argument.
 * Options are validated by each factory before this is called.
 *
 * @internal
 */
export function makeSchedule(functionName: string, evaluate: (step: number) => number): Schedule {
  const check = checkArguments(functionName);
  return (step: number): number => {
    if (typeof step === 'number' && step >= 0 && step !== Number.POSITIVE_INFINITY) {
      return evaluate(step);
    }
    return check.number('step', step, {
      min: 0,
      fix: 'Pass the number of optimizer updates applied so far (0 before the first update).',
    });
  };
}

/**
 * Validates a list of boundary steps: non-empty, integers `>= 1`, increasing
 * (strictly unless `allowRepeats`).
 *
 * @internal
 */
export function checkBoundaries(
  functionName: string,
  argument: string,
  value: unknown,
  allowRepeats: boolean,
): readonly number[] {
  const check = checkArguments(functionName);
  const boundaries = check.nonEmptyArray<number>(
    argument,
    value,
    'Pass at least one step at which the value changes, e.g. [30, 80].',
  );
  const copy: number[] = [];
  for (let index = 0; index < boundaries.length; index++) {
    const boundary = check.integer(`${argument}[${index}]`, boundaries[index], {
      min: 1,
      fix:
        boundaries[index] === 0
          ? 'A boundary at 0 would hide the first value; drop it.'
          : 'Boundaries are whole numbers of steps (or epochs).',
    });
    const previous = copy[index - 1];
    if (previous !== undefined && (allowRepeats ? boundary < previous : boundary <= previous)) {
      check.fail(
        argument,
        value,
        allowRepeats ? 'sorted in non-decreasing order' : 'sorted in strictly increasing order',
        'Sort the boundaries (and their values) by step.',
      );
    }
    copy.push(boundary);
  }
  return copy;
}

/**
 * Number of boundaries `<= step` (Python's `bisect_right`): the value changes
 * AT the boundary step.
 *
 * @internal
 */
export function countReached(boundaries: readonly number[], step: number): number {
  let low = 0;
  let high = boundaries.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((boundaries[middle] as number) <= step) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Reads an optional option: returns the fallback when it is `undefined`.
 *
 * @internal
 */
export function optional<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

/**
 * Checks that the options argument is an object.
 *
 * @internal
 */
export function checkOptions<T>(functionName: string, options: T): T {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    checkArguments(functionName).fail(
      'options',
      options,
      'an options object',
      `Call ${functionName}({ ... }) with named options.`,
    );
  }
  return options;
}
