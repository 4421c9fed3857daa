import type { EventFileHandle, EventFileSystem } from './event-file-system';

/** An {@link EventFileSystem} that keeps the files in memory; see {@link memoryFileSystem}. */
export interface MemoryEventFileSystem extends EventFileSystem {
  /** Every file by path: its bytes as written so far (whole records after a flush or close). */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** The directories created, in creation order. */
  readonly directories: ReadonlySet<string>;
}

interface StoredFile {
  data: Uint8Array;
  length: number;
}

function alreadyExists(path: string): Error & { code: string } {
  return Object.assign(new Error(`EEXIST: file already exists, open '${path}'`), {
    code: 'EEXIST',
  });
}

/**
 * A file system in memory for the summary writer, for runtimes without one
 * (a browser, a worker) or to build event files as bytes (to upload or
 * download them). Paths are joined with `/`.
 *
 * @returns A {@link MemoryEventFileSystem}; read the event files from `files`.
 *
 * @example
 * ```ts
 * import { createSummaryWriter, memoryFileSystem, parseEventFile } from '@trainkit/tensorboard';
 *
 * const fileSystem = memoryFileSystem();
 * const writer = await createSummaryWriter('runs/exp1/train', { fileSystem });
 * writer.scalar('loss', 0.5, 0);
 * await writer.close();
 * const [bytes] = fileSystem.files.values();
 * parseEventFile(bytes!).events.length; // 2: the file_version event and the scalar
 * ```
 */
export function memoryFileSystem(): MemoryEventFileSystem {
  const stored = new Map<string, StoredFile>();
  const directories = new Set<string>();

  const writeAt = (file: StoredFile, bytes: Uint8Array, position: number): void => {
    const end = position + bytes.length;
    if (end > file.data.length) {
      const grown = new Uint8Array(Math.max(end, file.data.length * 2, 256));
      grown.set(file.data.subarray(0, file.length));
      file.data = grown;
    }
    if (position > file.length) file.data.fill(0, file.length, position);
    file.data.set(bytes, position);
    file.length = Math.max(file.length, end);
  };

  return {
    get files() {
      return new Map([...stored].map(([path, file]) => [path, file.data.slice(0, file.length)]));
    },
    directories,
    join: (...parts) => parts.join('/').replace(/\/+/g, '/'),
    async mkdir(path) {
      directories.add(path);
    },
    async createExclusive(path): Promise<EventFileHandle> {
      if (stored.has(path)) throw alreadyExists(path);
      const file: StoredFile = { data: new Uint8Array(0), length: 0 };
      stored.set(path, file);
      return {
        async write(bytes, position) {
          writeAt(file, bytes, position);
          return bytes.length;
        },
        writeSync(bytes, position) {
          writeAt(file, bytes, position);
          return bytes.length;
        },
        async truncate(length) {
          file.length = Math.min(file.length, length);
        },
        async close() {},
      };
    },
    async remove(path) {
      stored.delete(path);
    },
  };
}
