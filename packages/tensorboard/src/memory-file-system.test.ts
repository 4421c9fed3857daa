import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { parseEventFile, scalarSeries } from './event-reader';
import { memoryFileSystem } from './memory-file-system';
import { createSummaryWriter } from './summary-writer';
import { createTrainValidationWriters } from './train-validation-writers';

describe('the main entry without Node', () => {
  it('createSummaryWriter needs a file system and says where the Node one is', async () => {
    const call = createSummaryWriter('runs/a');
    await expect(call).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(createSummaryWriter('runs/a', { flushIntervalMs: 0 })).rejects.toThrow(
      "createSummaryWriter: fileSystem must be an EventFileSystem, got undefined. In Node, import createSummaryWriter from '@trainkit/tensorboard/node' (it writes with node:fs); elsewhere pass one, e.g. { fileSystem: memoryFileSystem() }.",
    );
    await expect(createTrainValidationWriters('runs/a')).rejects.toThrow(
      "createTrainValidationWriters: fileSystem must be an EventFileSystem, got undefined. In Node, import createTrainValidationWriters from '@trainkit/tensorboard/node'",
    );
  });

  it('writes event files into memory: localhost and the process id in the name, readable back', async () => {
    const fileSystem = memoryFileSystem();
    const runs = await createTrainValidationWriters('runs/exp', {
      fileSystem,
      flushIntervalMs: 0,
      clock: () => 1700000000.25,
    });
    runs.train.scalar('epoch_loss', 0.5, 0);
    runs.validation.scalar('epoch_loss', 0.75, 0);
    runs.train.scalar('epoch_loss', 0.25, 1);
    await runs.close();
    expect([...fileSystem.directories]).toEqual(['runs/exp/train', 'runs/exp/validation']);
    const paths = [...fileSystem.files.keys()];
    expect(paths).toHaveLength(2);
    expect(paths[0]).toMatch(
      new RegExp(
        `^runs/exp/train/events\\.out\\.tfevents\\.1700000000\\.localhost\\.${process.pid}\\.\\d+$`,
      ),
    );
    const train = parseEventFile(fileSystem.files.get(paths[0]!)!);
    expect(train.warnings).toEqual([]);
    expect(train.events[0]!.fileVersion).toBe('brain.Event:2');
    expect(
      scalarSeries(train.events)
        .get('epoch_loss')
        ?.map((p) => [p.step, p.value]),
    ).toEqual([
      [0, 0.5],
      [1, 0.25],
    ]);
    const validation = parseEventFile(fileSystem.files.get(paths[1]!)!);
    expect(
      scalarSeries(validation.events)
        .get('epoch_loss')
        ?.map((p) => p.value),
    ).toEqual([0.75]);
  });

  it('behaves as the writer expects: exclusive creation, positional writes, truncate, remove', async () => {
    const fileSystem = memoryFileSystem();
    expect(fileSystem.join('a/', '/b', 'c')).toBe('a/b/c');
    const handle = await fileSystem.createExclusive('f');
    await expect(fileSystem.createExclusive('f')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await handle.write(Uint8Array.of(1, 2, 3), 0)).toBe(3);
    expect(handle.writeSync!(Uint8Array.of(9), 5)).toBe(1);
    expect(Array.from(fileSystem.files.get('f')!)).toEqual([1, 2, 3, 0, 0, 9]);
    // Growing past the first allocation keeps the earlier bytes.
    await handle.write(new Uint8Array(1000).fill(7), 6);
    expect(fileSystem.files.get('f')!.length).toBe(1006);
    expect(Array.from(fileSystem.files.get('f')!.subarray(0, 7))).toEqual([1, 2, 3, 0, 0, 9, 7]);
    await handle.truncate(2);
    expect(Array.from(fileSystem.files.get('f')!)).toEqual([1, 2]);
    await handle.close();
    await fileSystem.remove!('f');
    expect(fileSystem.files.size).toBe(0);
  });
});
