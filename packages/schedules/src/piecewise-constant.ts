import { checkArguments, ShapeMismatchError } from '@trainkit/core';
import {
  checkBoundaries,
  checkOptions,
  countReached,
  makeSchedule,
  type Schedule,
} from './schedule';

/** Options of {@link piecewiseConstant}. */
export interface PiecewiseConstantOptions {
  /** Steps at which the value changes: integers `>= 1`, strictly increasing. */
  readonly boundaries: readonly number[];
  /**
   * One value per range, `> 0`: `values[0]` before `boundaries[0]`,
   * `values[i]` from `boundaries[i − 1]` (inclusive) to `boundaries[i]`, and the
   * last value from the last boundary on. `values.length = boundaries.length + 1`.
   */
  readonly values: readonly number[];
}

/**
 * A manual schedule: one value per range of steps (or of epochs).
 *
 * `η(t) = values[n(t)]` where `n(t)` is the number of boundaries `<= t`: the
 * value changes AT the boundary step (PyTorch/optax convention; Keras'
 * `PiecewiseConstantDecay` changes one step later, at `b + 1`).
 *
 * @param options - {@link PiecewiseConstantOptions}
 * @returns A {@link Schedule}.
 * @example
 * ```ts
 * // 0.1 for epochs 0-9, 0.01 for epochs 10-19, 0.001 from epoch 20 on
 * const schedule = piecewiseConstant({ boundaries: [10, 20], values: [0.1, 0.01, 0.001] });
 * [9, 10, 25].map(schedule); // [0.1, 0.01, 0.001]
 * ```
 */
export function piecewiseConstant(options: PiecewiseConstantOptions): Schedule {
  const name = 'piecewiseConstant';
  checkOptions(name, options);
  const check = checkArguments(name);
  const boundaries = checkBoundaries(name, 'boundaries', options.boundaries, false);
  const rawValues = check.nonEmptyArray<number>('values', options.values);
  if (rawValues.length !== boundaries.length + 1) {
    throw new ShapeMismatchError({
      functionName: name,
      argument: 'values',
      expected: `length ${boundaries.length + 1} (boundaries.length + 1)`,
      actual: `length ${rawValues.length}`,
      fix: 'Give one value before the first boundary and one after each boundary.',
    });
  }
  const values = Array.from(rawValues, (value, index) => check.positive(`values[${index}]`, value));
  return makeSchedule(name, (step) => values[countReached(boundaries, step)] as number);
}
