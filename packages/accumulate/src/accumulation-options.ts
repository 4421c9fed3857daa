import { checkArguments } from '@trainkit/core';

/**
 * The number of micro-batches per update as a function of the number of
 * updates applied so far (optax `every_k_schedule`). It must return an integer
 * >= 1. It is evaluated when a new group of micro-batches starts, so k can grow
 * during training (e.g. a batch-size warm-up).
 *
 * @example
 * ```ts
 * // 1 micro-batch per update for the first 100 updates, then 4.
 * const k: AccumulationStepsSchedule = (updateCount) => (updateCount < 100 ? 1 : 4);
 * ```
 */
export type AccumulationStepsSchedule = (updateCount: number) => number;

/**
 * What to do with a micro-batch whose gradients contain NaN or an infinity.
 *
 * - `'skip'`: drop it as if it never happened (optax `skip_not_finite`): it adds
 *   nothing, does not count towards k, and `state.skippedMicroBatches` grows.
 * - `'throw'`: throw a {@link NonFiniteGradientError}; the state is unchanged.
 * - `'propagate'`: no check (no device sync per micro-batch); NaN reaches the
 *   weights exactly as with the plain inner optimizer.
 */
export type NonFiniteMode = 'skip' | 'throw' | 'propagate';

/** Options of {@link AccumulatingOptimizer}. */
export interface AccumulatingOptimizerOptions {
  /**
   * Micro-batches per update: an integer >= 1, or a schedule of k by update
   * count ({@link AccumulationStepsSchedule}).
   */
  readonly k: number | AccumulationStepsSchedule;
  /**
   * Clip the accumulated mean gradient to this global L2 norm, once per update,
   * before the inner optimizer: `g * clipNorm / max(‖g‖, clipNorm)`
   * (TensorFlow `clip_by_global_norm`, optax `clip_by_global_norm`). Omit for no clipping.
   */
  readonly clipNorm?: number;
  /** Handling of micro-batches with NaN or infinite gradients. Default `'skip'`. */
  readonly nonFinite?: NonFiniteMode;
}

/** {@link AccumulatingOptimizerOptions} after validation. */
export interface ResolvedAccumulationOptions {
  readonly k: number | AccumulationStepsSchedule;
  readonly clipNorm: number | undefined;
  readonly nonFinite: NonFiniteMode;
}

const nonFiniteModes: readonly NonFiniteMode[] = ['skip', 'throw', 'propagate'];

/**
 * Validates {@link AccumulatingOptimizerOptions} once, at construction.
 * A schedule for k is checked at update count 0 so that a broken schedule
 * fails now rather than at step 10,000.
 *
 * @param functionName Name used in error messages.
 * @param options The options to check.
 * @returns The options with defaults filled in.
 * @throws InvalidArgumentError naming the option, the value and the fix.
 */
export function resolveAccumulationOptions(
  functionName: string,
  options: AccumulatingOptimizerOptions,
): ResolvedAccumulationOptions {
  const check = checkArguments(functionName);
  if (typeof options !== 'object' || options === null) {
    check.fail('options', options, 'an object with at least k', 'Pass { k: 4 } for example.');
  }
  const { k } = options;
  if (typeof k === 'function') {
    groupSizeAt(functionName, k, 0);
  } else {
    check.integer('k', k, {
      min: 1,
      fix: 'k is the number of micro-batches per update; use 1 for no accumulation.',
    });
  }
  const clipNorm =
    options.clipNorm === undefined
      ? undefined
      : check.positive('clipNorm', options.clipNorm, 'Omit clipNorm to disable clipping.');
  const nonFinite =
    options.nonFinite === undefined
      ? 'skip'
      : check.oneOf('nonFinite', options.nonFinite, nonFiniteModes);
  return { k, clipNorm, nonFinite };
}

/**
 * The number of micro-batches of the group that starts after `updateCount` updates.
 *
 * @param functionName Name used in error messages.
 * @param k A fixed k or a schedule of k.
 * @param updateCount Updates applied so far.
 * @returns An integer >= 1.
 * @throws InvalidArgumentError when the schedule returns anything else.
 */
export function groupSizeAt(
  functionName: string,
  k: number | AccumulationStepsSchedule,
  updateCount: number,
): number {
  if (typeof k === 'number') return k;
  return checkArguments(functionName).integer(`k(${updateCount})`, k(updateCount), {
    min: 1,
    fix: 'The schedule of k must return an integer >= 1 for every update count.',
  });
}
