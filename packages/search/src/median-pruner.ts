import { type ArgumentChecker, checkArguments, formatValue } from '@trainkit/core';
import type { PruneDecision, PruneInput, Pruner } from './pruner';
import { continueTrial, nanPercentile } from './pruner';

/** Options of {@link medianPruner} and {@link percentilePruner}. */
export interface MedianPrunerOptions {
  /** No pruning until this many trials have finished. Default 5 (Optuna). */
  readonly startupTrials?: number;
  /** No pruning before this step. Default 0. */
  readonly warmupSteps?: number;
  /** Judge only the first report in each interval of this many steps after warmup. Default 1. */
  readonly intervalSteps?: number;
  /** No pruning while fewer finished trials reported at the current step. Default 1. */
  readonly minTrials?: number;
}

/** Options of {@link percentilePruner}. */
export interface PercentilePrunerOptions extends MedianPrunerOptions {
  /** Keep trials within the best `percentile` percent, 0..100 (50 = the median rule). */
  readonly percentile: number;
}

/**
 * The percentile rule, exactly as Optuna's `PercentilePruner`: after a report
 * at step `s` (the trial's largest step so far), prune when the trial's best
 * intermediate value so far is worse than the `percentile`-th best of the
 * values that *finished* trials reported at step `s`. Not judged: before
 * `startupTrials` trials have finished, before `warmupSteps`, on reports that
 * are not the first in their interval of `intervalSteps`, or when fewer than
 * `minTrials` finished trials reported step `s`. Pruned and failed trials
 * never count as finished.
 *
 * @param options - The percentile and the {@link MedianPrunerOptions}.
 * @returns The pruner.
 *
 * @example
 * ```ts
 * const pruner = percentilePruner({ percentile: 25 }); // keep the best quarter
 * ```
 */
export function percentilePruner(options: PercentilePrunerOptions): Pruner {
  return createPercentilePruner('percentilePruner', options);
}

/**
 * The median stopping rule (Golovin et al., "Google Vizier", KDD 2017), as
 * Optuna's `MedianPruner` with its defaults (startup 5 trials, warmup 0
 * steps, interval 1 step, at least 1 trial): {@link percentilePruner} at 50.
 *
 * @param options - See {@link MedianPrunerOptions}.
 * @returns The pruner.
 *
 * @example
 * ```ts
 * await runSearch({ strategy, objective, pruner: medianPruner({ warmupSteps: 2 }) });
 * ```
 */
export function medianPruner(options: MedianPrunerOptions = {}): Pruner {
  return createPercentilePruner('medianPruner', { ...options, percentile: 50 });
}

function createPercentilePruner(functionName: string, options: PercentilePrunerOptions): Pruner {
  const check: ArgumentChecker = checkArguments(functionName);
  const percentile = check.number('percentile', options.percentile, { min: 0, max: 100 });
  const startupTrials = check.integer('startupTrials', options.startupTrials ?? 5, {
    min: 0,
  });
  const warmupSteps = check.integer('warmupSteps', options.warmupSteps ?? 0, { min: 0 });
  const intervalSteps = check.integer('intervalSteps', options.intervalSteps ?? 1, {
    min: 1,
  });
  const minTrials = check.integer('minTrials', options.minTrials ?? 1, { min: 1 });

  const decide = ({ trial, trials, direction }: PruneInput): PruneDecision => {
    const finished = trials.filter((t) => t.state === 'finished');
    if (finished.length === 0 || finished.length < startupTrials) return continueTrial;
    if (trial.reports.length === 0) return continueTrial;
    const steps = trial.reports.map((r) => r.step);
    const step = Math.max(...steps);
    if (step < warmupSteps) return continueTrial;
    // Only the first report in each interval is judged (Optuna's _is_first_in_interval_step).
    const nearestLowerPruningStep =
      Math.floor((step - warmupSteps) / intervalSteps) * intervalSteps + warmupSteps;
    const secondLastStep = steps.reduce((last, s) => (s > last && s !== step ? s : last), -1);
    if (secondLastStep >= nearestLowerPruningStep) return continueTrial;

    const values = trial.reports.map((r) => r.value).filter((v) => !Number.isNaN(v));
    if (values.length === 0) {
      return { prune: true, reason: `every value it reported up to step ${step} is NaN` };
    }
    const best = direction === 'minimize' ? Math.min(...values) : Math.max(...values);
    const atStep: number[] = [];
    for (const t of finished) {
      const report = t.reports.find((r) => r.step === step);
      if (report !== undefined) atStep.push(report.value);
    }
    if (atStep.length < minTrials) return continueTrial;
    const threshold = nanPercentile(
      atStep,
      direction === 'maximize' ? 100 - percentile : percentile,
    );
    if (Number.isNaN(threshold)) return continueTrial;
    const worse = direction === 'maximize' ? best < threshold : best > threshold;
    if (!worse) return continueTrial;
    return {
      prune: true,
      reason: `best value ${formatValue(best)} up to step ${step} is worse than the ${percentile === 50 ? 'median' : `${percentile}th percentile`} ${formatValue(threshold)} of ${atStep.length} finished trial${atStep.length === 1 ? '' : 's'} at step ${step}`,
    };
  };

  return Object.freeze({
    description: {
      kind: percentile === 50 && functionName === 'medianPruner' ? 'median' : 'percentile',
      percentile,
      startupTrials,
      warmupSteps,
      intervalSteps,
      minTrials,
    },
    decide,
  });
}
