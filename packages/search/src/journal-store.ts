import type { JournalRecord } from './journal';
import { encodeJournalRecord, parseJournal } from './journal';

/** What a {@link JournalStore.transact} update returns. */
export interface JournalUpdate<T> {
  /** Records to append, durable when `transact` resolves. */
  readonly append: readonly JournalRecord[];
  /** Handed back by `transact`. */
  readonly result: T;
}

/**
 * Where a search keeps its journal. The built-in stores: {@link memoryJournal}
 * (the default, lost when the process ends) and `fileJournal` from
 * `@trainkit/search/node` (append-only JSON lines, fsync per record, a lock
 * for several processes on one machine).
 */
export interface JournalStore {
  /** Where the journal lives, for messages: a file path, or `memory`. */
  readonly path: string;
  /** This handle's owner id, written in `started` records. */
  readonly owner: string;
  /**
   * Runs `update` with exclusive access to the journal: it receives the
   * records from position `from` on (the caller has seen the first `from`
   * records; 0 for everything), and returns the records to append.
   */
  transact<T>(
    from: number,
    update: (fresh: readonly JournalRecord[]) => JournalUpdate<T>,
  ): Promise<T>;
  /**
   * Whether the process that owns a running trial is still alive; a trial
   * whose owner is gone was interrupted and is run again.
   */
  isOwnerAlive(owner: string): boolean;
  /** Releases the store (closes files). */
  close(): Promise<void>;
}

/**
 * A serial queue: each task starts when the previous one has settled.
 *
 * @internal
 */
export function createMutex(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

function randomId(): string {
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Options of {@link memoryJournal}. */
export interface MemoryJournalOptions {
  /** Start from these JSON lines (e.g. a journal read elsewhere). */
  readonly lines?: readonly string[];
}

/** A {@link JournalStore} in memory, with its lines visible for inspection. */
export interface MemoryJournal extends JournalStore {
  /** The journal as JSON lines (each with its newline), exactly as a file would hold it. */
  readonly lines: readonly string[];
}

/**
 * A journal in memory: the default store of {@link runSearch}. Records go
 * through the same JSON encoding as the file journal, so a memory journal's
 * `lines` joined are a valid journal file. Nothing survives the process.
 *
 * @param options - Optional initial lines.
 * @returns The store.
 *
 * @example
 * ```ts
 * const journal = memoryJournal();
 * await runSearch({ strategy, direction: 'minimize', objective, journal });
 * console.log(journal.lines.length);
 * ```
 */
export function memoryJournal(options: MemoryJournalOptions = {}): MemoryJournal {
  const lines: string[] = [...(options.lines ?? [])];
  // Decoded once; appended records go through the same JSON encoding a file would hold.
  const records: JournalRecord[] = parseJournal(lines.join(''), 'memory').records;
  const owner = `memory:${randomId()}`;
  const exclusive = createMutex();
  return {
    path: 'memory',
    owner,
    get lines() {
      return lines;
    },
    transact<T>(
      from: number,
      update: (fresh: readonly JournalRecord[]) => JournalUpdate<T>,
    ): Promise<T> {
      return exclusive(async () => {
        const { append, result } = update(records.slice(from));
        for (const record of append) {
          const line = encodeJournalRecord(record);
          lines.push(line);
          records.push(...parseJournal(line, 'memory').records);
        }
        return result;
      });
    },
    isOwnerAlive: (candidate) => candidate === owner,
    close: async () => undefined,
  };
}
