import { checkArguments } from '@trainkit/core';
import { checkOptions, makeSchedule, optional, type Schedule } from './schedule';

/** Options of {@link cyclic} (and, with the momentum bounds, {@link cyclicMomentum}). */
export interface CyclicOptions {
  /** The lower bound of the cycle (PyTorch `base_lr`), `> 0`. */
  readonly baseValue: number;
  /** The upper bound of the cycle (`max_lr`), `>= baseValue`. */
  readonly maxValue: number;
  /** Steps in the increasing half of a cycle (`step_size_up`), an integer `>= 1`. Default 2000. */
  readonly stepsUp?: number;
  /** Steps in the decreasing half (`step_size_down`), an integer `>= 1`. Default `stepsUp`. */
  readonly stepsDown?: number;
  /**
   * `'triangular'`: constant amplitude. `'triangular2'`: the amplitude halves
   * every cycle. `'exponentialRange'`: the amplitude is scaled by `gamma^t`
   * (PyTorch `exp_range`). Default `'triangular'`.
   */
  readonly mode?: 'triangular' | 'triangular2' | 'exponentialRange';
  /** Base of the `'exponentialRange'` scaling, in `(0, 1]`. Default 1. */
  readonly gamma?: number;
}

/** Options of {@link cyclicMomentum}. */
export interface CyclicMomentumOptions extends CyclicOptions {
  /** Momentum at the learning-rate peak, in `[0, 1)`. Default 0.8. */
  readonly baseMomentum?: number;
  /** Momentum at the learning-rate trough, in `[0, 1)`, `>= baseMomentum`. Default 0.9. */
  readonly maxMomentum?: number;
}

interface CyclicShape {
  readonly total: number;
  readonly ratio: number;
  readonly mode: 'triangular' | 'triangular2' | 'exponentialRange';
  readonly gamma: number;
}

function cyclicShape(name: string, options: CyclicOptions): CyclicShape {
  checkOptions(name, options);
  const check = checkArguments(name);
  const stepsUp = check.integer('stepsUp', optional(options.stepsUp, 2000), { min: 1 });
  const stepsDown = check.integer('stepsDown', optional(options.stepsDown, stepsUp), { min: 1 });
  const mode = check.oneOf('mode', optional(options.mode, 'triangular'), [
    'triangular',
    'triangular2',
    'exponentialRange',
  ]);
  const gamma = check.number('gamma', optional(options.gamma, 1), {
    min: 0,
    minInclusive: false,
    max: 1,
  });
  const total = stepsUp + stepsDown;
  return { total, ratio: stepsUp / total, mode, gamma };
}

// PyTorch's CyclicLR, to the floating-point operation: returns the position
// in the triangle (0 at the bounds, 1 at the peak) and the amplitude scale.
function cyclicPosition(shape: CyclicShape, step: number): readonly [number, number] {
  const cycle = Math.floor(1 + step / shape.total);
  const x = 1 + step / shape.total - cycle;
  const position = x <= shape.ratio ? x / shape.ratio : (x - 1) / (shape.ratio - 1);
  let scale: number;
  if (shape.mode === 'triangular') scale = 1;
  else if (shape.mode === 'triangular2') scale = 1 / 2 ** (cycle - 1);
  else scale = shape.gamma ** step;
  return [position, scale];
}

/**
 * Cyclical learning rates (CLR).
 *
 * `cycle = ⌊1 + t / (up + down)⌋`, `x = 1 + t / (up + down) − cycle`,
 * `r = up / (up + down)`, `h = x / r` if `x <= r` else `(x − 1) / (r − 1)`;
 * `η(t) = base + (max − base) · h · f`, with `f = 1` (triangular),
 * `1 / 2^(cycle − 1)` (triangular2) or `γ^t` (exponentialRange). Identical to
 * PyTorch's `CyclicLR` with the built-in modes. Bounded in
 * `[baseValue, maxValue]`; periodic, no horizon.
 *
 * Reference: Smith, "Cyclical Learning Rates for Training Neural Networks",
 * WACV 2017, https://arxiv.org/abs/1506.01186.
 *
 * @param options - {@link CyclicOptions}
 * @returns A {@link Schedule}.
 * @example
 * ```ts
 * const schedule = cyclic({ baseValue: 0.001, maxValue: 0.006, stepsUp: 2000 });
 * schedule(1000); // 0.0035
 * schedule(2000); // 0.006
 * ```
 */
export function cyclic(options: CyclicOptions): Schedule {
  const name = 'cyclic';
  const shape = cyclicShape(name, options);
  const check = checkArguments(name);
  const base = check.positive('baseValue', options.baseValue);
  const max = check.number('maxValue', options.maxValue, {
    min: base,
    fix: 'maxValue is the top of the cycle and must be >= baseValue.',
  });
  return makeSchedule(name, (step) => {
    const [position, scale] = cyclicPosition(shape, step);
    return base + (max - base) * position * scale;
  });
}

/**
 * The momentum schedule that goes with {@link cyclic}: cycled
 * inversely to the learning rate, `max − (max − base) · h · f` (PyTorch
 * `cycle_momentum`).
 *
 * @param options - {@link CyclicMomentumOptions}; use the same cycle options as the learning rate.
 * @returns A {@link Schedule} of momentum values in `[baseMomentum, maxMomentum]`.
 * @example
 * ```ts
 * const momentum = cyclicMomentum({ baseValue: 0.001, maxValue: 0.006, stepsUp: 2000 });
 * momentum(0); // 0.9
 * momentum(2000); // 0.8
 * ```
 */
export function cyclicMomentum(options: CyclicMomentumOptions): Schedule {
  const name = 'cyclicMomentum';
  const shape = cyclicShape(name, options);
  const check = checkArguments(name);
  const base = check.number('baseMomentum', optional(options.baseMomentum, 0.8), {
    min: 0,
    max: 1,
    maxInclusive: false,
  });
  const max = check.number('maxMomentum', optional(options.maxMomentum, 0.9), {
    min: base,
    max: 1,
    maxInclusive: false,
    fix: 'maxMomentum must be >= baseMomentum and < 1.',
  });
  return makeSchedule(name, (step) => {
    const [position, scale] = cyclicPosition(shape, step);
    return max - (max - base) * position * scale;
  });
}
