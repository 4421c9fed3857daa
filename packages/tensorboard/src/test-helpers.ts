/**
 * An in-memory {@link EventFileSystem} with fault injection, for tests only
 * (not exported by the package).
 */

import type { EventFileHandle, EventFileSystem } from './event-file-system';

/** An error shaped like a Node system error. */
export function systemError(code: string, message = code): Error & { code: string } {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

export interface Faults {
  /** Fail mkdir with this code. */
  mkdir?: string;
  /** Fail createExclusive with this code. */
  create?: string;
  /**
   * Fail writes: the next write stores `partialBytes` bytes and returns that
   * count (a short write), the write after it throws `code`.
   */
  write?: { code: string; partialBytes: number };
  /** Fail truncate with this code. */
  truncate?: string;
}

export class MemoryFileSystem implements EventFileSystem {
  readonly files = new Map<string, Uint8Array>();
  readonly directories = new Set<string>();
  faults: Faults = {};
  syncCalls = 0;
  private shortWriteDone = false;

  join(...parts: string[]): string {
    return parts.join('/').replace(/\/+/g, '/');
  }

  async mkdir(path: string): Promise<void> {
    if (this.faults.mkdir) throw systemError(this.faults.mkdir, `mkdir '${path}'`);
    this.directories.add(path);
  }

  async remove(path: string): Promise<void> {
    this.files.delete(path);
  }

  async createExclusive(path: string): Promise<EventFileHandle> {
    if (this.faults.create) throw systemError(this.faults.create, `open '${path}'`);
    if (this.files.has(path)) throw systemError('EEXIST', `open '${path}'`);
    this.files.set(path, new Uint8Array(0));
    const fs = this;
    const writeAt = (bytes: Uint8Array, position: number): void => {
      const current = fs.files.get(path)!;
      const size = Math.max(current.length, position + bytes.length);
      const next = new Uint8Array(size);
      next.set(current);
      next.set(bytes, position);
      fs.files.set(path, next);
    };
    return {
      async write(bytes, position) {
        const fault = fs.faults.write;
        if (fault !== undefined) {
          if (!fs.shortWriteDone && fault.partialBytes > 0) {
            fs.shortWriteDone = true;
            const count = Math.min(fault.partialBytes, bytes.length);
            writeAt(bytes.subarray(0, count), position);
            return count;
          }
          throw systemError(fault.code, `write '${path}'`);
        }
        writeAt(bytes, position);
        return bytes.length;
      },
      writeSync(bytes, position) {
        writeAt(bytes, position);
        return bytes.length;
      },
      async truncate(length) {
        if (fs.faults.truncate) throw systemError(fs.faults.truncate, `truncate '${path}'`);
        fs.files.set(path, fs.files.get(path)!.slice(0, length));
      },
      async sync() {
        fs.syncCalls++;
      },
      async close() {},
    };
  }

  /** Clears the faults (and the short-write state). */
  heal(): void {
    this.faults = {};
    this.shortWriteDone = false;
  }

  /** File names under a directory, sorted. */
  list(directory: string): string[] {
    return [...this.files.keys()].filter((p) => p.startsWith(`${directory}/`)).sort();
  }
}
