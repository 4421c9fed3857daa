import * as tf from '@tensorflow/tfjs-core';
import { checkArguments } from '@trainkit/core';
import type { CheckResult } from '../check-result';
import { judgeGradientFreshness } from '../gradient-freshness';
import { trainingSnapshot } from './snapshot';
import { exampleCount, rows, type SanityData, type SanityTarget, toTrainee } from './target';

/** Options of {@link checkGradientFreshness}. */
export interface CheckGradientFreshnessOptions {
  /**
   * Your training step on one (micro-)batch, exactly as your loop runs it:
   * computing gradients and handing them to the optimizer (or to your
   * accumulation code). Default: for a layers model `model.trainOnBatch(x, y)`,
   * for a custom loop `optimizer.minimize(loss)`.
   */
  readonly step?: (x: tf.Tensor, y: tf.Tensor) => unknown;
  /** Micro-steps per update when accumulation is intended. Default 1. */
  readonly accumulationSteps?: number;
  /** Rows per (micro-)batch; batches A and B are the first rows of `data`. Default 16. */
  readonly batchSize?: number;
  /**
   * Another optimizer whose state must be restored between trials (e.g. the
   * inner optimizer of your own accumulation wrapper, when it is not the target's).
   */
  readonly optimizer?: tf.Optimizer;
  /** Relative tolerance. Default 1e-4. */
  readonly tolerance?: number;
}

function flatUpdate(variables: readonly tf.Variable[], before: readonly tf.Tensor[]): tf.Tensor1D {
  return tf.tidy(
    () =>
      tf.concat(
        variables.map((variable, i) => tf.reshape(tf.sub(variable, before[i]!), [-1])),
      ) as tf.Tensor1D,
  );
}

function relative(a: tf.Tensor, b: tf.Tensor, scale: number): number {
  return tf.tidy(() => tf.norm(tf.sub(a, b)).dataSync()[0]! / Math.max(scale, 1e-30));
}

/**
 * Runs your training step four times from one saved state (see
 * {@link judgeGradientFreshness}): on batch A, A again, batch B, then A; the
 * variables and the optimizer are restored bit for bit before each trial, so
 * any difference between the A updates comes from state your step keeps
 * elsewhere (gradients summed across steps, an accumulator that never resets).
 * The target is left exactly as it was.
 *
 * @param target - A compiled model, or a custom loop.
 * @param data - At least `2 * accumulationSteps * batchSize` examples.
 * @param options - {@link CheckGradientFreshnessOptions}
 * @returns The `gradient-freshness` check result.
 * @example
 * ```ts
 * let sum; // the bug: gradients summed across steps
 * const step = (x, y) => {
 *   const { grads } = tf.variableGrads(() => loss(x, y), variables);
 *   sum = sum === undefined ? grads : addMaps(sum, grads);
 *   optimizer.applyGradients(sum);
 * };
 * (await checkGradientFreshness({ variables, loss, optimizer }, { x, y }, { step })).status; // 'fail'
 * ```
 */
export async function checkGradientFreshness(
  target: SanityTarget,
  data: SanityData,
  options: CheckGradientFreshnessOptions = {},
): Promise<CheckResult> {
  const name = 'checkGradientFreshness';
  const check = checkArguments(name);
  const trainee = toTrainee(name, target);
  const count = exampleCount(name, 'data', data);
  const k = check.integer('accumulationSteps', options.accumulationSteps ?? 1, { min: 1 });
  const batchSize = check.integer('batchSize', options.batchSize ?? 16, { min: 1 });
  if (count < 2 * k * batchSize) {
    check.fail(
      'data',
      `${count} examples`,
      `at least 2 * accumulationSteps * batchSize = ${2 * k * batchSize} examples`,
    );
  }
  const step =
    options.step === undefined
      ? trainee.model !== undefined
        ? (x: tf.Tensor, y: tf.Tensor) => trainee.model!.trainOnBatch(x, y)
        : (x: tf.Tensor, y: tf.Tensor) => tf.dispose(trainee.step(x, y))
      : check.callable<(x: tf.Tensor, y: tf.Tensor) => unknown>('step', options.step);
  const snapshot = trainingSnapshot({
    variables: trainee.stateVariables,
    optimizer: trainee.optimizer,
  });
  const extra =
    options.optimizer === undefined || options.optimizer === trainee.optimizer
      ? undefined
      : trainingSnapshot({ variables: [], optimizer: options.optimizer });
  const before = trainee.variables.map((variable) => tf.keep(tf.clone(variable)));
  const groups = [0, 1].map((g) =>
    Array.from({ length: k }, (_, i) => {
      const start = (g * k + i) * batchSize;
      return {
        x: tf.keep(rows(data.x, start, batchSize)),
        y: tf.keep(rows(data.y, start, batchSize)),
      };
    }),
  );
  const restore = () => {
    snapshot.restore();
    extra?.restore();
  };
  const trial = async (group: number) => {
    for (const batch of groups[group]!) {
      const result: unknown = await step(batch.x, batch.y);
      if (result instanceof tf.Tensor) result.dispose();
    }
    const update = flatUpdate(trainee.variables, before);
    restore();
    return update;
  };
  const updates: tf.Tensor1D[] = [];
  try {
    updates.push(await trial(0));
    updates.push(await trial(0));
    updates.push(await trial(1));
    updates.push(await trial(0));
    const [first, repeat, , after] = updates as [
      tf.Tensor1D,
      tf.Tensor1D,
      tf.Tensor1D,
      tf.Tensor1D,
    ];
    const updateNorm = tf.tidy(() => tf.norm(first).dataSync()[0]!);
    return judgeGradientFreshness(
      {
        updateNorm,
        repeatDifference: relative(first, repeat, updateNorm),
        afterOtherBatchDifference: relative(first, after, updateNorm),
        accumulationSteps: k,
      },
      options.tolerance === undefined ? {} : { tolerance: options.tolerance },
    );
  } finally {
    restore();
    snapshot.dispose();
    extra?.dispose();
    tf.dispose([...updates, ...before, ...groups.flat().flatMap((batch) => [batch.x, batch.y])]);
  }
}
