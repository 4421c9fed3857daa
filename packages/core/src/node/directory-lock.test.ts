import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryLockedError, lockDirectory } from './directory-lock';
import { processStartTime } from './process-alive';
import { bundleChild } from './test-helpers/bundle';

let work: string;
let holder: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'trainkit-lock-'));
  holder = await bundleChild('lock-holder.ts', work);
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await rm(work, { recursive: true, force: true });
});

/** Starts a child that takes the lock; resolves with its first line ("locked" or "refused ..."). */
function startHolder(
  directory: string,
  mode = 'hold',
): Promise<{ child: ChildProcess; line: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [holder, directory, mode], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    child.stdout!.once('data', (chunk: Buffer) =>
      resolve({ child, line: chunk.toString().trim() }),
    );
    child.on('error', reject);
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('close', () => resolve());
  });
}

const exists = (file: string) =>
  stat(file).then(
    () => true,
    () => false,
  );

describe('lockDirectory', () => {
  it('refuses a second holder in the same process and frees the lock on release', async () => {
    const dir = path.join(work, 'same');
    const lock = await lockDirectory(dir, { purpose: 'trainkit train' });
    const owner = JSON.parse(await readFile(lock.path, 'utf8'));
    expect(owner).toMatchObject({
      pid: process.pid,
      hostname: hostname(),
      purpose: 'trainkit train',
    });
    const error = await lockDirectory(dir).catch((e: unknown) => e);
    expect(DirectoryLockedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(
        `is in use: trainkit train \\(pid ${process.pid}, since .*\\) holds .*\\.lock\\. Wait for it to finish or stop it\\.`,
      ),
    );
    await lock.release();
    await lock.release();
    expect(await exists(lock.path)).toBe(false);
    const again = await lockDirectory(dir);
    await again.release();
  });

  it('refuses while another live process holds it, and takes it over after a SIGKILL', async () => {
    const dir = path.join(work, 'killed');
    const { child, line } = await startHolder(dir);
    expect(line).toBe('locked');
    const error = await lockDirectory(dir).catch((e: unknown) => e);
    expect(DirectoryLockedError.isInstance(error)).toBe(true);
    expect((error as DirectoryLockedError).owner?.pid).toBe(child.pid);
    expect((error as Error).message).toContain(`the lock test (pid ${child.pid}`);
    child.kill('SIGKILL');
    await exited(child);
    // The dead holder's lock file is still there: stale, taken over.
    expect(await exists(path.join(dir, '.lock'))).toBe(true);
    const lock = await lockDirectory(dir);
    expect(JSON.parse(await readFile(lock.path, 'utf8')).pid).toBe(process.pid);
    // And a process that now tries is refused.
    const refused = await startHolder(dir);
    expect(refused.line).toMatch(new RegExp(`^refused .*pid ${process.pid}`));
    await lock.release();
  });

  it('is removed when the holder exits through process.exit', async () => {
    const dir = path.join(work, 'exit');
    const { child, line } = await startHolder(dir, 'exit');
    expect(line).toBe('locked');
    await exited(child);
    expect(await exists(path.join(dir, '.lock'))).toBe(false);
  });

  it('takes over a lock whose pid now belongs to another process (pid reuse)', async () => {
    const dir = path.join(work, 'reused');
    const lock = await lockDirectory(dir);
    await lock.release();
    const start = processStartTime(process.ppid);
    // A lock "held" by our parent process but started at another time.
    await writeFile(
      path.join(dir, '.lock'),
      JSON.stringify({
        pid: process.ppid,
        hostname: hostname(),
        startedAt: '2020-01-01T00:00:00.000Z',
        processStart: start === undefined ? null : start + 1,
        purpose: 'an old run',
      }),
    );
    if (start === undefined) {
      // Without /proc a live pid cannot be told from a reused one: refused.
      await expect(lockDirectory(dir)).rejects.toThrow(DirectoryLockedError);
    } else {
      const taken = await lockDirectory(dir);
      await taken.release();
    }
  });

  it.each([
    [
      'another host',
      JSON.stringify({
        pid: 1,
        hostname: 'elsewhere',
        startedAt: 'x',
        processStart: null,
        purpose: 'trainkit train',
      }),
      /on host elsewhere.*if it no longer runs, delete the lock file/,
    ],
    [
      'a file that is not a lock',
      'hello',
      /is not a trainkit lock\. If no other process uses the directory, delete that file\./,
    ],
  ])('refuses a lock of %s with what to do', async (_name, content, message) => {
    const dir = path.join(work, `other-${Math.random()}`);
    const lock = await lockDirectory(dir);
    await lock.release();
    await writeFile(path.join(dir, '.lock'), content);
    const error = await lockDirectory(dir).catch((e: unknown) => e);
    expect(DirectoryLockedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect(await readFile(path.join(dir, '.lock'), 'utf8')).toBe(content);
  });
});
