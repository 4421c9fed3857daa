import { checkArguments } from '@trainkit/core';
import { checkOptions, makeSchedule, optional, type Schedule } from './schedule';

/** Options of {@link cosineDecayRestarts}. */
export interface CosineDecayRestartsOptions {
  /** The value at step 0 and at the first restart's peak (`α0`), `> 0`. */
  readonly initialValue: number;
  /** Length of the first cycle in steps (`T_0`), `> 0`. */
  readonly firstDecaySteps: number;
  /**
   * Each cycle is this many times longer than the previous one (`T_mult`,
   * Keras `t_mul`), `>= 1`; non-integer values are allowed. Default 2.
   */
  readonly periodMultiplier?: number;
  /** Each cycle's peak is this times the previous one's (Keras `m_mul`), in `(0, 1]`. Default 1. */
  readonly amplitudeMultiplier?: number;
  /** The floor as a fraction of `initialValue` (not scaled by the amplitude multiplier), in `[0, 1]`. Default 0. */
  readonly alpha?: number;
}

/**
 * Cosine decay with warm restarts (SGDR).
 *
 * Cycle `i` starts at `s_i = T0 · (m^i − 1) / (m − 1)` (`s_i = i · T0` when
 * `m = 1`) and lasts `T_i = T0 · m^i`. With `x = (t − s_i) / T_i`:
 * `η(t) = α0 · ((1 − a) · q^i · ½ (1 + cos(π x)) + a)`, `m = periodMultiplier`,
 * `q = amplitudeMultiplier`, `a = alpha`. This is Keras `CosineDecayRestarts`;
 * with `q = 1` and `a = eta_min / η0` it is PyTorch
 * `CosineAnnealingWarmRestarts(T_0, T_mult, eta_min)` (whose `T_mult` must be
 * an integer; here any `m >= 1` works). The cycle index is computed with a
 * logarithm and corrected so that restarts land exactly on `s_i`. Bounded in
 * `[a · α0, α0]`, non-increasing within a cycle; no horizon.
 *
 * Reference: Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm
 * Restarts", ICLR 2017, https://arxiv.org/abs/1608.03983.
 *
 * @param options - {@link CosineDecayRestartsOptions}
 * @returns A {@link Schedule}.
 * @example
 * ```ts
 * const schedule = cosineDecayRestarts({ initialValue: 0.1, firstDecaySteps: 10, periodMultiplier: 2 });
 * schedule(5); // 0.05 (half-way down the first cycle)
 * schedule(10); // 0.1 (restart; the second cycle lasts 20 steps)
 * ```
 */
export function cosineDecayRestarts(options: CosineDecayRestartsOptions): Schedule {
  const name = 'cosineDecayRestarts';
  checkOptions(name, options);
  const check = checkArguments(name);
  const initialValue = check.positive('initialValue', options.initialValue);
  const firstDecaySteps = check.positive('firstDecaySteps', options.firstDecaySteps);
  const multiplier = check.number('periodMultiplier', optional(options.periodMultiplier, 2), {
    min: 1,
    fix: 'Cycles may only grow (or keep their length with 1).',
  });
  const amplitude = check.number('amplitudeMultiplier', optional(options.amplitudeMultiplier, 1), {
    min: 0,
    minInclusive: false,
    max: 1,
  });
  const alpha = check.number('alpha', optional(options.alpha, 0), { min: 0, max: 1 });

  // Start of cycle i, in steps.
  const cycleStart = (cycle: number): number =>
    multiplier === 1
      ? cycle * firstDecaySteps
      : (firstDecaySteps * (multiplier ** cycle - 1)) / (multiplier - 1);

  return makeSchedule(name, (step) => {
    let cycle: number;
    if (multiplier === 1) {
      cycle = Math.floor(step / firstDecaySteps);
    } else {
      cycle = Math.floor(
        Math.log(1 + (step / firstDecaySteps) * (multiplier - 1)) / Math.log(multiplier),
      );
      // The logarithm can land one cycle off at an exact restart: correct it.
      while (cycle > 0 && cycleStart(cycle) > step) cycle -= 1;
      while (cycleStart(cycle + 1) <= step) cycle += 1;
    }
    const start = cycleStart(cycle);
    const length = multiplier === 1 ? firstDecaySteps : firstDecaySteps * multiplier ** cycle;
    const cosine = (1 + Math.cos((Math.PI * (step - start)) / length)) / 2;
    const scale = amplitude === 1 ? 1 : amplitude ** cycle;
    return initialValue * ((1 - alpha) * scale * cosine + alpha);
  });
}
