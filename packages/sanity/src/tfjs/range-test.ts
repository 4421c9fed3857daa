import * as tf from '@tensorflow/tfjs-core';
import { checkArguments } from '@trainkit/core';
import {
  type LearningRateRampOptions,
  learningRateRamp,
  type RangeTestStopOptions,
  type RangeTestStopReason,
  rangeTestTracker,
} from '../lr-ramp';
import {
  type AnalyzeRangeTestOptions,
  analyzeRangeTest,
  type RangeTestAnalysis,
} from '../lr-range-analysis';
import { batchStream } from './batches';
import { setLearningRate } from './learning-rate';
import { trainingSnapshot } from './snapshot';
import { exampleCount, type SanityData, type SanityTarget, toTrainee } from './target';

/** Options of {@link rangeTest}. */
export interface RangeTestOptions
  extends LearningRateRampOptions,
    RangeTestStopOptions,
    AnalyzeRangeTestOptions {
  /** Rows per iteration. Default 64. */
  readonly batchSize?: number;
  /** Seed of the batch order. Default 0. */
  readonly seed?: number;
  /** Called after every iteration (e.g. for a progress bar). */
  readonly onIteration?: (iteration: number, learningRate: number, loss: number) => void;
}

/**
 * The learning-rate range test (Smith 2015, as fastai's `lr_find`): one update
 * per iteration on seeded shuffled batches while the learning rate ramps up
 * exponentially (default 1e-7 to 10 over 100 iterations); stops when the
 * debiased-EMA loss exceeds 4x its best or a loss is not finite; then puts the
 * weights and the optimizer back exactly as they were (bit for bit, see
 * {@link trainingSnapshot}) and analyzes the curve with
 * {@link analyzeRangeTest}: trainkit's suggestion (stable across seeds and
 * ramp lengths) beside fastai's valley and the steepest slope.
 *
 * @param target - A compiled model (its optimizer is used) or a custom loop.
 * @param data - Training examples; batches are drawn from them, reshuffled each pass.
 * @param options - {@link RangeTestOptions}
 * @returns The analysis; `rangeTestSvg(result)` plots it.
 * @example
 * ```ts
 * const result = await rangeTest(model, { x, y });
 * console.log(result.check.summary); // suggested learning rate 2.1e-3: ...
 * writeFileSync('lr-finder.svg', rangeTestSvg(result));
 * ```
 */
export async function rangeTest(
  target: SanityTarget,
  data: SanityData,
  options: RangeTestOptions = {},
): Promise<RangeTestAnalysis> {
  const name = 'rangeTest';
  const check = checkArguments(name);
  const trainee = toTrainee(name, target);
  const count = exampleCount(name, 'data', data);
  const batchSize = check.integer('batchSize', options.batchSize ?? 64, { min: 1 });
  const seed = check.integer('seed', options.seed ?? 0, { min: 0 });
  const onIteration =
    options.onIteration === undefined
      ? undefined
      : check.callable<NonNullable<RangeTestOptions['onIteration']>>(
          'onIteration',
          options.onIteration,
        );
  const ramp = learningRateRamp(options);
  const tracker = rangeTestTracker(options);
  const stream = batchStream(data, count, batchSize, seed);
  const snapshot = trainingSnapshot({
    variables: trainee.stateVariables,
    optimizer: trainee.optimizer,
  });
  const losses: number[] = [];
  let stopReason: RangeTestStopReason = 'completed';
  try {
    for (let i = 0; i < ramp.length; i++) {
      setLearningRate(name, trainee.optimizer, ramp[i]!);
      const batch = stream.next();
      const value = trainee.step(batch.x, batch.y);
      tf.dispose([batch.x, batch.y]);
      const loss = (await value.data())[0]!;
      value.dispose();
      losses.push(loss);
      onIteration?.(i, ramp[i]!, loss);
      const stop = tracker.push(loss).stop;
      if (stop !== undefined) {
        stopReason = stop;
        break;
      }
    }
  } finally {
    snapshot.restore();
    snapshot.dispose();
  }
  return analyzeRangeTest(
    {
      learningRates: Array.from(ramp.subarray(0, losses.length)),
      losses,
      iterations: ramp.length,
      stopReason,
    },
    options,
  );
}
