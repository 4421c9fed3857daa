import { mkdir, readdir, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  type DirectoryLock,
  DirectoryLockedError,
  listCheckpoints,
  lockDirectory,
} from '@trainkit/core/node';
import { fileSystemFix, fileSystemReason, TrainerError } from './errors';
import type { TrainOptions } from './options';

/** Where a run lives, locked for this process. */
export interface RunDirectory {
  /** The absolute --logdir (the folder of all runs: `tensorboard --logdir` it). */
  readonly root: string;
  readonly name: string;
  /** The absolute run directory, `<root>/<name>`. */
  readonly path: string;
  /** The run's checkpoint directory. */
  readonly checkpoints: string;
  /** True when this process resumes an existing run. */
  readonly resumed: boolean;
  /** A path as the user should see it: relative to where they ran the command. */
  display(target: string): string;
  /** Releases the lock. */
  release(): Promise<void>;
  /**
   * Removes what this process created (the run directory, and --logdir when
   * it created it and it is empty), for a run that failed before its first
   * checkpoint: nothing half-written stays behind.
   */
  discard(): Promise<void>;
}

/**
 * The directory the user ran the command from. `npm start` runs the trainer in
 * apps/trainer; npm passes the original directory in INIT_CWD.
 */
export function userDirectory(): string {
  const init = process.env.INIT_CWD;
  return init !== undefined && init !== '' && path.isAbsolute(init) ? init : process.cwd();
}

/** A relative path from `from` when it is inside or near it, else the absolute path. */
export function displayPath(from: string, target: string): string {
  const relative = path.relative(from, target);
  if (relative === '') return '.';
  return relative.split(path.sep).filter((part) => part === '..').length > 2 ? target : relative;
}

function timestampName(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}-${pad(date.getMinutes())}-${pad(date.getSeconds())}`;
}

async function exists(target: string): Promise<boolean> {
  try {
    await stat(target);
    return true;
  } catch {
    return false;
  }
}

/**
 * `mkdir -p` that reports the real cause: Node's recursive mkdir says ENOENT
 * on a read-only file system, where one level at a time gives EROFS.
 * Returns the first directory it created, or undefined.
 */
async function createDirectories(target: string): Promise<string | undefined> {
  const missing: string[] = [];
  for (let dir = target; ; dir = path.dirname(dir)) {
    if (await exists(dir)) break;
    missing.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of missing) await mkdir(dir);
  return missing[0];
}

/** The run under `root` whose newest checkpoint is the most recent, or undefined. */
async function latestRun(root: string): Promise<string | undefined> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return undefined;
  }
  let best: { name: string; time: number } | undefined;
  for (const name of names) {
    const [newest] = await listCheckpoints(path.join(root, name, 'checkpoints')).catch(() => []);
    if (newest === undefined) continue;
    const time = (await stat(newest.path)).mtimeMs;
    if (best === undefined || time > best.time) best = { name, time };
  }
  return best?.name;
}

/**
 * Finds or creates the run directory for `options` and takes its lock:
 *
 * - a new run: `<logdir>/<name>` (default name: the start time); an existing
 *   directory of that name is refused unless `--overwrite` (then emptied);
 * - `--resume`: `<logdir>/<name>`, or the run with the most recent checkpoint;
 *   it must hold a checkpoint.
 *
 * Every failure is a {@link TrainerError} naming the flag, the path, the cause
 * and the fix (and `command`, default `trainkit train`); nothing is left
 * behind by a failed attempt.
 */
export async function openRunDirectory(
  options: Pick<TrainOptions, 'logdir' | 'name' | 'resume' | 'overwrite'>,
  cwd = userDirectory(),
  command = 'trainkit train',
): Promise<RunDirectory> {
  const root = path.resolve(cwd, options.logdir);
  const display = (target: string) => displayPath(cwd, target);
  const logdirError = (action: string, target: string, cause: unknown) =>
    new TrainerError(
      `${command}: --logdir ${options.logdir}: cannot ${action} ${display(target)} (${fileSystemReason(cause)}). ${fileSystemFix(
        (cause as { code?: string }).code,
      )} Nothing was written.`,
      { cause },
    );

  let name = options.name;
  if (options.resume) {
    name ??= await latestRun(root);
    if (name === undefined) {
      throw new TrainerError(
        `trainkit train: --resume: no run in ${display(root)} has a checkpoint. Start a run without --resume (or point --logdir at the folder of your runs).`,
      );
    }
    const runPath = path.join(root, name);
    if ((await listCheckpoints(path.join(runPath, 'checkpoints')).catch(() => [])).length === 0) {
      throw new TrainerError(
        `trainkit train: --resume --name ${name}: ${display(runPath)} has no checkpoint${(await exists(runPath)) ? ' (the run stopped before its first checkpoint)' : ' (no such run)'}. Start it without --resume${(await exists(runPath)) ? ' and with --overwrite' : ''}.`,
      );
    }
  }

  // Create --logdir (remembering what we created, to remove it on failure).
  let createdRoot: string | undefined;
  try {
    const info = await stat(root).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (info !== undefined && !info.isDirectory()) {
      throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    }
    if (info === undefined) createdRoot = await createDirectories(root);
  } catch (error) {
    throw logdirError('create', root, error);
  }

  let created = false;
  let runPath = '';
  const removeCreated = async () => {
    if (created) await rm(runPath, { recursive: true, force: true }).catch(() => undefined);
    if (createdRoot !== undefined) {
      // Only empty folders this process created, innermost first.
      for (let dir = root; dir.startsWith(createdRoot); dir = path.dirname(dir)) {
        await rmdir(dir).catch(() => undefined);
        if (dir === createdRoot) break;
      }
    }
  };
  try {
    if (name === undefined) {
      const base = timestampName();
      name = base;
      for (let i = 2; await exists(path.join(root, name)); i++) name = `${base}-${i}`;
    }
    runPath = path.join(root, name);
    if (!options.resume) {
      const present = await readdir(runPath).catch(() => undefined);
      if (present !== undefined && present.length > 0 && !options.overwrite) {
        throw new TrainerError(
          `${command}: --name ${name}: ${display(runPath)} already exists. ${command === 'trainkit train' ? `Continue that run with --resume --name ${name}, start` : 'Start'} it over with --overwrite, or choose another --name.`,
        );
      }
      if (present === undefined) {
        try {
          await mkdir(runPath);
          created = true;
        } catch (error) {
          throw logdirError('create', runPath, error);
        }
      }
    }
    let lock: DirectoryLock;
    try {
      lock = await lockDirectory(runPath, { purpose: command });
    } catch (error) {
      if (DirectoryLockedError.isInstance(error)) {
        const owner = error.owner;
        throw new TrainerError(
          `${command}: ${display(runPath)} is in use${owner === undefined ? '' : ` by ${owner.purpose} (pid ${owner.pid}, since ${owner.startedAt})`}: two trainers must not write one run. Wait for it to finish or stop it${options.resume ? '' : ', or choose another --name'}.${owner === undefined ? ` (${error.message})` : ''}`,
          { cause: error },
        );
      }
      throw logdirError('write in', runPath, error);
    }
    if (options.overwrite && !created) {
      // Empty the old run (the lock file stays: it is ours now).
      for (const entry of await readdir(runPath)) {
        if (entry === '.lock') continue;
        await rm(path.join(runPath, entry), { recursive: true, force: true });
      }
    }
    const finalName = name;
    return {
      root,
      name: finalName,
      path: runPath,
      checkpoints: path.join(runPath, 'checkpoints'),
      resumed: options.resume,
      display,
      release: () => lock.release(),
      async discard() {
        await lock.release();
        await removeCreated();
      },
    };
  } catch (error) {
    await removeCreated();
    throw error;
  }
}
