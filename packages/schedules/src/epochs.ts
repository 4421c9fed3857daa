import { checkArguments } from '@trainkit/core';
import { checkOptions, makeSchedule, optional, type Schedule } from './schedule';

/**
 * Converts a step count to epochs: `step / stepsPerEpoch` (fractional).
 *
 * @param step - Optimizer updates applied so far, `>= 0`.
 * @param stepsPerEpoch - Optimizer updates per epoch, an integer `>= 1`. With
 *   gradient accumulation over `k` micro-batches this is `⌈batches / k⌉`.
 * @returns The (fractional) number of epochs; `Math.floor` of it is the epoch index.
 * @example
 * ```ts
 * stepsToEpochs(250, 100); // 2.5
 * ```
 */
export function stepsToEpochs(step: number, stepsPerEpoch: number): number {
  const check = checkArguments('stepsToEpochs');
  check.nonNegative('step', step);
  check.integer('stepsPerEpoch', stepsPerEpoch, { min: 1 });
  return step / stepsPerEpoch;
}

/**
 * Converts epochs to steps: `round(epochs · stepsPerEpoch)`.
 *
 * @param epochs - A (possibly fractional) number of epochs, `>= 0`.
 * @param stepsPerEpoch - Optimizer updates per epoch, an integer `>= 1`.
 * @returns The number of optimizer updates, an integer.
 * @example
 * ```ts
 * cosineDecay({ initialValue: 0.1, decaySteps: epochsToSteps(30, 469) });
 * ```
 */
export function epochsToSteps(epochs: number, stepsPerEpoch: number): number {
  const check = checkArguments('epochsToSteps');
  check.nonNegative('epochs', epochs);
  check.integer('stepsPerEpoch', stepsPerEpoch, { min: 1 });
  return Math.round(epochs * stepsPerEpoch);
}

/** Options of {@link perEpoch}. */
export interface PerEpochOptions {
  /** Optimizer updates per epoch, an integer `>= 1`. */
  readonly stepsPerEpoch: number;
  /**
   * Feed the fractional epoch `t / stepsPerEpoch` instead of the epoch index
   * `⌊t / stepsPerEpoch⌋`, so the value moves every step. Default `false`.
   */
  readonly fractional?: boolean;
}

/**
 * Turns an epoch-based schedule into a step-based one.
 *
 * `η(t) = S(⌊t / stepsPerEpoch⌋)` (or `S(t / stepsPerEpoch)` when
 * `fractional`), so a schedule written in epochs can drive a per-batch
 * callback: the value changes at the first update of each epoch.
 *
 * @param schedule - A schedule of the epoch index.
 * @param options - {@link PerEpochOptions}
 * @returns A {@link Schedule} of the step.
 * @example
 * ```ts
 * const byEpoch = inverseTimeDecay({ initialValue: 0.1, decayRate: 1 });
 * const byStep = perEpoch(byEpoch, { stepsPerEpoch: 100 });
 * byStep(150); // byEpoch(1) = 0.05
 * ```
 */
export function perEpoch(schedule: Schedule, options: PerEpochOptions): Schedule {
  const name = 'perEpoch';
  const check = checkArguments(name);
  const inner = check.callable<Schedule>('schedule', schedule);
  checkOptions(name, options);
  const stepsPerEpoch = check.integer('stepsPerEpoch', options.stepsPerEpoch, { min: 1 });
  const fractional = check.boolean('fractional', optional(options.fractional, false));
  return makeSchedule(name, (step) =>
    inner(fractional ? step / stepsPerEpoch : Math.floor(step / stepsPerEpoch)),
  );
}
