import { checkArguments } from '@trainkit/core';
import type { Schedule } from './schedule';

/** Options of {@link sample}. */
export interface SampleOptions {
  /** First step to evaluate, `>= 0`. Default 0. */
  readonly start?: number;
  /** Distance between two evaluated steps, `> 0`. Default 1. */
  readonly stride?: number;
}

/**
 * Evaluates a schedule at `count` evenly spaced steps, for plots and checks.
 *
 * `out[i] = schedule(start + i · stride)`.
 *
 * @param schedule - The schedule.
 * @param count - Number of values, an integer `>= 0`.
 * @param options - {@link SampleOptions}
 * @returns A `Float64Array` of `count` values.
 * @example
 * ```ts
 * sample(cosineDecay({ initialValue: 1, decaySteps: 4 }), 5); // [1, 0.853…, 0.5, 0.146…, 0]
 * ```
 */
export function sample(
  schedule: Schedule,
  count: number,
  options: SampleOptions = {},
): Float64Array {
  const check = checkArguments('sample');
  const evaluate = check.callable<Schedule>('schedule', schedule);
  const length = check.integer('count', count, { min: 0 });
  const start = check.nonNegative('start', options.start ?? 0);
  const stride = check.positive('stride', options.stride ?? 1);
  const out = new Float64Array(length);
  for (let index = 0; index < length; index++) out[index] = evaluate(start + index * stride);
  return out;
}
