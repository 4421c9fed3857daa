import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryFileSystem } from '../memory-file-system';
import { readRun } from './read-event-files';
import { createSummaryWriter, createTrainValidationWriters } from './writers';

const root = mkdtempSync(join(tmpdir(), 'trainkit-tensorboard-node-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('@trainkit/tensorboard/node writers', () => {
  it("default to Node's file system, os.hostname() and process.pid", async () => {
    const writer = await createSummaryWriter(join(root, 'one'), { flushIntervalMs: 0 });
    writer.scalar('loss', 1.5, 3);
    await writer.close();
    const [name] = readdirSync(join(root, 'one'));
    expect(name).toMatch(
      new RegExp(
        `^events\\.out\\.tfevents\\.\\d+\\.${hostname().replace(/\./g, '\\.')}\\.${process.pid}\\.\\d+$`,
      ),
    );
    const run = await readRun(join(root, 'one'));
    expect(run.events.at(-1)?.step).toBe(3);
  });

  it('keep what is given: another file system, host name and pid', async () => {
    const fileSystem = memoryFileSystem();
    const runs = await createTrainValidationWriters('exp', {
      fileSystem,
      hostname: 'box',
      pid: 7,
      flushIntervalMs: 0,
    });
    await runs.close();
    expect([...fileSystem.files.keys()].map((path) => path.split('.').slice(-3, -1))).toEqual([
      ['box', '7'],
      ['box', '7'],
    ]);
  });
});
