import {
  createSummaryWriter as createWriter,
  type SummaryWriter,
  type SummaryWriterOptions,
} from '../summary-writer';
import {
  createTrainValidationWriters as createWriters,
  type TrainValidationWriters,
  type TrainValidationWritersOptions,
} from '../train-validation-writers';
import { nodeFileSystem, nodeHostInfo } from './node-file-system';

/** The options with Node's file system, host name and process id where they are not given. */
function withNodeDefaults<T extends SummaryWriterOptions>(options: T | undefined): T {
  const given = (typeof options === 'object' && options !== null ? options : {}) as T;
  const host = given.hostname === undefined || given.pid === undefined ? nodeHostInfo() : undefined;
  return {
    ...given,
    fileSystem: given.fileSystem ?? nodeFileSystem(),
    hostname: given.hostname ?? host!.hostname,
    pid: given.pid ?? host!.pid,
  };
}

/**
 * Opens a summary writer for one run directory on disk: the main entry's
 * `createSummaryWriter` with Node's file system (`node:fs`), `os.hostname()`
 * and `process.pid` as defaults. Creates the directory and a new event file
 * `events.out.tfevents.<seconds>.<host>.<pid>.<n>`; see the main entry's
 * `createSummaryWriter` for buffering and crash safety.
 *
 * @param logdir - The run directory, e.g. `runs/exp1/train`. Created if missing.
 * @param options - Flush interval, buffer size, clock, another file system, ...
 * @returns The writer.
 * @throws InvalidArgumentError for invalid options (before any I/O).
 * @throws EventWriteError when the directory or file cannot be created or written.
 *
 * @example
 * ```ts
 * import { createSummaryWriter } from '@trainkit/tensorboard/node';
 *
 * const writer = await createSummaryWriter('runs/exp1/train');
 * for (let step = 0; step < 100; step++) writer.scalar('loss', Math.exp(-step / 30), step);
 * await writer.close();
 * // tensorboard --logdir runs
 * ```
 */
export function createSummaryWriter(
  logdir: string,
  options?: SummaryWriterOptions,
): Promise<SummaryWriter> {
  return createWriter(logdir, withNodeDefaults(options));
}

/**
 * Opens writers for training and validation as sibling runs on disk,
 * `<logdir>/train` and `<logdir>/validation` (the main entry's
 * `createTrainValidationWriters` with Node's file system as the default).
 * Log the same tag in both and TensorBoard draws the two curves in one chart.
 *
 * @param logdir - The experiment directory (one per training session).
 * @param options - Run names and writer options shared by both writers.
 * @returns The two writers plus `flush()` and `close()` for both.
 * @throws InvalidArgumentError for equal or path-like run names.
 * @throws EventWriteError when a directory or file cannot be created.
 *
 * @example
 * ```ts
 * import { createTrainValidationWriters } from '@trainkit/tensorboard/node';
 *
 * const runs = await createTrainValidationWriters('runs/exp1');
 * runs.train.scalar('epoch_loss', 0.4, 1);
 * runs.validation.scalar('epoch_loss', 0.45, 1);
 * await runs.close();
 * ```
 */
export function createTrainValidationWriters(
  logdir: string,
  options?: TrainValidationWritersOptions,
): Promise<TrainValidationWriters> {
  return createWriters(logdir, withNodeDefaults(options));
}
