import { checkArguments } from '@trainkit/core';
import { checkOptions, makeSchedule, type Schedule } from './schedule';

/** Options of {@link constant}. */
export interface ConstantOptions {
  /** The value at every step, `> 0`. */
  readonly value: number;
}

/**
 * A schedule that returns the same value at every step.
 *
 * `η(t) = value`
 *
 * @param options - {@link ConstantOptions}
 * @returns A {@link Schedule}.
 * @example
 * ```ts
 * const schedule = constant({ value: 0.01 });
 * schedule(0); // 0.01
 * schedule(5000); // 0.01
 * ```
 */
export function constant(options: ConstantOptions): Schedule {
  const name = 'constant';
  checkOptions(name, options);
  const value = checkArguments(name).positive('value', options.value);
  return makeSchedule(name, () => value);
}
