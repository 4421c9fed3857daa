/**
 * Reading event files, runs and log directories from disk (Node).
 */

import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { checkArguments } from '@trainkit/core';
import { EventReadError } from '../errors';
import type { SummaryMetadata } from '../event-codec';
import { isEventFileName } from '../event-file-name';
import {
  type EventFileContents,
  type EventFileWarning,
  missingMetadataWarnings,
  type ParseEventFileOptions,
  parseEventFile,
  type TensorBoardEvent,
} from '../event-reader';

/** Runs a file-system call, turning its failure into an {@link EventReadError}. */
async function fileSystemCall<T>(
  functionName: string,
  path: string,
  operation: 'read' | 'list',
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    const code = (cause as { code?: unknown } | null)?.code;
    throw new EventReadError({
      functionName,
      path,
      operation,
      code: typeof code === 'string' ? code : undefined,
      cause,
    });
  }
}

function checkPath(functionName: string, argument: string, path: unknown): string {
  if (typeof path !== 'string' || path.length === 0) {
    checkArguments(functionName).fail(argument, path, 'a non-empty path');
  }
  return path as string;
}

/** Options of the file readers. */
export type ReadEventFileOptions = Pick<ParseEventFileOptions, 'onCorruption'>;

/**
 * Reads and parses one event file (see {@link parseEventFile} for the damage policy).
 *
 * @param path - The file.
 * @param options - `onCorruption`: `skip` (default) or `throw`.
 * @returns The events, warnings (with `path`), and the length of the whole records.
 * @throws EventFileCorruptError with `onCorruption: 'throw'`; EventReadError when the
 *   file cannot be read (missing, a directory, no permission; `code` says which).
 *
 * @example
 * ```ts
 * import { readEventFile } from '@trainkit/tensorboard/node';
 *
 * const { events, warnings } = await readEventFile('runs/train/events.out.tfevents.1700000000.box.42.0');
 * ```
 */
export async function readEventFile(
  path: string,
  options?: ReadEventFileOptions & Pick<ParseEventFileOptions, 'tagMetadata'>,
): Promise<EventFileContents & { readonly path: string }> {
  checkPath('readEventFile', 'path', path);
  const buffer = await fileSystemCall('readEventFile', path, 'read', () => readFile(path));
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  return { path, ...parseEventFile(bytes, { ...options, path }) };
}

/** Everything in one run directory. */
export interface RunContents {
  /** The run directory. */
  readonly directory: string;
  /** Its event files, in the order they were read (name order). */
  readonly files: readonly string[];
  /** The events of all files, file by file. */
  readonly events: readonly TensorBoardEvent[];
  readonly warnings: readonly EventFileWarning[];
}

/**
 * Reads the event files of one run directory (not its subdirectories) in name
 * order, sharing tag metadata across files as TensorBoard does.
 *
 * @param directory - The run directory, e.g. `runs/exp1/train`.
 * @param options - `onCorruption`.
 * @returns Files, events and warnings.
 * @throws EventReadError when the directory or one of its files cannot be read.
 *
 * @example
 * ```ts
 * const run = await readRun('runs/exp1/validation');
 * scalarSeries(run.events).get('epoch_loss');
 * ```
 */
export async function readRun(
  directory: string,
  options?: ReadEventFileOptions,
): Promise<RunContents> {
  checkPath('readRun', 'directory', directory);
  const entries = await fileSystemCall('readRun', directory, 'list', () =>
    readdir(directory, { withFileTypes: true }),
  );
  const files = entries
    .filter((entry) => entry.isFile() && isEventFileName(entry.name))
    .map((entry) => entry.name)
    .sort()
    .map((name) => join(directory, name));
  const tagMetadata = new Map<string, SummaryMetadata>();
  const events: TensorBoardEvent[] = [];
  const warnings: EventFileWarning[] = [];
  for (const file of files) {
    const contents = await readEventFile(file, { ...options, tagMetadata });
    events.push(...contents.events);
    warnings.push(...contents.warnings);
  }
  // A damaged first record in one file leaves the tag's values in later files without
  // metadata too: warn once per tag over the whole run.
  const warned = new Set(
    warnings.flatMap((w) => (w.kind === 'missing-metadata' && w.tag !== undefined ? [w.tag] : [])),
  );
  warnings.push(...missingMetadataWarnings(events, warnings, tagMetadata, warned));
  return { directory, files, events, warnings };
}

/**
 * Reads every run under a log directory: each directory (the root included)
 * that holds event files is a run, named by its path relative to `logdir` with
 * `/` separators (`.` for the root), as TensorBoard names runs.
 *
 * @param logdir - The log directory given to `tensorboard --logdir`.
 * @param options - `onCorruption`.
 * @returns Run name -> contents, names sorted.
 * @throws EventReadError when the directory (or one below it) cannot be read.
 *
 * @example
 * ```ts
 * const runs = await readLogdir('runs/exp1');
 * [...runs.keys()]; // ['train', 'validation']
 * ```
 */
export async function readLogdir(
  logdir: string,
  options?: ReadEventFileOptions,
): Promise<Map<string, RunContents>> {
  checkPath('readLogdir', 'logdir', logdir);
  const runDirectories: string[] = [];
  const walk = async (directory: string): Promise<void> => {
    const entries = await fileSystemCall('readLogdir', directory, 'list', () =>
      readdir(directory, { withFileTypes: true }),
    );
    if (entries.some((entry) => entry.isFile() && isEventFileName(entry.name))) {
      runDirectories.push(directory);
    }
    for (const entry of entries) {
      if (entry.isDirectory()) await walk(join(directory, entry.name));
    }
  };
  await walk(logdir);
  const named = runDirectories
    .map((directory) => {
      const name = relative(logdir, directory).split(sep).join('/');
      return { name: name === '' ? '.' : name, directory };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const runs = new Map<string, RunContents>();
  for (const { name, directory } of named) runs.set(name, await readRun(directory, options));
  return runs;
}
