import { randomBytes } from 'node:crypto';
import { link, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { JournalLockError } from '../errors';
import { currentProcess, isProcessAlive } from './process-identity';

/** Options of {@link acquireFileLock}. */
export interface FileLockOptions {
  /** Give up after this long, ms. Default 60 000. */
  readonly timeoutMs?: number;
  /** A lock older than this whose holder cannot be checked (another host) is stale, ms. Default 30 000 (Optuna). */
  readonly staleMs?: number;
  /** Notes (a stale lock broken). */
  readonly log?: (message: string) => void;
}

interface LockContent {
  readonly token: string;
  readonly host: string;
  readonly pid: number;
  readonly startTime: string;
  readonly time: number;
}

/** A held lock; `release` removes it if it is still this holder's. */
export interface FileLock {
  release(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readLock(
  lockPath: string,
): Promise<{ content: LockContent | undefined; ageMs: number } | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    let content: LockContent | undefined;
    try {
      content = JSON.parse(text) as LockContent;
    } catch {
      content = undefined; // the holder died between creating and writing it
    }
    return { content, ageMs: Date.now() - (content?.time ?? info.mtimeMs) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function describeHolder(content: LockContent | undefined): string | undefined {
  return content === undefined ? undefined : `pid ${content.pid} on ${content.host}`;
}

/**
 * Why a lock is stale, or undefined while its holder may still hold it:
 * on this host, the holder process is gone (pid and start time); elsewhere,
 * or when unreadable, it is older than `staleMs`.
 */
function staleness(
  found: { content: LockContent | undefined; ageMs: number },
  staleMs: number,
): string | undefined {
  const { content, ageMs } = found;
  if (content !== undefined) {
    const alive = isProcessAlive(content.host, content.pid, content.startTime);
    if (alive === false) return `its holder (pid ${content.pid}) is gone`;
    if (alive === true) return undefined;
  }
  return ageMs > staleMs ? `it is ${Math.round(ageMs)} ms old` : undefined;
}

/**
 * Takes `<path>` as an exclusive lock file (written aside and hard-linked
 * into place, which fails when it exists, so it is never seen half-written;
 * it holds the holder's host, pid, process start time and a random token), waiting with
 * backoff from 1 ms to 1 s like Optuna's JournalFileStorage. A stale lock
 * (dead holder on this host, or older than `staleMs` when its holder cannot
 * be checked) is broken: renamed aside, verified to be the one judged stale,
 * then removed.
 *
 * @param lockPath - The lock file to create.
 * @param options - Timeout, staleness, a log for notes.
 * @returns The held lock; call `release()` when done.
 * @throws JournalLockError after `timeoutMs`.
 *
 * @example
 * ```ts
 * const lock = await acquireFileLock('runs/search/journal.jsonl.lock');
 * try {
 *   // exclusive work
 * } finally {
 *   await lock.release();
 * }
 * ```
 */
export async function acquireFileLock(
  lockPath: string,
  options: FileLockOptions = {},
): Promise<FileLock> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const staleMs = options.staleMs ?? 30_000;
  const me = currentProcess();
  const content: LockContent = {
    token: randomBytes(8).toString('hex'),
    host: me.host,
    pid: me.pid,
    startTime: me.startTime,
    time: Date.now(),
  };
  const started = Date.now();
  let delay = 1;
  let lastHolder: string | undefined;
  for (;;) {
    // The lock appears whole or not at all: written aside, then hard-linked into place
    // (link fails if the lock exists), so a holder killed mid-way never leaves an empty lock.
    const aside = `${lockPath}.${content.token}.tmp`;
    try {
      await writeFile(aside, JSON.stringify({ ...content, time: Date.now() }), { flag: 'w' });
      try {
        await link(aside, lockPath);
      } finally {
        await unlink(aside).catch(() => undefined);
      }
      return {
        async release() {
          const found = await readLock(lockPath);
          if (found?.content?.token === content.token)
            await unlink(lockPath).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new JournalLockError({
          functionName: 'acquireFileLock',
          lockPath,
          waitedMs: Date.now() - started,
          holder: undefined,
          cause: error,
        });
      }
    }
    const found = await readLock(lockPath);
    if (found === undefined) continue; // released meanwhile
    lastHolder = describeHolder(found.content);
    const reason = staleness(found, staleMs);
    if (reason !== undefined) {
      const aside = `${lockPath}.stale-${randomBytes(4).toString('hex')}`;
      try {
        await rename(lockPath, aside);
        const moved = await readLock(aside);
        if (
          moved?.content?.token !== found.content?.token ||
          (found.content === undefined && moved?.content !== undefined)
        ) {
          // Someone replaced it between the check and the rename: put it back unless a newer one exists.
          await link(aside, lockPath).catch(() => undefined);
        } else {
          options.log?.(`broke the stale lock ${lockPath}: ${reason}`);
        }
        await unlink(aside).catch(() => undefined);
      } catch {
        // Another process broke it first.
      }
      continue;
    }
    if (Date.now() - started >= timeoutMs) {
      throw new JournalLockError({
        functionName: 'acquireFileLock',
        lockPath,
        waitedMs: Date.now() - started,
        holder: lastHolder,
      });
    }
    await sleep(delay);
    delay = Math.min(1000, delay * 2);
  }
}
