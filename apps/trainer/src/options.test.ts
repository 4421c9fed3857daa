import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { defaultTrainOptions, parseCheckpointInterval, parseTrainOptions } from './options';

describe('parseTrainOptions', () => {
  it('reads flags, keeps defaults for the rest and records which were given', () => {
    const { options, explicit } = parseTrainOptions([
      '--epochs',
      '5',
      '--accumulate',
      '4',
      '--lr',
      '0.01',
      '--no-test',
      '--name',
      'mlp-a',
      '--checkpoint-every',
      '500',
    ]);
    expect(options).toEqual({
      ...defaultTrainOptions,
      epochs: 5,
      accumulate: 4,
      learningRate: 0.01,
      test: false,
      name: 'mlp-a',
      checkpointEvery: { unit: 'updates', every: 500 },
    });
    expect([...explicit].sort()).toEqual([
      'accumulate',
      'checkpointEvery',
      'epochs',
      'learningRate',
      'name',
      'test',
    ]);
  });

  it.each([
    [['--epochs', '0'], 'trainkit train: --epochs must be an integer >= 1 and <= 10000, got 0.'],
    // A negative value after a space is a value, not a flag ("argument is ambiguous" before).
    [['--epochs', '-1'], 'trainkit train: --epochs must be an integer >= 1 and <= 10000, got -1.'],
    [
      ['--lr', '-0.5'],
      'trainkit train: --lr must be a finite number > 0 and <= 1000000, got -0.5. E.g. --lr 1e-3.',
    ],
    [['--lr', 'fast'], 'trainkit train: --lr must be a number, got "fast".'],
    [['--model', 'rnn'], "trainkit train: --model must be one of 'mlp', 'cnn', got \"rnn\"."],
    [
      ['--seed', '1e20'],
      'trainkit train: --seed must be an integer >= 0 and <= 9007199254740991, got 100000000000000000000. Seeds are integers from 0 to 2^53 - 1 = 9007199254740991 (the largest exact integer in JavaScript).',
    ],
    [
      ['--seed', '9007199254740993'],
      '--seed must be an integer >= 0 and <= 9007199254740991, got 9007199254740992.',
    ],
    [
      ['--validation-fraction', '0.95'],
      '--validation-fraction must be a finite number > 0 and <= 0.9, got 0.95.',
    ],
    [['--limit', '10'], '--limit must be an integer >= 100 and <= 60000, got 10.'],
    [['--dropout', '1'], '--dropout must be a finite number >= 0 and < 1, got 1.'],
    [
      ['--name', '../x'],
      '--name must be a directory name of letters, digits, ".", "-" and "_", got "../x".',
    ],
    [
      ['--checkpoint-every', '0'],
      '--checkpoint-every must be a number of updates (e.g. 500) or a time (e.g. 90s, 5m, 1h) greater than 0, got "0".',
    ],
    [['--extend'], '--extend must be used with --resume, got true.'],
    [['--resume', '--overwrite'], '--overwrite must be not combined with --resume, got true.'],
  ])(
    'rejects %j with a typed error naming the flag, the value and what is allowed',
    (argv, message) => {
      expect(() => parseTrainOptions(argv)).toThrow(InvalidArgumentError);
      expect(() => parseTrainOptions(argv)).toThrow(message);
    },
  );

  it('reads --config FILE first, so flags on the command line win; the file counts as given', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'trainkit-config-'));
    const file = path.join(directory, 'trainkit.json');
    writeFileSync(file, JSON.stringify({ lr: 0.0005, 'batch-size': 64, 'no-test': true }));
    const fromFile = parseTrainOptions(['--config', file]);
    expect(fromFile.options).toMatchObject({ learningRate: 0.0005, batchSize: 64, test: false });
    expect([...fromFile.explicit].sort()).toEqual(['batchSize', 'learningRate', 'test']);
    const overridden = parseTrainOptions([`--config=${file}`, '--lr', '0.002']);
    expect(overridden.options).toMatchObject({ learningRate: 0.002, batchSize: 64 });
    expect(() => parseTrainOptions(['--config', file, '--config', file])).toThrow(
      '--config must be given once',
    );
    rmSync(directory, { recursive: true, force: true });
  });

  it('rejects unknown flags', () => {
    expect(() => parseTrainOptions(['--epoch', '3'])).toThrow(/Unknown option '--epoch'/);
  });

  it.each([
    ['500', { unit: 'updates', every: 500 }],
    ['90s', { unit: 'minutes', every: 1.5 }],
    ['5m', { unit: 'minutes', every: 5 }],
    ['1h', { unit: 'minutes', every: 60 }],
  ])('reads --checkpoint-every %s', (text, interval) => {
    expect(parseCheckpointInterval(text)).toEqual(interval);
  });
});
