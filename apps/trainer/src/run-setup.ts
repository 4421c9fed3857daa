import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { AccumulatingOptimizer } from '@trainkit/accumulate';
import { createProfiler, type Profiler, restoreProfiler } from '@trainkit/profiler';
import { batchCount, type ValidationSubsets, validationSubsets } from '@trainkit/splits';
import type { SummaryWriter, TrainValidationWriters } from '@trainkit/tensorboard';
import { createSummaryWriter, createTrainValidationWriters } from '@trainkit/tensorboard/node';
import { BatchGatherer, type DataSplit, loadTrainingData, type TrainingData } from './data';
import { evaluationChunk } from './evaluate';
import { buildModel, inputShape } from './model';
import { buildOptimizer } from './optimizer';
import type { TrainOptions } from './options';
import type { RunDirectory } from './run-directory';
import type { RunState } from './run-state';
import { buildSchedules, type RunSchedules } from './schedule';
import type { SeededDropout } from './seeded-dropout';

/** The profiler's phases, in report order. */
export const phases = ['data', 'step', 'evaluation', 'logging', 'checkpoint'] as const;

/** Iterations the profiler's report and live warnings treat as warm-up (kernel compilation). */
export const warmupIterations = 2;

/** How the data divides into epochs, micro-batches and updates. */
export interface RunPlan {
  readonly trainSize: number;
  readonly validationSize: number;
  readonly microBatchesPerEpoch: number;
  readonly updatesPerEpoch: number;
}

/** The run's TensorBoard writers. */
export interface RunWriters extends TrainValidationWriters {
  /** The run directory itself: the HParams session (hyperparameters, status). */
  readonly session: SummaryWriter;
}

/** Everything a command needs to train: data, model, optimizer, schedules, writers, state. */
export interface Run {
  readonly options: TrainOptions;
  readonly directory: RunDirectory;
  readonly backend: string;
  readonly data: TrainingData;
  readonly plan: RunPlan;
  readonly trainBatches: BatchGatherer;
  readonly evaluationBatches: BatchGatherer;
  readonly model: tfl.LayersModel;
  readonly dropout: readonly SeededDropout[];
  readonly variables: readonly tf.Variable[];
  readonly optimizer: AccumulatingOptimizer;
  readonly schedules: RunSchedules;
  readonly subsets: ValidationSubsets | undefined;
  readonly writers: RunWriters;
  readonly profiler: Profiler;
  readonly state: RunState;
  /** The best epoch's weights (host copies), in `model.weights` order. */
  best: Float32Array[] | undefined;
  /** The update whose learning rate was last set (-1: none yet). */
  scheduledUpdate: number;
  dispose(): Promise<void>;
}

/** The plan of a data split under some options. */
export function planRun(
  options: Pick<TrainOptions, 'batchSize' | 'accumulate'>,
  trainSize: number,
  validationSize: number,
): RunPlan {
  const microBatchesPerEpoch = batchCount(trainSize, options.batchSize);
  return {
    trainSize,
    validationSize,
    microBatchesPerEpoch,
    updatesPerEpoch: Math.ceil(microBatchesPerEpoch / options.accumulate),
  };
}

/** The schedules of a run: the horizon is the planned epochs (`--extend` trains on at the final value). */
export function runSchedules(
  options: TrainOptions,
  plan: RunPlan,
  scheduleEpochs: number,
): RunSchedules {
  return buildSchedules(options, plan.updatesPerEpoch * scheduleEpochs, plan.updatesPerEpoch);
}

/**
 * Builds a run: loads and splits the data, builds the model (weights seeded),
 * the optimizer and schedules, and opens the TensorBoard writers. For a
 * resumed run, `state` comes from the checkpoint and the caller restores the
 * tensors; the event files must be rewound before this opens new ones.
 * `split` replaces the stratified train/validation split (a cross-validation
 * fold: indices into the training file's first `--limit` images).
 */
export async function setupRun(
  state: RunState,
  directory: RunDirectory,
  backend: string,
  warn: (message: string) => void,
  split?: DataSplit,
): Promise<Run> {
  const options = state.options;
  const data = await loadTrainingData(options, split);
  const plan = planRun(options, data.train.length, data.validation.length);
  const shape = inputShape(options.model);
  const { model, dropout } = buildModel(options.model, options.seed, options.dropout);
  // trainStep skips micro-batches with non-finite gradients itself (allFinite).
  const optimizer = buildOptimizer(options, 'propagate');
  const profilerOptions = {
    // The first iterations compile kernels (the report skips them as warm-up too).
    warn: (message: string, info: { readonly iteration: number }) => {
      if (info.iteration >= warmupIterations) warn(message);
    },
  };
  const profiler =
    state.profiler === null
      ? createProfiler({ phases: [...phases], batchSize: options.batchSize, ...profilerOptions })
      : restoreProfiler(state.profiler, profilerOptions);
  let writers: RunWriters;
  const trainValidation = await createTrainValidationWriters(directory.path);
  try {
    const session = await createSummaryWriter(directory.path);
    writers = {
      ...trainValidation,
      session,
      async flush() {
        await Promise.all([trainValidation.flush(), session.flush()]);
      },
      async close() {
        const results = await Promise.allSettled([trainValidation.close(), session.close()]);
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed !== undefined) throw failed.reason;
      },
    };
  } catch (error) {
    await trainValidation.close().catch(() => undefined);
    throw error;
  }
  return {
    options,
    directory,
    backend,
    data,
    plan,
    trainBatches: new BatchGatherer(data.data, shape, options.batchSize),
    evaluationBatches: new BatchGatherer(data.data, shape, evaluationChunk),
    model,
    dropout,
    variables: model.trainableWeights.map((weight) => weight.read() as tf.Variable),
    optimizer,
    schedules: runSchedules(options, plan, state.scheduleEpochs),
    subsets:
      options.validateEvery > 0
        ? validationSubsets({
            validation: data.validation,
            subsetSize: Math.min(options.validationSubset, data.validation.length),
            every: options.validateEvery,
            seed: options.seed,
          })
        : undefined,
    writers,
    profiler,
    state,
    best: undefined,
    scheduledUpdate: -1,
    async dispose() {
      await writers.close().catch(() => undefined);
      model.dispose();
      optimizer.dispose();
    },
  };
}
