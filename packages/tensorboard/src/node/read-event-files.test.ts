import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidArgumentError, TrainkitError } from '@trainkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventReadError } from '../errors';
import { readEventFile, readLogdir, readRun } from './read-event-files';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'trainkit-tensorboard-read-'));
  fs.writeFileSync(path.join(root, 'a-file'), 'not a directory');
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('reading paths that cannot be read: EventReadError, not a raw ENOENT (issue 13)', () => {
  it('readEventFile on a missing file', async () => {
    const missing = path.join(root, 'events.out.tfevents.1.box.1.0');
    const error = await rejection(readEventFile(missing));
    expect(EventReadError.isInstance(error)).toBe(true);
    expect(TrainkitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      functionName: 'readEventFile',
      path: missing,
      code: 'ENOENT',
      operation: 'read',
    });
    expect((error as Error).message).toBe(
      `readEventFile: cannot read ${missing} (ENOENT). Check the path: nothing exists there (a run directory appears when its writer first flushes).`,
    );
    expect((error as Error).cause).toMatchObject({ code: 'ENOENT' });
  });

  it('readEventFile on a directory', async () => {
    const error = await rejection(readEventFile(root));
    expect(error).toMatchObject({ name: 'EventReadError', code: 'EISDIR' });
    expect((error as Error).message).toMatch(
      /It is a directory: pass an event file .* readRun or readLogdir\.$/,
    );
  });

  it('readLogdir and readRun on a missing directory or a file', async () => {
    const missing = path.join(root, 'runs', 'typo');
    expect(await rejection(readLogdir(missing))).toMatchObject({
      name: 'EventReadError',
      functionName: 'readLogdir',
      path: missing,
      code: 'ENOENT',
      operation: 'list',
    });
    expect(await rejection(readRun(missing))).toMatchObject({
      functionName: 'readRun',
      code: 'ENOENT',
    });
    const file = path.join(root, 'a-file');
    const error = await rejection(readLogdir(file));
    expect(error).toMatchObject({ name: 'EventReadError', code: 'ENOTDIR' });
    expect((error as Error).message).toBe(
      `readLogdir: cannot list the directory ${file} (ENOTDIR). It is a file, not a directory: pass the log directory (or read one file with readEventFile).`,
    );
  });

  it('a path that is not a string is an InvalidArgumentError', async () => {
    for (const read of [readEventFile, readRun, readLogdir] as const) {
      const error = await rejection(read('' as never));
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/must be a non-empty path, got ""\.$/);
    }
    expect(await rejection(readLogdir(undefined as never))).toMatchObject({
      name: 'InvalidArgumentError',
      argument: 'logdir',
    });
  });
});
