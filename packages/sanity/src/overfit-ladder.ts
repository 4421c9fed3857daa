import { checkArguments } from '@trainkit/core';
import type { CheckResult, Measurement } from './check-result';
import { formatNumber } from './format-number';

/** One rung of the overfit ladder: training from scratch on `size` examples. */
export interface LadderRung {
  /** Training examples. */
  readonly size: number;
  /** Updates until the training accuracy reached 100% (or the loss target); NaN when it did not within the budget. */
  readonly steps: number;
  /** Training accuracy (inference mode) at the end; NaN for a regression. */
  readonly trainAccuracy: number;
  /** Training loss at the end. */
  readonly trainLoss: number;
  /** Accuracy on held-out examples at the end; NaN without held-out data or for a regression. */
  readonly heldOutAccuracy: number;
}

/** Thresholds of {@link judgeOverfitLadder}. */
export interface OverfitLadderThresholds {
  /** Sizes up to this must be memorized (100% training accuracy); otherwise `fail`. Default 10. */
  readonly memorizeUpTo?: number;
  /**
   * The held-out accuracy at the largest size must exceed chance by this many
   * standard errors of a chance-level accuracy (and by at least 0.05);
   * otherwise `warn` (no generalization). Default 3.
   */
  readonly chanceSigmas?: number;
}

/** What {@link judgeOverfitLadder} needs besides the rungs. */
export interface OverfitLadderContext {
  /** Accuracy of always predicting the most frequent held-out class. */
  readonly chanceAccuracy?: number;
  /** Number of held-out examples. */
  readonly heldOutCount?: number;
  /** The update budget per rung. */
  readonly maxSteps: number;
}

/**
 * The overfit ladder (Karpathy's "overfit one batch", extended): a model that
 * cannot memorize one example, then a handful, has a bug (the loss, the labels,
 * gradients that do not reach the weights, a learning rate far off); the
 * steps needed per size and the held-out accuracy per size show how hard
 * memorizing gets and where generalization appears.
 *
 * Status: `fail` when a size up to `memorizeUpTo` does not reach 100%
 * training accuracy within the budget; `warn` when the largest size's
 * held-out accuracy is at chance level (the labels may not match the inputs,
 * e.g. shifted by one position); `pass` otherwise. Larger sizes that do not
 * reach 100% in the budget are reported, not judged.
 *
 * @param rungs - One per size, increasing.
 * @param context - {@link OverfitLadderContext}
 * @param thresholds - {@link OverfitLadderThresholds}
 * @returns The `overfit-ladder` check result with the table of rungs.
 * @example
 * ```ts
 * judgeOverfitLadder([{ size: 1, steps: Number.NaN, trainAccuracy: 0, trainLoss: 2.3, heldOutAccuracy: 0.1 }], { maxSteps: 100 }).status; // 'fail'
 * ```
 */
export function judgeOverfitLadder(
  rungs: readonly LadderRung[],
  context: OverfitLadderContext,
  thresholds: OverfitLadderThresholds = {},
): CheckResult {
  const check = checkArguments('judgeOverfitLadder');
  check.nonEmptyArray('rungs', rungs);
  const memorizeUpTo = check.integer('thresholds.memorizeUpTo', thresholds.memorizeUpTo ?? 10, {
    min: 0,
  });
  const chanceSigmas = check.nonNegative('thresholds.chanceSigmas', thresholds.chanceSigmas ?? 3);
  const maxSteps = check.integer('context.maxSteps', context?.maxSteps, { min: 1 });
  const table = rungs.map((rung) => ({
    size: rung.size,
    steps: rung.steps,
    trainAccuracy: rung.trainAccuracy,
    trainLoss: rung.trainLoss,
    heldOutAccuracy: rung.heldOutAccuracy,
  }));
  const measurements: Record<string, Measurement> = {
    sizes: rungs.map((r) => r.size),
    steps: rungs.map((r) => r.steps),
    heldOutAccuracy: rungs.map((r) => r.heldOutAccuracy),
    maxSteps,
  };
  const name = 'overfit-ladder';
  const failed = rungs.filter((r) => r.size <= memorizeUpTo && !Number.isFinite(r.steps));
  if (failed.length > 0) {
    const first = failed[0]!;
    return {
      name,
      status: 'fail',
      summary: `cannot memorize ${first.size} example${first.size === 1 ? '' : 's'} in ${maxSteps} updates (training accuracy ${formatNumber(first.trainAccuracy)}, loss ${formatNumber(first.trainLoss)})`,
      measurements,
      advice: [
        'A working model memorizes a handful of examples quickly. Check that the loss matches the outputs (logits vs probabilities), that the labels are right and aligned with the inputs, that gradients reach the weights (nothing frozen, no stop-gradient), and the learning rate.',
      ],
      table,
    };
  }
  const largest = rungs[rungs.length - 1]!;
  const chance = context.chanceAccuracy;
  const heldOut = context.heldOutCount;
  if (
    chance !== undefined &&
    heldOut !== undefined &&
    heldOut > 0 &&
    Number.isFinite(largest.heldOutAccuracy)
  ) {
    const sigma = Math.sqrt((chance * (1 - chance)) / heldOut);
    const threshold = chance + Math.max(0.05, chanceSigmas * sigma);
    measurements.chanceAccuracy = chance;
    measurements.generalizationThreshold = threshold;
    if (largest.heldOutAccuracy <= threshold) {
      return {
        name,
        status: 'warn',
        summary: `after training on ${largest.size} examples the held-out accuracy is ${formatNumber(largest.heldOutAccuracy)}, at chance level (${formatNumber(chance)}): the model memorizes but does not generalize`,
        measurements,
        advice: [
          'Memorizing without any generalization usually means the labels do not belong to the inputs: check that images and labels are shuffled together and aligned (an off-by-one shift), and the label encoding.',
        ],
        table,
      };
    }
  }
  const memorized = rungs
    .filter((r) => Number.isFinite(r.steps))
    .map((r) => `${r.size} in ${r.steps}`);
  return {
    name,
    status: 'pass',
    summary: `memorized ${memorized.join(', ')} updates; held-out accuracy ${rungs
      .filter((r) => Number.isFinite(r.heldOutAccuracy))
      .map((r) => `${formatNumber(r.heldOutAccuracy)} at ${r.size}`)
      .join(', ')}`,
    measurements,
    advice: [],
    table,
  };
}
