import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { CustomCallback, type LayersModel, type Logs } from '@tensorflow/tfjs-layers';
import { type CompletedUpdate, checkArguments, createFitStepCounter } from '@trainkit/core';
import { type CurvesTerminalOptions, curvesTerminal } from '../curves-chart';
import { type DiagnoseOptions, type Diagnosis, diagnose, type TrainingSetup } from '../diagnose';
import { formatDiagnosis } from '../format-diagnosis';
import {
  checkHistory,
  createHistory,
  recordEpoch,
  recordTraining,
  recordTrainingEvaluation,
  recordValidation,
  type TrainingHistory,
} from '../history';

/** Re-evaluate the training set in evaluation mode at the end of some epochs. */
export interface TrainingSetEvaluation {
  /** The training inputs (or a subset of them). */
  readonly x: Tensor | Tensor[];
  /** Their targets. */
  readonly y: Tensor | Tensor[];
  /** Batch size of `model.evaluate`. Default 256. */
  readonly batchSize?: number;
  /** Evaluate every this many epochs. Default 1. */
  readonly everyEpochs?: number;
}

/** Options of {@link historyCallback}. */
export interface HistoryCallbackOptions {
  /** Where to record (see `createHistory`); a history from an earlier `fit` is continued. */
  readonly history: TrainingHistory;
  /** The batch-log key of the training loss. Default `'loss'`. */
  readonly lossKey?: string;
  /** The epoch-log key of the validation loss. Default `'val_loss'`. */
  readonly validationKey?: string;
  /** Also record the loss of the training set evaluated with `model.evaluate`. */
  readonly trainingSet?: TrainingSetEvaluation;
  /**
   * Run `diagnose` when training ends and log it. Default `true`; options are
   * passed on. Unless they include a `setup`, the diagnosis is told how the
   * run trained (micro-batches and samples per optimizer update, as seen in
   * the batches), so its advice never recommends what the run already does.
   */
  readonly diagnoseAtEnd?: boolean | DiagnoseOptions;
  /** Log a terminal chart of the curves when training ends. Default `false`. */
  readonly chartAtEnd?: boolean | CurvesTerminalOptions;
  /** Where the diagnosis and chart go. Default `console.log`. */
  readonly log?: (text: string) => void;
}

/** The callback returned by {@link historyCallback}. */
export interface HistoryCallback extends CustomCallback {
  /** The history being recorded (the one passed in). */
  readonly history: TrainingHistory;
  /** The diagnosis made when training ended, if any. */
  readonly diagnosis: Diagnosis | undefined;
}

/**
 * A `model.fit` callback that records the learning curves into a
 * {@link TrainingHistory} and, when training ends, logs the diagnosis (and
 * optionally a terminal chart).
 *
 * - After every optimizer update: `recordTraining(history, iteration,
 *   logs.loss)`, where `iteration` is the step, the updates applied before
 *   this one (continuing after the last recorded training iteration, 0 for a
 *   new history). Without gradient accumulation that is one point per batch;
 *   with an accumulating optimizer (e.g. `@trainkit/accumulate`'s, k
 *   micro-batches per update) one point per update, the sample-weighted mean
 *   of its micro-batches' losses, so the iterations agree with the schedules'
 *   steps.
 * - After every epoch: the validation loss (when the logs have it) and all
 *   epoch logs via `recordEpoch`, at the updates applied after the epoch
 *   (the epoch index continues after the last recorded one); with
 *   `trainingSet`, `model.evaluate(x, y)` and `recordTrainingEvaluation`.
 * - When training ends: `diagnose(history)`, formatted with `formatDiagnosis`,
 *   through `log`.
 *
 * Reading the batch loss forces a device sync per batch (tfjs resolves it
 * for every custom callback that has `onBatchEnd`).
 *
 * @param options - {@link HistoryCallbackOptions}
 * @returns A `tf.CustomCallback` exposing `history` and `diagnosis`.
 * @example
 * ```ts
 * const history = createHistory({ name: 'mlp' });
 * await model.fit(x, y, {
 *   epochs: 20,
 *   validationData: [xVal, yVal],
 *   callbacks: [historyCallback({ history, chartAtEnd: true })],
 * });
 * ```
 */
export function historyCallback(options: HistoryCallbackOptions): HistoryCallback {
  const check = checkArguments('historyCallback');
  if (typeof options !== 'object' || options === null) {
    check.fail('options', options, 'an options object', 'Call historyCallback({ history }).');
  }
  const history = checkHistory('historyCallback', options.history);
  const lossKey = options.lossKey ?? 'loss';
  const validationKey = options.validationKey ?? 'val_loss';
  const log =
    options.log === undefined
      ? (text: string) => console.log(text)
      : check.callable<(text: string) => void>('log', options.log);
  const diagnoseAtEnd = options.diagnoseAtEnd ?? true;
  if (typeof diagnoseAtEnd !== 'boolean') {
    check.options('diagnoseAtEnd', diagnoseAtEnd, '{ alpha: 0.01 }');
    // Validate the thresholds now rather than when training ends.
    diagnose(createHistory(), diagnoseAtEnd);
  }
  const chartAtEnd = options.chartAtEnd ?? false;
  const evaluation = options.trainingSet;
  const evaluationBatchSize =
    evaluation?.batchSize === undefined
      ? 256
      : check.integer('trainingSet.batchSize', evaluation.batchSize, { min: 1 });
  const evaluationEvery =
    evaluation?.everyEpochs === undefined
      ? 1
      : check.integer('trainingSet.everyEpochs', evaluation.everyEpochs, { min: 1 });

  let model: LayersModel | undefined;
  const steps = createFitStepCounter();
  let epochsThisFit = 0;
  let diagnosis: Diagnosis | undefined;

  // How the run trains, for the diagnosis' advice: the most common micro-batches and
  // samples per update.
  const microBatchCounts = new Map<number, number>();
  const sampleCounts = new Map<number, number>();
  const mode = (counts: Map<number, number>): number | undefined => {
    let best: number | undefined;
    for (const [value, count] of counts) {
      if (best === undefined || count > counts.get(best)!) best = value;
    }
    return best;
  };
  const recordUpdate = (update: CompletedUpdate | undefined): void => {
    if (update === undefined) return;
    microBatchCounts.set(update.microBatches, (microBatchCounts.get(update.microBatches) ?? 0) + 1);
    sampleCounts.set(update.samples, (sampleCounts.get(update.samples) ?? 0) + 1);
    const loss = update.logs[lossKey];
    if (typeof loss === 'number') recordTraining(history, update.step, loss);
  };
  const observedSetup = (): TrainingSetup => {
    const accumulationSteps = mode(microBatchCounts);
    const samplesPerUpdate = mode(sampleCounts);
    return {
      ...(accumulationSteps === undefined ? {} : { accumulationSteps }),
      ...(samplesPerUpdate === undefined || samplesPerUpdate <= accumulationSteps!
        ? {}
        : { samplesPerUpdate }),
    };
  };

  const callback = new CustomCallback({
    onTrainBegin: () => {
      microBatchCounts.clear();
      sampleCounts.clear();
      const last = history.train.iterations[history.train.iterations.length - 1];
      steps.start(model?.optimizer, last === undefined ? 0 : last + 1);
      epochsThisFit = 0;
      diagnosis = undefined;
    },
    onBatchEnd: (_batch: number, logs?: Logs) => {
      recordUpdate(steps.batchEnd(model?.optimizer, logs));
    },
    onEpochEnd: async (epoch: number, logs?: Logs) => {
      // An epoch-end flush of an accumulating optimizer completes the waiting update.
      recordUpdate(steps.sync(model?.optimizer));
      const iteration = steps.step;
      const lastEpoch = history.epochs[history.epochs.length - 1]?.epoch;
      const epochIndex = lastEpoch === undefined || epoch > lastEpoch ? epoch : lastEpoch + 1;
      const validation = logs?.[validationKey];
      const lastValidation =
        history.validation.iterations[history.validation.iterations.length - 1];
      if (
        typeof validation === 'number' &&
        (lastValidation === undefined || iteration > lastValidation)
      ) {
        recordValidation(history, iteration, validation);
      }
      recordEpoch(history, epochIndex, iteration, { ...(logs ?? {}) });
      epochsThisFit++;
      if (
        evaluation !== undefined &&
        model !== undefined &&
        epochsThisFit % evaluationEvery === 0
      ) {
        const result = model.evaluate(evaluation.x, evaluation.y, {
          batchSize: evaluationBatchSize,
        }) as Scalar | Scalar[];
        const scalars = Array.isArray(result) ? result : [result];
        const loss = (await scalars[0]!.data())[0]!;
        for (const scalar of scalars) scalar.dispose();
        const lastEvaluation =
          history.trainingEvaluation.iterations[history.trainingEvaluation.iterations.length - 1];
        if (lastEvaluation === undefined || iteration > lastEvaluation) {
          recordTrainingEvaluation(history, iteration, loss);
        }
      }
    },
    onTrainEnd: () => {
      recordUpdate(steps.sync(model?.optimizer));
      if (diagnoseAtEnd !== false) {
        const options = diagnoseAtEnd === true ? {} : diagnoseAtEnd;
        diagnosis = diagnose(history, { ...options, setup: options.setup ?? observedSetup() });
        log(`Learning-curve diagnosis of ${history.name}:\n${formatDiagnosis(diagnosis)}`);
      }
      if (chartAtEnd !== false && history.train.values.length > 0) {
        log(curvesTerminal(history, chartAtEnd === true ? {} : chartAtEnd));
      }
    },
  });
  const setModel = callback.setModel.bind(callback);
  callback.setModel = (container) => {
    setModel(container);
    model = container as LayersModel;
  };
  return Object.defineProperties(callback, {
    history: { value: history, enumerable: true },
    diagnosis: { get: () => diagnosis, enumerable: true },
  }) as HistoryCallback;
}
