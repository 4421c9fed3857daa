import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { checkArguments } from '@trainkit/core';
import { type CheckResult, skippedResult } from '../check-result';
import {
  type EvaluationModeThresholds,
  judgeEvaluationMode,
  judgeTrainingLossAgreement,
} from '../evaluation-mode';
import { exampleCount, rows, type SanityData, type SanityTarget, toTrainee } from './target';
import { tidyValue } from './tidy';

const modeLayerClasses = new Set([
  'Dropout',
  'SpatialDropout1D',
  'GaussianDropout',
  'AlphaDropout',
  'GaussianNoise',
  'BatchNormalization',
]);

/** Names of the layers that behave differently in training mode. @internal */
export function modeLayers(model: LayersModel | undefined): string[] {
  if (model === undefined) return [];
  return model.layers
    .filter((layer) => {
      if (!modeLayerClasses.has(layer.getClassName())) return false;
      const rate = (layer.getConfig() as { rate?: unknown }).rate;
      return typeof rate !== 'number' || rate > 0;
    })
    .map((layer) => layer.name);
}

function relativeDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tidyValue(() => {
    const scale = Math.max(tf.max(tf.abs(a)).dataSync()[0]!, 1e-12);
    return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! / scale;
  });
}

/** Options of {@link checkEvaluationMode}. */
export interface CheckEvaluationModeOptions extends EvaluationModeThresholds {
  /**
   * The function your code evaluates with, e.g. `(x) => model.predict(x)`.
   * Default: the target's inference-mode prediction (`model.apply(x, { training: false })`).
   */
  readonly evaluate?: (x: tf.Tensor) => tf.Tensor;
  /** Examples used (the first ones, at least 4). Default 64. */
  readonly sampleSize?: number;
}

/**
 * Checks train/eval mode on real inputs (see {@link judgeEvaluationMode}):
 * evaluates the same rows twice (must be identical: no dropout at evaluation),
 * then in two halves (must match: no batch statistics at evaluation), and
 * compares training-mode with inference-mode outputs when the model has
 * dropout or batch-norm layers (they must differ). Pass `evaluate` to test your
 * own evaluation code. Does not train; batch-norm statistics are restored if
 * `evaluate` updates them.
 *
 * @param target - A compiled model, or a custom loop with `predict` (and `predictTraining`).
 * @param data - Examples (targets unused).
 * @param options - {@link CheckEvaluationModeOptions}
 * @returns The `evaluation-mode` check result.
 * @example
 * ```ts
 * // An evaluation that forgets to switch dropout off:
 * checkEvaluationMode(model, { x, y }, { evaluate: (x) => model.apply(x, { training: true }) as tf.Tensor }).status; // 'fail'
 * ```
 */
export function checkEvaluationMode(
  target: SanityTarget,
  data: SanityData,
  options: CheckEvaluationModeOptions = {},
): CheckResult {
  const name = 'checkEvaluationMode';
  const check = checkArguments(name);
  const trainee = toTrainee(name, target);
  const count = exampleCount(name, 'data', data);
  const sampleSize = check.integer('sampleSize', options.sampleSize ?? 64, { min: 4 });
  const evaluate =
    options.evaluate === undefined
      ? trainee.predict
      : check.callable<(x: tf.Tensor) => tf.Tensor>('evaluate', options.evaluate);
  if (evaluate === undefined) {
    return skippedResult(
      'evaluation-mode',
      'The target has no predict; pass the evaluate option or target.predict.',
    );
  }
  const n = Math.min(count, sampleSize);
  if (n < 4) check.fail('data', `${n} examples`, 'at least 4 examples');
  const saved = trainee.stateVariables.map((variable) => tf.keep(tf.clone(variable)));
  try {
    return tidyValue(() => {
      const x = rows(data.x, 0, n);
      const half = Math.floor(n / 2);
      const first = evaluate(x);
      const second = evaluate(x);
      const halves = tf.concat([evaluate(rows(x, 0, half)), evaluate(rows(x, half, n - half))], 0);
      const layers = modeLayers(trainee.model);
      const training =
        trainee.predictTraining !== undefined && (layers.length > 0 || trainee.kind === 'custom')
          ? trainee.predictTraining(x)
          : undefined;
      const inference = trainee.predict?.(x);
      return judgeEvaluationMode(
        {
          repeatDifference: relativeDifference(first, second),
          batchDifference: relativeDifference(first, halves),
          ...(training !== undefined && inference !== undefined
            ? { modeDifference: relativeDifference(inference, training) }
            : {}),
          modeLayers: layers,
        },
        options,
      );
    });
  } finally {
    trainee.stateVariables.forEach((variable, i) => {
      variable.assign(saved[i]!);
    });
    tf.dispose(saved);
  }
}

/** Options of {@link checkTrainingLossAgreement}. */
export interface CheckTrainingLossAgreementOptions {
  /** The training loss your loop tracked at the end of training (mean of the last batch losses). */
  readonly trackedLoss: number;
  /** Your evaluation function (inputs to outputs). Default: the target's inference-mode prediction. */
  readonly evaluate?: (x: tf.Tensor) => tf.Tensor;
  /** Relative tolerance. Default 0.25. */
  readonly tolerance?: number;
  /** Rows per evaluation call. Default 1000. */
  readonly chunkSize?: number;
}

/**
 * Re-evaluates training data after training and compares the loss with the one
 * tracked during training (see {@link judgeTrainingLossAgreement}).
 *
 * @param target - A compiled model, or a custom loop with `predict` and `lossFunction`.
 * @param data - Training examples (all or a sample of those the tracked loss came from).
 * @param options - {@link CheckTrainingLossAgreementOptions}
 * @returns The `training-loss-agreement` check result.
 * @example
 * ```ts
 * const lastLosses = history.slice(-20);
 * checkTrainingLossAgreement(model, { x, y }, { trackedLoss: lastLosses.reduce((a, b) => a + b) / 20 });
 * ```
 */
export function checkTrainingLossAgreement(
  target: SanityTarget,
  data: SanityData,
  options: CheckTrainingLossAgreementOptions,
): CheckResult {
  const name = 'checkTrainingLossAgreement';
  const check = checkArguments(name);
  const trainee = toTrainee(name, target);
  const count = exampleCount(name, 'data', data);
  check.finite('trackedLoss', options?.trackedLoss);
  const chunkSize = check.integer('chunkSize', options.chunkSize ?? 1000, { min: 1 });
  const evaluate =
    options.evaluate === undefined
      ? trainee.predict
      : check.callable<(x: tf.Tensor) => tf.Tensor>('evaluate', options.evaluate);
  const lossFunction = trainee.lossFunction;
  if (evaluate === undefined || lossFunction === undefined) {
    return skippedResult(
      'training-loss-agreement',
      'The target has no predict/lossFunction; pass them in the custom loop target.',
    );
  }
  let total = 0;
  for (let start = 0; start < count; start += chunkSize) {
    const size = Math.min(chunkSize, count - start);
    total +=
      size *
      tidyValue(
        () =>
          lossFunction(
            rows(data.y, start, size),
            evaluate(rows(data.x, start, size)),
          ).dataSync()[0]!,
      );
  }
  return judgeTrainingLossAgreement(
    { trackedLoss: options.trackedLoss, evaluatedLoss: total / count },
    options.tolerance === undefined ? {} : { tolerance: options.tolerance },
  );
}
