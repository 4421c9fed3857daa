import { checkArguments } from '@trainkit/core';
import { checkOptions, makeSchedule, optional, type Schedule } from './schedule';

/** Options of {@link warmup}. */
export interface WarmupOptions {
  /** Length of the warmup in steps, an integer `>= 1`. */
  readonly steps: number;
  /**
   * The value at step 0, `>= 0`. Default 0 (as optax and Hugging Face; the
   * first update then has a zero learning rate).
   */
  readonly startValue?: number;
}

/**
 * Prepends a linear warmup to a schedule.
 *
 * `η(t) = s + (S(0) − s) · t / W` for `t < W`, then `S(t − W)`: the wrapped
 * schedule `S` sees the steps since the end of the warmup (optax
 * `join_schedules` convention), so it starts from its own step 0. Continuous
 * at `W`: the ramp ends exactly at `S(0)`. `W = steps`, `s = startValue`.
 *
 * Reference: Goyal et al., "Accurate, Large Minibatch SGD: Training ImageNet
 * in 1 Hour", 2017, https://arxiv.org/abs/1706.02677 (gradual warmup).
 *
 * @param schedule - The schedule to run after the warmup.
 * @param options - {@link WarmupOptions}
 * @returns A {@link Schedule}.
 * @example
 * ```ts
 * const schedule = warmup(cosineDecay({ initialValue: 0.1, decaySteps: 900 }), { steps: 100 });
 * schedule(50); // 0.05
 * schedule(100); // 0.1, then cosine decay over the next 900 steps
 * ```
 */
export function warmup(schedule: Schedule, options: WarmupOptions): Schedule {
  const name = 'warmup';
  const check = checkArguments(name);
  const inner = check.callable<Schedule>('schedule', schedule);
  checkOptions(name, options);
  const steps = check.integer('steps', options.steps, { min: 1 });
  const startValue = check.nonNegative('startValue', optional(options.startValue, 0));
  const target = inner(0);
  return makeSchedule(name, (step) =>
    step < steps ? startValue + (target - startValue) * (step / steps) : inner(step - steps),
  );
}
