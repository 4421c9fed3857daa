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
 * Runtime-neutral like `createSummaryWriter`: it needs `options.fileSystem`;
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
  const check = checkArguments('createTrainValidationWriters');
  if (typeof logdir !== 'string' || logdir.length === 0) {
    check.fail('logdir', logdir, 'a non-empty directory path');
  }
  const { trainRun = 'train', validationRun = 'validation', ...writerOptions } = options ?? {};
  for (const [argument, name] of [
    ['options.trainRun', trainRun],
    ['options.validationRun', validationRun],
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
    check.fail('options.validationRun', validationRun, `different from trainRun ('${trainRun}')`);
  }
  const fileSystem = writerOptions.fileSystem ?? missingFileSystem('createTrainValidationWriters');
  const join = (...parts: string[]) => fileSystem.join(...parts);
  const train = await createSummaryWriter(join(logdir, trainRun), writerOptions);
  let validation: SummaryWriter;
  try {
    validation = await createSummaryWriter(join(logdir, validationRun), writerOptions);
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
