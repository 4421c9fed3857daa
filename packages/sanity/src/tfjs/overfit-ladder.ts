import * as tf from '@tensorflow/tfjs-core';
import { checkArguments } from '@trainkit/core';
import { createRandom } from '@trainkit/stats';
import type { CheckResult } from '../check-result';
import type { TaskKind } from '../initial-loss';
import {
  judgeOverfitLadder,
  type LadderRung,
  type OverfitLadderThresholds,
} from '../overfit-ladder';
import { batchStream } from './batches';
import { setLearningRate } from './learning-rate';
import { profileOutputs } from './outputs';
import { trainingSnapshot } from './snapshot';
import {
  classIndices,
  exampleCount,
  rows,
  type SanityData,
  type SanityTarget,
  toTrainee,
} from './target';
import { tidyValue } from './tidy';

/** Options of {@link overfitLadder}. */
export interface OverfitLadderOptions extends OverfitLadderThresholds {
  /** Training-set sizes, increasing. Default 1, 4, 10, 100, 1000 (sizes above the data's are dropped). */
  readonly sizes?: readonly number[];
  /** Update budget per size. Default 200. */
  readonly maxSteps?: number;
  /** Rows per update (a size up to this trains on the whole set every step). Default 64. */
  readonly batchSize?: number;
  /** Learning rate for the ladder. Default: the optimizer's own. */
  readonly learningRate?: number;
  /** Held-out examples for the generalization column. Default: up to 1000 rows of `data` after the largest size. */
  readonly heldOut?: SanityData;
  /** The task; inferred when omitted. */
  readonly task?: TaskKind;
  /** Seed of the subset and batch order. Default 0. */
  readonly seed?: number;
}

interface Scored {
  readonly accuracy: number;
  readonly loss: number;
}

/**
 * Trains from the same initial state on growing subsets (nested: each contains
 * the smaller ones) until the training accuracy reaches 100% or the budget
 * runs out, recording the updates needed and the held-out accuracy per size,
 * then restores the model and optimizer exactly (see
 * {@link judgeOverfitLadder} for the verdict). For a regression, "memorized"
 * means the training loss fell below 1% of its start.
 *
 * @param target - A compiled model, or a custom loop with `predict` and `lossFunction`.
 * @param data - Training examples (at least the largest size; more rows serve as held-out data).
 * @param options - {@link OverfitLadderOptions}
 * @returns The `overfit-ladder` check result; its table has one row per size.
 * @example
 * ```ts
 * const result = await overfitLadder(model, { x, y }, { sizes: [1, 4, 10, 100] });
 * console.log(formatReport(result));
 * ```
 */
export async function overfitLadder(
  target: SanityTarget,
  data: SanityData,
  options: OverfitLadderOptions = {},
): Promise<CheckResult> {
  const name = 'overfitLadder';
  const check = checkArguments(name);
  const trainee = toTrainee(name, target);
  const count = exampleCount(name, 'data', data);
  const requested = options.sizes ?? [1, 4, 10, 100, 1000];
  check.nonEmptyArray('sizes', requested);
  requested.forEach((size, i) => {
    check.integer(`sizes[${i}]`, size, { min: i === 0 ? 1 : requested[i - 1]! + 1 });
  });
  const sizes = requested.filter((size) => size <= count);
  if (sizes.length === 0)
    check.fail('data', `${count} examples`, `at least sizes[0] = ${requested[0]} examples`);
  const maxSteps = check.integer('maxSteps', options.maxSteps ?? 200, { min: 1 });
  const batchSize = check.integer('batchSize', options.batchSize ?? 64, { min: 1 });
  const seed = check.integer('seed', options.seed ?? 0, { min: 0 });
  const learningRate =
    options.learningRate === undefined
      ? undefined
      : check.positive('learningRate', options.learningRate);
  if (trainee.predict === undefined || trainee.lossFunction === undefined) {
    check.fail(
      'target',
      'a custom loop without predict or lossFunction',
      'a target that can predict',
      'Pass predict and lossFunction in the custom loop target.',
    );
  }
  const predict = trainee.predict!;
  const lossFunction = trainee.lossFunction!;
  const largest = sizes[sizes.length - 1]!;
  const order = createRandom({ seed }).permutation(count);
  const heldOutData =
    options.heldOut ??
    (count > largest
      ? (() => {
          const indices = tf.tensor1d(
            order.subarray(largest, Math.min(count, largest + 1000)),
            'int32',
          );
          const held = { x: tf.gather(data.x, indices), y: tf.gather(data.y, indices) };
          indices.dispose();
          return held;
        })()
      : undefined);
  const ownsHeldOut = options.heldOut === undefined && heldOutData !== undefined;
  const heldOutCount = heldOutData === undefined ? 0 : exampleCount(name, 'heldOut', heldOutData);
  const task =
    options.task ??
    tidyValue(
      () =>
        profileOutputs(
          predict(rows(data.x, 0, Math.min(count, 64))),
          rows(data.y, 0, Math.min(count, 64)),
        ).task,
    );

  const score = (x: tf.Tensor, y: tf.Tensor): Scored =>
    tidyValue(() => {
      const outputs = predict(x);
      const loss = lossFunction(y, outputs).dataSync()[0]!;
      if (task === 'regression') return { accuracy: Number.NaN, loss };
      let correct: tf.Tensor;
      if (task === 'multiclass') correct = tf.equal(tf.argMax(outputs, -1), classIndices(y));
      else {
        const profile = profileOutputs(outputs, y, 'binary');
        const threshold = profile.probabilityLike ? 0.5 : 0;
        correct = tf.equal(
          tf.greater(tf.reshape(outputs, [-1]), threshold),
          tf.greater(tf.reshape(y, [-1]), 0.5),
        );
      }
      return { accuracy: tf.mean(tf.cast(correct, 'float32')).dataSync()[0]!, loss };
    });
  const scoreChunks = (set: SanityData, n: number): Scored => {
    let accuracy = 0;
    let loss = 0;
    for (let start = 0; start < n; start += 1000) {
      const size = Math.min(1000, n - start);
      const part = tidyValue(() => score(rows(set.x, start, size), rows(set.y, start, size)));
      accuracy += part.accuracy * size;
      loss += part.loss * size;
    }
    return { accuracy: accuracy / n, loss: loss / n };
  };

  const snapshot = trainingSnapshot({
    variables: trainee.stateVariables,
    optimizer: trainee.optimizer,
  });
  const rungs: LadderRung[] = [];
  try {
    for (const size of sizes) {
      snapshot.restore();
      if (learningRate !== undefined) setLearningRate(name, trainee.optimizer, learningRate);
      const indices = tf.tensor1d(order.subarray(0, size), 'int32');
      const subset = { x: tf.gather(data.x, indices), y: tf.gather(data.y, indices) };
      indices.dispose();
      const stream = batchStream(subset, size, batchSize, seed + size);
      const evaluateEvery = Math.max(1, Math.ceil(size / batchSize));
      let reached = Number.NaN;
      let initialLoss = Number.NaN;
      let last: Scored = { accuracy: Number.NaN, loss: Number.NaN };
      for (let step = 1; step <= maxSteps; step++) {
        const batch = size <= batchSize ? { x: subset.x, y: subset.y } : stream.next();
        const value = trainee.step(batch.x, batch.y);
        if (batch.x !== subset.x) tf.dispose([batch.x, batch.y]);
        const loss = (await value.data())[0]!;
        value.dispose();
        if (step === 1) initialLoss = loss;
        if (!Number.isFinite(loss)) break;
        if (step % evaluateEvery !== 0 && step !== maxSteps) continue;
        last = scoreChunks(subset, size);
        const done = task === 'regression' ? last.loss <= 0.01 * initialLoss : last.accuracy === 1;
        if (done) {
          reached = step;
          break;
        }
      }
      if (Number.isNaN(last.loss)) last = scoreChunks(subset, size);
      const heldOut =
        heldOutData === undefined ? Number.NaN : scoreChunks(heldOutData, heldOutCount).accuracy;
      rungs.push({
        size,
        steps: reached,
        trainAccuracy: last.accuracy,
        trainLoss: last.loss,
        heldOutAccuracy: heldOut,
      });
      tf.dispose([subset.x, subset.y]);
    }
  } finally {
    snapshot.restore();
    snapshot.dispose();
  }
  let chanceAccuracy: number | undefined;
  if (heldOutData !== undefined && task !== 'regression') {
    chanceAccuracy = tidyValue(() => {
      const labels =
        task === 'multiclass'
          ? classIndices(heldOutData.y)
          : tf.cast(tf.greater(tf.reshape(heldOutData.y, [-1]), 0.5), 'int32');
      const counts = new Map<number, number>();
      for (const label of labels.dataSync()) counts.set(label, (counts.get(label) ?? 0) + 1);
      return Math.max(...counts.values()) / heldOutCount;
    });
  }
  if (ownsHeldOut) tf.dispose([heldOutData!.x, heldOutData!.y]);
  return judgeOverfitLadder(
    rungs,
    {
      maxSteps,
      ...(chanceAccuracy === undefined ? {} : { chanceAccuracy, heldOutCount }),
    },
    options,
  );
}
