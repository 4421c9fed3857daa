import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, ShapeMismatchError } from '@trainkit/core';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scalarSeries } from '../event-reader';
import { computeHistogram } from '../histogram';
import { createSummaryWriter, readLogdir } from '../node';
import { MemoryFileSystem } from '../test-helpers';
import {
  tensorHistogram,
  tensorToImages,
  writeTensorHistogram,
  writeTensorImages,
} from './tensor-summaries';
import { TensorBoardCallback, tensorBoardCallback } from './tensorboard-callback';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'trainkit-tensorboard-tfjs-'));
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function smallModel(): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(
    tfl.layers.dense({
      units: 3,
      inputShape: [2],
      activation: 'relu',
      kernelInitializer: 'glorotUniform',
    }),
  );
  model.add(tfl.layers.dense({ units: 1 }));
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError', metrics: ['mse'] });
  return model;
}

const values = (series: Map<string, { step: number; value: number }[]>, tag: string) =>
  (series.get(tag) ?? []).map((p) => [p.step, p.value]);

describe('tensorBoardCallback in model.fit', () => {
  it('writes train and validation scalars to sibling runs, batch scalars and weight histograms', async () => {
    const logdir = path.join(root, 'fit');
    const model = smallModel();
    const xs = tf.tensor2d([0, 1, 1, 0, 1, 1, 0, 0, 0.5, 0.5, 0.2, 0.8], [6, 2]);
    const ys = tf.tensor2d([1, 1, 2, 0, 1, 1], [6, 1]);
    const xv = tf.tensor2d([0.3, 0.3, 0.9, 0.1], [2, 2]);
    const yv = tf.tensor2d([0.6, 1], [2, 1]);
    // Warm up so that optimizer state exists before counting tensors.
    await model.fit(xs, ys, { epochs: 1, batchSize: 3, verbose: 0 });
    const tensorsBefore = tf.memory().numTensors;
    const callback = tensorBoardCallback(logdir, {
      createWriter: createSummaryWriter,
      updateFreq: 'batch',
      histogramFreq: 2,
      hparams: { lr: 0.01, optimizer: 'sgd' },
    });
    expect(callback).toBeInstanceOf(tfl.CustomCallback);
    const history = await model.fit(xs, ys, {
      epochs: 3,
      batchSize: 3,
      shuffle: false,
      verbose: 0,
      validationData: [xv, yv],
      callbacks: [callback],
    });
    expect(tf.memory().numTensors).toBe(tensorsBefore);

    const runs = await readLogdir(logdir);
    expect([...runs.keys()]).toEqual(['.', 'train', 'validation']);
    for (const run of runs.values()) expect(run.warnings).toEqual([]);
    const train = scalarSeries(runs.get('train')!.events);
    const validation = scalarSeries(runs.get('validation')!.events);
    // Epoch scalars equal the History values (stored as float32).
    const f32 = (xs: number[]) => xs.map((x) => Math.fround(x));
    expect(values(train, 'epoch_loss')).toEqual(
      f32(history.history.loss as number[]).map((v, i) => [i, v]),
    );
    expect(values(validation, 'epoch_loss')).toEqual(
      f32(history.history.val_loss as number[]).map((v, i) => [i, v]),
    );
    expect(values(validation, 'epoch_mse').map(([step]) => step)).toEqual([0, 1, 2]);
    // Two batches per epoch, three epochs: steps 0..5, batch bookkeeping keys left out.
    expect(values(train, 'batch_loss').map(([step]) => step)).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...train.keys()].sort()).toEqual([
      'batch_loss',
      'batch_mse',
      'epoch_loss',
      'epoch_mse',
    ]);
    expect([...validation.keys()].sort()).toEqual(['epoch_loss', 'epoch_mse']);
    // Histograms of the 4 weights at epochs 0 and 2; the last equals the final weights.
    const histograms = runs
      .get('train')!
      .events.flatMap((e) => e.summaries.map((s) => ({ step: e.step, s })))
      .filter(({ s }) => s.kind === 'histogram');
    expect(histograms.map(({ step }) => step)).toEqual([0, 0, 0, 0, 2, 2, 2, 2]);
    const lastKernel = histograms[4]!.s;
    expect(lastKernel.tag).toBe(model.weights[0]!.name);
    if (lastKernel.kind !== 'histogram') throw new Error('expected a histogram');
    expect(lastKernel.histogram).toEqual(computeHistogram(await model.weights[0]!.read().data()));
    // HParams session in the log directory root.
    const session = runs.get('.')!.events.flatMap((e) => e.summaries);
    expect(session.map((s) => s.kind === 'hparams' && s.data.kind)).toEqual([
      'session-start',
      'session-end',
    ]);
    const start = session[0]!;
    expect(
      start.kind === 'hparams' &&
        start.data.kind === 'session-start' &&
        start.data.sessionStart.hparams,
    ).toEqual({ lr: 0.01, optimizer: 'sgd' });
    const end = session[1]!;
    expect(
      end.kind === 'hparams' && end.data.kind === 'session-end' && end.data.sessionEnd.status,
    ).toBe('success');
    tf.dispose([xs, ys, xv, yv]);
    model.dispose();
  });

  it('writes batch scalars every n batches and nothing per batch with updateFreq epoch', async () => {
    const model = smallModel();
    const xs = tf.zeros([8, 2]);
    const ys = tf.ones([8, 1]);
    const memory = new MemoryFileSystem();
    const every2 = path.join(root, 'every2');
    const onlyEpochs = path.join(root, 'epochs');
    await model.fit(xs, ys, {
      epochs: 2,
      batchSize: 2,
      verbose: 0,
      callbacks: [
        tensorBoardCallback(every2, { updateFreq: 2, createWriter: createSummaryWriter }),
        tensorBoardCallback(onlyEpochs, { writerOptions: { fileSystem: memory } }),
      ],
    });
    const train = scalarSeries((await readLogdir(every2)).get('train')!.events);
    expect(values(train, 'batch_loss').map(([step]) => step)).toEqual([0, 2, 4, 6]);
    // The injected file system received the other callback's files.
    const trainFiles = memory.list(path.join(onlyEpochs, 'train'));
    expect(trainFiles).toHaveLength(1);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('makes model.fit reject with EventWriteError when the log directory cannot be written', async () => {
    const model = smallModel();
    const xs = tf.zeros([4, 2]);
    const ys = tf.ones([4, 1]);
    const memory = new MemoryFileSystem();
    memory.faults.mkdir = 'EACCES';
    const fit = model.fit(xs, ys, {
      epochs: 1,
      verbose: 0,
      callbacks: [tensorBoardCallback('locked', { writerOptions: { fileSystem: memory } })],
    });
    await expect(fit).rejects.toMatchObject({
      name: 'EventWriteError',
      code: 'EACCES',
      operation: 'mkdir',
    });
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('validates options at construction with typed errors', () => {
    // The entry is browser-safe: it needs a way to write (issue 11).
    expect(() => tensorBoardCallback('logs')).toThrow(
      "tensorBoardCallback: createWriter must be createSummaryWriter from @trainkit/tensorboard/node, or writerOptions.fileSystem, got undefined. In Node: tensorBoardCallback(logdir, { createWriter: createSummaryWriter }) with createSummaryWriter imported from '@trainkit/tensorboard/node'; in a browser: { writerOptions: { fileSystem } }.",
    );
    expect(() => tensorBoardCallback('logs', { createWriter: 'fs' as never })).toThrow(
      'tensorBoardCallback: createWriter must be a function, got "fs".',
    );
    expect(() => tensorBoardCallback('logs', null as never)).toThrow(
      /tensorBoardCallback: options must be an options object, got null/,
    );
    const node = { createWriter: createSummaryWriter };
    expect(() => tensorBoardCallback('', node)).toThrow(InvalidArgumentError);
    expect(() => tensorBoardCallback('logs', { ...node, updateFreq: 'step' as 'batch' })).toThrow(
      "tensorBoardCallback: updateFreq must be one of 'batch', 'epoch', got \"step\".",
    );
    expect(() => tensorBoardCallback('logs', { ...node, updateFreq: 0 })).toThrow(
      /updateFreq must be an integer >= 1, got 0\. Use 'batch', 'epoch' or a number of batches >= 1\./,
    );
    expect(() => tensorBoardCallback('logs', { ...node, histogramFreq: -1 })).toThrow(
      'tensorBoardCallback: histogramFreq must be an integer >= 0, got -1.',
    );
    expect(() => tensorBoardCallback('logs', { ...node, hparams: { lr: Number.NaN } })).toThrow(
      /hparams\.lr must be a finite number, a string or a boolean, got NaN/,
    );
    expect(tensorBoardCallback('logs', node)).toBeInstanceOf(TensorBoardCallback);
    expect(tensorBoardCallback('logs', node).logdir).toBe('logs');
    // The shared hparams check: empty names and arrays are refused up front, not inside fit.
    expect(() => tensorBoardCallback('logs', { ...node, hparams: { '': 1 } })).toThrow(
      /hparams must be keys that are non-empty names/,
    );
    expect(() =>
      tensorBoardCallback('logs', { ...node, hparams: [1] as unknown as Record<string, number> }),
    ).toThrow(/hparams must be an object of name -> number \| string \| boolean/);
  });
});

describe('tensor summaries', () => {
  it('histograms a tensor like computeHistogram on its data, without leaking', async () => {
    const t = tf.tensor1d([0.5, -1, 2, 2]);
    const before = tf.memory().numTensors;
    expect(await tensorHistogram(t)).toEqual(computeHistogram([0.5, -1, 2, 2]));
    const memory = new MemoryFileSystem();
    const writer = await createSummaryWriter('logs', {
      fileSystem: memory,
      flushIntervalMs: 0,
      flushOnExit: false,
    });
    await writeTensorHistogram(writer, 'h', t, 1);
    expect(writer.pendingRecords).toBe(1);
    await writer.close();
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });

  it('turns [h, w, c] and [n, h, w, c] tensors into images (floats 0..1, ints 0..255)', async () => {
    const floats = tf.tensor3d([0, 0.5, 1, 1], [2, 2, 1]);
    const [one] = await tensorToImages(floats);
    expect(one).toMatchObject({ width: 2, height: 2, channels: 1 });
    const ints = tf.tensor4d([0, 10, 20, 300, -5, 255], [2, 1, 1, 3], 'int32');
    const batch = await tensorToImages(ints);
    expect(batch.map((image) => [...image.data])).toEqual([
      [0, 10, 20],
      [255, 0, 255],
    ]);
    const memory = new MemoryFileSystem();
    const writer = await createSummaryWriter('logs', {
      fileSystem: memory,
      flushIntervalMs: 0,
      flushOnExit: false,
    });
    await writeTensorImages(writer, 'img', floats, 0);
    await writer.close();
    const runs = [...memory.files.values()];
    expect(runs).toHaveLength(1);
    const { parseEventFile } = await import('../event-reader');
    const image = parseEventFile(runs[0]!).events[1]!.summaries[0]!;
    if (image.kind !== 'image') throw new Error('expected an image');
    expect([...decode(image.images[0]!).data]).toEqual([0, 128, 255, 255]);
    tf.dispose([floats, ints]);
  });

  it('rejects tensors that are not images with a ShapeMismatchError', async () => {
    const t = tf.zeros([4, 4]);
    await expect(tensorToImages(t)).rejects.toThrow(ShapeMismatchError);
    await expect(tensorToImages(t)).rejects.toThrow(
      'tensorToImages: tensor must have shape [height, width, channels] or [n, height, width, channels] with 1 to 4 channels, got [4, 4].',
    );
    t.dispose();
  });
});
