import { checkArguments } from '@trainkit/core';
import type { CheckResult, Measurement } from './check-result';
import { formatNumber } from './format-number';

/** What {@link judgeEvaluationMode} compares (differences are relative to the largest |output|). */
export interface EvaluationModeInput {
  /** Largest relative difference between two evaluations of the same inputs. */
  readonly repeatDifference: number;
  /** Largest relative difference between evaluating the rows together and in two halves. */
  readonly batchDifference: number;
  /** Largest relative difference between training-mode and inference-mode outputs, when measured. */
  readonly modeDifference?: number;
  /** Layers that should behave differently in training mode (e.g. `['dropout_1', 'batch_normalization_1']`). */
  readonly modeLayers?: readonly string[];
}

/** Thresholds of {@link judgeEvaluationMode}. */
export interface EvaluationModeThresholds {
  /** Relative differences up to this count as equal (float reordering across batch sizes). Default 1e-4. */
  readonly tolerance?: number;
}

/**
 * Train/eval mode: evaluation must be deterministic (dropout off) and must not
 * depend on which other rows share the batch (batch normalization uses its
 * moving statistics, not the batch's); and when the model has dropout or
 * batch-norm layers, training mode must differ from inference mode (or those
 * layers do nothing).
 *
 * Status: `fail` when two evaluations differ (dropout active at evaluation) or
 * the batch changes the outputs (batch statistics at evaluation); `warn` when
 * mode layers exist but both modes give the same outputs; `pass` otherwise.
 *
 * @param input - {@link EvaluationModeInput}
 * @param thresholds - {@link EvaluationModeThresholds}
 * @returns The `evaluation-mode` check result.
 * @example
 * ```ts
 * judgeEvaluationMode({ repeatDifference: 0.4, batchDifference: 0.4 }).status; // 'fail'
 * ```
 */
export function judgeEvaluationMode(
  input: EvaluationModeInput,
  thresholds: EvaluationModeThresholds = {},
): CheckResult {
  const check = checkArguments('judgeEvaluationMode');
  const tolerance = check.positive('thresholds.tolerance', thresholds.tolerance ?? 1e-4);
  const repeat = check.nonNegative('input.repeatDifference', input.repeatDifference);
  const batch = check.nonNegative('input.batchDifference', input.batchDifference);
  const measurements: Record<string, Measurement> = {
    repeatDifference: repeat,
    batchDifference: batch,
  };
  if (input.modeDifference !== undefined) measurements.modeDifference = input.modeDifference;
  const layers = input.modeLayers ?? [];
  if (layers.length > 0) measurements.modeLayers = layers.join(', ');
  const name = 'evaluation-mode';
  if (repeat > tolerance) {
    return {
      name,
      status: 'fail',
      summary: `evaluating the same inputs twice gives different outputs (relative difference ${formatNumber(repeat)}): evaluation is random`,
      measurements,
      advice: [
        'Evaluate in inference mode: model.predict(x) or model.apply(x, { training: false }), not training: true; dropout must be off at evaluation.',
      ],
    };
  }
  if (batch > tolerance) {
    return {
      name,
      status: 'fail',
      summary: `the outputs of a row depend on the other rows in its batch (relative difference ${formatNumber(batch)}): batch statistics are used at evaluation`,
      measurements,
      advice: [
        'Evaluate in inference mode so that batch normalization uses its moving mean and variance: model.predict(x) or model.apply(x, { training: false }).',
      ],
    };
  }
  if (
    layers.length > 0 &&
    input.modeDifference !== undefined &&
    input.modeDifference <= tolerance
  ) {
    return {
      name,
      status: 'warn',
      summary: `training mode gives the same outputs as inference mode although the model has ${layers.join(', ')}`,
      measurements,
      advice: [
        'Those layers do nothing in training: check the dropout rate (> 0) and that training calls pass training: true.',
      ],
    };
  }
  return {
    name,
    status: 'pass',
    summary: `evaluation is deterministic and independent of the batch${input.modeDifference === undefined ? '' : `; training mode differs (relative difference ${formatNumber(input.modeDifference)})`}`,
    measurements,
    advice: [],
  };
}

/** What {@link judgeTrainingLossAgreement} compares. */
export interface TrainingLossAgreementInput {
  /** The training loss tracked during training: the mean of the last few batch losses. */
  readonly trackedLoss: number;
  /** The loss of the same (training) data re-evaluated afterwards in evaluation mode. */
  readonly evaluatedLoss: number;
}

/**
 * The recipe's "bad sign": after training, the training set evaluated the way
 * the model is evaluated must not score much worse than the loss tracked during
 * training. A much higher evaluated loss means evaluation differs from training
 * (different preprocessing, wrong mode, different weights). A lower one is
 * expected with dropout or other regularization and is not flagged.
 *
 * Status: `fail` when the evaluated loss is above twice the tracked loss,
 * `warn` when above `(1 + tolerance)` times, `pass` otherwise.
 *
 * @param input - {@link TrainingLossAgreementInput}
 * @param thresholds - `tolerance`, default 0.25 (as @trainkit/curves' diagnosis).
 * @returns The `training-loss-agreement` check result.
 * @example
 * ```ts
 * judgeTrainingLossAgreement({ trackedLoss: 0.31, evaluatedLoss: 2.9 }).status; // 'fail'
 * ```
 */
export function judgeTrainingLossAgreement(
  input: TrainingLossAgreementInput,
  thresholds: { readonly tolerance?: number } = {},
): CheckResult {
  const check = checkArguments('judgeTrainingLossAgreement');
  const tolerance = check.positive('thresholds.tolerance', thresholds.tolerance ?? 0.25);
  const tracked = check.finite('input.trackedLoss', input.trackedLoss);
  const evaluated = input.evaluatedLoss;
  if (typeof evaluated !== 'number') check.fail('input.evaluatedLoss', evaluated, 'a number');
  const ratio = evaluated / tracked;
  const measurements = { trackedLoss: tracked, evaluatedLoss: evaluated, ratio };
  const name = 'training-loss-agreement';
  const summary = `the training data evaluated after training scores ${formatNumber(evaluated)}, the loss tracked during training was ${formatNumber(tracked)}`;
  if (!(ratio <= 1 + tolerance)) {
    return {
      name,
      status: Number.isNaN(ratio) || ratio > 2 ? 'fail' : 'warn',
      summary: `${summary} (${formatNumber(ratio)}x)`,
      measurements,
      advice: [
        'Evaluation does not see what training saw: compare the preprocessing (normalization, resizing, label encoding) of both paths, the mode (training: false), and that the evaluated weights are the trained ones.',
      ],
    };
  }
  return { name, status: 'pass', summary, measurements, advice: [] };
}
