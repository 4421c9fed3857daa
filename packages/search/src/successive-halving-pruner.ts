import { type ArgumentChecker, checkArguments, formatValue } from '@trainkit/core';
import type { PruneDecision, PruneInput, Pruner } from './pruner';
import { continueTrial, nanPercentile } from './pruner';
import type { Direction, TrialReport } from './trial';

/** Options of {@link successiveHalvingPruner}. */
export interface SuccessiveHalvingOptions {
  /**
   * The first rung, in steps (Ray Tune's `grace_period`): no trial is judged
   * before it reports a step >= minResource. Default 1.
   */
  readonly minResource?: number;
  /** Keep the best 1/reductionFactor at each rung; rungs at minResource * reductionFactor^k. Default 4. */
  readonly reductionFactor?: number;
  /**
   * The last rung is the largest minResource * reductionFactor^k <= maxResource
   * (Ray's `max_t`). Default: no limit.
   */
  readonly maxResource?: number;
}

/** The rung milestones, largest first. */
function milestones(minResource: number, factor: number, maxResource: number): number[] {
  const result: number[] = [];
  for (let m = minResource; m <= maxResource && result.length < 64; m *= factor) result.push(m);
  return result.reverse();
}

/**
 * Which rung each report records, Ray's rule: a report at step `s` records
 * the largest milestone <= s that this trial has not recorded yet (one per
 * report). Returns milestone -> recorded value, and for the last report the
 * milestone it recorded, if any.
 */
function recordRungs(
  reports: readonly TrialReport[],
  rungs: readonly number[],
): { recorded: Map<number, number>; last: number | undefined } {
  const recorded = new Map<number, number>();
  let last: number | undefined;
  for (const report of reports) {
    last = undefined;
    for (const milestone of rungs) {
      if (report.step < milestone || recorded.has(milestone)) continue;
      recorded.set(milestone, report.value);
      last = milestone;
      break;
    }
  }
  return { recorded, last };
}

/**
 * Asynchronous successive halving (ASHA; Li et al., "A System for Massively
 * Parallel Hyperparameter Tuning", MLSys 2020) with Ray Tune's
 * `AsyncHyperBandScheduler` rule for one bracket: rungs at `minResource *
 * reductionFactor^k` steps; when a trial's report first reaches a rung, it
 * is stopped if its value is worse than the `(1 - 1/reductionFactor)`
 * quantile (the best 1/reductionFactor boundary) of the values other trials
 * recorded at that rung, whatever their state. The first trial at a rung
 * always continues. Steps are the resource: report the epochs completed (1,
 * 2, ...). Defaults: reduction factor 4 and grace period 1 (Ray's).
 *
 * @param options - See {@link SuccessiveHalvingOptions}.
 * @returns The pruner.
 *
 * @example
 * ```ts
 * const pruner = successiveHalvingPruner({ minResource: 1, reductionFactor: 3 });
 * ```
 */
export function successiveHalvingPruner(options: SuccessiveHalvingOptions = {}): Pruner {
  const check: ArgumentChecker = checkArguments('successiveHalvingPruner');
  const minResource = check.positive('minResource', options.minResource ?? 1);
  const reductionFactor = check.number('reductionFactor', options.reductionFactor ?? 4, {
    min: 1,
    minInclusive: false,
    fix: 'Use 2 or more; each rung keeps 1/reductionFactor of the trials.',
  });
  const maxResource =
    options.maxResource === undefined
      ? Number.POSITIVE_INFINITY
      : check.number('maxResource', options.maxResource, { min: minResource });
  const rungs = milestones(minResource, reductionFactor, maxResource);

  const reward = (value: number, direction: Direction) =>
    direction === 'maximize' ? value : -value;

  const decide = ({ trial, trials, direction }: PruneInput): PruneDecision => {
    const own = recordRungs(trial.reports, rungs);
    if (own.last === undefined) return continueTrial;
    const milestone = own.last;
    const value = own.recorded.get(milestone)!;
    const others: number[] = [];
    for (const t of trials) {
      if (t.trial === trial.trial) continue;
      const recorded = recordRungs(t.reports, rungs).recorded.get(milestone);
      if (recorded !== undefined) others.push(reward(recorded, direction));
    }
    if (others.length === 0) return continueTrial;
    const cutoff = nanPercentile(others, (1 - 1 / reductionFactor) * 100);
    if (Number.isNaN(cutoff) || !(reward(value, direction) < cutoff)) return continueTrial;
    const shown = direction === 'maximize' ? cutoff : -cutoff;
    return {
      prune: true,
      reason: `value ${formatValue(value)} at rung ${milestone} is outside the best 1/${reductionFactor} of ${others.length} other trial${others.length === 1 ? '' : 's'} (cutoff ${formatValue(shown)})`,
    };
  };

  return Object.freeze({
    description: {
      kind: 'successive-halving',
      minResource,
      reductionFactor,
      ...(Number.isFinite(maxResource) ? { maxResource } : {}),
    },
    decide,
  });
}
