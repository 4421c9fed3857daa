/**
 * The few file operations the summary writer needs, behind an interface so
 * that tests can inject failures and other environments (a browser's origin
 * private file system, an in-memory store) can supply their own. The Node
 * implementation loads `node:fs` lazily, so importing this package does not
 * require Node.
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

interface NodeModules {
  readonly fs: typeof import('node:fs');
  readonly fsPromises: typeof import('node:fs/promises');
  readonly path: typeof import('node:path');
  readonly os: typeof import('node:os');
}

let nodeModules: Promise<NodeModules> | undefined;

/** Loads the Node built-ins on first use. @internal */
export function loadNodeModules(): Promise<NodeModules> {
  nodeModules ??= Promise.all([
    import('node:fs'),
    import('node:fs/promises'),
    import('node:path'),
    import('node:os'),
  ]).then(([fs, fsPromises, path, os]) => ({ fs, fsPromises, path, os }));
  return nodeModules;
}

/**
 * The Node.js file system (`node:fs`), loaded on first use.
 *
 * @returns An {@link EventFileSystem} backed by `fs.promises`, with a synchronous
 *   write for process exit.
 *
 * @example
 * ```ts
 * const fs = await nodeFileSystem();
 * await fs.mkdir('runs/train');
 * ```
 */
export async function nodeFileSystem(): Promise<EventFileSystem> {
  const { fs, fsPromises, path } = await loadNodeModules();
  return {
    async mkdir(directory) {
      await fsPromises.mkdir(directory, { recursive: true });
    },
    async createExclusive(file) {
      const handle = await fsPromises.open(file, 'wx');
      return {
        async write(bytes, position) {
          const { bytesWritten } = await handle.write(bytes, 0, bytes.length, position);
          return bytesWritten;
        },
        writeSync(bytes, position) {
          return fs.writeSync(handle.fd, bytes, 0, bytes.length, position);
        },
        truncate: (length) => handle.truncate(length),
        sync: () => handle.sync(),
        close: () => handle.close(),
      };
    },
    join: (...parts) => path.join(...parts),
    remove: (file) => fsPromises.rm(file, { force: true }),
  };
}

/**
 * Host name and process id from Node, or `localhost`/0 elsewhere.
 *
 * @internal
 */
export async function nodeHostInfo(): Promise<HostInfo> {
  try {
    const { os } = await loadNodeModules();
    return { hostname: os.hostname(), pid: process.pid };
  } catch {
    return { hostname: 'localhost', pid: 0 };
  }
}
