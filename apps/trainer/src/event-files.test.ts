import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scalarSeries } from '@trainkit/tensorboard';
import { createTrainValidationWriters, readRun } from '@trainkit/tensorboard/node';
import { afterAll, describe, expect, it } from 'vitest';
import { eventFileSizes, rewindEventFiles } from './event-files';

const scratch: string[] = [];
afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

async function steps(run: string): Promise<number[]> {
  const contents = await readRun(run);
  expect(contents.warnings).toEqual([]);
  return (
    scalarSeries(contents.events)
      .get('loss')
      ?.map((p) => p.step) ?? []
  );
}

describe('rewindEventFiles', () => {
  it('keeps each step exactly once across a kill after the checkpoint and a resumed session killed before its next one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'trainkit-events-'));
    scratch.push(dir);
    // Session 1: steps 0..4, flushed, then the checkpoint records the sizes.
    const first = await createTrainValidationWriters(dir, {
      flushIntervalMs: 0,
      flushOnExit: false,
    });
    for (let step = 0; step < 5; step++) first.train.scalar('loss', step, step);
    await first.flush();
    const atCheckpoint = await eventFileSizes(dir);
    // Steps 5..7 reach the file (a background flush), then the process dies.
    for (let step = 5; step < 8; step++) first.train.scalar('loss', step, step);
    await first.flush();
    // Session 2 resumes from the checkpoint (step 5), writes 5..6 into new files, dies too.
    expect(await rewindEventFiles(dir, atCheckpoint)).toEqual({
      truncated: 1,
      removed: 0,
      shorter: [],
    });
    const second = await createTrainValidationWriters(dir, {
      flushIntervalMs: 0,
      flushOnExit: false,
    });
    for (let step = 5; step < 7; step++) second.train.scalar('loss', step, step);
    await second.flush();
    // Session 3 resumes from the same checkpoint: session 2's files go, session 1's file is cut back.
    expect(await rewindEventFiles(dir, atCheckpoint)).toEqual({
      truncated: 0,
      removed: 2,
      shorter: [],
    });
    const third = await createTrainValidationWriters(dir, {
      flushIntervalMs: 0,
      flushOnExit: false,
    });
    for (let step = 5; step < 10; step++) third.train.scalar('loss', step, step);
    await Promise.all([first.close(), second.close(), third.close()]);
    expect(await steps(path.join(dir, 'train'))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await readdir(path.join(dir, 'train'))).length).toBe(2);
  });
});
