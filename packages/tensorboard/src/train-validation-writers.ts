import { checkArguments } from '@trainkit/core';
import {
  createSummaryWriter,
  missingFileSystem,
  type SummaryWriter,
  type SummaryWriterOptions,
} from './summary-writer';

/** Writers of the sibling runs `<logdir>/train` and `<logdir>/validation`. */
export interface TrainValidationWriters {
  /** Writes `<logdir>/<trainRun>`. */
  readonly train: SummaryWriter;
  /** Writes `<logdir>/<validationRun>`. */
  readonly validation: SummaryWriter;
  /** Flushes both. */
  flush(): Promise<void>;
  /** Closes both (both are closed even if one fails; the first error is rethrown). */
  close(): Promise<void>;
}

/** Options of {@link createTrainValidationWriters}. */
export interface TrainValidationWritersOptions extends SummaryWriterOptions {
  /** Name of the training run directory. Default `train` (as Keras names it). */
  readonly trainRun?: string;
  /** Name of the validation run directory. Default `validation`. */
  readonly validationRun?: string;
}

/**
 * Opens writers for training and validation as sibling runs,
 * `<logdir>/train` and `<logdir>/validation`. Log the same tag (e.g.
 * `epoch_loss`) in both and TensorBoard draws the two curves in one chart, one
 * color per run.
 *
 * Runtime-neutral like `createSummaryWriter`: it needs `fileSystem`;
 * the same function from `@trainkit/tensorboard/node` defaults to Node's.
 *
 * @param logdir - The experiment directory (one per training session).
 * @param options - Run names and {@link SummaryWriterOptions} shared by both writers.
 * @returns The two writers plus `flush()` and `close()` for both.
 * @throws InvalidArgumentError for equal or path-like run names, or a missing file system.
 * @throws EventWriteError when a directory or file cannot be created.
 *
 * @example
 * ```ts
 * import { createTrainValidationWriters } from '@trainkit/tensorboard/node';
 *
 * const runs = await createTrainValidationWriters('runs/exp1');
 * runs.train.scalar('epoch_loss', 0.40, 1);
 * runs.validation.scalar('epoch_loss', 0.45, 1);
 * await runs.close();
 * // tensorboard --logdir runs   (shows exp1/train and exp1/validation)
 * ```
 */
export async function createTrainValidationWriters(
  logdir: string,
  options?: TrainValidationWritersOptions,
): Promise<TrainValidationWriters> {
  return openTrainValidationWriters(
    'createTrainValidationWriters',
    logdir,
    options,
    createSummaryWriter,
  );
}

/** Opens one writer: `createSummaryWriter` of the main entry or of `@trainkit/tensorboard/node`. */
export type CreateWriter = (
  logdir: string,
  options?: SummaryWriterOptions,
) => Promise<SummaryWriter>;

/**
 * {@link createTrainValidationWriters} with the function that opens each
 * writer. Internal (the tfjs callback opens its writers with the function it
 * was given).
 */
export async function openTrainValidationWriters(
  functionName: string,
  logdir: string,
  options: TrainValidationWritersOptions | undefined,
  createWriter: CreateWriter,
): Promise<TrainValidationWriters> {
  const check = checkArguments(functionName);
  if (typeof logdir !== 'string' || logdir.length === 0) {
    check.fail('logdir', logdir, 'a non-empty directory path');
  }
  const { trainRun = 'train', validationRun = 'validation', ...writerOptions } = options ?? {};
  for (const [argument, name] of [
    ['trainRun', trainRun],
    ['validationRun', validationRun],
  ] as const) {
    if (
      typeof name !== 'string' ||
      name.length === 0 ||
      /^\.\.?$/.test(name) ||
      /[/\\]/.test(name)
    ) {
      check.fail(argument, name, 'a directory name (no separators, not . or ..)');
    }
  }
  if (trainRun === validationRun) {
    check.fail('validationRun', validationRun, `different from trainRun ('${trainRun}')`);
  }
  if (createWriter === createSummaryWriter && writerOptions.fileSystem === undefined) {
    missingFileSystem(functionName);
  }
  const join = (...parts: string[]) =>
    writerOptions.fileSystem === undefined
      ? parts.join('/')
      : writerOptions.fileSystem.join(...parts);
  const train = await createWriter(join(logdir, trainRun), writerOptions);
  let validation: SummaryWriter;
  try {
    validation = await createWriter(join(logdir, validationRun), writerOptions);
  } catch (error) {
    await train.close().catch(() => undefined);
    throw error;
  }
  return {
    train,
    validation,
    async flush() {
      await Promise.all([train.flush(), validation.flush()]);
    },
    async close() {
      const results = await Promise.allSettled([train.close(), validation.close()]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    },
  };
}
