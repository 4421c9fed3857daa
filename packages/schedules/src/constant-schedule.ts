import { checkArguments } from '@trainkit/core';
import { checkOptions, makeSchedule, type Schedule } from './schedule';

/** Options of {@link constantSchedule}. */
export interface ConstantScheduleOptions {
  /** The value at every step, `> 0`. */
  readonly value: number;
}

/**
 * A schedule that returns the same value at every step.
 *
 * `η(t) = value`
 *
 * @param options - {@link ConstantScheduleOptions}
 * @returns A {@link Schedule}.
 * @example
 * ```ts
 * const schedule = constantSchedule({ value: 0.01 });
 * schedule(0); // 0.01
 * schedule(5000); // 0.01
 * ```
 */
export function constantSchedule(options: ConstantScheduleOptions): Schedule {
  const name = 'constantSchedule';
  checkOptions(name, options);
  const value = checkArguments(name).positive('value', options.value);
  return makeSchedule(name, () => value);
}
