import type { Direction, TrialView } from './trial';

/** What a pruner is asked after each report. */
export interface PruneInput {
  /** The reporting trial, its reports including the one just made. */
  readonly trial: TrialView;
  /** Every trial of the search (this one included). */
  readonly trials: readonly TrialView[];
  readonly direction: Direction;
}

/** A pruner's answer: stop the trial now (`prune`) and why. */
export interface PruneDecision {
  readonly prune: boolean;
  /** Why, in words, when pruning. */
  readonly reason: string | undefined;
}

/** JSON that describes a pruner (for logs and results). */
export type PrunerDescription = Readonly<Record<string, unknown>> & { readonly kind: string };

/**
 * Decides after each intermediate report whether a trial should stop early.
 * A pure function of the trials' reports and states, so it gives the same
 * answer wherever it runs.
 */
export interface Pruner {
  readonly description: PrunerDescription;
  decide(input: PruneInput): PruneDecision;
}

/** The decision "keep going". */
export const continueTrial: PruneDecision = Object.freeze({ prune: false, reason: undefined });

/**
 * The `q`-th percentile (0..100) of the non-NaN values, interpolating
 * linearly between the closest ranks (numpy's `nanpercentile` default);
 * NaN when no value is left.
 *
 * @example
 * ```ts
 * nanPercentile([1, 2, 3, 4], 50); // 2.5
 * ```
 */
export function nanPercentile(values: readonly number[], q: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const position = ((sorted.length - 1) * q) / 100;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const a = sorted[lower]!;
  const b = sorted[upper]!;
  if (a === b || lower === upper) return a;
  return a + (b - a) * (position - lower);
}

/**
 * No pruning: every trial runs to its end.
 *
 * @example
 * ```ts
 * await runSearch({ strategy, objective, pruner: noPruner() });
 * ```
 */
export function noPruner(): Pruner {
  return Object.freeze({
    description: { kind: 'none' },
    decide: () => continueTrial,
  });
}
