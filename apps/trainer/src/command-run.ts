import { stat } from 'node:fs/promises';
import path from 'node:path';
import { registerAccumulatingOptimizer } from '@trainkit/accumulate';
import { type BackendSelection, formatBackendSelection, selectBackend } from '@trainkit/backend';
import { type DirectoryLock, DirectoryLockedError, lockDirectory } from '@trainkit/core/node';
import { type ConfigurationValue, configurationSettings, writeConfiguration } from './artifacts';
import { fileSystemFix, fileSystemReason, TrainerError } from './errors';
import type { TrainOptions } from './options';
import type { Output } from './progress';
import { displayPath, openRunDirectory, type RunDirectory, userDirectory } from './run-directory';

/** What a command's body gets: its run directory, the backend, where to print. */
export interface CommandContext {
  readonly directory: RunDirectory;
  readonly backend: BackendSelection;
  readonly output: Output;
}

/**
 * Runs a command that writes a run directory (`sanity`, `lr-find`, `search`,
 * `recipe`): opens `<logdir>/<name>` under its lock (refusing an existing
 * one unless `--overwrite`), selects the backend and prints it, writes
 * `options.json` (the command and its settings), runs `body`, and releases
 * the lock. When `body` fails with an expected error before it wrote
 * anything of its own (`keep()` not called), the directory is removed:
 * nothing half-written stays behind.
 *
 * @param command - The command's name, e.g. `sanity`.
 * @param options - The training options (logdir, name, overwrite, backend, and the settings recorded).
 * @param extra - Command settings recorded in options.json beside the options.
 * @param output - Where lines go.
 * @param body - The command's work; call `keep()` once results exist on disk.
 * @param resumeFile - For a command that continues (`search --resume`): the
 *   file an existing directory must hold; with `options.resume` the existing
 *   `<logdir>/<name>` is opened (and locked) instead of a new one.
 */
export async function runInDirectory<T>(
  command: string,
  options: TrainOptions,
  extra: Readonly<Record<string, ConfigurationValue>>,
  output: Output,
  body: (context: CommandContext, keep: () => void) => Promise<T>,
  resumeFile?: string,
): Promise<T> {
  const cwd = userDirectory();
  const directory =
    resumeFile !== undefined && options.resume
      ? await openExistingDirectory(command, options, resumeFile, cwd)
      : await openRunDirectory(
          {
            logdir: options.logdir,
            name: options.name,
            resume: false,
            overwrite: options.overwrite,
          },
          cwd,
          `trainkit ${command}`,
        );
  let kept = directory.resumed;
  try {
    const backend = await selectBackend({ backend: options.backend });
    output.log(formatBackendSelection(backend));
    registerAccumulatingOptimizer();
    try {
      await writeConfiguration(directory.path, {
        command,
        settings: { ...configurationSettings({ ...options }), ...extra },
      });
    } catch (error) {
      throw new TrainerError(
        `trainkit ${command}: --logdir ${options.logdir}: cannot write ${directory.display(directory.path)} (${fileSystemReason(error)}). ${fileSystemFix((error as { code?: string }).code)} Nothing was kept.`,
        { cause: error },
      );
    }
    return await body({ directory, backend, output }, () => {
      kept = true;
    });
  } catch (error) {
    if (!kept) await directory.discard();
    throw error;
  } finally {
    await directory.release();
  }
}

/**
 * Opens an existing run directory of a command to continue it: `--name` is
 * required, the directory must hold `file`, and it is locked like a new one.
 */
async function openExistingDirectory(
  command: string,
  options: TrainOptions,
  file: string,
  cwd: string,
): Promise<RunDirectory> {
  const root = path.resolve(cwd, options.logdir);
  const display = (target: string) => displayPath(cwd, target);
  if (options.name === undefined) {
    throw new TrainerError(
      `trainkit ${command}: --resume needs --name (the ${command} to continue, a directory under ${display(root)}).`,
    );
  }
  const runPath = path.join(root, options.name);
  try {
    await stat(path.join(runPath, file));
  } catch {
    throw new TrainerError(
      `trainkit ${command}: --resume --name ${options.name}: ${display(runPath)} has no ${file} (no ${command} to continue there). Start it without --resume.`,
    );
  }
  let lock: DirectoryLock;
  try {
    lock = await lockDirectory(runPath, { purpose: `trainkit ${command}` });
  } catch (error) {
    if (DirectoryLockedError.isInstance(error) && error.owner !== undefined) {
      const owner = error.owner;
      throw new TrainerError(
        `trainkit ${command}: ${display(runPath)} is in use by ${owner.purpose} (pid ${owner.pid}, since ${owner.startedAt}). Wait for it to finish or stop it.`,
        { cause: error },
      );
    }
    throw error;
  }
  return {
    root,
    name: options.name,
    path: runPath,
    checkpoints: path.join(runPath, 'checkpoints'),
    resumed: true,
    display,
    release: () => lock.release(),
    discard: () => lock.release(),
  };
}

/** `2.1e-3`-style rates for messages: 3 significant digits. */
export function formatRate(rate: number): string {
  return Number(rate.toPrecision(3)).toString();
}
