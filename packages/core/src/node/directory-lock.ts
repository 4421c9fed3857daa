import { unlinkSync } from 'node:fs';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { checkArguments } from '../check-arguments';
import { errorMarker, hasErrorMarker, TrainkitError } from '../errors';
import { isProcessAlive, processStartTime } from './process-alive';

const lockedMarker = errorMarker('DirectoryLockedError');

/** Who holds a directory lock, as written in its lock file. */
export interface DirectoryLockOwner {
  readonly pid: number;
  readonly hostname: string;
  /** ISO time the lock was taken. */
  readonly startedAt: string;
  /** The process start time (Linux `/proc`), to tell a reused pid from the owner. */
  readonly processStart: number | null;
  /** What the owner does, e.g. `trainkit train`. */
  readonly purpose: string;
}

/** A held lock. */
export interface DirectoryLock {
  /** The lock file, `<directory>/.lock`. */
  readonly path: string;
  readonly owner: DirectoryLockOwner;
  /** Removes the lock file (if it is still this lock's). Safe to call twice. */
  release(): Promise<void>;
}

/** Options of {@link lockDirectory}. */
export interface LockDirectoryOptions {
  /** Shown to a second process that finds the lock, e.g. `trainkit train`. Default `a trainkit process`. */
  readonly purpose?: string;
}

/**
 * Another live process holds the directory's lock (or one that cannot be
 * checked: another host, an unreadable lock file).
 */
export class DirectoryLockedError extends TrainkitError {
  readonly [lockedMarker] = true;
  override name = 'DirectoryLockedError';
  readonly directory: string;
  readonly lockFile: string;
  readonly owner: DirectoryLockOwner | undefined;

  constructor(
    directory: string,
    lockFile: string,
    owner: DirectoryLockOwner | undefined,
    reason: string,
  ) {
    super(`lockDirectory: ${directory} is in use: ${reason}`);
    this.directory = directory;
    this.lockFile = lockFile;
    this.owner = owner;
  }

  /** True for a {@link DirectoryLockedError} from any copy of the package. */
  static override isInstance(error: unknown): error is DirectoryLockedError {
    return hasErrorMarker(error, lockedMarker);
  }
}

function parseOwner(text: string): DirectoryLockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<DirectoryLockOwner>;
    if (
      typeof value === 'object' &&
      value !== null &&
      Number.isSafeInteger(value.pid) &&
      typeof value.hostname === 'string' &&
      typeof value.startedAt === 'string' &&
      typeof value.purpose === 'string' &&
      (value.processStart === null || Number.isSafeInteger(value.processStart))
    ) {
      return value as DirectoryLockOwner;
    }
  } catch {
    // Not JSON: not a lock this module wrote.
  }
  return undefined;
}

/** The owner is certainly gone: same host, and its pid is dead or now another process. */
function isStale(owner: DirectoryLockOwner): boolean {
  if (owner.hostname !== hostname()) return false;
  if (owner.pid === process.pid) return false;
  if (!isProcessAlive(owner.pid)) return true;
  const start = processStartTime(owner.pid);
  return owner.processStart !== null && start !== undefined && start !== owner.processStart;
}

const held = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // process.exit() (e.g. a second Ctrl-C) skips async cleanup: remove held locks synchronously.
  process.on('exit', () => {
    for (const file of held) {
      try {
        unlinkSync(file);
      } catch {
        // Already gone.
      }
    }
  });
}

/**
 * Takes an exclusive lock on a directory (a run directory, a search journal):
 * the file `<directory>/.lock` holding the owner's pid, host, start time and
 * purpose. It is created atomically with its content (written to a private
 * file, then hard-linked into place, which fails if a lock exists), so a lock
 * file is never seen half-written.
 *
 * A lock left by a process that no longer runs (killed with SIGKILL, a crash)
 * is stale and is taken over: same host, and the pid is gone or belongs to a
 * process that started at another time (a reused pid). A lock of a live
 * process, of another host or that cannot be read is refused with a
 * {@link DirectoryLockedError} saying who holds it and what to do.
 *
 * The lock is released by `release()`, and at process exit (also after
 * `process.exit()`); a killed process leaves a stale lock, taken over next time.
 *
 * @param directory - The directory to lock (created if missing).
 * @param options - `purpose`, shown to a process that finds the lock.
 * @returns The held lock.
 * @throws DirectoryLockedError when another live process holds it.
 *
 * @example
 * ```ts
 * const lock = await lockDirectory('runs/mnist', { purpose: 'trainkit train' });
 * try {
 *   // ... train, writing into runs/mnist ...
 * } finally {
 *   await lock.release();
 * }
 * ```
 */
export async function lockDirectory(
  directory: string,
  options: LockDirectoryOptions = {},
): Promise<DirectoryLock> {
  const check = checkArguments('lockDirectory');
  if (typeof directory !== 'string' || directory.length === 0) {
    check.fail('directory', directory, 'a directory path');
  }
  const purpose = options.purpose ?? 'a trainkit process';
  if (typeof purpose !== 'string') check.fail('purpose', purpose, 'a string');
  const root = path.resolve(directory);
  const lockFile = path.join(root, '.lock');
  await mkdir(root, { recursive: true });
  const owner: DirectoryLockOwner = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    processStart: processStartTime() ?? null,
    purpose,
  };
  const privateFile = path.join(
    root,
    `.lock.${process.pid}.${Math.random().toString(16).slice(2)}`,
  );
  const handle = await open(privateFile, 'wx');
  try {
    await handle.writeFile(`${JSON.stringify(owner)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(privateFile, lockFile);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      let text: string;
      try {
        text = await readFile(lockFile, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' && attempt < 10) continue;
        throw error;
      }
      const current = parseOwner(text);
      if (current === undefined) {
        throw new DirectoryLockedError(
          root,
          lockFile,
          undefined,
          `its lock file ${lockFile} is not a trainkit lock. If no other process uses the directory, delete that file.`,
        );
      }
      if (!isStale(current) || attempt >= 10) {
        const where = current.hostname === hostname() ? '' : ` on host ${current.hostname}`;
        throw new DirectoryLockedError(
          root,
          lockFile,
          current,
          `${current.purpose} (pid ${current.pid}${where}, since ${current.startedAt}) holds ${lockFile}. Wait for it to finish or stop it${current.hostname === hostname() ? '' : '; if it no longer runs, delete the lock file'}.`,
        );
      }
      // Stale: move it aside, then check that what moved is the stale lock and not
      // a fresh one another process took meanwhile (which goes back into place).
      const aside = `${lockFile}.stale-${process.pid}-${attempt}`;
      try {
        await rename(lockFile, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      const moved = parseOwner(await readFile(aside, 'utf8').catch(() => ''));
      if (
        moved !== undefined &&
        (moved.pid !== current.pid || moved.startedAt !== current.startedAt)
      ) {
        await link(aside, lockFile).catch(() => undefined);
      }
      await unlink(aside).catch(() => undefined);
    }
  } finally {
    await unlink(privateFile).catch(() => undefined);
  }
  held.add(lockFile);
  installExitHook();
  let released = false;
  return {
    path: lockFile,
    owner,
    async release() {
      if (released) return;
      released = true;
      held.delete(lockFile);
      const text = await readFile(lockFile, 'utf8').catch(() => '');
      const current = parseOwner(text);
      if (
        current !== undefined &&
        current.pid === owner.pid &&
        current.startedAt === owner.startedAt
      ) {
        await unlink(lockFile).catch(() => undefined);
      }
    },
  };
}
