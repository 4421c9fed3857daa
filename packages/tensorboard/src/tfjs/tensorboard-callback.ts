import type { Tensor } from '@tensorflow/tfjs-core';
import type { Logs } from '@tensorflow/tfjs-layers';
import { CustomCallback } from '@tensorflow/tfjs-layers';
import { type CompletedUpdate, checkArguments, createFitStepCounter } from '@trainkit/core';
import { type HParamValue, validateHParamValues } from '../hparams';
import {
  createSummaryWriter,
  type SummaryWriter,
  type SummaryWriterOptions,
} from '../summary-writer';
import {
  type CreateWriter,
  openTrainValidationWriters,
  type TrainValidationWriters,
} from '../train-validation-writers';
import { tensorHistogram } from './tensor-summaries';

/** Options of {@link tensorBoardCallback}. */
export interface TensorBoardCallbackOptions {
  /**
   * `epoch` (default): scalars once per epoch (`epoch_<metric>`, step = epoch).
   * `batch`: also every optimizer update (`batch_<metric>`, step = the updates
   * applied before it; with an accumulating optimizer the values of an
   * update's micro-batches are averaged by sample count, so the steps agree
   * with the learning-rate schedules'). A number n: batch scalars every n updates.
   */
  readonly updateFreq?: 'batch' | 'epoch' | number;
  /** Histograms of every weight each n epochs (at epochs 0, n, 2n, ...); 0 (default) turns them off. */
  readonly histogramFreq?: number;
  /** Training run directory under `logdir`. Default `train`. */
  readonly trainRun?: string;
  /** Validation run directory under `logdir`. Default `validation`. */
  readonly validationRun?: string;
  /**
   * Hyperparameters of this training session. When given, `logdir` itself
   * becomes an hparams session (like Keras' `hp.KerasCallback`): the values at
   * the start, the status `success` at the end. TensorBoard's HParams tab then
   * compares the sessions under its log directory, inferring the columns from
   * all sessions' values and the scalar tags of their `train`/`validation`
   * runs (write an experiment with `SummaryWriter.hparamsConfig` to set domains
   * or display names).
   */
  readonly hparams?: Readonly<Record<string, HParamValue>>;
  /**
   * How the writers are opened. In Node pass `createSummaryWriter` from
   * `@trainkit/tensorboard/node` (it writes with `node:fs`); elsewhere leave it
   * out and give `writerOptions.fileSystem`. One of the two is required: this
   * entry imports no Node built-in, so it also bundles for the browser.
   */
  readonly createWriter?: CreateWriter;
  /**
   * Writer options (file system, clock, fsync, ...). The flush timer is always off: I/O
   * happens at epoch end. Without `createWriter`, `fileSystem` is required (e.g.
   * `memoryFileSystem()`, or a browser's file system wrapped as an `EventFileSystem`).
   */
  readonly writerOptions?: Omit<SummaryWriterOptions, 'flushIntervalMs' | 'maxBufferedBytes'>;
}

/** What `setModel` receives (tfjs-layers does not export its `Container` type). */
type FitModel = Parameters<CustomCallback['setModel']>[0];

/** The part of a model the callback reads: its weights and optimizer. */
interface WeightedModel {
  readonly weights: readonly { readonly name: string; read(): Tensor }[];
  readonly optimizer?: unknown;
}

/** Keys of `model.fit` logs that are bookkeeping, not metrics. */
const ignoredKeys = new Set(['batch', 'size']);

/**
 * The callback {@link tensorBoardCallback} returns: a `tf.CustomCallback`
 * that writes TensorBoard logs.
 */
export class TensorBoardCallback extends CustomCallback {
  /** The log directory. */
  readonly logdir: string;
  private trainedModel: WeightedModel | undefined;
  private runs: TrainValidationWriters | undefined;
  private session: SummaryWriter | undefined;
  private readonly steps = createFitStepCounter();

  constructor(
    logdir: string,
    options: Required<Pick<TensorBoardCallbackOptions, 'updateFreq' | 'histogramFreq'>> &
      TensorBoardCallbackOptions,
  ) {
    const state: { self?: TensorBoardCallback } = {};
    super(
      {
        onTrainBegin: () => state.self!.startTraining(),
        onBatchEnd: (batch, logs) => state.self!.endBatch(batch, logs),
        onEpochEnd: (epoch, logs) => state.self!.endEpoch(epoch, logs),
        onTrainEnd: () => state.self!.endTraining(),
      },
      'never',
    );
    state.self = this;
    this.logdir = logdir;
    this.options = options;
  }

  private readonly options: Required<
    Pick<TensorBoardCallbackOptions, 'updateFreq' | 'histogramFreq'>
  > &
    TensorBoardCallbackOptions;

  override setModel(model: FitModel): void {
    super.setModel(model);
    this.trainedModel = model as unknown as WeightedModel;
  }

  private writerOptions(): SummaryWriterOptions {
    return {
      ...this.options.writerOptions,
      flushIntervalMs: 0,
      // Batch records stay in memory until the epoch ends.
      maxBufferedBytes: 64 * 1024 * 1024,
    };
  }

  private async startTraining(): Promise<void> {
    this.steps.start(this.trainedModel?.optimizer);
    const createWriter = this.options.createWriter ?? createSummaryWriter;
    this.runs = await openTrainValidationWriters(
      'tensorBoardCallback',
      this.logdir,
      {
        ...this.writerOptions(),
        ...(this.options.trainRun === undefined ? {} : { trainRun: this.options.trainRun }),
        ...(this.options.validationRun === undefined
          ? {}
          : { validationRun: this.options.validationRun }),
      },
      createWriter,
    );
    if (this.options.hparams !== undefined) {
      try {
        this.session = await createWriter(this.logdir, this.writerOptions());
      } catch (error) {
        await this.runs.close().catch(() => undefined);
        this.runs = undefined;
        throw error;
      }
      this.session.hparams(this.options.hparams);
      await this.session.flush();
    }
  }

  private writeLogs(prefix: string, logs: Logs | undefined, step: number): void {
    if (logs === undefined || this.runs === undefined) return;
    for (const [key, value] of Object.entries(logs)) {
      if (ignoredKeys.has(key) || typeof value !== 'number') continue;
      if (key.startsWith('val_'))
        this.runs.validation.scalar(`${prefix}${key.slice(4)}`, value, step);
      else this.runs.train.scalar(`${prefix}${key}`, value, step);
    }
  }

  private writeUpdate(update: CompletedUpdate | undefined): void {
    const { updateFreq } = this.options;
    if (update === undefined || updateFreq === 'epoch') return;
    if (updateFreq === 'batch' || update.step % updateFreq === 0) {
      this.writeLogs('batch_', update.logs, update.step);
    }
  }

  private async endBatch(_batch: number, logs?: Logs): Promise<void> {
    this.writeUpdate(this.steps.batchEnd(this.trainedModel?.optimizer, logs));
  }

  private async endEpoch(epoch: number, logs?: Logs): Promise<void> {
    // An epoch-end flush of an accumulating optimizer completes the waiting update.
    this.writeUpdate(this.steps.sync(this.trainedModel?.optimizer));
    const runs = this.runs;
    if (runs === undefined) return;
    this.writeLogs('epoch_', logs, epoch);
    const { histogramFreq } = this.options;
    if (histogramFreq > 0 && epoch % histogramFreq === 0 && this.trainedModel !== undefined) {
      for (const weight of this.trainedModel.weights) {
        runs.train.histogram(weight.name, await tensorHistogram(weight.read()), epoch);
      }
    }
    await Promise.all([runs.flush(), this.session?.flush()]);
  }

  private async endTraining(): Promise<void> {
    const runs = this.runs;
    const session = this.session;
    this.runs = undefined;
    this.session = undefined;
    if (session !== undefined) session.hparamsEnd({ status: 'success' });
    const results = await Promise.allSettled([runs?.close(), session?.close()]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }
}

/**
 * A `model.fit` callback that writes TensorBoard logs, like
 * `tf.node.tensorBoard` but in pure TypeScript (no native TensorFlow): loss
 * and metrics of training in `<logdir>/train` and of validation (`val_*` logs,
 * prefix dropped) in `<logdir>/validation`, so TensorBoard overlays the two
 * curves; optionally histograms of the weights and hparams.
 *
 * Batch values are buffered in memory; files are written at the end of each
 * epoch (and closed at the end of training).
 *
 * The entry imports no Node built-in: in Node pass `createWriter:
 * createSummaryWriter` from `@trainkit/tensorboard/node`; in a browser give
 * `writerOptions.fileSystem`.
 *
 * @param logdir - The experiment directory, e.g. `runs/mlp-lr0.01`.
 * @param options - How to open the writers (`createWriter` or `writerOptions.fileSystem`),
 *   `updateFreq` (`epoch`), `histogramFreq` (0), run names, hparams.
 * @returns The callback, for `model.fit(x, y, { callbacks: [...] })`.
 * @throws InvalidArgumentError for invalid options, or neither `createWriter` nor a file system.
 *
 * @example
 * ```ts
 * import { createSummaryWriter } from '@trainkit/tensorboard/node';
 * import { tensorBoardCallback } from '@trainkit/tensorboard/tfjs';
 *
 * await model.fit(xs, ys, {
 *   epochs: 10,
 *   validationSplit: 0.2,
 *   callbacks: [tensorBoardCallback('runs/exp1', { createWriter: createSummaryWriter, updateFreq: 'batch' })],
 * });
 * // tensorboard --logdir runs
 * ```
 */
export function tensorBoardCallback(
  logdir: string,
  options?: TensorBoardCallbackOptions,
): TensorBoardCallback {
  const check = checkArguments('tensorBoardCallback');
  if (typeof logdir !== 'string' || logdir.length === 0) {
    check.fail('logdir', logdir, 'a non-empty directory path');
  }
  options = check.options('options', options, '{ createWriter: createSummaryWriter }');
  if (options.createWriter !== undefined) check.callable('createWriter', options.createWriter);
  if (options.writerOptions !== undefined) check.options('writerOptions', options.writerOptions);
  if (options.createWriter === undefined && options.writerOptions?.fileSystem === undefined) {
    check.fail(
      'createWriter',
      undefined,
      'createSummaryWriter from @trainkit/tensorboard/node, or writerOptions.fileSystem',
      "In Node: tensorBoardCallback(logdir, { createWriter: createSummaryWriter }) with createSummaryWriter imported from '@trainkit/tensorboard/node'; in a browser: { writerOptions: { fileSystem } }.",
    );
  }
  const updateFreq = options.updateFreq ?? 'epoch';
  if (typeof updateFreq === 'number') {
    check.integer('updateFreq', updateFreq, {
      min: 1,
      fix: "Use 'batch', 'epoch' or a number of batches >= 1.",
    });
  } else {
    check.oneOf('updateFreq', updateFreq, ['batch', 'epoch']);
  }
  const histogramFreq = check.integer('histogramFreq', options.histogramFreq ?? 0, {
    min: 0,
  });
  if (options.hparams !== undefined) {
    validateHParamValues('tensorBoardCallback', 'hparams', options.hparams);
  }
  return new TensorBoardCallback(logdir, { ...options, updateFreq, histogramFreq });
}
