/**
 * The few file operations the summary writer needs, behind an interface so
 * that any runtime can supply them: Node's file system
 * (`nodeFileSystem()` from `@trainkit/tensorboard/node`), an in-memory store
 * ({@link memoryFileSystem}), a browser's origin private file system, or a test
 * double that injects failures.
 */

/** An open event file. Writes are positional: `position` is the byte offset. */
export interface EventFileHandle {
  /** Writes `bytes` at `position`; resolves to the number of bytes written (may be fewer). */
  write(bytes: Uint8Array, position: number): Promise<number>;
  /** Synchronous variant used at process exit; optional. */
  writeSync?(bytes: Uint8Array, position: number): number;
  /** Cuts the file to `length` bytes. */
  truncate(length: number): Promise<void>;
  /** Flushes the OS cache to the device (fsync); optional. */
  sync?(): Promise<void>;
  close(): Promise<void>;
}

/** File-system operations of the summary writer. */
export interface EventFileSystem {
  /** Creates a directory and its parents; succeeds when it exists. */
  mkdir(path: string): Promise<void>;
  /** Creates a new empty file; rejects with `code: 'EEXIST'` when it exists. */
  createExclusive(path: string): Promise<EventFileHandle>;
  /** Joins path segments. */
  join(...parts: string[]): string;
  /** Deletes a file (used to remove a file whose first record could not be written); optional. */
  remove?(path: string): Promise<void>;
}

/** Host facts that go into event file names. */
export interface HostInfo {
  readonly hostname: string;
  readonly pid: number;
}
