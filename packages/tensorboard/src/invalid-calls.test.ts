// Invalid calls of the main entry throw typed trainkit errors naming the function and the
// argument; a rejected write leaves the writer's buffer unchanged. Issue 13's cases first.
import { InvalidArgumentError, ShapeMismatchError, TrainkitError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import {
  computeHistogram,
  createSummaryWriter,
  createTrainValidationWriters,
  histogramValue,
  imageValue,
  isEventFileName,
  memoryFileSystem,
  parseEventFile,
  type SummaryWriter,
  scalarSeries,
  scalarValue,
  suggestTag,
  tensorNumbers,
  textValue,
} from './index';

const quiet = { flushIntervalMs: 0, flushOnExit: false } as const;

async function writer(): Promise<{
  writer: SummaryWriter;
  fileSystem: ReturnType<typeof memoryFileSystem>;
}> {
  const fileSystem = memoryFileSystem();
  return { writer: await createSummaryWriter('logs', { ...quiet, fileSystem }), fileSystem };
}

const invalidCalls: ReadonlyArray<readonly [string, () => unknown, RegExp]> = [
  [
    'computeHistogram("abc")',
    () => computeHistogram('abc' as never),
    /^computeHistogram: values must be an array or a typed array of numbers, got "abc"\.$/,
  ],
  [
    'histogramValue("h", [1, "2"])',
    () => histogramValue('h', [1, '2'] as never),
    /values\[1\] must be a number, got "2"/,
  ],
  [
    'scalarValue("a", 1, null)',
    () => scalarValue('a', 1, null as never),
    /^scalarValue: options must be an options object, got null/,
  ],
  ['scalarValue("", 1)', () => scalarValue('', 1), /^scalarValue: tag must be/],
  [
    'imageValue("i", [])',
    () => imageValue('i', []),
    /^imageValue: images must be an image or a non-empty array of images/,
  ],
  ['textValue("t", 3)', () => textValue('t', 3 as never), /^textValue: text must be a string/],
  [
    'parseEventFile("bytes")',
    () => parseEventFile('bytes' as never),
    /^parseEventFile: bytes must be a Uint8Array/,
  ],
  [
    'parseEventFile(bytes, { onCorruption: "ignore" })',
    () => parseEventFile(new Uint8Array(0), { onCorruption: 'ignore' as never }),
    /^parseEventFile: onCorruption must be one of 'skip', 'throw'/,
  ],
  [
    'scalarSeries(undefined)',
    () => scalarSeries(undefined as never),
    /^scalarSeries: events must be an array of events, got undefined\. Pass the events of parseEventFile, readRun or readEventFile\.$/,
  ],
  [
    'scalarSeries([{}])',
    () => scalarSeries([{}] as never),
    /^scalarSeries: events\[0\] must be an event with summaries/,
  ],
  [
    'tensorNumbers(null)',
    () => tensorNumbers(null as never),
    /^tensorNumbers: tensor must be a TensorData/,
  ],
  [
    'isEventFileName(undefined)',
    () => isEventFileName(undefined as never),
    /^isEventFileName: name must be a file name \(a string\), got undefined\.$/,
  ],
  ['suggestTag(3)', () => suggestTag(3 as never), /^suggestTag: tag must be a string, got 3\.$/],
];

describe('invalid calls throw typed errors', () => {
  it.each(invalidCalls)('%s', (_name, call, message) => {
    let thrown: unknown;
    try {
      call();
    } catch (error) {
      thrown = error;
    }
    expect(TrainkitError.isInstance(thrown), String(thrown)).toBe(true);
    expect((thrown as Error).message).toMatch(message);
  });

  it('writer factories reject a missing file system and bad options before creating anything', async () => {
    const fileSystem = memoryFileSystem();
    await expect(createSummaryWriter('logs')).rejects.toThrow(InvalidArgumentError);
    await expect(createSummaryWriter('logs', null as never)).rejects.toThrow(TrainkitError);
    await expect(
      createTrainValidationWriters('logs', { fileSystem, trainRun: 'a', validationRun: 'a' }),
    ).rejects.toThrow(/validationRun must be different from trainRun/);
    await expect(
      createSummaryWriter('logs', { fileSystem, fsync: 'yes' as never }),
    ).rejects.toThrow('createSummaryWriter: fsync must be true or false, got "yes".');
    expect(fileSystem.files.size).toBe(0);
  });
});

describe('histograms of nothing (issue 13: [NaN, NaN] was accepted, [] refused)', () => {
  it('writes [] and all-NaN values alike, as the empty histogram', async () => {
    const { writer: w, fileSystem } = await writer();
    w.histogram('h', [], 0);
    w.histogram('h', [Number.NaN, Number.NaN], 1);
    await w.close();
    const { events } = parseEventFile(fileSystem.files.get(w.path)!);
    const histograms = events.flatMap((e) => e.summaries).filter((s) => s.kind === 'histogram');
    expect(histograms).toHaveLength(2);
    for (const h of histograms) {
      expect(h.kind === 'histogram' && h.histogram).toMatchObject({ num: 0, bucketCounts: [] });
    }
  });
});

describe('a rejected write leaves the writer unchanged', () => {
  it.each([
    ['scalar: a tag that is not a string', (w: SummaryWriter) => w.scalar(3 as never, 1, 0)],
    ['scalar: a negative step', (w: SummaryWriter) => w.scalar('a', 1, -1)],
    ['scalar: a string value', (w: SummaryWriter) => w.scalar('a', '1' as never, 0)],
    ['scalars: not an object', (w: SummaryWriter) => w.scalars(null as never, 0)],
    [
      'histogram: a string in the values',
      (w: SummaryWriter) => w.histogram('h', [1, 'x'] as never, 0),
    ],
    [
      'image: a wrong pixel count',
      (w: SummaryWriter) =>
        w.image('i', { width: 2, height: 2, channels: 1, data: new Uint8Array(3) }, 0),
    ],
    ['text: a ragged table', (w: SummaryWriter) => w.text('t', [['a', 'b'], ['c']], 0)],
    ['hparams: a NaN value', (w: SummaryWriter) => w.hparams({ lr: Number.NaN })],
    ['a tag already used for scalars', (w: SummaryWriter) => w.text('loss', 'x', 0)],
  ])('%s', async (_name, call) => {
    const { writer: w, fileSystem } = await writer();
    w.scalar('loss', 1, 0);
    const before = w.pendingRecords;
    let thrown: unknown;
    try {
      call(w);
    } catch (error) {
      thrown = error;
    }
    expect(
      InvalidArgumentError.isInstance(thrown) || ShapeMismatchError.isInstance(thrown),
      String(thrown),
    ).toBe(true);
    expect(w.pendingRecords).toBe(before);
    await w.close();
    const { events, warnings } = parseEventFile(fileSystem.files.get(w.path)!);
    expect(warnings).toEqual([]);
    expect(events.flatMap((e) => e.summaries.map((s) => `${s.kind} ${s.tag}`))).toEqual([
      'scalar loss',
    ]);
  });
});
