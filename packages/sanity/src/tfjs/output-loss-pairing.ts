import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { checkArguments } from '@trainkit/core';
import { type CheckResult, skippedResult } from '../check-result';
import type { TaskKind } from '../initial-loss';
import { judgeOutputLossPairing, type LossInputKind } from '../output-loss-pairing';
import { profileOutputs } from './outputs';
import { exampleCount, rows, type SanityData, type SanityTarget, toTrainee } from './target';
import { tidyValue } from './tidy';

/**
 * Finds out whether a classification loss expects logits or probabilities by
 * feeding it a peaked probability matrix `p` and comparing its value with
 * cross-entropy computed both ways: on `softmax(p)` (or `sigmoid(p)`) as if `p`
 * were logits, and on `p` itself. Equal (relative 1e-3) to one of them decides;
 * neither gives `unknown`.
 *
 * @param lossFunction - `(yTrue, yPred) => scalar` as the model uses it.
 * @param y - Targets in the format the loss takes (one-hot rows, class indices, or 0/1 values); only
 *   their shape and type are used (the probe makes valid targets of its own).
 * @param task - `'multiclass'` or `'binary'`.
 * @param width - Output width (classes; 1 for binary).
 * @returns What the loss expects.
 */
export function probeLossInput(
  lossFunction: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor,
  y: tf.Tensor,
  task: TaskKind,
  width: number,
): LossInputKind {
  return tidyValue(() => {
    const n = y.shape[0]!;
    let value: number;
    let asLogits: number;
    let asProbabilities: number;
    const logits = tf.randomNormal([n, width], 0, 2, 'float32', 1234);
    if (task === 'multiclass') {
      const p = tf.softmax(logits);
      // Synthetic valid targets in the format of y (one-hot rows or class indices).
      const labels = tf.tensor1d(
        Array.from({ length: n }, (_, i) => (i * 7) % width),
        'int32',
      );
      const onehot = tf.oneHot(labels, width);
      const targets =
        y.rank >= 2 && y.shape[y.rank - 1]! > 1
          ? tf.cast(onehot, y.dtype)
          : tf.reshape(tf.cast(labels, y.dtype), y.shape);
      const crossEntropy = (probabilities: tf.Tensor) =>
        tf.mean(tf.neg(tf.sum(tf.mul(onehot, tf.log(probabilities)), -1))).dataSync()[0]!;
      asLogits = crossEntropy(tf.softmax(p));
      asProbabilities = crossEntropy(p);
      value = tf.mean(lossFunction(targets, p)).dataSync()[0]!;
    } else if (task === 'binary') {
      const p = tf.reshape(tf.sigmoid(logits), [n, width]);
      const target = tf.tensor2d(
        Array.from({ length: n * width }, (_, i) => (i * 7) % 2),
        [n, width],
      );
      const crossEntropy = (probabilities: tf.Tensor) =>
        tf
          .mean(
            tf.neg(
              tf.add(
                tf.mul(target, tf.log(probabilities)),
                tf.mul(tf.sub(1, target), tf.log(tf.sub(1, probabilities))),
              ),
            ),
          )
          .dataSync()[0]!;
      asLogits = crossEntropy(tf.sigmoid(p));
      asProbabilities = crossEntropy(p);
      value = tf
        .mean(lossFunction(tf.reshape(tf.cast(target, y.dtype), y.rank === 1 ? [n] : p.shape), p))
        .dataSync()[0]!;
    } else return 'unknown';
    const close = (a: number, b: number) => Math.abs(a - b) <= 1e-3 * Math.max(Math.abs(b), 1e-6);
    if (close(value, asLogits)) return 'logits';
    if (close(value, asProbabilities)) return 'probabilities';
    return 'unknown';
  });
}

/** The activation name of a layers model's last layer that has one. @internal */
export function lastActivation(model: LayersModel | undefined): string | undefined {
  if (model === undefined) return undefined;
  for (let i = model.layers.length - 1; i >= 0; i--) {
    const layer = model.layers[i]!;
    const config = layer.getConfig() as { activation?: unknown };
    if (typeof config.activation === 'string') return config.activation;
    if (layer.getClassName() === 'Softmax') return 'softmax';
    if (layer.getClassName() !== 'Activation' && layer.trainableWeights.length > 0)
      return undefined;
  }
  return undefined;
}

/** Options of {@link checkOutputLossPairing}. */
export interface CheckOutputLossPairingOptions {
  /** The task; inferred when omitted. */
  readonly task?: TaskKind;
  /** Examples to look at (the first ones). Default 256. */
  readonly sampleSize?: number;
}

/**
 * Catches softmax outputs fed to a loss that expects logits, and logits fed to
 * a loss that expects probabilities (see {@link judgeOutputLossPairing}). The
 * loss is probed with synthetic inputs ({@link probeLossInput}), so it works
 * for compiled string losses and custom loss functions alike; the outputs are
 * the model's own on real inputs, in inference mode. Does not train.
 *
 * @param target - A compiled model, or a custom loop with `predict` and `lossFunction`.
 * @param data - Examples with their targets.
 * @param options - {@link CheckOutputLossPairingOptions}
 * @returns The `output-loss-pairing` check result.
 * @example
 * ```ts
 * // A final softmax with a from-logits loss:
 * model.compile({ optimizer: 'adam', loss: (y, p) => tf.losses.softmaxCrossEntropy(y, p) });
 * checkOutputLossPairing(model, { x, y }).status; // 'fail'
 * ```
 */
export function checkOutputLossPairing(
  target: SanityTarget,
  data: SanityData,
  options: CheckOutputLossPairingOptions = {},
): CheckResult {
  const name = 'checkOutputLossPairing';
  const trainee = toTrainee(name, target);
  const count = exampleCount(name, 'data', data);
  const sampleSize = checkArguments(name).integer('sampleSize', options.sampleSize ?? 256, {
    min: 2,
  });
  if (trainee.predict === undefined || trainee.lossFunction === undefined) {
    return skippedResult(
      'output-loss-pairing',
      'The target has no predict and lossFunction (pass them in the custom loop target).',
    );
  }
  const predict = trainee.predict;
  const lossFunction = trainee.lossFunction;
  return tidyValue(() => {
    const n = Math.min(count, sampleSize);
    const x = rows(data.x, 0, n);
    const y = rows(data.y, 0, n);
    const outputs = predict(x);
    const profile = profileOutputs(outputs, y, options.task);
    const lossExpects = probeLossInput(lossFunction, y, profile.task, profile.width);
    const activation = lastActivation(trainee.model);
    return judgeOutputLossPairing({
      task: profile.task,
      lossExpects,
      outputsLookLikeProbabilities: profile.probabilityLike,
      outputRange: [profile.min, profile.max],
      ...(Number.isNaN(profile.maxRowSumError) ? {} : { maxRowSumError: profile.maxRowSumError }),
      ...(activation === undefined ? {} : { lastActivation: activation }),
      ...(trainee.lossName === undefined ? {} : { lossName: trainee.lossName }),
    });
  });
}
