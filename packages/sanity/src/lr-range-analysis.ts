import { checkArguments } from '@trainkit/core';
import { smoothEma } from '@trainkit/stats';
import type { CheckResult, Measurement } from './check-result';
import { formatNumber } from './format-number';
import type { RangeTestStopReason } from './lr-ramp';
import {
  type DescentSuggestion,
  type DescentSuggestionOptions,
  descentSuggestion,
  type LearningRateSuggestion,
  minimumSuggestion,
  steepestSuggestion,
  valleySuggestion,
} from './lr-suggestions';

/** The raw record of a range test: one loss per learning rate, as run. */
export interface RangeTestCurve {
  /** The learning rate of each iteration that ran, increasing. */
  readonly learningRates: ArrayLike<number>;
  /** The training loss of each of those iterations (raw, unsmoothed). */
  readonly losses: ArrayLike<number>;
  /** The configured iteration count (the peers' rules skip its first 10%). Default: the number of losses. */
  readonly iterations?: number;
  /** Why the test ended. Default `'completed'`. */
  readonly stopReason?: RangeTestStopReason;
}

/** Options of {@link analyzeRangeTest}. */
export interface AnalyzeRangeTestOptions extends DescentSuggestionOptions {
  /** EMA weight of the smoothed curve the peers' rules read (and the plot shows). Default 0.98. */
  readonly smoothing?: number;
}

/** The suggestions of the peers' rules, computed on the same losses. */
export interface PeerSuggestions {
  /** fastai's default `valley`. */
  readonly valley: LearningRateSuggestion | undefined;
  /** The steepest slope against log lr (fastai `steep`). */
  readonly steepest: LearningRateSuggestion | undefined;
  /** fastai's `minimum` (lr at the lowest smoothed loss / 10). */
  readonly minimum: LearningRateSuggestion | undefined;
}

/** Everything {@link analyzeRangeTest} computed. */
export interface RangeTestAnalysis {
  readonly learningRates: readonly number[];
  readonly losses: readonly number[];
  /** Debiased EMA of the losses (fastai's and Lightning's smoothed curve). */
  readonly smoothed: readonly number[];
  readonly iterations: number;
  readonly stopReason: RangeTestStopReason;
  /** trainkit's suggestion ({@link descentSuggestion}); `undefined` when the loss does not drop clearly. */
  readonly suggestion: number | undefined;
  /** How the suggestion was computed. */
  readonly descent: DescentSuggestion;
  /** The peers' suggestions on the same losses, for comparison. */
  readonly peers: PeerSuggestions;
  /** The verdict as a check result (`lr-range-test`). */
  readonly check: CheckResult;
}

/**
 * Reads a learning-rate range test: smooths the losses, computes trainkit's
 * suggestion ({@link descentSuggestion}) and the peers' (fastai's valley,
 * steepest slope and minimum/10 on the debiased EMA), and judges the curve.
 *
 * Status: `fail` when the loss is not finite from the first iteration; `warn`
 * when the loss never falls by 10% (`minRelativeDrop`) of its start level: the
 * model does not learn at any rate (labels, loss, frozen weights), or it is
 * already trained and the test cannot tell; `pass` with a suggestion otherwise.
 *
 * @param curve - {@link RangeTestCurve}
 * @param options - {@link AnalyzeRangeTestOptions}
 * @returns The analysis, including the check result.
 * @example
 * ```ts
 * const analysis = analyzeRangeTest({ learningRates, losses, iterations: 100 });
 * console.log(analysis.suggestion, analysis.peers.valley?.learningRate);
 * ```
 */
export function analyzeRangeTest(
  curve: RangeTestCurve,
  options: AnalyzeRangeTestOptions = {},
): RangeTestAnalysis {
  const check = checkArguments('analyzeRangeTest');
  const smoothing = check.number('smoothing', options.smoothing ?? 0.98, {
    min: 0,
    max: 1,
    maxInclusive: false,
  });
  const learningRates = Array.from(curve.learningRates);
  const losses = Array.from(curve.losses);
  const iterations = check.integer('curve.iterations', curve.iterations ?? losses.length, {
    min: losses.length,
  });
  const stopReason = check.oneOf('curve.stopReason', curve.stopReason ?? 'completed', [
    'completed',
    'diverged',
    'non-finite',
  ] as const);
  const descent = descentSuggestion(learningRates, losses, options);
  const smoothed = Array.from(smoothEma(losses, smoothing));
  const peerOptions = { skipStart: Math.floor(iterations / 10), skipEnd: 5 };
  const peers: PeerSuggestions = {
    valley: valleySuggestion(learningRates, smoothed, peerOptions),
    steepest: steepestSuggestion(learningRates, smoothed, peerOptions),
    minimum: minimumSuggestion(learningRates, smoothed, peerOptions),
  };
  const suggestion = descent.learningRate;
  const measurements: Record<string, Measurement> = {
    suggestion: suggestion ?? Number.NaN,
    valley: peers.valley?.learningRate ?? Number.NaN,
    steepest: peers.steepest?.learningRate ?? Number.NaN,
    minimumOverTen: peers.minimum?.learningRate ?? Number.NaN,
    startLoss: descent.startLoss,
    lowestLoss: descent.minimumLoss,
    lowestLossLearningRate: descent.minimumLearningRate,
    relativeDrop: descent.relativeDrop,
    iterationsRun: losses.length,
    iterations,
    stopReason,
  };
  const name = 'lr-range-test';
  const ended =
    stopReason === 'completed'
      ? 'ran to the end'
      : stopReason === 'diverged'
        ? `stopped at lr ${formatNumber(learningRates[learningRates.length - 1]!)} (smoothed loss above 4x its best)`
        : `stopped at lr ${formatNumber(learningRates[learningRates.length - 1]!)} (loss not finite)`;
  let result: CheckResult;
  if (!Number.isFinite(losses[0]!)) {
    result = {
      name,
      status: 'fail',
      summary: `the loss is ${losses[0]} at the first learning rate ${formatNumber(learningRates[0]!)}`,
      measurements,
      advice: [
        'The loss is not finite before training: check the inputs for NaN, the loss function (log of 0, division by 0) and the initialization.',
      ],
    };
  } else if (suggestion === undefined) {
    result = {
      name,
      status: 'warn',
      summary: `the loss never falls clearly: from ${formatNumber(descent.startLoss)} to at best ${formatNumber(descent.minimumLoss)} (${formatNumber(100 * descent.relativeDrop)}%) between lr ${formatNumber(learningRates[0]!)} and ${formatNumber(learningRates[learningRates.length - 1]!)}; ${ended}`,
      measurements,
      advice: [
        'If the model is untrained, it does not learn at any rate: check that labels match inputs, that the loss fits the outputs (logits or probabilities), and that the weights are trainable.',
        'If the model is already trained, the range test cannot tell much: run it on a fresh model.',
      ],
    };
  } else {
    const peerText = [
      peers.valley && `fastai valley ${formatNumber(peers.valley.learningRate)}`,
      peers.steepest && `steepest slope ${formatNumber(peers.steepest.learningRate)}`,
    ]
      .filter(Boolean)
      .join(', ');
    result = {
      name,
      status: 'pass',
      summary: `suggested learning rate ${formatNumber(suggestion)}: the loss falls from ${formatNumber(descent.startLoss)} to ${formatNumber(descent.minimumLoss)} (lowest at lr ${formatNumber(descent.minimumLearningRate)}); ${ended}${peerText === '' ? '' : `; ${peerText}`}`,
      measurements,
      advice: [],
    };
  }
  return {
    learningRates,
    losses,
    smoothed,
    iterations,
    stopReason,
    suggestion,
    descent,
    peers,
    check: result,
  };
}
