import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { parseEventFile, scalarSeries } from './event-reader';
import { createTrainValidationWriters } from './node';
import { MemoryFileSystem } from './test-helpers';

const quiet = { flushIntervalMs: 0, flushOnExit: false } as const;

describe('createTrainValidationWriters', () => {
  it('writes <logdir>/train and <logdir>/validation with the same tags', async () => {
    const memory = new MemoryFileSystem();
    const runs = await createTrainValidationWriters('runs/exp1', { ...quiet, fileSystem: memory });
    expect(runs.train.logdir).toBe('runs/exp1/train');
    expect(runs.validation.logdir).toBe('runs/exp1/validation');
    runs.train.scalar('epoch_loss', 0.4, 1);
    runs.validation.scalar('epoch_loss', 0.5, 1);
    await runs.flush();
    await runs.close();
    const read = (dir: string) => {
      const [file] = memory.list(dir);
      return scalarSeries(parseEventFile(memory.files.get(file!)!).events).get('epoch_loss');
    };
    expect(read('runs/exp1/train')).toEqual([
      { step: 1, wallTime: expect.any(Number), value: 0.4000000059604645 },
    ]);
    expect(read('runs/exp1/validation')).toEqual([
      { step: 1, wallTime: expect.any(Number), value: 0.5 },
    ]);
  });

  it('accepts other run names and rejects clashing or path-like ones', async () => {
    const memory = new MemoryFileSystem();
    const runs = await createTrainValidationWriters('x', {
      ...quiet,
      fileSystem: memory,
      trainRun: 'training',
      validationRun: 'dev',
    });
    expect([runs.train.logdir, runs.validation.logdir]).toEqual(['x/training', 'x/dev']);
    await runs.close();
    await expect(
      createTrainValidationWriters('x', { ...quiet, fileSystem: memory, validationRun: 'train' }),
    ).rejects.toThrow(
      'createTrainValidationWriters: validationRun must be different from trainRun (\'train\'), got "train".',
    );
    await expect(
      createTrainValidationWriters('x', { ...quiet, fileSystem: memory, trainRun: '../up' }),
    ).rejects.toThrow(InvalidArgumentError);
  });

  it('closes the train writer when the validation writer cannot be opened', async () => {
    const memory = new MemoryFileSystem();
    let creates = 0;
    const original = memory.createExclusive.bind(memory);
    memory.createExclusive = async (file) => {
      creates++;
      if (creates === 2) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      return original(file);
    };
    await expect(
      createTrainValidationWriters('x', { ...quiet, fileSystem: memory }),
    ).rejects.toMatchObject({
      name: 'EventWriteError',
      code: 'EACCES',
    });
  });
});
