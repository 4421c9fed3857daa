import { checkArguments } from '@trainkit/core';
import { createEma, type EmaState, emaValue, updateEma } from '@trainkit/stats';

/** The learning-rate ramp of a range test. */
export interface LearningRateRampOptions {
  /** First learning rate. Default 1e-7 (fastai's `start_lr`). */
  readonly start?: number;
  /** Last learning rate. Default 10 (fastai's `end_lr`). */
  readonly end?: number;
  /** Number of iterations (one update each). Default 100 (fastai's `num_it`). */
  readonly iterations?: number;
}

/** The defaults of {@link LearningRateRampOptions}. */
export const defaultLearningRateRamp: Readonly<Required<LearningRateRampOptions>> = {
  start: 1e-7,
  end: 10,
  iterations: 100,
};

/** Validated ramp options. @internal */
export function resolveRamp(
  functionName: string,
  options: LearningRateRampOptions,
): Required<LearningRateRampOptions> {
  const check = checkArguments(functionName);
  const start = check.positive('start', options.start ?? defaultLearningRateRamp.start);
  const end = check.positive('end', options.end ?? defaultLearningRateRamp.end);
  if (end <= start) {
    check.fail('end', end, `> start (${start})`, 'The ramp goes from small to large rates.');
  }
  const iterations = check.integer(
    'iterations',
    options.iterations ?? defaultLearningRateRamp.iterations,
    { min: 10, fix: 'A range test needs at least 10 iterations; 100 is the usual choice.' },
  );
  return { start, end, iterations };
}

/**
 * The exponential ramp of a learning-rate range test:
 * `lr[i] = start * (end / start)^(i / (iterations - 1))`, so the first update
 * uses `start` and the last `end` (fastai's `SchedExp` stops one step short of
 * `end`; Lightning starts one step after `start`).
 *
 * @param options - {@link LearningRateRampOptions}
 * @returns `iterations` learning rates, increasing.
 * @example
 * ```ts
 * learningRateRamp({ start: 1e-4, end: 1, iterations: 5 }); // [1e-4, 1e-3, 1e-2, 1e-1, 1]
 * ```
 */
export function learningRateRamp(options: LearningRateRampOptions = {}): Float64Array {
  const { start, end, iterations } = resolveRamp('learningRateRamp', options);
  const out = new Float64Array(iterations);
  const logRatio = Math.log(end / start);
  for (let i = 0; i < iterations; i++) out[i] = start * Math.exp((logRatio * i) / (iterations - 1));
  out[iterations - 1] = end;
  return out;
}

/** How a range test stops early. */
export interface RangeTestStopOptions {
  /** Weight of the debiased exponential moving average of the loss. Default 0.98 (fastai, Lightning). */
  readonly smoothing?: number;
  /** Stop when the smoothed loss exceeds this multiple of its best value so far. Default 4 (fastai, Lightning). */
  readonly divergenceFactor?: number;
}

/** Why a range test ended. */
export type RangeTestStopReason = 'completed' | 'diverged' | 'non-finite';

/** The running state of a range test's stop rule. */
export interface RangeTestTracker {
  /** Adds the loss of the next iteration; returns the smoothed loss and whether to stop now. */
  push(loss: number): { readonly smoothed: number; readonly stop: RangeTestStopReason | undefined };
  /** The smoothed losses so far. */
  readonly smoothed: readonly number[];
  /** The best smoothed loss so far. */
  readonly best: number;
}

/**
 * The stop rule of a range test, as fastai and Lightning apply it: the loss is
 * smoothed with a debiased exponential moving average
 * (`v = β v + (1 - β) loss`, reported as `v / (1 - β^n)`), and the test stops
 * after an iteration whose loss is not finite, or (after the first iteration)
 * whose smoothed loss exceeds `divergenceFactor` times the best smoothed loss
 * so far.
 *
 * @param options - {@link RangeTestStopOptions}
 * @returns A tracker fed one loss per iteration.
 * @example
 * ```ts
 * const tracker = rangeTestTracker();
 * for (const loss of [2.3, 2.2, 1.9, 50]) if (tracker.push(loss).stop) break;
 * ```
 */
export function rangeTestTracker(options: RangeTestStopOptions = {}): RangeTestTracker {
  const check = checkArguments('rangeTestTracker');
  const smoothing = check.number('smoothing', options.smoothing ?? 0.98, {
    min: 0,
    max: 1,
    maxInclusive: false,
  });
  const factor = check.number('divergenceFactor', options.divergenceFactor ?? 4, {
    min: 1,
    minInclusive: false,
  });
  let ema: EmaState = createEma(smoothing);
  const smoothed: number[] = [];
  let best = Number.POSITIVE_INFINITY;
  return {
    push(loss: number) {
      if (!Number.isFinite(loss)) {
        smoothed.push(loss);
        return { smoothed: loss, stop: 'non-finite' as const };
      }
      ema = updateEma(ema, loss);
      const value = emaValue(ema);
      smoothed.push(value);
      if (smoothed.length > 1 && value > factor * best)
        return { smoothed: value, stop: 'diverged' as const };
      if (value < best) best = value;
      return { smoothed: value, stop: undefined };
    },
    smoothed,
    get best() {
      return best;
    },
  };
}
