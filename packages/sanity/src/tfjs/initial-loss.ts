import * as tf from '@tensorflow/tfjs-core';
import { checkArguments } from '@trainkit/core';
import { type CheckResult, skippedResult } from '../check-result';
import { type InitialLossThresholds, judgeInitialLoss, type TaskKind } from '../initial-loss';
import { asProbabilities, profileOutputs } from './outputs';
import { exampleCount, rows, type SanityData, type SanityTarget, toTrainee } from './target';
import { tidyValue } from './tidy';

/** Options of {@link checkInitialLoss}. */
export interface CheckInitialLossOptions extends InitialLossThresholds {
  /** The task; inferred from the outputs and targets when omitted (width > 1: multiclass; width 1 with 0/1 targets: binary; else regression). */
  readonly task?: TaskKind;
  /** Number of classes, when the target cannot predict (a custom loop without `predict`). Default: the output width. */
  readonly classes?: number;
  /** Examples to evaluate (the first ones). Default 512. */
  readonly sampleSize?: number;
}

/**
 * The loss of the untrained model on a few hundred examples, judged by
 * {@link judgeInitialLoss}: near ln(C) for C-class cross-entropy, ln 2 for
 * binary cross-entropy, at most the mean predictor's loss for a regression;
 * also reports how confident the first predictions are. Runs in inference
 * mode and does not train.
 *
 * @param target - A compiled tfjs-layers model, or a custom loop (`predict` and `lossFunction` make the loss exact; without them the training loss is used).
 * @param data - Examples with their targets.
 * @param options - {@link CheckInitialLossOptions}
 * @returns The `initial-loss` check result.
 * @example
 * ```ts
 * const result = checkInitialLoss(model, { x, y });
 * console.log(result.summary); // initial loss 2.331, expected ln(10) = 2.303
 * ```
 */
export function checkInitialLoss(
  target: SanityTarget,
  data: SanityData,
  options: CheckInitialLossOptions = {},
): CheckResult {
  const name = 'checkInitialLoss';
  const check = checkArguments(name);
  const trainee = toTrainee(name, target);
  const count = exampleCount(name, 'data', data);
  const sampleSize = check.integer('sampleSize', options.sampleSize ?? 512, { min: 1 });
  const n = Math.min(count, sampleSize);
  return tidyValue(() => {
    const x = rows(data.x, 0, n);
    const y = rows(data.y, 0, n);
    if (trainee.predict === undefined || trainee.lossFunction === undefined) {
      if (
        options.task === undefined ||
        options.task === 'regression' ||
        (options.task === 'multiclass' && options.classes === undefined)
      ) {
        return skippedResult(
          'initial-loss',
          'The target has no predict/lossFunction, so the task and its expected loss are unknown; pass the task option (and classes), or predict and lossFunction.',
        );
      }
    }
    const outputs = trainee.predict?.(x);
    const profile = outputs === undefined ? undefined : profileOutputs(outputs, y, options.task);
    const task = options.task ?? profile!.task;
    const loss =
      outputs !== undefined && trainee.lossFunction !== undefined
        ? trainee.lossFunction(y, outputs).dataSync()[0]!
        : trainee.trainingLoss(x, y).dataSync()[0]!;
    let meanConfidence: number | undefined;
    let classFrequencies: number[] | undefined;
    let meanPredictorLoss: number | undefined;
    if (task === 'regression') {
      const mean = tf.mean(y, 0, true);
      meanPredictorLoss = trainee.lossFunction!(y, tf.mul(tf.onesLike(y), mean)).dataSync()[0]!;
    } else if (outputs !== undefined && profile !== undefined) {
      const probabilities = asProbabilities(outputs, profile);
      meanConfidence =
        task === 'multiclass'
          ? tf.mean(tf.max(probabilities, -1)).dataSync()[0]!
          : tf.mean(tf.maximum(probabilities, tf.sub(1, probabilities))).dataSync()[0]!;
      if (task === 'multiclass') {
        const width = profile.width;
        const labels =
          y.rank >= 2 && y.shape[y.rank - 1]! > 1
            ? tf.argMax(y, -1)
            : tf.cast(tf.reshape(y, [-1]), 'int32');
        const counts = new Array<number>(width).fill(0);
        for (const label of labels.dataSync()) if (label >= 0 && label < width) counts[label]!++;
        classFrequencies = counts;
      }
    }
    return judgeInitialLoss(
      {
        loss,
        task,
        ...(task === 'multiclass' ? { classes: options.classes ?? profile?.width ?? 0 } : {}),
        ...(classFrequencies === undefined ? {} : { classFrequencies }),
        ...(meanConfidence === undefined ? {} : { meanConfidence }),
        ...(meanPredictorLoss === undefined ? {} : { meanPredictorLoss }),
      },
      options,
    );
  });
}
