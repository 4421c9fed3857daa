import { checkArguments } from '@trainkit/core';
import type { CheckResult, Measurement } from './check-result';
import { formatNumber } from './format-number';

/** What the model predicts, which decides the loss it should start at. */
export type TaskKind = 'multiclass' | 'binary' | 'regression';

/** Thresholds of {@link judgeInitialLoss}. */
export interface InitialLossThresholds {
  /** Pass when the loss is within this fraction of the expected value. Default 0.15 (healthy MNIST MLP/CNN: 0.4% to 3.4% above ln 10). */
  readonly tolerance?: number;
  /**
   * ... or (classification) within this many nats of it, whichever is wider. Default 0.25: logits
   * with a standard deviation of about 0.7 add that much (a Glorot-initialized
   * 8-32-3 MLP starts 0.05 to 0.21 above ln 3).
   */
  readonly absoluteTolerance?: number;
  /** Fail when the loss is above this multiple of the expected value (warn between). Default 2. */
  readonly failFactor?: number;
  /** Warn when the mean top predicted probability is above this (classification). Default 0.5 (uniform: 1/C). */
  readonly maxConfidence?: number;
}

/** The defaults of {@link InitialLossThresholds}. */
export const defaultInitialLossThresholds: Readonly<Required<InitialLossThresholds>> = {
  tolerance: 0.15,
  absoluteTolerance: 0.25,
  failFactor: 2,
  maxConfidence: 0.5,
};

/** What {@link judgeInitialLoss} compares. */
export interface InitialLossInput {
  /** The loss of the untrained model (mean over a few hundred examples). */
  readonly loss: number;
  readonly task: TaskKind;
  /** Number of classes (multiclass). */
  readonly classes?: number;
  /**
   * Classification: the class frequencies of the labels, when known; the loss
   * of predicting them (their entropy) is also accepted as a start (a model
   * whose output bias is set to the class prior). Regression: ignored.
   */
  readonly classFrequencies?: readonly number[];
  /** Regression: the loss of predicting the mean target for every example. */
  readonly meanPredictorLoss?: number;
  /** Classification: the mean of the largest predicted probability per example. */
  readonly meanConfidence?: number;
}

function entropy(frequencies: readonly number[]): number {
  const total = frequencies.reduce((sum, f) => sum + f, 0);
  let h = 0;
  for (const f of frequencies) if (f > 0) h -= (f / total) * Math.log(f / total);
  return h;
}

/**
 * Judges the loss of an untrained model (Karpathy's "verify loss @ init"):
 * C-class softmax cross-entropy should start near ln(C) (the loss of uniform
 * predictions), binary cross-entropy near ln 2, a regression near the loss of
 * predicting the mean target (or below). A start far above means the initial
 * predictions are confidently wrong: weights initialized too large, inputs not
 * normalized, or a loss that does not match the outputs; far below means the
 * model already knows the answer (trained weights, or labels leaking into the
 * inputs).
 *
 * Status: `pass` within `tolerance` (15%) or `absoluteTolerance` (0.25 nats),
 * whichever is wider, of the expected value (or of the class-prior
 * entropy when `classFrequencies` is given; a regression may also be lower);
 * `fail` above `failFactor` times it; `warn` otherwise, and when the mean top
 * predicted probability exceeds `maxConfidence`.
 *
 * @param input - {@link InitialLossInput}
 * @param thresholds - {@link InitialLossThresholds}
 * @returns The `initial-loss` check result.
 * @example
 * ```ts
 * judgeInitialLoss({ loss: 2.33, task: 'multiclass', classes: 10 }).status; // 'pass'
 * ```
 */
export function judgeInitialLoss(
  input: InitialLossInput,
  thresholds: InitialLossThresholds = {},
): CheckResult {
  const check = checkArguments('judgeInitialLoss');
  const task = check.oneOf('input.task', input.task, [
    'multiclass',
    'binary',
    'regression',
  ] as const);
  const tolerance = check.number(
    'thresholds.tolerance',
    thresholds.tolerance ?? defaultInitialLossThresholds.tolerance,
    {
      min: 0,
      minInclusive: false,
    },
  );
  const absoluteTolerance = check.nonNegative(
    'thresholds.absoluteTolerance',
    thresholds.absoluteTolerance ?? defaultInitialLossThresholds.absoluteTolerance,
  );
  const failFactor = check.number(
    'thresholds.failFactor',
    thresholds.failFactor ?? defaultInitialLossThresholds.failFactor,
    {
      min: 1,
      minInclusive: false,
    },
  );
  const maxConfidence = check.number(
    'thresholds.maxConfidence',
    thresholds.maxConfidence ?? defaultInitialLossThresholds.maxConfidence,
    { min: 0, max: 1 },
  );
  if (typeof input.loss !== 'number') check.fail('input.loss', input.loss, 'a number');
  const name = 'initial-loss';
  const measurements: Record<string, Measurement> = { loss: input.loss };
  let expected: number;
  let expectedText: string;
  let alternative: number | undefined;
  if (task === 'multiclass') {
    const classes = check.integer('input.classes', input.classes, { min: 2 });
    expected = Math.log(classes);
    expectedText = `ln(${classes}) = ${formatNumber(expected)}`;
    measurements.classes = classes;
  } else if (task === 'binary') {
    expected = Math.LN2;
    expectedText = `ln(2) = ${formatNumber(expected)}`;
  } else {
    expected = check.nonNegative('input.meanPredictorLoss', input.meanPredictorLoss);
    expectedText = `${formatNumber(expected)} (predicting the mean target)`;
  }
  measurements.expected = expected;
  if (task !== 'regression' && input.classFrequencies !== undefined) {
    check.nonEmptyArray('input.classFrequencies', input.classFrequencies);
    alternative = entropy(input.classFrequencies);
    measurements.priorEntropy = alternative;
  }
  if (input.meanConfidence !== undefined) measurements.meanConfidence = input.meanConfidence;
  const ratio = input.loss / expected;
  measurements.ratio = ratio;
  // Nats only mean something for cross-entropy; a regression loss has its own units.
  const band = (target: number) =>
    task === 'regression' ? tolerance * target : Math.max(tolerance * target, absoluteTolerance);
  const near = (target: number) => Math.abs(input.loss - target) <= band(target);
  const summary = `initial loss ${formatNumber(input.loss)}, expected ${expectedText}`;
  if (!Number.isFinite(input.loss)) {
    return {
      name,
      status: 'fail',
      summary,
      measurements,
      advice: [
        'The loss is not finite before any training: look for NaN or infinite inputs, a log of 0 in the loss, or an initialization that overflows.',
      ],
    };
  }
  const tooHigh = input.loss > expected + band(expected);
  if (input.loss > failFactor * expected || (expected === 0 && input.loss > 0)) {
    return {
      name,
      status: 'fail',
      summary: `${summary}: ${formatNumber(ratio)}x too high`,
      measurements,
      advice: [
        'The untrained model is confidently wrong. Check the weight initialization (Glorot/He scale, not N(0, 1)), that inputs are normalized, and that the loss matches the outputs (logits vs probabilities).',
        task === 'regression'
          ? 'Initialize the output bias to the mean target.'
          : 'Initialize the last layer small (or its bias to the log class frequencies) so that the first predictions are near uniform.',
      ],
    };
  }
  const accepted =
    (task === 'regression' ? !tooHigh : near(expected)) ||
    (alternative !== undefined && near(alternative));
  const confident =
    task !== 'regression' &&
    input.meanConfidence !== undefined &&
    input.meanConfidence > maxConfidence;
  if (accepted && !confident) return { name, status: 'pass', summary, measurements, advice: [] };
  const advice: string[] = [];
  if (!accepted && input.loss < expected) {
    advice.push(
      'The untrained model already does better than chance: is it pre-trained, or do the inputs contain the labels (a leak)?',
    );
  } else if (!accepted) {
    advice.push(
      'The first predictions are further from uniform than an untrained model should be: scale the initialization down or set the last layer bias to the class prior.',
    );
  }
  if (confident) {
    advice.push(
      `The untrained model is confident (mean top probability ${formatNumber(input.meanConfidence!)}); near-uniform first predictions train faster: shrink the last layer's initialization.`,
    );
  }
  return {
    name,
    status: 'warn',
    summary: `${summary} (${formatNumber(100 * (ratio - 1))}% off)`,
    measurements,
    advice,
  };
}
