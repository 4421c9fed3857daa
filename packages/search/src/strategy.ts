import type { Direction, TrialProposal, TrialView } from './trial';

/** JSON that describes a strategy; the journal header keeps it. */
export type StrategyDescription = Readonly<Record<string, unknown>> & { readonly kind: string };

/** What {@link Strategy.plan} returns. */
export interface StrategyPlan {
  /**
   * Every trial the strategy wants so far, in order. The search creates the
   * ones it has not created yet (by position), so a plan must be a pure
   * function of the finished trials: the same trials give the same list.
   */
  readonly proposals: readonly TrialProposal[];
  /** False while more proposals may come once running trials end (a later stage). */
  readonly complete: boolean;
}

/**
 * How a search picks its trials. Grid, random, manual and coarse-to-fine are
 * built in; any object with this shape works.
 */
export interface Strategy {
  /** The description recorded in the journal; a resumed search must match it. */
  readonly description: StrategyDescription;
  /**
   * Description fields that may differ when resuming (a random search may be
   * extended with more trials).
   */
  readonly extendable: readonly string[];
  /** Parameter names in display order (columns of the results table). */
  readonly parameterNames: readonly string[];
  /** The proposals given the trials so far. */
  plan(trials: readonly TrialView[], direction: Direction): StrategyPlan;
}
