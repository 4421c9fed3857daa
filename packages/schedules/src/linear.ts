import { checkArguments } from '@trainkit/core';
import { checkOptions, makeSchedule, optional, type Schedule } from './schedule';

/** Options of {@link linear}. */
export interface LinearOptions {
  /** The value before and at `transitionBegin`, `>= 0`. */
  readonly initialValue: number;
  /** The value from `transitionBegin + transitionSteps` on, `>= 0`. */
  readonly endValue: number;
  /** Length of the ramp in steps, an integer `>= 1`. */
  readonly transitionSteps: number;
  /** Steps to hold `initialValue` before the ramp, an integer `>= 0`. Default 0. */
  readonly transitionBegin?: number;
}

/**
 * Linear interpolation from `initialValue` to `endValue`, then clamped.
 *
 * `η(t) = (α0 − αT) · (1 − c / T) + αT` with `c = clamp(t − begin, 0, T)`
 * (optax `linear_schedule`). PyTorch's `LinearLR(start_factor = s,
 * end_factor = e, total_iters = T)` on a base rate `η0` is
 * `linear({ initialValue: s·η0, endValue: e·η0, transitionSteps: T })`.
 * Monotone, bounded between the two values; clamped past the horizon.
 *
 * @param options - {@link LinearOptions}
 * @returns A {@link Schedule}.
 * @example
 * ```ts
 * const schedule = linear({ initialValue: 0, endValue: 0.1, transitionSteps: 100 });
 * [0, 50, 100, 500].map(schedule); // [0, 0.05, 0.1, 0.1]
 * ```
 */
export function linear(options: LinearOptions): Schedule {
  const name = 'linear';
  checkOptions(name, options);
  const check = checkArguments(name);
  const initialValue = check.nonNegative('initialValue', options.initialValue);
  const endValue = check.nonNegative('endValue', options.endValue);
  const transitionSteps = check.integer('transitionSteps', options.transitionSteps, { min: 1 });
  const transitionBegin = check.integer('transitionBegin', optional(options.transitionBegin, 0), {
    min: 0,
  });
  return makeSchedule(name, (step) => {
    const elapsed = Math.min(Math.max(step - transitionBegin, 0), transitionSteps);
    return (initialValue - endValue) * (1 - elapsed / transitionSteps) + endValue;
  });
}
