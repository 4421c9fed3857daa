import { checkArguments } from '@trainkit/core';
import type { CheckResult, Measurement } from './check-result';
import { formatNumber } from './format-number';
import type { TaskKind } from './initial-loss';

/**
 * What a classification loss expects, found by probing it: `logits` (it applies
 * softmax/sigmoid itself, like `tf.losses.softmaxCrossEntropy`), `probabilities`
 * (like tfjs-layers' `categoricalCrossentropy`), or `unknown` (neither
 * cross-entropy: another loss, label smoothing, a regression loss).
 */
export type LossInputKind = 'logits' | 'probabilities' | 'unknown';

/** What {@link judgeOutputLossPairing} compares. */
export interface OutputLossPairingInput {
  readonly task: TaskKind;
  /** What the loss expects. */
  readonly lossExpects: LossInputKind;
  /** Do the model's outputs look like probabilities (all in [0, 1]; multiclass: rows summing to 1)? */
  readonly outputsLookLikeProbabilities: boolean;
  /** Smallest and largest output value seen. */
  readonly outputRange?: readonly [number, number];
  /** Largest |row sum - 1| of the outputs (multiclass). */
  readonly maxRowSumError?: number;
  /** The activation of the last layer, when known (`softmax`, `sigmoid`, `linear`...). */
  readonly lastActivation?: string;
  /** The loss' name, when known. */
  readonly lossName?: string;
}

/**
 * The softmax/logits mistakes: probabilities (a final softmax or sigmoid) fed
 * to a loss that applies softmax itself, or logits fed to a loss that expects
 * probabilities. Both train badly without any error: softmax of probabilities
 * is nearly uniform, so the loss stays near ln(C) and the gradients shrink
 * (Keras warns about the first case; UMLAUT's `NoSoftmaxActivationError` is
 * the second); logits into a probability loss are renormalized and clipped,
 * so the loss and its gradients are meaningless.
 *
 * Status: `fail` on a mismatch, `pass` when outputs and loss agree,
 * `skipped` for a regression or a loss that is neither kind of cross-entropy.
 *
 * @param input - {@link OutputLossPairingInput}
 * @returns The `output-loss-pairing` check result.
 * @example
 * ```ts
 * judgeOutputLossPairing({ task: 'multiclass', lossExpects: 'logits', outputsLookLikeProbabilities: true }).status; // 'fail'
 * ```
 */
export function judgeOutputLossPairing(input: OutputLossPairingInput): CheckResult {
  const check = checkArguments('judgeOutputLossPairing');
  const task = check.oneOf('input.task', input.task, [
    'multiclass',
    'binary',
    'regression',
  ] as const);
  const expects = check.oneOf('input.lossExpects', input.lossExpects, [
    'logits',
    'probabilities',
    'unknown',
  ] as const);
  check.boolean('input.outputsLookLikeProbabilities', input.outputsLookLikeProbabilities);
  const name = 'output-loss-pairing';
  const outputs = input.outputsLookLikeProbabilities ? 'probabilities' : 'logits';
  const measurements: Record<string, Measurement> = {
    task,
    lossExpects: expects,
    outputsLookLike: outputs,
  };
  if (input.outputRange !== undefined) {
    measurements.outputMin = input.outputRange[0];
    measurements.outputMax = input.outputRange[1];
  }
  if (input.maxRowSumError !== undefined && Number.isFinite(input.maxRowSumError)) {
    measurements.maxRowSumError = input.maxRowSumError;
  }
  if (input.lastActivation !== undefined) measurements.lastActivation = input.lastActivation;
  if (input.lossName !== undefined) measurements.loss = input.lossName;
  if (task === 'regression') {
    return {
      name,
      status: 'skipped',
      summary: 'skipped: a regression has no logits or probabilities',
      measurements,
      advice: [],
      reason: 'A regression has no logits or probabilities.',
    };
  }
  if (expects === 'unknown') {
    return {
      name,
      status: 'skipped',
      summary: 'skipped: the loss is not cross-entropy on logits or on probabilities',
      measurements,
      advice: [],
      reason:
        'The loss is not cross-entropy on logits or on probabilities (a custom loss, label smoothing).',
    };
  }
  const squash = task === 'multiclass' ? 'softmax' : 'sigmoid';
  const shape =
    task === 'multiclass'
      ? `rows in [0, 1] summing to 1${input.maxRowSumError === undefined ? '' : ` within ${formatNumber(input.maxRowSumError)}`}`
      : 'all in [0, 1]';
  const layer =
    input.lastActivation === undefined ? '' : ` (last activation: ${input.lastActivation})`;
  if (expects === 'logits' && input.outputsLookLikeProbabilities) {
    return {
      name,
      status: 'fail',
      summary: `the outputs are probabilities (${shape})${layer} but the loss applies ${squash} itself (it expects logits)`,
      measurements,
      advice: [
        `Remove the final ${squash} from the model (output logits), or use a loss that takes probabilities (tfjs-layers '${task === 'multiclass' ? 'categoricalCrossentropy' : 'binaryCrossentropy'}').`,
        `As it is, the loss sees ${squash}(${squash}(z)), which is nearly flat: it stays near its starting value and the gradients are tiny.`,
      ],
    };
  }
  if (expects === 'probabilities' && !input.outputsLookLikeProbabilities) {
    const range =
      input.outputRange === undefined
        ? ''
        : `, from ${formatNumber(input.outputRange[0])} to ${formatNumber(input.outputRange[1])}`;
    return {
      name,
      status: 'fail',
      summary: `the outputs are logits (not ${shape}${range})${layer} but the loss expects probabilities`,
      measurements,
      advice: [
        `Add a final ${squash} activation, or use a loss that takes logits (tf.losses.${task === 'multiclass' ? 'softmaxCrossEntropy' : 'sigmoidCrossEntropy'}).`,
        'As it is, the loss renormalizes and clips the logits, so its value and gradients are meaningless.',
      ],
    };
  }
  return {
    name,
    status: 'pass',
    summary: `the outputs are ${outputs} and the loss expects ${expects}`,
    measurements,
    advice: [],
  };
}
