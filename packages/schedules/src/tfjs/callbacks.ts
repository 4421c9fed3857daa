import { CustomCallback, type LayersModel, type Logs } from '@tensorflow/tfjs-layers';
import { checkArguments } from '@trainkit/core';
import {
  getLearningRate,
  type LearningRateTarget,
  type MomentumTarget,
  setLearningRate,
  setMomentum,
} from '@trainkit/core/tfjs';
import {
  checkReduceOnPlateauState,
  type ReduceOnPlateau,
  type ReduceOnPlateauOptions,
  type ReduceOnPlateauState,
  reduceOnPlateau,
} from '../reduce-on-plateau';
import type { Schedule } from '../schedule';

/** Options of {@link batchLearningRateScheduler} and {@link epochLearningRateScheduler}. */
export interface LearningRateSchedulerOptions {
  /** The learning-rate schedule. */
  readonly schedule: Schedule;
  /** An optional momentum schedule applied at the same steps (see `setMomentum`). */
  readonly momentum?: Schedule;
  /** The optimizer to drive. Default: the model's optimizer (`model.optimizer`). */
  readonly optimizer?: LearningRateTarget;
  /**
   * Key under which the epoch logs (and so `history.history`) get the rate.
   * Default `'learning_rate'` (as Keras); the momentum, when scheduled, goes under `'momentum'`.
   */
  readonly logKey?: string;
}

/** Options of {@link reduceLearningRateOnPlateau}. */
export interface ReduceLearningRateOnPlateauOptions
  extends Omit<ReduceOnPlateauOptions, 'initialValue'> {
  /** The epoch-log key to watch. Default `'val_loss'` (needs validation data in `fit`). */
  readonly monitor?: string;
  /** The rate before any reduction. Default: the optimizer's rate when training begins. */
  readonly initialValue?: number;
  /**
   * A state to resume from (e.g. `reduceOnPlateauFromJSON` of a checkpoint's copy of
   * `callback.state`), checked at construction; its rate is applied at train begin.
   */
  readonly state?: ReduceOnPlateauState;
  /** The optimizer to drive. Default: the model's optimizer. */
  readonly optimizer?: LearningRateTarget;
  /** Key under which the epoch logs get the rate used during the epoch. Default `'learning_rate'`. */
  readonly logKey?: string;
}

/** The callback returned by {@link reduceLearningRateOnPlateau}: a `tf.CustomCallback` with its state. */
export interface ReduceLearningRateOnPlateauCallback extends CustomCallback {
  /** The current plateau state (JSON-serializable), `undefined` before training begins. */
  readonly state: ReduceOnPlateauState | undefined;
}

/**
 * A `tf.CustomCallback` that keeps the model it is attached to (tfjs only
 * gives the model to `tf.Callback` subclasses).
 */
class ModelAwareCallback extends CustomCallback {
  trainedModel: LayersModel | undefined;

  override setModel(model: Parameters<CustomCallback['setModel']>[0]): void {
    this.trainedModel = model as LayersModel;
  }
}

function resolveOptimizer(
  functionName: string,
  callback: ModelAwareCallback,
  explicit: LearningRateTarget | undefined,
): LearningRateTarget {
  const optimizer =
    explicit ?? (callback.trainedModel?.optimizer as LearningRateTarget | undefined);
  if (optimizer === undefined || optimizer === null) {
    checkArguments(functionName).fail(
      'optimizer',
      optimizer,
      'an optimizer',
      'Compile the model with an optimizer, or pass the optimizer option.',
    );
  }
  return optimizer as LearningRateTarget;
}

function checkSchedulerOptions(functionName: string, options: LearningRateSchedulerOptions) {
  const check = checkArguments(functionName);
  if (typeof options !== 'object' || options === null) {
    check.fail('options', options, 'an options object', `Call ${functionName}({ schedule }).`);
  }
  const schedule = check.callable<Schedule>('schedule', options.schedule);
  const momentum =
    options.momentum === undefined
      ? undefined
      : check.callable<Schedule>('momentum', options.momentum);
  const logKey = options.logKey ?? 'learning_rate';
  if (typeof logKey !== 'string' || logKey === '')
    check.fail('logKey', logKey, 'a non-empty string');
  return { schedule, momentum, logKey };
}

/**
 * A `model.fit` callback that sets the learning rate before every batch from a
 * schedule of the optimizer's update count.
 *
 * Before each batch: `step = optimizer.iterations` (the updates applied so
 * far, 0 before the first), then `setLearningRate(optimizer, schedule(step))`
 * (and the momentum, if scheduled). Because the step is read from the
 * optimizer, resuming is exact when the optimizer's weights (which start with
 * the iteration count) are restored, and with a gradient-accumulation wrapper
 * the schedule advances per update, not per micro-batch. At the end of each
 * epoch it writes the rate used by the epoch's last update into the epoch logs
 * under `logKey`, so `history.history.learning_rate` holds one value per epoch.
 *
 * @param options - {@link LearningRateSchedulerOptions}
 * @returns A `tf.CustomCallback` for `model.fit({ callbacks })` or `fitDataset`.
 * @example
 * ```ts
 * const totalSteps = epochs * Math.ceil(samples / batchSize);
 * const history = await model.fit(x, y, {
 *   epochs,
 *   batchSize,
 *   callbacks: [batchLearningRateScheduler({ schedule: oneCycle({ maxValue: 0.01, totalSteps }) })],
 * });
 * history.history.learning_rate; // one value per epoch
 * ```
 */
export function batchLearningRateScheduler(options: LearningRateSchedulerOptions): CustomCallback {
  const name = 'batchLearningRateScheduler';
  const { schedule, momentum, logKey } = checkSchedulerOptions(name, options);
  let current: number | undefined;
  let currentMomentum: number | undefined;
  const callback: ModelAwareCallback = new ModelAwareCallback(
    {
      onBatchBegin: () => {
        const optimizer = resolveOptimizer(name, callback, options.optimizer);
        const step = (optimizer as { iterations?: unknown }).iterations;
        if (typeof step !== 'number') {
          checkArguments(name).fail(
            'optimizer',
            optimizer,
            'an optimizer with a numeric iterations count',
            'Use a tfjs optimizer (or a wrapper that extends tf.Optimizer).',
          );
        }
        current = schedule(step as number);
        setLearningRate(optimizer, current);
        if (momentum !== undefined) {
          currentMomentum = momentum(step as number);
          setMomentum(optimizer as MomentumTarget, currentMomentum);
        }
      },
      onEpochEnd: (_epoch: number, logs?: Logs) => {
        if (logs === undefined) return;
        if (current !== undefined) logs[logKey] = current;
        if (currentMomentum !== undefined) logs.momentum = currentMomentum;
      },
    },
    'never',
  );
  return callback;
}

/**
 * A `model.fit` callback that sets the learning rate at the start of every
 * epoch from a schedule of the epoch index (Keras' `LearningRateScheduler`).
 *
 * At `onEpochBegin(epoch)`: `setLearningRate(optimizer, schedule(epoch))`
 * (the epoch index counts from 0 and includes `fit`'s `initialEpoch`). At the
 * end of the epoch the rate is written into the epoch logs under `logKey`.
 * For a step-based schedule with the value changing only per epoch, prefer
 * {@link batchLearningRateScheduler} with `perEpoch(schedule, { stepsPerEpoch })`.
 *
 * @param options - {@link LearningRateSchedulerOptions}
 * @returns A `tf.CustomCallback`.
 * @example
 * ```ts
 * const schedule = inverseTimeDecay({ initialValue: 0.1, decayRate: 1 }); // 0.1, 0.05, 0.033…
 * await model.fit(x, y, { epochs: 3, callbacks: [epochLearningRateScheduler({ schedule })] });
 * ```
 */
export function epochLearningRateScheduler(options: LearningRateSchedulerOptions): CustomCallback {
  const name = 'epochLearningRateScheduler';
  const { schedule, momentum, logKey } = checkSchedulerOptions(name, options);
  let current: number | undefined;
  let currentMomentum: number | undefined;
  const callback: ModelAwareCallback = new ModelAwareCallback(
    {
      onEpochBegin: (epoch: number) => {
        const optimizer = resolveOptimizer(name, callback, options.optimizer);
        current = schedule(epoch);
        setLearningRate(optimizer, current);
        if (momentum !== undefined) {
          currentMomentum = momentum(epoch);
          setMomentum(optimizer as MomentumTarget, currentMomentum);
        }
      },
      onEpochEnd: (_epoch: number, logs?: Logs) => {
        if (logs === undefined) return;
        if (current !== undefined) logs[logKey] = current;
        if (currentMomentum !== undefined) logs.momentum = currentMomentum;
      },
    },
    'never',
  );
  return callback;
}

class PlateauCallback extends ModelAwareCallback implements ReduceLearningRateOnPlateauCallback {
  current: ReduceOnPlateauState | undefined;

  get state(): ReduceOnPlateauState | undefined {
    return this.current;
  }
}

/**
 * A `model.fit` callback that reduces the learning rate when a monitored
 * metric stops improving, driven by the pure {@link reduceOnPlateau} state
 * (PyTorch `ReduceLROnPlateau` semantics).
 *
 * At train begin the state is created from `initialValue` (default: the
 * optimizer's current rate) or restored from `options.state`, and its rate is
 * applied. At each epoch end the rate used during the epoch is written into
 * the logs under `logKey`, the metric `logs[monitor]` is fed to `update`, and
 * a reduced rate is applied to the optimizer for the next epoch. The state is
 * readable at any time as `callback.state` (save it with `reduceOnPlateauToJSON`
 * in your checkpoint and pass `reduceOnPlateauFromJSON` of it back as
 * `options.state` to resume exactly).
 *
 * @param options - {@link ReduceLearningRateOnPlateauOptions}
 * @returns A `tf.CustomCallback` with a `state` property.
 * @throws InvalidArgumentError at construction for bad options; during `fit`
 *   if the monitored key is missing from the epoch logs.
 * @example
 * ```ts
 * const plateau = reduceLearningRateOnPlateau({ monitor: 'val_loss', patience: 3, factor: 0.5 });
 * await model.fit(x, y, { epochs: 50, validationSplit: 0.2, callbacks: [plateau] });
 * writeFileSync('plateau.json', JSON.stringify(reduceOnPlateauToJSON(plateau.state!)));
 * ```
 */
export function reduceLearningRateOnPlateau(
  options: ReduceLearningRateOnPlateauOptions = {},
): ReduceLearningRateOnPlateauCallback {
  const name = 'reduceLearningRateOnPlateau';
  const check = checkArguments(name);
  if (typeof options !== 'object' || options === null) {
    check.fail('options', options, 'an options object');
  }
  const {
    monitor = 'val_loss',
    logKey = 'learning_rate',
    state: saved,
    optimizer: explicit,
    ...rest
  } = options;
  if (typeof monitor !== 'string' || monitor === '')
    check.fail('monitor', monitor, 'a non-empty string');
  if (typeof logKey !== 'string' || logKey === '')
    check.fail('logKey', logKey, 'a non-empty string');
  // Validate every option now (with a placeholder rate when it comes from the optimizer).
  reduceOnPlateau({ ...rest, initialValue: rest.initialValue ?? 1 });
  const resumeFrom =
    saved === undefined
      ? undefined
      : checkReduceOnPlateauState(name, saved, rest.mode ?? 'min', 'state');

  let plateau: ReduceOnPlateau | undefined;
  const callback: PlateauCallback = new PlateauCallback(
    {
      onTrainBegin: () => {
        const optimizer = resolveOptimizer(name, callback, explicit);
        if (callback.current === undefined) {
          const initialValue = rest.initialValue ?? getLearningRate(optimizer);
          plateau = reduceOnPlateau({ ...rest, initialValue });
          callback.current = resumeFrom ?? plateau.init();
        }
        setLearningRate(optimizer, callback.current.learningRate);
      },
      onEpochEnd: (_epoch: number, logs?: Logs) => {
        const optimizer = resolveOptimizer(name, callback, explicit);
        const metric = logs?.[monitor];
        if (typeof metric !== 'number') {
          check.fail(
            'monitor',
            monitor,
            `a key of the epoch logs (${Object.keys(logs ?? {}).join(', ') || 'none'})`,
            monitor.startsWith('val_')
              ? 'Pass validationData or validationSplit to fit, or monitor a training metric.'
              : 'Monitor a loss or metric the model reports.',
          );
        }
        const used = getLearningRate(optimizer);
        if (logs !== undefined) logs[logKey] = used;
        if (plateau === undefined || callback.current === undefined) return;
        callback.current = plateau.update(callback.current, metric as number);
        if (callback.current.learningRate !== used) {
          setLearningRate(optimizer, callback.current.learningRate);
        }
      },
    },
    'never',
  );
  return callback;
}
