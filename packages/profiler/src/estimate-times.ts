import { checkArguments } from '@trainkit/core';
import { quantileSorted, sortedCopy } from '@trainkit/stats';
import type { ProfilerState } from './profiler-state';
import { checkProfileArguments, profileWindow } from './summarize-profile';

/** Options of {@link estimateTimes}. Give `iterationsPerEpoch` and/or a total. */
export interface EstimateTimesOptions {
  /** Iterations (batches) per epoch; enables the per-epoch estimate. */
  readonly iterationsPerEpoch?: number;
  /** Total epochs of the run; needs `iterationsPerEpoch`. */
  readonly totalEpochs?: number;
  /** Total iterations of the run (instead of `totalEpochs`). */
  readonly totalIterations?: number;
  /** Iterations already done. Default: the profiler's completed iterations. */
  readonly completedIterations?: number;
  /** First iterations left out of the per-iteration times. Default `0`. */
  readonly warmupIterations?: number;
}

/** A time estimate with a range, in milliseconds. */
export interface TimeEstimate {
  /** Iterations the estimate covers. */
  readonly iterations: number;
  /** Iterations times the mean iteration time. */
  readonly expectedMs: number;
  /** Lower end of the range (10th percentile of block means, times `iterations`). */
  readonly lowMs: number;
  /** Upper end of the range (90th percentile of block means, times `iterations`). */
  readonly highMs: number;
}

/** Result of {@link estimateTimes}. */
export interface TimeEstimates {
  /** Iterations the per-iteration times come from. */
  readonly basedOnIterations: number;
  /** Mean iteration time in milliseconds. */
  readonly meanIterationMs: number;
  /** Present when `iterationsPerEpoch` is given. */
  readonly epoch: TimeEstimate | null;
  /** Present when `totalEpochs` or `totalIterations` is given. */
  readonly remaining: TimeEstimate | null;
}

/**
 * Estimates the time for `horizon` more iterations from recent iteration
 * durations, with a range.
 *
 * expected = horizon × mean(d). The range comes from the means of
 * consecutive, non-overlapping blocks of `L = max(1, min(horizon, ⌊n / 10⌋))`
 * iterations (the most recent ones; a leading remainder is dropped):
 * low/high = horizon × the 10th/90th percentile of the block means (linear
 * interpolation), widened to contain `expected`. Blocks as long as the horizon
 * (up to a tenth of the data) make the range reflect how much the mean over
 * such a stretch varies, including drift, instead of the spread of single
 * iterations, which averages out over a long horizon.
 *
 * @param durations - Iteration durations in milliseconds, oldest first (non-empty, each finite and >= 0).
 * @param horizon - Iterations to estimate (integer >= 0).
 * @returns A {@link TimeEstimate}.
 * @throws InvalidArgumentError for an empty list, a negative, NaN or infinite duration, or a
 *   horizon that is not an integer >= 0.
 *
 * @example
 * ```ts
 * estimateDuration([3, 1, 4, 10, 5, 9, 2, 6, 8, 7], 1);
 * // { iterations: 1, expectedMs: 5.5, lowMs: 1.9, highMs: 9.1 }
 * ```
 */
export function estimateDuration(durations: ArrayLike<number>, horizon: number): TimeEstimate {
  const check = checkArguments('estimateDuration');
  check.nonEmptyArray(
    'durations',
    durations,
    'Pass the durations of the iterations done so far; without one there is nothing to estimate from.',
  );
  const n = durations.length;
  let total = 0;
  for (let i = 0; i < n; i += 1) {
    const value = durations[i];
    if (typeof value !== 'number' || !(value >= 0) || value === Number.POSITIVE_INFINITY) {
      check.fail(`durations[${i}]`, value, 'a finite number of milliseconds >= 0');
    }
    total += value as number;
  }
  check.integer('horizon', horizon, {
    min: 0,
    fix: 'Pass the number of iterations still to run (0 or more).',
  });
  const meanMs = total / n;
  const expectedMs = horizon * meanMs;
  if (horizon === 0) {
    return { iterations: horizon, expectedMs, lowMs: expectedMs, highMs: expectedMs };
  }
  const block = Math.max(1, Math.min(horizon, Math.floor(n / 10)));
  const blocks = Math.floor(n / block);
  const offset = n - blocks * block;
  const blockMeans = new Float64Array(blocks);
  for (let b = 0; b < blocks; b += 1) {
    let s = 0;
    for (let i = 0; i < block; i += 1) s += durations[offset + b * block + i]!;
    blockMeans[b] = s / block;
  }
  const sorted = sortedCopy(blockMeans);
  return {
    iterations: horizon,
    expectedMs,
    lowMs: Math.min(expectedMs, horizon * quantileSorted(sorted, 0.1)),
    highMs: Math.max(expectedMs, horizon * quantileSorted(sorted, 0.9)),
  };
}

/**
 * Estimates the time per epoch and the time to finish from the profiled
 * iterations (see {@link estimateDuration} for the range).
 *
 * @param state - From `profiler.state()`, with at least one completed iteration.
 * @param options - See {@link EstimateTimesOptions}.
 * @returns A {@link TimeEstimates}; `epoch` / `remaining` are `null` when their inputs are missing.
 * @throws InvalidArgumentError for bad options or a state without iterations.
 *
 * @example
 * ```ts
 * const { epoch, remaining } = estimateTimes(profiler.state(), { iterationsPerEpoch: 938, totalEpochs: 10 });
 * console.log(formatDuration(remaining!.expectedMs), formatDuration(remaining!.lowMs), formatDuration(remaining!.highMs));
 * ```
 */
export function estimateTimes(
  state: ProfilerState,
  options: EstimateTimesOptions = {},
): TimeEstimates {
  const args = checkProfileArguments(
    'estimateTimes',
    state,
    options,
    '{ iterationsPerEpoch: 100 }',
  );
  options = args.options;
  const { valid, check, warmup } = args;
  const perEpoch =
    options.iterationsPerEpoch === undefined
      ? undefined
      : check.integer('iterationsPerEpoch', options.iterationsPerEpoch, { min: 1 });
  if (options.totalEpochs !== undefined && options.totalIterations !== undefined) {
    check.fail(
      'totalEpochs',
      options.totalEpochs,
      'omitted when totalIterations is given',
      'Give one of totalEpochs and totalIterations.',
    );
  }
  let total: number | undefined;
  if (options.totalEpochs !== undefined) {
    const epochs = check.integer('totalEpochs', options.totalEpochs, { min: 1 });
    if (perEpoch === undefined) {
      check.fail(
        'iterationsPerEpoch',
        undefined,
        'an integer >= 1 when totalEpochs is given',
        'Pass the number of batches per epoch.',
      );
    }
    total = epochs * perEpoch!;
  } else if (options.totalIterations !== undefined) {
    total = check.integer('totalIterations', options.totalIterations, { min: 1 });
  }
  const completed =
    options.completedIterations === undefined
      ? valid.totals.iterations
      : check.integer('completedIterations', options.completedIterations, { min: 0 });
  const window = profileWindow(valid, warmup);
  if (window.durations.length === 0) {
    check.fail(
      'state',
      `${valid.totals.iterations} completed iterations`,
      'a profile with at least one completed iteration after warm-up',
      'Estimate after the first iterations have run.',
    );
  }
  const durations = window.durations;
  let sum = 0;
  for (const d of durations) sum += d;
  return {
    basedOnIterations: durations.length,
    meanIterationMs: sum / durations.length,
    epoch: perEpoch === undefined ? null : estimateDuration(durations, perEpoch),
    remaining:
      total === undefined ? null : estimateDuration(durations, Math.max(0, total - completed)),
  };
}
