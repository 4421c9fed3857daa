import { checkArguments } from '@trainkit/core';
import { checkOptions, makeSchedule, optional, type Schedule } from './schedule';

/** Options of {@link polynomialDecay}. */
export interface PolynomialDecayOptions {
  /** The value at step 0 (`α0`), `> 0`. */
  readonly initialValue: number;
  /** Length of the decay in steps, an integer `>= 1`. */
  readonly decaySteps: number;
  /** The value reached at `decaySteps`, `>= 0`. Default 0 (PyTorch; Keras uses 1e-4). */
  readonly endValue?: number;
  /** The exponent `p`, `> 0`. Default 1 (linear). */
  readonly power?: number;
  /**
   * Restart past the horizon with a longer period instead of holding
   * `endValue` (Keras `cycle=True`): `decaySteps · ⌈t / decaySteps⌉`. Default `false`.
   */
  readonly cycle?: boolean;
}

/**
 * Polynomial decay from `initialValue` to `endValue`.
 *
 * `η(t) = (α0 − αend) · (1 − min(t, T) / T)^p + αend` (Keras
 * `PolynomialDecay`, optax `polynomial_schedule`; PyTorch `PolynomialLR` is
 * `endValue: 0`). Clamped at `endValue` past the horizon, unless `cycle`:
 * then `T` becomes `T · ⌈t / T⌉` (1 at `t = 0`) and nothing is clamped.
 * Monotone without `cycle`, bounded between `endValue` and `initialValue`.
 *
 * Reference: Chen et al., "DeepLab: Semantic Image Segmentation with Deep
 * Convolutional Nets, Atrous Convolution, and Fully Connected CRFs", 2016,
 * https://arxiv.org/abs/1606.00915 (the "poly" policy, power 0.9).
 *
 * @param options - {@link PolynomialDecayOptions}
 * @returns A {@link Schedule}.
 * @example
 * ```ts
 * const schedule = polynomialDecay({ initialValue: 0.1, decaySteps: 100, power: 2 });
 * schedule(50); // 0.1 * 0.5 ** 2 = 0.025
 * ```
 */
export function polynomialDecay(options: PolynomialDecayOptions): Schedule {
  const name = 'polynomialDecay';
  checkOptions(name, options);
  const check = checkArguments(name);
  const initialValue = check.positive('initialValue', options.initialValue);
  const decaySteps = check.integer('decaySteps', options.decaySteps, { min: 1 });
  const endValue = check.nonNegative('endValue', optional(options.endValue, 0));
  const power = check.positive('power', optional(options.power, 1));
  const cycle = check.boolean('cycle', optional(options.cycle, false));
  return makeSchedule(name, (step) => {
    let fraction: number;
    if (cycle) {
      const period = decaySteps * Math.max(Math.ceil(step / decaySteps), 1);
      fraction = step / period;
    } else {
      fraction = Math.min(step, decaySteps) / decaySteps;
    }
    return (initialValue - endValue) * (1 - fraction) ** power + endValue;
  });
}
