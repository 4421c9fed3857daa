import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventFileCorruptError } from './errors';
import { encodeEvent, TensorDType } from './event-codec';
import { interpretSummaryValue, parseEventFile, scalarSeries, tensorNumbers } from './event-reader';
import { createSummaryWriter, readLogdir, readRun } from './node';
import { MemoryFileSystem } from './test-helpers';
import { encodeRecord } from './tfrecord';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'trainkit-tensorboard-reader-'));
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const quiet = { flushIntervalMs: 0, flushOnExit: false } as const;

function flip(bytes: Uint8Array, at: number, mask: number): void {
  bytes[at] = bytes[at]! ^ mask;
}

/** An event file with a header, scalars, a histogram, an image and a text record. */
async function sampleFile(): Promise<{ bytes: Uint8Array; recordStarts: number[] }> {
  const memory = new MemoryFileSystem();
  const writer = await createSummaryWriter('logs', {
    ...quiet,
    fileSystem: memory,
    clock: () => 1000,
  });
  writer.scalar('loss', 1, 1);
  writer.scalar('loss', 0.5, 2);
  writer.histogram('w', [1, 2, 3], 2);
  writer.image('img', { width: 2, height: 1, channels: 1, data: new Uint8Array([0, 255]) }, 2);
  writer.text('notes', 'the last record', 3);
  await writer.close();
  const bytes = memory.files.get(writer.path)!;
  const { events } = parseEventFile(bytes);
  return { bytes, recordStarts: events.map((e) => e.offset) };
}

describe('parseEventFile', () => {
  it('reads all earlier records and warns when the file is cut at any byte of its last record', async () => {
    const { bytes, recordStarts } = await sampleFile();
    const lastStart = recordStarts[recordStarts.length - 1]!;
    const full = parseEventFile(bytes);
    expect(full.events).toHaveLength(6);
    for (let cut = lastStart; cut < bytes.length; cut++) {
      const { events, warnings, validLength } = parseEventFile(bytes.subarray(0, cut));
      expect(events).toEqual(full.events.slice(0, 5));
      expect(validLength).toBe(lastStart);
      if (cut === lastStart) {
        expect(warnings).toEqual([]);
      } else {
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatchObject({ kind: 'truncated-tail', offset: lastStart });
      }
    }
  });

  it('never throws on a truncated tail, even with onCorruption: throw', async () => {
    const { bytes } = await sampleFile();
    const result = parseEventFile(bytes.subarray(0, bytes.length - 1), { onCorruption: 'throw' });
    expect(result.warnings.map((w) => w.kind)).toEqual(['truncated-tail']);
  });

  it('skips a record with a bad payload CRC in the middle (default) and reads on', async () => {
    const { bytes, recordStarts } = await sampleFile();
    const damaged = bytes.slice();
    flip(damaged, recordStarts[2]! + 14, 0x40); // inside the payload of the second scalar
    const { events, warnings } = parseEventFile(damaged, { path: 'f' });
    expect(events.map((e) => e.offset)).toEqual(recordStarts.filter((_, i) => i !== 2));
    expect(warnings).toEqual([
      expect.objectContaining({ kind: 'corrupt-payload', offset: recordStarts[2], path: 'f' }),
    ]);
  });

  it('throws EventFileCorruptError for the same damage with onCorruption: throw', async () => {
    const { bytes, recordStarts } = await sampleFile();
    const damaged = bytes.slice();
    flip(damaged, recordStarts[2]! + 14, 0x40);
    expect(() => parseEventFile(damaged, { onCorruption: 'throw', path: 'run/f' })).toThrow(
      EventFileCorruptError,
    );
    try {
      parseEventFile(damaged, { onCorruption: 'throw', path: 'run/f' });
    } catch (error) {
      expect(EventFileCorruptError.isInstance(error)).toBe(true);
      const corrupt = error as EventFileCorruptError;
      expect(corrupt.offset).toBe(recordStarts[2]);
      expect(corrupt.kind).toBe('corrupt-payload');
      expect(corrupt.message).toMatch(
        new RegExp(
          `^parseEventFile: run/f is damaged at byte ${recordStarts[2]} \\(corrupt-payload\\): payload CRC 0x[0-9a-f]{8} does not match the stored 0x[0-9a-f]{8}; record skipped\\. Read it with onCorruption: 'skip'`,
        ),
      );
    }
  });

  it('stops at a bad length CRC with a warning', async () => {
    const { bytes, recordStarts } = await sampleFile();
    const damaged = bytes.slice();
    flip(damaged, recordStarts[3]!, 0x01);
    const { events, warnings } = parseEventFile(damaged);
    expect(events.map((e) => e.offset)).toEqual(recordStarts.slice(0, 3));
    expect(warnings).toEqual([
      expect.objectContaining({ kind: 'corrupt-length', offset: recordStarts[3] }),
    ]);
  });

  it('skips an intact record whose payload is not an Event', () => {
    const good = encodeRecord(encodeEvent({ wallTime: 1, step: 1, fileVersion: 'brain.Event:2' }));
    const garbage = encodeRecord(new Uint8Array([0x0a, 0x05, 0x01])); // length 5, only 1 byte
    const file = new Uint8Array([...good, ...garbage, ...good]);
    const { events, warnings } = parseEventFile(file);
    expect(events).toHaveLength(2);
    expect(warnings).toEqual([
      expect.objectContaining({ kind: 'invalid-event', offset: good.length }),
    ]);
    expect(() => parseEventFile(file, { onCorruption: 'throw' })).toThrow(/\(invalid-event\)/);
  });

  it('reads an empty file as no events and rejects non-bytes', () => {
    expect(parseEventFile(new Uint8Array(0))).toEqual({ events: [], warnings: [], validLength: 0 });
    expect(() => parseEventFile([1, 2] as unknown as Uint8Array)).toThrow(
      'parseEventFile: bytes must be a Uint8Array, got [1, 2].',
    );
  });
});

describe('interpretSummaryValue: formats written by TensorFlow 2 and TF 1', () => {
  it('reads rank-0 float32, float64 and int64 scalar tensors of the scalars plugin', () => {
    const float = new Uint8Array(4);
    new DataView(float.buffer).setFloat32(0, 0.75, true);
    const md = { pluginName: 'scalars' };
    expect(
      interpretSummaryValue(
        {
          tag: 'a',
          content: {
            kind: 'tensor',
            tensor: { dtype: TensorDType.float32, shape: [], content: float },
          },
        },
        md,
      ),
    ).toEqual({ kind: 'scalar', tag: 'a', value: 0.75 });
    expect(
      interpretSummaryValue(
        {
          tag: 'a',
          content: {
            kind: 'tensor',
            tensor: { dtype: TensorDType.float64, shape: [], doubleValues: [0.1] },
          },
        },
        md,
      ),
    ).toEqual({ kind: 'scalar', tag: 'a', value: 0.1 });
    expect(
      interpretSummaryValue(
        {
          tag: 'a',
          content: {
            kind: 'tensor',
            tensor: { dtype: TensorDType.int64, shape: [], int64Values: [7] },
          },
        },
        md,
      ),
    ).toEqual({ kind: 'scalar', tag: 'a', value: 7 });
  });

  it('reads TF 2 histogram tensors [k, 3] of (left, right, count)', () => {
    const content = new Uint8Array(6 * 8);
    const view = new DataView(content.buffer);
    [0, 1, 2, 1, 3, 5].forEach((v, i) => {
      view.setFloat64(i * 8, v, true);
    });
    const decoded = interpretSummaryValue(
      {
        tag: 'h',
        content: { kind: 'tensor', tensor: { dtype: TensorDType.float64, shape: [2, 3], content } },
      },
      { pluginName: 'histograms' },
    );
    expect(decoded).toEqual({
      kind: 'histogram',
      tag: 'h',
      histogram: {
        min: 0,
        max: 3,
        num: 7,
        sum: Number.NaN,
        sumSquares: Number.NaN,
        bucketLimits: [1, 3],
        bucketCounts: [2, 5],
      },
    });
  });

  it('reads TF 1 Summary.Image values', () => {
    const encoded = new Uint8Array([1, 2, 3]);
    expect(
      interpretSummaryValue({
        tag: 'i',
        content: { kind: 'image', image: { width: 4, height: 5, colorspace: 3, encoded } },
      }),
    ).toEqual({ kind: 'image', tag: 'i', width: 4, height: 5, images: [encoded] });
  });

  it('keeps tensors of unknown plugins as tensors', () => {
    const tensor = { dtype: TensorDType.int32, shape: [2], intValues: [1, 2] };
    expect(
      interpretSummaryValue(
        { tag: 'p', content: { kind: 'tensor', tensor } },
        { pluginName: 'pr_curves' },
      ),
    ).toEqual({
      kind: 'tensor',
      tag: 'p',
      pluginName: 'pr_curves',
      tensor,
    });
  });
});

describe('tensorNumbers', () => {
  it('reads typed values, tensor_content, and expands a single version-0 value', () => {
    expect(tensorNumbers({ dtype: TensorDType.float32, shape: [3], floatValues: [2] })).toEqual([
      2, 2, 2,
    ]);
    const content = new Uint8Array(8);
    new DataView(content.buffer).setInt32(0, -3, true);
    new DataView(content.buffer).setInt32(4, 9, true);
    expect(tensorNumbers({ dtype: TensorDType.int32, shape: [2], content })).toEqual([-3, 9]);
    const big = new Uint8Array(8);
    new DataView(big.buffer).setBigInt64(0, -(2n ** 40n), true);
    expect(tensorNumbers({ dtype: TensorDType.int64, shape: [1], content: big })).toEqual([
      -(2 ** 40),
    ]);
    expect(
      tensorNumbers({ dtype: TensorDType.string, shape: [], stringValues: [] }),
    ).toBeUndefined();
  });
});

describe('readLogdir and scalarSeries', () => {
  it('names runs by their path relative to the log directory and collects scalar series', async () => {
    const logdir = path.join(root, 'exp');
    const rootWriter = await createSummaryWriter(logdir, quiet);
    const train = await createSummaryWriter(path.join(logdir, 'trial-1', 'train'), quiet);
    const validation = await createSummaryWriter(path.join(logdir, 'trial-1', 'validation'), quiet);
    rootWriter.text('about', 'root run', 0);
    for (let epoch = 0; epoch < 3; epoch++) {
      train.scalar('epoch_loss', 1 / (epoch + 1), epoch);
      validation.scalar('epoch_loss', 1.5 / (epoch + 1), epoch);
    }
    await Promise.all([rootWriter.close(), train.close(), validation.close()]);
    const runs = await readLogdir(logdir);
    expect([...runs.keys()]).toEqual(['.', 'trial-1/train', 'trial-1/validation']);
    const trainLoss = scalarSeries(runs.get('trial-1/train')!.events).get('epoch_loss')!;
    expect(trainLoss.map((p) => [p.step, p.value])).toEqual([
      [0, 1],
      [1, 0.5],
      [2, Math.fround(1 / 3)],
    ]);
    const validationLoss = scalarSeries(runs.get('trial-1/validation')!.events).get('epoch_loss')!;
    expect(validationLoss.map((p) => p.value)).toEqual([1.5, 0.75, 0.5]);
  });
});

describe('a tag whose first record (with its metadata) is damaged', () => {
  /** Text and image values at steps 1-3; only each tag's first value carries its metadata. */
  async function textAndImages(): Promise<{ bytes: Uint8Array; recordStarts: number[] }> {
    const memory = new MemoryFileSystem();
    const writer = await createSummaryWriter('logs', {
      ...quiet,
      fileSystem: memory,
      clock: () => 1000,
    });
    for (let step = 1; step <= 3; step++) {
      writer.text('notes', `step ${step}`, step);
      writer.image('img', { width: 1, height: 1, channels: 1, data: new Uint8Array([step]) }, step);
    }
    await writer.close();
    const bytes = memory.files.get(writer.path)!;
    return { bytes, recordStarts: parseEventFile(bytes).events.map((e) => e.offset) };
  }

  it('returns the later values as raw tensors with one missing-metadata warning per tag (documented)', async () => {
    const { bytes, recordStarts } = await textAndImages();
    const intact = parseEventFile(bytes);
    expect(intact.events[3]!.summaries[0]).toEqual({
      kind: 'text',
      tag: 'notes',
      shape: [],
      text: ['step 2'],
    });
    const damaged = bytes.slice();
    // Records: 0 header, 1 notes@1, 2 img@1, 3 notes@2, ...: damage both tags' first values.
    flip(damaged, recordStarts[1]! + 14, 0x40);
    flip(damaged, recordStarts[2]! + 14, 0x40);
    const { events, warnings } = parseEventFile(damaged, { path: 'f' });
    expect(events).toHaveLength(5);
    const kinds = events.slice(1).map((e) => e.summaries[0]!.kind);
    expect(kinds).toEqual(['tensor', 'tensor', 'tensor', 'tensor']);
    expect(events[1]!.summaries[0]).toMatchObject({ kind: 'tensor', tag: 'notes', pluginName: '' });
    expect(warnings.map((w) => [w.kind, w.tag, w.offset])).toEqual([
      ['corrupt-payload', undefined, recordStarts[1]],
      ['corrupt-payload', undefined, recordStarts[2]],
      ['missing-metadata', 'notes', recordStarts[3]],
      ['missing-metadata', 'img', recordStarts[4]],
    ]);
    expect(warnings[2]!.message).toBe(
      `values of tag 'notes' carry no plugin metadata (TensorBoard writes it with a tag's first value only; it was probably in the damaged record at byte ${recordStarts[1]} of f); they are returned as raw tensors`,
    );
    // Without damage no such warning, even for a raw tensor without metadata.
    expect(parseEventFile(bytes).warnings).toEqual([]);
  });

  it('readRun warns once per tag for the whole run', async () => {
    const { bytes, recordStarts } = await textAndImages();
    const directory = path.join(root, 'damaged-metadata');
    fs.mkdirSync(directory);
    const damaged = bytes.slice();
    flip(damaged, recordStarts[1]! + 14, 0x40);
    const file = path.join(directory, 'events.out.tfevents.1700000000.box.1.0');
    fs.writeFileSync(file, damaged);
    const run = await readRun(directory);
    expect(run.warnings.map((w) => [w.kind, w.tag ?? ''])).toEqual([
      ['corrupt-payload', ''],
      ['missing-metadata', 'notes'],
    ]);
    expect(run.warnings[1]!.path).toBe(file);
  });
});
