import { StateRestoreError } from '@trainkit/core';
import {
  createHistory,
  historyFromJSON,
  historyToJSON,
  type TrainingHistory,
} from '@trainkit/curves';
import {
  createRunningMean,
  type RunningMeanState,
  runningMeanFromJSON,
  runningMeanToJSON,
} from '@trainkit/metrics';
import { type ProfilerState, validateProfilerState } from '@trainkit/profiler';
import { type CheckpointInterval, defaultTrainOptions, type TrainOptions } from './options';

/** The best full-set validation result so far (the model the run hands over). */
export interface BestResult {
  readonly epoch: number;
  readonly updates: number;
  readonly accuracy: number;
  readonly loss: number;
}

/**
 * Everything about a run's position that changes while it trains: one
 * serializable record, saved in every checkpoint (the tensors - weights,
 * optimizer and accumulator state, the best weights - go beside it).
 */
export interface RunState {
  /** The options that decide the run's course (fixed on resume). */
  options: TrainOptions;
  /** The schedule's horizon in epochs: `epochs` at the start; `--extend` does not change it. */
  scheduleEpochs: number;
  /** Epoch of the next micro-batch (0-based); `options.epochs` when training is done. */
  epoch: number;
  /** Index of the next micro-batch inside `epoch`. */
  batch: number;
  /** Optimizer updates applied (the step unit). */
  updates: number;
  /** Micro-batches trained in total (seeds each micro-batch's dropout mask). */
  microBatches: number;
  /** Micro-batch losses of the update being accumulated (sample-weighted). */
  updateLoss: RunningMeanState;
  /** Micro-batch losses of the current epoch (sample-weighted): the epoch's training loss. */
  epochLoss: RunningMeanState;
  /** Micro-batch losses since the last point of the training curve (one point per {@link curveInterval} updates). */
  curveLoss: RunningMeanState;
  /** Consecutive micro-batches whose loss or gradients were not finite. */
  nonFiniteStreak: number;
  /** Micro-batches dropped because a gradient was not finite, over the whole run. */
  skippedMicroBatches: number;
  /** Milliseconds spent training, over all sessions of the run. */
  trainingMs: number;
  best: BestResult | null;
  /** All epochs done and the report written. */
  finished: boolean;
  history: TrainingHistory;
  profiler: ProfilerState | null;
  /** Bytes of each TensorBoard event file (relative path) when the checkpoint was taken. */
  eventFiles: Record<string, number>;
}

/**
 * Updates per point of the training curve: a tenth of an epoch, at least 10.
 * Each point is the sample-weighted mean loss of the micro-batches of its
 * updates (an epoch's last update closes its block): the average minibatch
 * error over the block, so the curve shows the trend rather than the
 * batch-to-batch noise. TensorBoard's `batch_loss` keeps every update.
 */
export function curveInterval(updatesPerEpoch: number): number {
  return Math.max(10, Math.round(updatesPerEpoch / 10));
}

export const runStateFormat = 'trainkit.trainer.run';
export const runStateVersion = 1;

/** A fresh state for a new run. */
export function createRunState(options: TrainOptions, name: string): RunState {
  return {
    options,
    scheduleEpochs: options.epochs,
    epoch: 0,
    batch: 0,
    updates: 0,
    microBatches: 0,
    updateLoss: createRunningMean(),
    epochLoss: createRunningMean(),
    curveLoss: createRunningMean(),
    nonFiniteStreak: 0,
    skippedMicroBatches: 0,
    trainingMs: 0,
    best: null,
    finished: false,
    history: createHistory({ name }),
    profiler: null,
    eventFiles: {},
  };
}

/** The JSON envelope of a {@link RunState} (JSON-safe: NaN losses are encoded). */
export function runStateToJSON(state: RunState) {
  const { clipNorm, limit, name: _name, ...options } = state.options;
  return {
    format: runStateFormat,
    version: runStateVersion,
    options: { ...options, clipNorm: clipNorm ?? null, limit: limit ?? null },
    scheduleEpochs: state.scheduleEpochs,
    epoch: state.epoch,
    batch: state.batch,
    updates: state.updates,
    microBatches: state.microBatches,
    updateLoss: runningMeanToJSON(state.updateLoss),
    epochLoss: runningMeanToJSON(state.epochLoss),
    curveLoss: runningMeanToJSON(state.curveLoss),
    nonFiniteStreak: state.nonFiniteStreak,
    skippedMicroBatches: state.skippedMicroBatches,
    trainingMs: state.trainingMs,
    best: state.best,
    finished: state.finished,
    history: historyToJSON(state.history),
    profiler: state.profiler,
    eventFiles: state.eventFiles,
  };
}

const fix =
  'The checkpoint was edited or written by another trainkit version; resume a run this version wrote, or start a new one.';

function fail(field: string, problem: string, cause?: unknown): never {
  throw new StateRestoreError(
    'trainkit train',
    `checkpoint state field ${field} ${problem}. ${fix}`,
    cause === undefined ? undefined : { cause },
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown, field: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    fail(field, `must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function finite(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    fail(field, `must be a finite number, got ${JSON.stringify(value)}`);
  }
  return value;
}

function restoreOptions(value: unknown): TrainOptions {
  if (!isRecord(value)) fail('options', 'must be an object');
  const d = defaultTrainOptions;
  const oneOf = <T extends string>(key: string, allowed: readonly T[]): T => {
    const v = value[key];
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      fail(`options.${key}`, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
    }
    return v as T;
  };
  const interval = value.checkpointEvery;
  if (
    !isRecord(interval) ||
    (interval.unit !== 'updates' && interval.unit !== 'minutes') ||
    !(typeof interval.every === 'number' && interval.every > 0)
  ) {
    fail('options.checkpointEvery', `must be { unit, every }, got ${JSON.stringify(interval)}`);
  }
  const clipNorm = value.clipNorm;
  if (clipNorm !== null && !(typeof clipNorm === 'number' && clipNorm > 0)) {
    fail('options.clipNorm', `must be null or a number > 0, got ${JSON.stringify(clipNorm)}`);
  }
  const limit = value.limit;
  const fraction = finite(value.validationFraction, 'options.validationFraction');
  const dropout = finite(value.dropout, 'options.dropout');
  if (!(fraction > 0 && fraction <= 0.9))
    fail('options.validationFraction', `must be in (0, 0.9], got ${fraction}`);
  if (!(dropout >= 0 && dropout < 1)) fail('options.dropout', `must be in [0, 1), got ${dropout}`);
  const learningRate = finite(value.learningRate, 'options.learningRate');
  if (!(learningRate > 0)) fail('options.learningRate', `must be > 0, got ${learningRate}`);
  // Absent in checkpoints written before --weight-decay existed: those runs had none.
  const weightDecay =
    value.weightDecay === undefined ? 0 : finite(value.weightDecay, 'options.weightDecay');
  if (!(weightDecay >= 0)) fail('options.weightDecay', `must be >= 0, got ${weightDecay}`);
  return {
    ...d,
    model: oneOf('model', ['mlp', 'cnn'] as const),
    epochs: count(value.epochs, 'options.epochs', 1),
    batchSize: count(value.batchSize, 'options.batchSize', 1),
    accumulate: count(value.accumulate, 'options.accumulate', 1),
    optimizer: oneOf('optimizer', ['adam', 'sgd', 'momentum', 'rmsprop'] as const),
    learningRate,
    weightDecay,
    schedule: oneOf('schedule', ['cosine', 'one-cycle', 'step', 'constant'] as const),
    warmupSteps: count(value.warmupSteps, 'options.warmupSteps'),
    clipNorm: clipNorm === null ? undefined : (clipNorm as number),
    dropout,
    limit: limit === undefined || limit === null ? undefined : count(limit, 'options.limit', 1),
    validationFraction: fraction,
    validateEvery: count(value.validateEvery, 'options.validateEvery'),
    validationSubset: count(value.validationSubset, 'options.validationSubset', 1),
    seed: count(value.seed, 'options.seed'),
    checkpointEvery: interval as unknown as CheckpointInterval,
    test: value.test === true,
    progress: value.progress !== false,
  };
}

/**
 * Restores a {@link RunState} from its JSON envelope, checking every field
 * (types, ranges, and that the counters agree with each other).
 *
 * @throws StateRestoreError naming the field and the fix.
 */
export function runStateFromJSON(json: unknown): RunState {
  if (!isRecord(json)) fail('(root)', 'must be an object');
  if (json.format !== runStateFormat) {
    fail('format', `must be "${runStateFormat}", got ${JSON.stringify(json.format)}`);
  }
  if (json.version !== runStateVersion) {
    fail('version', `must be ${runStateVersion}, got ${JSON.stringify(json.version)}`);
  }
  const options = restoreOptions(json.options);
  const restoreMean = (field: string): RunningMeanState => {
    try {
      return runningMeanFromJSON(json[field]);
    } catch (error) {
      return fail(field, `is not a running mean (${(error as Error).message})`, error);
    }
  };
  let history: TrainingHistory;
  try {
    history = historyFromJSON(json.history);
  } catch (error) {
    return fail('history', `is not a learning-curve history (${(error as Error).message})`, error);
  }
  let profiler: ProfilerState | null = null;
  if (json.profiler !== null) {
    try {
      profiler = validateProfilerState('trainkit train', json.profiler);
    } catch (error) {
      return fail('profiler', `is not a profiler state (${(error as Error).message})`, error);
    }
  }
  const best = json.best;
  if (best !== null && !isRecord(best))
    fail('best', 'must be null or { epoch, updates, accuracy, loss }');
  const eventFiles = json.eventFiles;
  if (
    !isRecord(eventFiles) ||
    !Object.values(eventFiles).every((v) => Number.isSafeInteger(v) && (v as number) >= 0)
  ) {
    fail('eventFiles', 'must map event file paths to byte counts');
  }
  if (typeof json.finished !== 'boolean') fail('finished', 'must be true or false');
  const state: RunState = {
    options,
    scheduleEpochs: count(json.scheduleEpochs, 'scheduleEpochs', 1),
    epoch: count(json.epoch, 'epoch'),
    batch: count(json.batch, 'batch'),
    updates: count(json.updates, 'updates'),
    microBatches: count(json.microBatches, 'microBatches'),
    updateLoss: restoreMean('updateLoss'),
    epochLoss: restoreMean('epochLoss'),
    curveLoss: restoreMean('curveLoss'),
    nonFiniteStreak: count(json.nonFiniteStreak, 'nonFiniteStreak'),
    // Absent in checkpoints written before the count was kept.
    skippedMicroBatches:
      json.skippedMicroBatches === undefined
        ? 0
        : count(json.skippedMicroBatches, 'skippedMicroBatches'),
    trainingMs: finite(json.trainingMs, 'trainingMs'),
    best:
      best === null
        ? null
        : {
            epoch: count(best.epoch, 'best.epoch'),
            updates: count(best.updates, 'best.updates'),
            accuracy: finite(best.accuracy, 'best.accuracy'),
            loss: finite(best.loss, 'best.loss'),
          },
    finished: json.finished,
    history,
    profiler,
    eventFiles: eventFiles as Record<string, number>,
  };
  if (state.epoch > options.epochs)
    fail('epoch', `must be <= options.epochs = ${options.epochs}, got ${state.epoch}`);
  if (state.skippedMicroBatches > state.microBatches) {
    fail(
      'skippedMicroBatches',
      `must be <= microBatches = ${state.microBatches}, got ${state.skippedMicroBatches}`,
    );
  }
  if (state.updates > state.microBatches) {
    fail(
      'updates',
      `must be <= microBatches = ${state.microBatches} (one update needs at least one micro-batch), got ${state.updates}`,
    );
  }
  const lastTrain = history.train.iterations.at(-1);
  if (lastTrain !== undefined && lastTrain >= state.updates) {
    fail(
      'updates',
      `must be greater than the last recorded training step ${lastTrain}, got ${state.updates}`,
    );
  }
  if (history.epochs.length !== state.epoch) {
    fail(
      'epoch',
      `must equal the ${history.epochs.length} epochs recorded in the history, got ${state.epoch}`,
    );
  }
  return state;
}
