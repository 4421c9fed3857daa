import { checkArguments } from '@trainkit/core';
import { checkOptions, makeSchedule, optional, type Schedule } from './schedule';

/** Options of {@link cosineDecay}. */
export interface CosineDecayOptions {
  /** The value at step 0 (`α0`), `> 0`. With a warmup, the value the warmup starts from (`>= 0`). */
  readonly initialValue: number;
  /** Length of the cosine decay in steps (excluding any warmup), an integer `>= 1`. */
  readonly decaySteps: number;
  /** The floor as a fraction of the peak value, in `[0, 1]`. Default 0. */
  readonly alpha?: number;
  /** Exponent applied to the cosine factor (optax), `> 0`. Default 1. */
  readonly exponent?: number;
  /** Linear warmup length before the decay (Keras), an integer `>= 0`. Default 0. */
  readonly warmupSteps?: number;
  /** The peak reached at the end of the warmup (Keras `warmup_target`), `> 0`. Required with `warmupSteps`. */
  readonly warmupTarget?: number;
}

/**
 * Cosine decay (the annealing half of SGDR), with an optional linear warmup.
 *
 * Without warmup: `η(t) = α0 · ((1 − a) · c(t)^e + a)`,
 * `c(t) = ½ (1 + cos(π · min(t, T) / T))`, `a = alpha`, `e = exponent`
 * (Keras `CosineDecay`, optax `cosine_decay_schedule`). PyTorch's
 * `CosineAnnealingLR(T_max, eta_min)` on `η0` is
 * `cosineDecay({ initialValue: η0, decaySteps: T_max, alpha: eta_min / η0 })`.
 *
 * With `warmupSteps = W` and `warmupTarget = P` (Keras semantics, `decaySteps`
 * excludes the warmup): `η(t) = α0 + (P − α0) · t / W` for `t < W`, then
 * `P · ((1 − a) · c(t − W)^e + a)`. Past the horizon the value is clamped at
 * the floor `a · peak` (no periodic rebound, unlike PyTorch's recursive
 * form). Non-increasing after the warmup.
 *
 * Reference: Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm
 * Restarts", ICLR 2017, https://arxiv.org/abs/1608.03983.
 *
 * @param options - {@link CosineDecayOptions}
 * @returns A {@link Schedule}.
 * @example
 * ```ts
 * const schedule = cosineDecay({ initialValue: 0.1, decaySteps: 1000, alpha: 0.01 });
 * schedule(500); // 0.1 * (0.99 * 0.5 + 0.01) = 0.0505
 * schedule(5000); // 0.001 (clamped)
 * ```
 */
export function cosineDecay(options: CosineDecayOptions): Schedule {
  const name = 'cosineDecay';
  checkOptions(name, options);
  const check = checkArguments(name);
  const decaySteps = check.integer('decaySteps', options.decaySteps, { min: 1 });
  const alpha = check.number('alpha', optional(options.alpha, 0), { min: 0, max: 1 });
  const exponent = check.positive('exponent', optional(options.exponent, 1));
  const warmupSteps = check.integer('warmupSteps', optional(options.warmupSteps, 0), { min: 0 });
  let initialValue: number;
  let peak: number;
  if (options.warmupTarget !== undefined || warmupSteps > 0) {
    peak = check.positive(
      'warmupTarget',
      options.warmupTarget,
      'With warmupSteps > 0, give warmupTarget: the value reached at the end of the warmup.',
    );
    check.integer('warmupSteps', warmupSteps, {
      min: 1,
      fix: 'With warmupTarget, give warmupSteps >= 1 (or drop warmupTarget).',
    });
    initialValue = check.nonNegative('initialValue', options.initialValue);
  } else {
    initialValue = check.positive('initialValue', options.initialValue);
    peak = initialValue;
  }
  return makeSchedule(name, (step) => {
    if (step < warmupSteps) {
      return initialValue + (peak - initialValue) * (step / warmupSteps);
    }
    const elapsed = Math.min(step - warmupSteps, decaySteps);
    const cosine = (1 + Math.cos((Math.PI * elapsed) / decaySteps)) / 2;
    return peak * ((1 - alpha) * (exponent === 1 ? cosine : cosine ** exponent) + alpha);
  });
}
