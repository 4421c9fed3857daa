import { writeSync } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { EventFileSystem, HostInfo } from '../event-file-system';

/**
 * The Node.js file system for the summary writer (`node:fs`).
 *
 * @returns An {@link EventFileSystem} backed by `fs.promises`, with a synchronous
 *   write for process exit.
 *
 * @example
 * ```ts
 * import { nodeFileSystem } from '@trainkit/tensorboard/node';
 *
 * const fs = nodeFileSystem();
 * await fs.mkdir('runs/train');
 * ```
 */
export function nodeFileSystem(): EventFileSystem {
  return {
    async mkdir(directory) {
      await mkdir(directory, { recursive: true });
    },
    async createExclusive(file) {
      const handle = await open(file, 'wx');
      return {
        async write(bytes, position) {
          const { bytesWritten } = await handle.write(bytes, 0, bytes.length, position);
          return bytesWritten;
        },
        writeSync(bytes, position) {
          return writeSync(handle.fd, bytes, 0, bytes.length, position);
        },
        truncate: (length) => handle.truncate(length),
        sync: () => handle.sync(),
        close: () => handle.close(),
      };
    },
    join: (...parts) => join(...parts),
    remove: (file) => rm(file, { force: true }),
  };
}

/**
 * Host name and process id for event file names (`os.hostname()`, `process.pid`).
 *
 * @returns The host facts of this process.
 *
 * @example
 * ```ts
 * nodeHostInfo(); // { hostname: 'box', pid: 4242 }
 * ```
 */
export function nodeHostInfo(): HostInfo {
  return { hostname: hostname(), pid: process.pid };
}
