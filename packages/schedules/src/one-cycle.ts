import { checkArguments } from '@trainkit/core';
import { checkOptions, makeSchedule, optional, type Schedule } from './schedule';

/** Options of {@link oneCycle} (and, with the momentum bounds, {@link oneCycleMomentum}). */
export interface OneCycleOptions {
  /** The peak value (PyTorch `max_lr`), `> 0`. */
  readonly maxValue: number;
  /** Length of the cycle in steps, an integer `>= 2`. Past `totalSteps − 1` the value is clamped. */
  readonly totalSteps: number;
  /** Fraction of the cycle spent increasing (`pct_start`), in `(1 / totalSteps, 1)`. Default 0.3. */
  readonly warmupFraction?: number;
  /** Interpolation within a phase (`anneal_strategy`). Default `'cosine'`. */
  readonly anneal?: 'cosine' | 'linear';
  /** The start value is `maxValue / initialDivisor` (`div_factor`), `>= 1`. Default 25. */
  readonly initialDivisor?: number;
  /** The final value is `start / finalDivisor` (`final_div_factor`), `>= 1`. Default 1e4. */
  readonly finalDivisor?: number;
  /**
   * 2: up, then down to the final value (fastai, PyTorch default). 3: up, down
   * to the start value symmetrically, then down to the final value (the
   * paper's schedule, PyTorch `three_phase=True`). Default 2.
   */
  readonly phases?: 2 | 3;
}

/** Options of {@link oneCycleMomentum}. */
export interface OneCycleMomentumOptions extends OneCycleOptions {
  /** Momentum at the learning-rate peak, in `[0, 1)`. Default 0.85. */
  readonly baseMomentum?: number;
  /** Momentum at the start and end, in `[0, 1)`, `>= baseMomentum`. Default 0.95. */
  readonly maxMomentum?: number;
}

type Anneal = (start: number, end: number, fraction: number) => number;

// The exact expressions PyTorch's OneCycleLR uses.
const annealCosine: Anneal = (start, end, fraction) =>
  end + ((start - end) / 2) * (Math.cos(Math.PI * fraction) + 1);
const annealLinear: Anneal = (start, end, fraction) => (end - start) * fraction + start;

interface Phase {
  readonly endStep: number;
  readonly start: 'initial' | 'max' | 'min';
  readonly end: 'initial' | 'max' | 'min';
  readonly startMomentum: 'base' | 'max';
  readonly endMomentum: 'base' | 'max';
}

interface OneCycleShape {
  readonly totalSteps: number;
  readonly phases: readonly Phase[];
  readonly anneal: Anneal;
  readonly values: { readonly initial: number; readonly max: number; readonly min: number };
}

function oneCycleShape(name: string, options: OneCycleOptions): OneCycleShape {
  checkOptions(name, options);
  const check = checkArguments(name);
  const maxValue = check.positive('maxValue', options.maxValue);
  const totalSteps = check.integer('totalSteps', options.totalSteps, {
    min: 2,
    fix: 'Pass the number of optimizer updates in the whole run (epochs * updates per epoch).',
  });
  const warmupFraction = check.number('warmupFraction', optional(options.warmupFraction, 0.3), {
    min: 0,
    max: 1,
    minInclusive: false,
    maxInclusive: false,
  });
  const anneal = check.oneOf('anneal', optional(options.anneal, 'cosine'), ['cosine', 'linear']);
  const initialDivisor = check.number('initialDivisor', optional(options.initialDivisor, 25), {
    min: 1,
  });
  const finalDivisor = check.number('finalDivisor', optional(options.finalDivisor, 1e4), {
    min: 1,
  });
  const phaseCount = optional(options.phases, 2);
  if (phaseCount !== 2 && phaseCount !== 3) check.fail('phases', phaseCount, '2 or 3');

  // PyTorch's phase ends, to the floating-point operation.
  const firstEnd = warmupFraction * totalSteps - 1;
  if (!(firstEnd > 0)) {
    check.fail(
      'warmupFraction',
      warmupFraction,
      `> 1 / totalSteps (${1 / totalSteps}) so that the rising phase lasts at least one step`,
      'Increase warmupFraction or totalSteps.',
    );
  }
  let phases: Phase[];
  if (phaseCount === 3) {
    const secondEnd = 2 * warmupFraction * totalSteps - 2;
    if (!(totalSteps - 1 > secondEnd)) {
      check.fail(
        'warmupFraction',
        warmupFraction,
        `< (totalSteps + 1) / (2 * totalSteps) (${(totalSteps + 1) / (2 * totalSteps)}) with 3 phases`,
        'The rising and falling phases take 2 * warmupFraction of the cycle; leave room for the third.',
      );
    }
    phases = [
      {
        endStep: firstEnd,
        start: 'initial',
        end: 'max',
        startMomentum: 'max',
        endMomentum: 'base',
      },
      {
        endStep: secondEnd,
        start: 'max',
        end: 'initial',
        startMomentum: 'base',
        endMomentum: 'max',
      },
      {
        endStep: totalSteps - 1,
        start: 'initial',
        end: 'min',
        startMomentum: 'max',
        endMomentum: 'max',
      },
    ];
  } else {
    phases = [
      {
        endStep: firstEnd,
        start: 'initial',
        end: 'max',
        startMomentum: 'max',
        endMomentum: 'base',
      },
      {
        endStep: totalSteps - 1,
        start: 'max',
        end: 'min',
        startMomentum: 'base',
        endMomentum: 'max',
      },
    ];
  }
  const initial = maxValue / initialDivisor;
  return {
    totalSteps,
    phases,
    anneal: anneal === 'cosine' ? annealCosine : annealLinear,
    values: { initial, max: maxValue, min: initial / finalDivisor },
  };
}

function evaluateOneCycle(
  shape: OneCycleShape,
  step: number,
  pick: (phase: Phase) => readonly [number, number],
): number {
  const t = Math.min(step, shape.totalSteps - 1);
  let startStep = 0;
  const last = shape.phases.length - 1;
  for (let index = 0; index <= last; index++) {
    const phase = shape.phases[index] as Phase;
    if (t <= phase.endStep || index === last) {
      const [from, to] = pick(phase);
      return shape.anneal(from, to, (t - startStep) / (phase.endStep - startStep));
    }
    startStep = phase.endStep;
  }
  /* c8 ignore next */
  return Number.NaN;
}

/**
 * The one-cycle learning-rate policy.
 *
 * Two phases (default): from `maxValue / initialDivisor` up to `maxValue` until
 * step `warmupFraction · N − 1`, then down to `start / finalDivisor` at step
 * `N − 1`. Three phases: up, back down to the start value at
 * `2 · warmupFraction · N − 2`, then down to the final value at `N − 1`. Within
 * a phase from `a` to `b` with progress `x ∈ [0, 1]`: cosine
 * `b + (a − b)/2 · (cos(πx) + 1)`, linear `(b − a)·x + a`. Identical to
 * PyTorch's `OneCycleLR` (same defaults, same phase boundaries). Past
 * `N − 1` the value is clamped at the final value (PyTorch extrapolates at `t = N` and raises after).
 * Bounded in `[final, maxValue]`.
 *
 * Reference: Smith & Topin, "Super-Convergence: Very Fast Training of Neural
 * Networks Using Large Learning Rates", 2017, https://arxiv.org/abs/1708.07120.
 *
 * @param options - {@link OneCycleOptions}
 * @returns A {@link Schedule}.
 * @example
 * ```ts
 * const schedule = oneCycle({ maxValue: 0.1, totalSteps: 1000 });
 * schedule(0); // 0.004 (0.1 / 25)
 * schedule(299); // 0.1
 * schedule(999); // 4e-7 (0.004 / 1e4)
 * ```
 */
export function oneCycle(options: OneCycleOptions): Schedule {
  const name = 'oneCycle';
  const shape = oneCycleShape(name, options);
  const { values } = shape;
  return makeSchedule(name, (step) =>
    evaluateOneCycle(shape, step, (phase) => [values[phase.start], values[phase.end]]),
  );
}

/**
 * The momentum schedule that goes with {@link oneCycle}: momentum moves
 * inversely to the learning rate, from `maxMomentum` down to `baseMomentum` at
 * the peak and back up (PyTorch `cycle_momentum`; stays at `maxMomentum`
 * during a third phase). Apply it with `setMomentum` from
 * `@trainkit/schedules/tfjs` (Momentum's momentum, Adam's `beta1`).
 *
 * @param options - {@link OneCycleMomentumOptions}; use the same cycle options as the learning rate.
 * @returns A {@link Schedule} of momentum values in `[baseMomentum, maxMomentum]`.
 * @example
 * ```ts
 * const momentum = oneCycleMomentum({ maxValue: 0.1, totalSteps: 1000 });
 * momentum(0); // 0.95
 * momentum(299); // 0.85
 * ```
 */
export function oneCycleMomentum(options: OneCycleMomentumOptions): Schedule {
  const name = 'oneCycleMomentum';
  const shape = oneCycleShape(name, options);
  const check = checkArguments(name);
  const base = check.number('baseMomentum', optional(options.baseMomentum, 0.85), {
    min: 0,
    max: 1,
    maxInclusive: false,
  });
  const max = check.number('maxMomentum', optional(options.maxMomentum, 0.95), {
    min: base,
    max: 1,
    maxInclusive: false,
    fix: 'maxMomentum must be >= baseMomentum and < 1.',
  });
  const momenta = { base, max };
  return makeSchedule(name, (step) =>
    evaluateOneCycle(shape, step, (phase) => [
      momenta[phase.startMomentum],
      momenta[phase.endMomentum],
    ]),
  );
}
