import { checkArguments } from '@trainkit/core';
import {
  checkBoundaries,
  checkOptions,
  countReached,
  makeSchedule,
  optional,
  type Schedule,
} from './schedule';

/** Options of {@link multiStepDecay}. */
export interface MultiStepDecayOptions {
  /** The value at step 0 (`α0`), `> 0`. */
  readonly initialValue: number;
  /**
   * Steps at which the value is multiplied by `factor`: integers `>= 1`,
   * sorted. A step listed twice multiplies twice (as in PyTorch).
   */
  readonly boundaries: readonly number[];
  /** Multiplier applied at each boundary (PyTorch's `gamma`), in `(0, 1]`. Default 0.1. */
  readonly factor?: number;
}

/**
 * Multi-step decay: multiply the value by `factor` at each boundary.
 *
 * `η(t) = α0 · factor^n(t)` where `n(t)` is the number of boundaries `<= t`
 * (PyTorch `MultiStepLR`, Python's `bisect_right`): the value changes AT the
 * boundary step. Monotone non-increasing, bounded in `(0, α0]`.
 *
 * @param options - {@link MultiStepDecayOptions}
 * @returns A {@link Schedule}.
 * @example
 * ```ts
 * const schedule = multiStepDecay({ initialValue: 0.1, boundaries: [30, 80] });
 * [0, 29, 30, 80].map(schedule); // [0.1, 0.1, 0.01, 0.001]
 * ```
 */
export function multiStepDecay(options: MultiStepDecayOptions): Schedule {
  const name = 'multiStepDecay';
  checkOptions(name, options);
  const check = checkArguments(name);
  const initialValue = check.positive('initialValue', options.initialValue);
  const boundaries = checkBoundaries(name, 'boundaries', options.boundaries, true);
  const factor = check.number('factor', optional(options.factor, 0.1), {
    min: 0,
    minInclusive: false,
    max: 1,
  });
  return makeSchedule(name, (step) => initialValue * factor ** countReached(boundaries, step));
}
