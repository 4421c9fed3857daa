import type { Config } from './space';

/** Optimize towards smaller (`minimize`, a loss) or larger (`maximize`, an accuracy) values. */
export type Direction = 'minimize' | 'maximize';

/**
 * How long a trial should train, set by the strategy (coarse-to-fine trains the
 * coarse stage for a few epochs and the refined stage longer, without
 * learning-rate decay). The objective reads it; the search does not enforce it.
 */
export interface TrialBudget {
  /** Epochs to train. */
  readonly epochs: number;
  /** Whether the objective should decay the learning rate during the trial. */
  readonly learningRateDecay: boolean;
}

/**
 * Where a trial is: `created` (planned), `running` (an attempt started and
 * has not ended), then exactly one of `finished`, `failed`, `pruned`.
 */
export type TrialState = 'created' | 'running' | 'finished' | 'failed' | 'pruned';

/** An error as the journal keeps it. */
export interface TrialError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** One intermediate value: `value` after `step` (epochs or updates, the objective's unit). */
export interface TrialReport {
  readonly step: number;
  readonly value: number;
}

/** A trial the strategy wants: what to run and why. */
export interface TrialProposal {
  readonly config: Config;
  /** 1 for the first stage (a plain grid or random search has only stage 1). */
  readonly stage: number;
  /** The trial this one refines (coarse-to-fine), if any. */
  readonly parent: number | undefined;
  /** Why the strategy chose this point, in words. */
  readonly reason: string;
  readonly budget: TrialBudget | undefined;
}

/** A trial as the search knows it, rebuilt from the journal. */
export interface TrialView extends TrialProposal {
  /** The trial number, 0, 1, 2, ... in creation order. */
  readonly trial: number;
  readonly state: TrialState;
  /**
   * The final value of a finished trial, the last reported value of a pruned
   * one (undefined when it reported nothing), undefined otherwise.
   */
  readonly value: number | undefined;
  /** Intermediate values, one per step (a re-run overwrites a step), sorted by step. */
  readonly reports: readonly TrialReport[];
  /** How many times it was started (more than 1 after crashes or lost workers). */
  readonly attempts: number;
  /** Who runs (or last ran) it, e.g. `host:pid`. */
  readonly owner: string | undefined;
  /** The error of a failed trial, or why a pruned trial was pruned (`name` 'Pruned'). */
  readonly error: TrialError | undefined;
  /** Wall time of creation, first start and end, in ms since the epoch. */
  readonly createdAt: number;
  readonly startedAt: number | undefined;
  readonly endedAt: number | undefined;
}

/**
 * True for the three states a trial ends in.
 *
 * @example
 * ```ts
 * result.trials.filter((t) => !isTerminal(t.state)); // still to run
 * ```
 */
export function isTerminal(state: TrialState): boolean {
  return state === 'finished' || state === 'failed' || state === 'pruned';
}

/** Compares two values in the search's direction: negative when `a` is better. */
export function compareValues(a: number, b: number, direction: Direction): number {
  return direction === 'minimize' ? a - b : b - a;
}

/**
 * Finished trials with a finite value, best first (ties: lower trial number
 * first).
 */
export function rankFinished(trials: readonly TrialView[], direction: Direction): TrialView[] {
  return trials
    .filter((t) => t.state === 'finished' && t.value !== undefined && Number.isFinite(t.value))
    .sort((a, b) => compareValues(a.value!, b.value!, direction) || a.trial - b.trial);
}
