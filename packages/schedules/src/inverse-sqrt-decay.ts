import { checkArguments } from '@trainkit/core';
import { checkOptions, makeSchedule, optional, type Schedule } from './schedule';

/** Options of {@link inverseSqrtDecay}. */
export interface InverseSqrtDecayOptions {
  /** The base value `α0`, `> 0`. */
  readonly initialValue: number;
  /** The constant `k` in `k / √epoch · α0`, `> 0`. Default 1. */
  readonly factor?: number;
  /** Steps per epoch of decay, `> 0`. Default 1 (the step is the epoch). */
  readonly decaySteps?: number;
}

/**
 * Inverse-square-root decay.
 *
 * `η(t) = k / √max(e, 1) · α0` with `e = t / decaySteps`.
 *
 * Epoch 0: the textbook formula `k / √epoch · α0` is infinite at epoch 0, so
 * trainkit holds the value of epoch 1 for every `e < 1`: `η(0) = η(1) = k·α0`,
 * then `k·α0/√2`, `k·α0/√3`, …. This is the common "rsqrt with a floor"
 * (e.g. T5's `1/√max(step, warmup)`); to ramp up first, wrap it in
 * {@link warmup}. Monotone non-increasing, bounded in `(0, k·α0]`.
 *
 * Reference: Vaswani et al., "Attention Is All You Need", NeurIPS 2017,
 * https://arxiv.org/abs/1706.03762 (warmup, then `∝ 1/√step`).
 *
 * @param options - {@link InverseSqrtDecayOptions}
 * @returns A {@link Schedule}.
 * @example
 * ```ts
 * const schedule = inverseSqrtDecay({ initialValue: 0.1 });
 * [0, 1, 4].map(schedule); // [0.1, 0.1, 0.05]
 * ```
 */
export function inverseSqrtDecay(options: InverseSqrtDecayOptions): Schedule {
  const name = 'inverseSqrtDecay';
  checkOptions(name, options);
  const check = checkArguments(name);
  const initialValue = check.positive('initialValue', options.initialValue);
  const factor = check.positive('factor', optional(options.factor, 1));
  const decaySteps = check.positive('decaySteps', optional(options.decaySteps, 1));
  return makeSchedule(
    name,
    (step) => (factor / Math.sqrt(Math.max(step / decaySteps, 1))) * initialValue,
  );
}
