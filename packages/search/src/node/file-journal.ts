import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { checkArguments } from '@trainkit/core';
import type { JournalRecord } from '../journal';
import { encodeJournalRecord, parseJournal } from '../journal';
import type { JournalStore, JournalUpdate } from '../journal-store';
import { createMutex } from '../journal-store';
import { acquireFileLock } from './file-lock';
import { isOwnerProcessAlive, ownerId, setHandleOpen } from './process-identity';

/** Options of {@link fileJournal}. */
export interface FileJournalOptions {
  /** fsync after every record (default true). Off only for benchmarks and throwaway searches. */
  readonly fsync?: boolean;
  /** How long to wait for the lock held by another process, ms. Default 60 000. */
  readonly lockTimeoutMs?: number;
  /** A lock whose holder cannot be checked is stale after this long, ms. Default 30 000. */
  readonly staleLockMs?: number;
  /** Notes: a torn last line cut off, a stale lock broken. Default: none. */
  readonly log?: (message: string) => void;
}

/** A journal file, see {@link fileJournal}. */
export interface FileJournal extends JournalStore {
  /** The lock file, `<path>.lock`. */
  readonly lockPath: string;
}

const newline = 0x0a;

function countNewlines(bytes: Uint8Array, end: number): number {
  let count = 0;
  for (let i = 0; i < end; i++) if (bytes[i] === newline) count++;
  return count;
}

/**
 * A crash-safe journal file: append-only JSON lines, one record per line,
 * each appended record fsync'd before the search acts on it.
 *
 * Several processes on one machine may share it (each `transact` holds
 * `<path>.lock`, created atomically; a lock whose holder died is broken by
 * pid and process start time, or after `staleLockMs` when its holder is on
 * another host). A torn last line, left by a process killed in the middle of
 * a write, is skipped when reading and cut off before the next append; a
 * damaged line followed by others is a `JournalCorruptError` naming the line.
 * The owner of running trials is `host:pid:start:handle`, so a resumed
 * search runs again exactly the trials whose process is gone.
 *
 * @param path - The journal file (created with its directory if missing).
 * @param options - fsync, lock timeout and staleness, a log for notes.
 * @returns The store, for {@link runSearch}'s `journal` option.
 *
 * @example
 * ```ts
 * const journal = await fileJournal('runs/search/journal.jsonl');
 * try {
 *   await runSearch({ strategy, direction: 'minimize', objective, journal });
 * } finally {
 *   await journal.close();
 * }
 * ```
 */
export async function fileJournal(
  path: string,
  options: FileJournalOptions = {},
): Promise<FileJournal> {
  const check = checkArguments('fileJournal');
  if (typeof path !== 'string' || path === '') {
    check.fail(
      'path',
      path,
      'a file path',
      "Pass where the journal lives, e.g. 'runs/search/journal.jsonl'.",
    );
  }
  const fsync = check.boolean('fsync', options.fsync ?? true);
  const log = options.log ?? (() => undefined);
  const absolute = resolve(path);
  const lockPath = `${absolute}.lock`;
  await mkdir(dirname(absolute), { recursive: true });
  let handle: FileHandle | undefined = await open(absolute, 'a+');
  const exclusive = createMutex();
  const handleId = randomBytes(4).toString('hex');
  const owner = ownerId(handleId);
  // What this handle has read: the first `count` records end at byte `offset`.
  let cursor = { count: 0, offset: 0, lines: 0 };
  let records: JournalRecord[] = [];

  const readFrom = async (file: FileHandle, offset: number): Promise<Buffer> => {
    const { size } = await file.stat();
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    let read = 0;
    while (read < buffer.length) {
      const { bytesRead } = await file.read(buffer, read, buffer.length - read, offset + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return buffer.subarray(0, read);
  };

  /** Reads what others appended; repairs the end of the file (we hold the lock). */
  const sync = async (file: FileHandle): Promise<void> => {
    const bytes = await readFrom(file, cursor.offset);
    const end = bytes.lastIndexOf(newline) + 1;
    const complete = parseJournal(
      bytes.subarray(0, end).toString('utf8'),
      absolute,
      cursor.lines + 1,
    );
    records = records.concat(complete.records);
    let offset = cursor.offset + end;
    let lines = cursor.lines + countNewlines(bytes, end);
    if (end < bytes.length) {
      const tail = parseJournal(bytes.subarray(end).toString('utf8'), absolute, lines + 1);
      if (tail.tornTail === undefined) {
        // A whole record whose newline was not written: add it.
        records = records.concat(tail.records);
        await file.write('\n');
        if (fsync) await file.sync();
        offset = cursor.offset + bytes.length + 1;
        lines += 1;
      } else {
        await file.truncate(offset);
        if (fsync) await file.sync();
        log(
          `${absolute}: cut off a torn last line (${bytes.length - end} bytes, a write interrupted by a crash): ${JSON.stringify(tail.tornTail.slice(0, 80))}`,
        );
      }
    }
    cursor = { count: records.length, offset, lines };
  };

  const initial = async () => {
    const file = handle!;
    const bytes = await readFrom(file, 0);
    if (bytes.length === 0 && fsync) {
      // A new file: make its directory entry durable too.
      const directory = await open(dirname(absolute), 'r');
      await directory.sync().finally(() => directory.close());
    }
    // Validate the whole file once, so that a corrupt line is refused before anything is appended.
    parseJournal(bytes.toString('utf8'), absolute);
  };
  await initial().catch(async (error) => {
    await handle?.close();
    handle = undefined;
    throw error;
  });
  setHandleOpen(handleId, true);

  return {
    path: absolute,
    lockPath,
    owner,
    transact<T>(
      from: number,
      update: (fresh: readonly JournalRecord[]) => JournalUpdate<T>,
    ): Promise<T> {
      return exclusive(async () => {
        const file = handle;
        if (file === undefined) {
          return check.fail(
            'journal',
            absolute,
            'open',
            'The journal was closed; open it again with fileJournal().',
          );
        }
        const lock = await acquireFileLock(lockPath, {
          ...(options.lockTimeoutMs === undefined ? {} : { timeoutMs: options.lockTimeoutMs }),
          ...(options.staleLockMs === undefined ? {} : { staleMs: options.staleLockMs }),
          log,
        });
        try {
          await sync(file);
          const { append, result } = update(records.slice(from));
          for (const record of append) {
            const bytes = Buffer.from(encodeJournalRecord(record), 'utf8');
            await file.write(bytes);
            if (fsync) await file.sync();
            records.push(record);
            cursor = {
              count: records.length,
              offset: cursor.offset + bytes.length,
              lines: cursor.lines + 1,
            };
          }
          return result;
        } finally {
          await lock.release();
        }
      });
    },
    isOwnerAlive: (candidate: string): boolean => isOwnerProcessAlive(candidate) ?? true,
    async close() {
      await exclusive(async () => {
        setHandleOpen(handleId, false);
        await handle?.close();
        handle = undefined;
      });
    },
  };
}
