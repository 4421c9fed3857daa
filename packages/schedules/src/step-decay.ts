import { checkArguments } from '@trainkit/core';
import { checkOptions, makeSchedule, type Schedule } from './schedule';

/**
 * Options of {@link stepDecay}. Give exactly one of `factor` and
 * `dropFraction`.
 */
export interface StepDecayOptions {
  /** The value at step 0 (`α0`), `> 0`. */
  readonly initialValue: number;
  /** Number of steps between two decays, an integer `>= 1`. */
  readonly stepSize: number;
  /** Multiplier applied every `stepSize` steps (PyTorch's `gamma`), in `(0, 1]`. */
  readonly factor?: number;
  /**
   * Fraction removed every `stepSize` steps (`α ← α − d·α`, usually 0.5), in
   * `[0, 1)`. Same as `factor = 1 − dropFraction`.
   */
  readonly dropFraction?: number;
}

/**
 * Step decay: multiply the value by `factor` every `stepSize` steps.
 *
 * `η(t) = α0 · factor^⌊t / stepSize⌋` (PyTorch `StepLR`). The textbook form
 * "`α ← α − d·α` every n epochs" is `dropFraction: d`. Changes AT the
 * multiples of `stepSize`. Monotone non-increasing, bounded in `(0, α0]`.
 *
 * @param options - {@link StepDecayOptions}
 * @returns A {@link Schedule}.
 * @example
 * ```ts
 * const schedule = stepDecay({ initialValue: 0.1, stepSize: 30, dropFraction: 0.5 });
 * schedule(29); // 0.1
 * schedule(30); // 0.05
 * ```
 */
export function stepDecay(options: StepDecayOptions): Schedule {
  const name = 'stepDecay';
  checkOptions(name, options);
  const check = checkArguments(name);
  const initialValue = check.positive('initialValue', options.initialValue);
  const stepSize = check.integer('stepSize', options.stepSize, { min: 1 });
  let factor: number;
  if (options.factor !== undefined && options.dropFraction !== undefined) {
    check.fail(
      'dropFraction',
      options.dropFraction,
      'omitted when factor is given',
      'Give either factor (the multiplier) or dropFraction (1 - factor), not both.',
    );
  }
  if (options.dropFraction !== undefined) {
    const drop = check.number('dropFraction', options.dropFraction, {
      min: 0,
      max: 1,
      maxInclusive: false,
      fix: 'dropFraction is the fraction removed at each decay, e.g. 0.5 halves the value.',
    });
    factor = 1 - drop;
  } else {
    factor = check.number('factor', options.factor, {
      min: 0,
      minInclusive: false,
      max: 1,
      fix: 'Give factor (the multiplier at each decay, e.g. 0.1) or dropFraction (e.g. 0.5).',
    });
  }
  return makeSchedule(name, (step) => initialValue * factor ** Math.floor(step / stepSize));
}
