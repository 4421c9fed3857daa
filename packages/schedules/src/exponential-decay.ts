import { checkArguments } from '@trainkit/core';
import { checkOptions, makeSchedule, optional, type Schedule } from './schedule';

/** Options of {@link exponentialDecay}. */
export interface ExponentialDecayOptions {
  /** The value at step 0 (`α0`), `> 0`. */
  readonly initialValue: number;
  /** The base `r` of the exponent, `> 0` (`< 1` decays, `> 1` grows). */
  readonly decayRate: number;
  /** Steps per unit of exponent, `> 0`. Default 1 (`α0 · r^t`). */
  readonly decaySteps?: number;
  /** Use `⌊(t − begin) / decaySteps⌋` as the exponent. Default `false`. */
  readonly staircase?: boolean;
  /** Steps during which the value stays at `α0` before decaying, an integer `>= 0`. Default 0. */
  readonly transitionBegin?: number;
  /**
   * Optional bound: a floor when `decayRate < 1`, a ceiling when
   * `decayRate > 1` (optax's `end_value`), `> 0`.
   */
  readonly endValue?: number;
}

/**
 * Exponential decay.
 *
 * `η(t) = α0 · r^p` with `p = max(t − begin, 0) / decaySteps` (floored when
 * `staircase`), clamped at `endValue` when given. With the defaults this is the
 * textbook `r^epoch · α0` and PyTorch's `ExponentialLR(gamma = r)`; the other
 * options follow Keras `ExponentialDecay` and optax `exponential_decay`.
 * Monotone (non-increasing for `r <= 1`).
 *
 * @param options - {@link ExponentialDecayOptions}
 * @returns A {@link Schedule}.
 * @example
 * ```ts
 * const schedule = exponentialDecay({ initialValue: 0.1, decayRate: 0.95 });
 * schedule(2); // 0.1 * 0.95 ** 2 = 0.09025
 * ```
 */
export function exponentialDecay(options: ExponentialDecayOptions): Schedule {
  const name = 'exponentialDecay';
  checkOptions(name, options);
  const check = checkArguments(name);
  const initialValue = check.positive('initialValue', options.initialValue);
  const decayRate = check.positive('decayRate', options.decayRate);
  const decaySteps = check.positive('decaySteps', optional(options.decaySteps, 1));
  const staircase = check.boolean('staircase', optional(options.staircase, false));
  const transitionBegin = check.integer('transitionBegin', optional(options.transitionBegin, 0), {
    min: 0,
  });
  let endValue: number | undefined;
  if (options.endValue !== undefined) {
    endValue = check.positive('endValue', options.endValue);
    if (decayRate < 1 && endValue > initialValue) {
      check.fail(
        'endValue',
        endValue,
        `<= initialValue (${initialValue}) when decayRate < 1`,
        'With decayRate < 1 the end value is a floor below the initial value.',
      );
    }
    if (decayRate > 1 && endValue < initialValue) {
      check.fail(
        'endValue',
        endValue,
        `>= initialValue (${initialValue}) when decayRate > 1`,
        'With decayRate > 1 the end value is a ceiling above the initial value.',
      );
    }
  }
  return makeSchedule(name, (step) => {
    const elapsed = Math.max(step - transitionBegin, 0);
    const exponent = staircase ? Math.floor(elapsed / decaySteps) : elapsed / decaySteps;
    const value = initialValue * decayRate ** exponent;
    if (endValue === undefined) return value;
    return decayRate < 1 ? Math.max(value, endValue) : Math.min(value, endValue);
  });
}
