import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, StateRestoreError } from '@trainkit/core';
import { scalarSeries } from '@trainkit/tensorboard';
import { readRun } from '@trainkit/tensorboard/node';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from './checkpoint';
import { defaultTrainOptions, parseTrainOptions, type TrainOptions } from './options';
import type { Output } from './progress';
import { train } from './train';

const directories: string[] = [];
async function scratch(): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'trainkit-trainer-'));
  directories.push(directory);
  return directory;
}
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

function quietOutput(onProgress?: (final: boolean) => void): Output & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    log: (line) => lines.push(line),
    progress: (_text, final = false) => onProgress?.(final),
  };
}

const small: TrainOptions = {
  ...defaultTrainOptions,
  backend: 'wasm',
  limit: 1500,
  epochs: 2,
  batchSize: 64,
  warmupSteps: 5,
  test: false,
  progress: false,
};

async function finalWeights(logdir: string): Promise<Float32Array[]> {
  const { groups } = await loadCheckpoint<unknown>(path.join(logdir, 'checkpoint'));
  const values = await Promise.all((groups.model ?? []).map(({ tensor }) => tensor.data()));
  tf.dispose((groups.model ?? []).map(({ tensor }) => tensor));
  tf.dispose((groups.optimizer ?? []).map(({ tensor }) => tensor));
  return values as Float32Array[];
}

describe('parseTrainOptions', () => {
  it('reads flags and keeps defaults for the rest', () => {
    const options = parseTrainOptions([
      '--epochs',
      '5',
      '--accumulate',
      '4',
      '--lr',
      '0.01',
      '--no-test',
    ]);
    expect(options.epochs).toBe(5);
    expect(options.accumulate).toBe(4);
    expect(options.learningRate).toBe(0.01);
    expect(options.test).toBe(false);
    expect(options.model).toBe('mlp');
  });

  it.each([
    [['--epochs', '0'], 'trainkit train: --epochs must be an integer >= 1, got 0.'],
    [['--lr', 'fast'], 'trainkit train: --lr must be a number, got "fast".'],
    [['--model', 'rnn'], "trainkit train: --model must be one of 'mlp', 'cnn', got \"rnn\"."],
    [
      ['--validation-fraction', '0.95'],
      '--validation-fraction must be a finite number > 0 and <= 0.9',
    ],
  ])('rejects %j with a typed error', (argv, message) => {
    expect(() => parseTrainOptions(argv)).toThrow(InvalidArgumentError);
    expect(() => parseTrainOptions(argv)).toThrow(message);
  });

  it('rejects unknown flags', () => {
    expect(() => parseTrainOptions(['--epoch', '3'])).toThrow(/Unknown option '--epoch'/);
  });
});

describe('train (real MNIST slice, wasm backend)', () => {
  it('learns, writes TensorBoard runs, curves and a checkpoint', async () => {
    const logdir = await scratch();
    const output = quietOutput();
    const result = await train({ ...small, logdir, test: true }, output);
    expect(result.backend).toBe('wasm');
    expect(result.epochsCompleted).toBe(2);
    // 1350 training samples in batches of 64: 22 updates per epoch.
    expect(result.updates).toBe(44);
    expect(result.validationAccuracy).toBeGreaterThan(0.75);
    expect(result.testAccuracy).toBeGreaterThan(0.75);
    expect(result.history.train.values.length).toBe(44);
    expect(result.history.validation.iterations).toEqual([22, 44]);
    const validation = scalarSeries((await readRun(path.join(logdir, 'validation'))).events);
    const accuracy = validation.get('epoch_accuracy')!;
    expect(accuracy.map((point) => point.step)).toEqual([1, 2]);
    expect(accuracy[1]!.value).toBeCloseTo(result.validationAccuracy, 6);
    const files = await readdir(logdir);
    expect(files).toEqual(
      expect.arrayContaining([
        'checkpoint',
        'curves.svg',
        'history.json',
        'trace.json',
        'confusion-matrix.svg',
        'train',
        'validation',
      ]),
    );
    expect(output.lines.join('\n')).toContain('Test set (10000 images, opened once)');
    expect(tf.memory().numTensors).toBeLessThan(20);
  });

  it('resumes from an epoch checkpoint and from an interrupted batch to the same weights', async () => {
    const straight = await scratch();
    await train({ ...small, accumulate: 2, logdir: straight }, quietOutput());
    const expected = await finalWeights(straight);

    // Stopped at the end of the first epoch (Ctrl-C), then --resume for the second.
    const byEpoch = await scratch();
    const stopAtEpoch = { requested: false };
    await train(
      { ...small, accumulate: 2, logdir: byEpoch },
      quietOutput((final) => {
        if (final) stopAtEpoch.requested = true;
      }),
      stopAtEpoch,
    );
    const epochState = JSON.parse(
      await readFile(path.join(byEpoch, 'checkpoint', 'manifest.json'), 'utf8'),
    );
    expect([epochState.state.epoch, epochState.state.batch]).toEqual([1, 0]);
    await train({ ...small, accumulate: 2, logdir: byEpoch, resume: true }, quietOutput());
    const actualByEpoch = await finalWeights(byEpoch);

    // Interrupted in the middle of the first epoch (an odd micro-batch: mid-accumulation).
    const byBatch = await scratch();
    const stop = { requested: false };
    let progressCalls = 0;
    const interrupted = await train(
      { ...small, accumulate: 2, logdir: byBatch },
      quietOutput(() => {
        progressCalls++;
        if (progressCalls === 2) stop.requested = true; // after batch 10
      }),
      stop,
    );
    expect(interrupted.interrupted).toBe(true);
    const state = JSON.parse(
      await readFile(path.join(byBatch, 'checkpoint', 'manifest.json'), 'utf8'),
    );
    expect(state.state.epoch).toBe(0);
    expect(state.state.batch).toBe(11);
    await train({ ...small, accumulate: 2, logdir: byBatch, resume: true }, quietOutput());
    const actualByBatch = await finalWeights(byBatch);

    expect(actualByEpoch.length).toBe(expected.length);
    // Bit-for-bit: count the differing values (a diff of 200k numbers would be unreadable).
    const differences = (actual: Float32Array[]) =>
      expected.reduce((count, values, i) => {
        let differ = 0;
        for (let j = 0; j < values.length; j++) if (!Object.is(values[j], actual[i]![j])) differ++;
        return count + differ;
      }, 0);
    expect(differences(actualByEpoch)).toBe(0);
    expect(differences(actualByBatch)).toBe(0);
  });

  it('fails with a typed error when there is no checkpoint to resume', async () => {
    const logdir = await scratch();
    await expect(train({ ...small, logdir, resume: true }, quietOutput())).rejects.toThrow(
      StateRestoreError,
    );
  });
});
