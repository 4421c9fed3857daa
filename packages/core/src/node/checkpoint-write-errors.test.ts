// Write failures: a full disk and a read-only file system on a real small
// tmpfs where this machine lets the tests mount one (root), otherwise (and in
// any case for EIO) through an injected error from node:fs/promises. Either
// way: a typed CheckpointWriteError, no temporary folder left, the previous
// checkpoint still the newest and intact.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { listCheckpoints, loadCheckpoint, saveCheckpoint } from './checkpoint';
import { CheckpointWriteError } from './checkpoint-errors';

const fault = vi.hoisted(() => ({ code: undefined as string | undefined, prefix: '' }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const injected = (syscall: string, file: string) =>
    Object.assign(new Error(`${fault.code}: injected fault, ${syscall} '${file}'`), {
      code: fault.code,
      syscall,
      path: file,
    });
  const open: typeof actual.open = async (file, flags, mode) => {
    const handle = await actual.open(file, flags, mode);
    const target = String(file);
    if (fault.code === undefined || !target.startsWith(fault.prefix) || flags !== 'wx')
      return handle;
    // Writes fail the way a full or failing disk fails them: after the open.
    return new Proxy(handle, {
      get(object, property) {
        if (property === 'write') return async () => Promise.reject(injected('write', target));
        const value = Reflect.get(object, property);
        return typeof value === 'function' ? value.bind(object) : value;
      },
    });
  };
  return { ...actual, default: { ...actual, open }, open };
});

const scratch: string[] = [];
const mounts: string[] = [];
afterAll(async () => {
  for (const point of mounts) execFileSync('umount', [point]);
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

async function directory(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'trainkit-checkpoint-io-'));
  scratch.push(dir);
  return dir;
}

/** A small tmpfs, or undefined where this machine does not allow mounting one. */
async function tmpfs(sizeKb: number): Promise<string | undefined> {
  const point = await directory();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', point], {
      stdio: 'ignore',
    });
  } catch {
    return undefined;
  }
  mounts.push(point);
  return point;
}

const small = {
  state: { step: 1 },
  tensors: [
    { name: 'w', dtype: 'float32' as const, shape: [4], values: new Float32Array([1, 2, 3, 4]) },
  ],
};
const large = {
  state: { step: 2 },
  tensors: [
    {
      name: 'w',
      dtype: 'float32' as const,
      shape: [512 * 1024],
      values: new Float32Array(512 * 1024),
    },
  ],
};

async function expectCleanFailure(dir: string, code: string): Promise<CheckpointWriteError> {
  const error = await saveCheckpoint(dir, large).catch((e: unknown) => e);
  expect(CheckpointWriteError.isInstance(error), String(error)).toBe(true);
  expect((error as CheckpointWriteError).code).toBe(code);
  expect((await readdir(dir)).filter((name) => name.startsWith('.tmp-'))).toEqual([]);
  expect((await listCheckpoints(dir)).map((c) => c.generation)).toEqual([1]);
  expect((await loadCheckpoint(dir)).state).toEqual(small.state);
  return error as CheckpointWriteError;
}

describe('saveCheckpoint write failures', () => {
  it('disk full: typed ENOSPC error, previous checkpoint intact', async () => {
    const mounted = await tmpfs(1024); // 1 MiB; the large checkpoint needs 2 MiB
    const dir = mounted ?? (await directory());
    await saveCheckpoint(dir, small);
    if (mounted === undefined) Object.assign(fault, { code: 'ENOSPC', prefix: dir });
    try {
      const error = await expectCleanFailure(dir, 'ENOSPC');
      expect(error.message).toMatch(
        /^saveCheckpoint: cannot write .*tensors\.bin \(.*\)\. The disk is full: free some space \(or choose another directory\) and try again\. The previous checkpoint is unchanged\.$/,
      );
    } finally {
      fault.code = undefined;
    }
  });

  it('read-only file system: typed EROFS error, previous checkpoint readable', async () => {
    const mounted = await tmpfs(4096);
    const dir = mounted ?? (await directory());
    await saveCheckpoint(dir, small);
    if (mounted === undefined) Object.assign(fault, { code: 'EROFS', prefix: dir });
    else execFileSync('mount', ['-o', 'remount,ro', mounted]);
    try {
      const error = await saveCheckpoint(dir, large).catch((e: unknown) => e);
      expect(CheckpointWriteError.isInstance(error)).toBe(true);
      expect((error as CheckpointWriteError).code).toBe('EROFS');
      expect((error as Error).message).toContain(
        'The file system is read-only: choose a directory on a writable disk.',
      );
      expect((await loadCheckpoint(dir)).state).toEqual(small.state);
    } finally {
      fault.code = undefined;
    }
  });

  it('an I/O error while writing (injected): typed, cleaned up', async () => {
    const dir = await directory();
    await saveCheckpoint(dir, small);
    Object.assign(fault, { code: 'EIO', prefix: dir });
    try {
      const error = await expectCleanFailure(dir, 'EIO');
      expect(error.message).toContain('Check the disk and the directory, then try again.');
    } finally {
      fault.code = undefined;
    }
    // The next save works and continues the numbering.
    expect((await saveCheckpoint(dir, small)).generation).toBe(2);
  });

  it('a file in the way of the directory: typed ENOTDIR error', async () => {
    const dir = await directory();
    await writeFile(path.join(dir, 'file'), 'x');
    const error = await saveCheckpoint(path.join(dir, 'file', 'checkpoints'), small).catch(
      (e: unknown) => e,
    );
    expect(CheckpointWriteError.isInstance(error)).toBe(true);
    expect((error as CheckpointWriteError).code).toBe('ENOTDIR');
    expect((error as Error).message).toContain('A file is in the way of a directory');
    await mkdir(path.join(dir, 'ok'));
  });
});
