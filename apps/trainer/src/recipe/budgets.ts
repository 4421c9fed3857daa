import { recipeSearchSettings, type SearchPlan } from '../search-run';

/** The recipe's budgets. */
export const recipeBudgets = ['quick', 'standard', 'full'] as const;

/** A budget name. */
export type RecipeBudgetName = (typeof recipeBudgets)[number];

/** What a budget lets the recipe spend on each step. */
export interface RecipeBudget {
  readonly name: RecipeBudgetName;
  /** Training images used (the first of the training file); undefined: all 60,000. */
  readonly limit: number | undefined;
  /** Rows the sanity checks train on. */
  readonly sanityRows: number;
  /** Overfit-ladder sizes and update budget per size. */
  readonly ladderSizes: readonly number[];
  readonly ladderSteps: number;
  /** Range-test iterations. */
  readonly rangeIterations: number;
  /** At most this many learning rates in the coarse grid (the discrete test's best first). */
  readonly maxCoarseRates: number;
  /** The search (its learning rates come from the learning-rate finder). */
  readonly search: Omit<SearchPlan, 'learningRates'>;
  /** Epochs of the final training (with learning-rate decay). */
  readonly finalEpochs: number;
  /** A debug cycle (one sanity pass) longer than this is worth a warning, seconds. */
  readonly debugCycleWarning: number;
}

/**
 * The budgets: `quick` (a 4,000-image slice; about a minute on 2 cores, under
 * 3 minutes on a loaded machine), `standard` (20,000 images), `full` (all
 * 60,000, the recipe's own numbers: coarse trials of 3 epochs, refined ones
 * of 10, final training of 15).
 */
export const budgetSettings: Readonly<Record<RecipeBudgetName, RecipeBudget>> = {
  quick: {
    name: 'quick',
    limit: 4000,
    sanityRows: 1000,
    ladderSizes: [1, 4, 10, 100],
    ladderSteps: 150,
    rangeIterations: 100,
    maxCoarseRates: 3,
    search: {
      weightDecays: [1e-4, 0],
      coarseEpochs: 2,
      fineEpochs: 3,
      topK: 1,
      points: 3,
      fine: true,
      decay: false,
      // 9 trials of 2-3 epochs: too few, too short and too noisy (400 validation images) to prune.
      pruner: 'none',
      maxFineTrials: 3,
    },
    finalEpochs: 4,
    debugCycleWarning: 180,
  },
  standard: {
    name: 'standard',
    limit: 20_000,
    sanityRows: 2000,
    ladderSizes: [1, 4, 10, 100, 1000],
    ladderSteps: 200,
    rangeIterations: 100,
    maxCoarseRates: 4,
    search: {
      weightDecays: [1e-4, 1e-5, 0],
      coarseEpochs: 2,
      fineEpochs: 5,
      topK: 2,
      points: 3,
      fine: true,
      decay: false,
      // The median rule judges against finished trials only: with a dozen trials it prunes most of
      // the refined stage (survivors raise the bar). Compare them all.
      pruner: 'none',
      maxFineTrials: 8,
    },
    finalEpochs: 8,
    debugCycleWarning: 180,
  },
  full: {
    name: 'full',
    limit: undefined,
    sanityRows: 2000,
    ladderSizes: [1, 4, 10, 100, 1000],
    ladderSteps: 200,
    rangeIterations: 100,
    maxCoarseRates: 4,
    search: recipeSearchSettings,
    finalEpochs: 15,
    debugCycleWarning: 180,
  },
};
