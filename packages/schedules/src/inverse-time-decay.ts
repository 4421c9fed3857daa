import { checkArguments } from '@trainkit/core';
import { checkOptions, makeSchedule, optional, type Schedule } from './schedule';

/** Options of {@link inverseTimeDecay}. */
export interface InverseTimeDecayOptions {
  /** The value at step 0 (`α0`), `> 0`. */
  readonly initialValue: number;
  /** The decay rate `k`, `>= 0`. */
  readonly decayRate: number;
  /**
   * Steps per unit of decay, `> 0`. Default 1, so that a schedule fed epoch
   * indices follows the textbook `α0 / (1 + k · epoch)`.
   */
  readonly decaySteps?: number;
  /** Decay in discrete intervals (`⌊t / decaySteps⌋`). Default `false`. */
  readonly staircase?: boolean;
}

/**
 * Inverse-time decay.
 *
 * `η(t) = α0 / (1 + k · p)` with `p = t / decaySteps`, or `⌊t / decaySteps⌋`
 * when `staircase` is set. This is Keras' `InverseTimeDecay`; with
 * `decaySteps = 1` it is the textbook `α0 / (1 + decayRate · epoch)`: for
 * `α0 = 0.1`, `k = 1` the values at epochs 0, 1, 2 are 0.1, 0.05, 0.0333….
 * Monotone non-increasing, bounded in `(0, α0]`, no horizon.
 *
 * @param options - {@link InverseTimeDecayOptions}
 * @returns A {@link Schedule}.
 * @example
 * ```ts
 * const schedule = inverseTimeDecay({ initialValue: 0.1, decayRate: 1 });
 * [0, 1, 2].map(schedule); // [0.1, 0.05, 0.0333…]
 * ```
 */
export function inverseTimeDecay(options: InverseTimeDecayOptions): Schedule {
  const name = 'inverseTimeDecay';
  checkOptions(name, options);
  const check = checkArguments(name);
  const initialValue = check.positive('initialValue', options.initialValue);
  const decayRate = check.nonNegative('decayRate', options.decayRate);
  const decaySteps = check.positive('decaySteps', optional(options.decaySteps, 1));
  const staircase = check.boolean('staircase', optional(options.staircase, false));
  return makeSchedule(name, (step) => {
    const progress = staircase ? Math.floor(step / decaySteps) : step / decaySteps;
    return initialValue / (1 + decayRate * progress);
  });
}
