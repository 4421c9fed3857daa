import * as tf from '@tensorflow/tfjs-core';
import type { TaskKind } from '../initial-loss';
import { tidyValue } from './tidy';

/** How a model's outputs look. @internal */
export interface OutputProfile {
  readonly task: TaskKind;
  /** Output width (classes for multiclass). */
  readonly width: number;
  /** All outputs within [0, 1] (and, multiclass, every row summing to 1 within 1e-3). */
  readonly probabilityLike: boolean;
  /** Largest |row sum - 1| (multiclass), else NaN. */
  readonly maxRowSumError: number;
  readonly min: number;
  readonly max: number;
}

/** Infers the task from targets and outputs, unless given. @internal */
export function profileOutputs(outputs: tf.Tensor, y: tf.Tensor, task?: TaskKind): OutputProfile {
  return tidyValue(() => {
    const width = outputs.rank >= 2 ? outputs.shape[outputs.rank - 1]! : 1;
    const flat = tf.reshape(outputs, [-1]);
    const min = tf.min(flat).dataSync()[0]!;
    const max = tf.max(flat).dataSync()[0]!;
    let inferred: TaskKind;
    if (task !== undefined) inferred = task;
    else if (width > 1) inferred = 'multiclass';
    else {
      const values = tf.reshape(y, [-1]);
      const binary =
        tf.all(tf.logicalOr(tf.equal(values, 0), tf.equal(values, 1))).dataSync()[0] === 1;
      inferred = binary ? 'binary' : 'regression';
    }
    let maxRowSumError = Number.NaN;
    if (inferred === 'multiclass' && width > 1) {
      maxRowSumError = tf.max(tf.abs(tf.sub(tf.sum(outputs, -1), 1))).dataSync()[0]!;
    }
    const inUnit = min >= 0 && max <= 1;
    const probabilityLike = inferred === 'multiclass' ? inUnit && maxRowSumError <= 1e-3 : inUnit;
    return { task: inferred, width, probabilityLike, maxRowSumError, min, max };
  });
}

/** Outputs as probabilities: as they are when they look like probabilities, else softmax / sigmoid. @internal */
export function asProbabilities(outputs: tf.Tensor, profile: OutputProfile): tf.Tensor {
  return tf.tidy(() => {
    if (profile.probabilityLike) return tf.clone(outputs);
    return profile.task === 'multiclass' ? tf.softmax(outputs) : tf.sigmoid(outputs);
  });
}
