import * as tf from '@tensorflow/tfjs-core';
import { checkArguments } from '@trainkit/core';
import { median } from '@trainkit/stats';
import type { CheckResult } from '../check-result';
import {
  type DiscreteLearningRateOptions,
  judgeDiscreteLearningRates,
  type LearningRateRun,
  type LearningRateRunResult,
} from '../discrete-lr-test';
import { batchStream } from './batches';
import { getLearningRate, setLearningRate } from './learning-rate';
import { trainingSnapshot } from './snapshot';
import { exampleCount, type SanityData, type SanityTarget, toTrainee } from './target';
import { tidyValue } from './tidy';

/** Options of {@link discreteLearningRateTest}. */
export interface DiscreteLearningRateTestOptions extends DiscreteLearningRateOptions {
  /** The rates to try. Default 1e-1, 1e-2, 1e-3, 1e-4. */
  readonly learningRates?: readonly number[];
  /**
   * Also run the rate your training is configured with and judge it on its own.
   * `true` uses the optimizer's current rate. Default `false`.
   */
  readonly configured?: boolean | number;
  /** Iterations per rate. Default 100. */
  readonly iterations?: number;
  /** Rows per iteration. Default 64. */
  readonly batchSize?: number;
  /** Seed of the batch order (the same batches for every rate). Default 0. */
  readonly seed?: number;
}

/**
 * Trains `iterations` steps at each fixed learning rate, every run from the
 * same saved state on the same batches (the start level is the untrained
 * model's median loss on the first of them), restores the model and optimizer
 * exactly afterwards, and judges which rates make the loss drop significantly
 * and which is best (see {@link judgeDiscreteLearningRates}).
 *
 * @param target - A compiled model or a custom loop.
 * @param data - Training examples.
 * @param options - {@link DiscreteLearningRateTestOptions}
 * @returns The `discrete-lr-test` check result, with every run's numbers in `runs`.
 * @example
 * ```ts
 * const result = await discreteLearningRateTest(model, { x, y }, { configured: true });
 * console.log(result.measurements.best);
 * ```
 */
export async function discreteLearningRateTest(
  target: SanityTarget,
  data: SanityData,
  options: DiscreteLearningRateTestOptions = {},
): Promise<CheckResult & { readonly runs: readonly LearningRateRunResult[] }> {
  const name = 'discreteLearningRateTest';
  const check = checkArguments(name);
  const trainee = toTrainee(name, target);
  const count = exampleCount(name, 'data', data);
  const rates = options.learningRates ?? [1e-1, 1e-2, 1e-3, 1e-4];
  check.nonEmptyArray('learningRates', rates);
  rates.forEach((rate, i) => {
    check.positive(`learningRates[${i}]`, rate);
  });
  const iterations = check.integer('iterations', options.iterations ?? 100, { min: 10 });
  const batchSize = check.integer('batchSize', options.batchSize ?? 64, { min: 1 });
  const seed = check.integer('seed', options.seed ?? 0, { min: 0 });
  const configuredOption = options.configured ?? false;
  const configured =
    configuredOption === false
      ? undefined
      : configuredOption === true
        ? getLearningRate(name, trainee.optimizer)
        : check.positive('configured', configuredOption);
  const plan: { learningRate: number; configured: boolean }[] = rates.map((learningRate) => ({
    learningRate,
    configured: false,
  }));
  if (configured !== undefined) plan.push({ learningRate: configured, configured: true });
  // The level before training: the untrained model on the first batches every run sees.
  const window = Math.max(5, Math.floor((options.windowFraction ?? 0.1) * iterations));
  const startStream = batchStream(data, count, batchSize, seed);
  const startLosses: number[] = [];
  for (let i = 0; i < window; i++) {
    const batch = startStream.next();
    startLosses.push(
      tidyValue(
        () =>
          (trainee.predict !== undefined && trainee.lossFunction !== undefined
            ? trainee.lossFunction(batch.y, trainee.predict(batch.x))
            : trainee.trainingLoss(batch.x, batch.y)
          ).dataSync()[0]!,
      ),
    );
    tf.dispose([batch.x, batch.y]);
  }
  const startLoss = median(startLosses);
  const snapshot = trainingSnapshot({
    variables: trainee.stateVariables,
    optimizer: trainee.optimizer,
  });
  const runs: LearningRateRun[] = [];
  try {
    for (const item of plan) {
      snapshot.restore();
      setLearningRate(name, trainee.optimizer, item.learningRate);
      const stream = batchStream(data, count, batchSize, seed);
      const losses: number[] = [];
      for (let i = 0; i < iterations; i++) {
        const batch = stream.next();
        const value = trainee.step(batch.x, batch.y);
        tf.dispose([batch.x, batch.y]);
        const loss = (await value.data())[0]!;
        value.dispose();
        losses.push(loss);
        if (!Number.isFinite(loss)) break;
      }
      while (losses.length < iterations) losses.push(Number.NaN);
      runs.push({
        learningRate: item.learningRate,
        losses,
        configured: item.configured,
        startLoss,
      });
    }
  } finally {
    snapshot.restore();
    snapshot.dispose();
  }
  return judgeDiscreteLearningRates(runs, options);
}
