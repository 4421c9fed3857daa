import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidArgumentError, ShapeMismatchError } from '@trainkit/core';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventWriteError, WriterClosedError } from './errors';
import { decodeEvent } from './event-codec';
import type { EventFileHandle, EventFileSystem } from './event-file-system';
import { parseEventFile, scalarSeries } from './event-reader';
import { computeHistogram } from './histogram';
import { createSummaryWriter, nodeFileSystem, readEventFile, readRun } from './node';
import { textValue } from './summary-values';
import type { SummaryWriter } from './summary-writer';
import { MemoryFileSystem } from './test-helpers';
import { parseRecords } from './tfrecord';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'trainkit-tensorboard-'));
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

let dirCounter = 0;
const freshDir = () => path.join(root, `run-${dirCounter++}`);

/** A clock that advances 1 s per reading from 1700000000. */
function steppingClock(start = 1700000000): () => number {
  let t = start;
  return () => t++;
}

const quiet = { flushIntervalMs: 0, flushOnExit: false } as const;

describe('createSummaryWriter', () => {
  it('creates the run directory and an event file named events.out.tfevents.<s>.<host>.<pid>.<n>', async () => {
    const dir = path.join(freshDir(), 'nested', 'train');
    const writer = await createSummaryWriter(dir, {
      ...quiet,
      clock: () => 1700000123.75,
      hostname: 'box',
      pid: 4242,
    });
    expect(path.dirname(writer.path)).toBe(dir);
    expect(path.basename(writer.path)).toMatch(
      /^events\.out\.tfevents\.1700000123\.box\.4242\.\d+$/,
    );
    await writer.close();
    const { events, warnings } = await readEventFile(writer.path);
    expect(warnings).toEqual([]);
    expect(events).toEqual([
      { wallTime: 1700000123.75, step: 0, fileVersion: 'brain.Event:2', summaries: [], offset: 0 },
    ]);
  });

  it('uses the host name and pid of the process by default, and a new counter per file', async () => {
    const dir = freshDir();
    const a = await createSummaryWriter(dir, { ...quiet, clock: () => 1700000000 });
    const b = await createSummaryWriter(dir, { ...quiet, clock: () => 1700000000 });
    const pattern = `events.out.tfevents.1700000000.${os.hostname()}.${process.pid}.`;
    expect(path.basename(a.path).startsWith(pattern)).toBe(true);
    expect(path.basename(b.path).startsWith(pattern)).toBe(true);
    expect(a.path).not.toBe(b.path);
    await Promise.all([a.close(), b.close()]);
    expect(fs.readdirSync(dir)).toHaveLength(2);
  });

  it('rejects invalid options before touching the disk', async () => {
    const dir = freshDir();
    await expect(createSummaryWriter(dir, { flushIntervalMs: -1 })).rejects.toThrow(
      'createSummaryWriter: flushIntervalMs must be a finite number >= 0, got -1.',
    );
    await expect(createSummaryWriter('', {})).rejects.toThrow(InvalidArgumentError);
    await expect(createSummaryWriter(dir, { scalarEncoding: 'f64' as 'tensor' })).rejects.toThrow(
      /scalarEncoding must be one of 'simple-value', 'tensor'/,
    );
    await expect(createSummaryWriter(dir, { filenameSuffix: '/x' })).rejects.toThrow(
      /filenameSuffix must be a string without path separators/,
    );
    expect(fs.existsSync(dir)).toBe(false);
  });
});

describe('SummaryWriter round trip (writer -> file -> reader)', () => {
  it('reads back every summary kind with its step and wall time', async () => {
    const dir = freshDir();
    const writer = await createSummaryWriter(dir, { ...quiet, clock: steppingClock() });
    writer.scalar('loss', 0.5, 1);
    writer.scalar('loss', Number.NaN, 2);
    writer.scalar('loss', Number.POSITIVE_INFINITY, 3, { wallTime: 5 });
    writer.scalar('lr', 0.125, 1, { encoding: 'tensor', description: 'learning rate' });
    writer.scalars({ 'metrics/a': 1, 'metrics/b': -2 }, 4);
    writer.histogram('weights', [1, 2, 2, 3], 1);
    writer.histogram('weights', computeHistogram([10]), 2);
    const pixels = new Uint8Array([0, 64, 128, 255]);
    writer.image('digit', { width: 2, height: 2, channels: 1, data: pixels }, 1);
    writer.image(
      'batch',
      [1, 2, 3, 4].map((v) => ({
        width: 1,
        height: 1,
        channels: 3 as const,
        data: new Uint8Array([v, v, v]),
      })),
      1,
      { maxOutputs: 2 },
    );
    writer.text('notes', '# Hello\n*markdown*', 0);
    writer.text(
      'table',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
      0,
    );
    writer.hparamsConfig({
      hparams: [{ name: 'lr', domain: { min: 0, max: 1 } }],
      metrics: [{ tag: 'loss' }],
      timeCreatedSecs: 100,
    });
    writer.hparams({ lr: 0.1, optimizer: 'adam', nesterov: true }, { startTimeSecs: 101 });
    writer.hparamsEnd({ status: 'success', endTimeSecs: 102 });
    expect(writer.pendingRecords).toBe(14);
    await writer.close();

    const run = await readRun(dir);
    expect(run.warnings).toEqual([]);
    const [header, ...events] = run.events;
    expect(header!.fileVersion).toBe('brain.Event:2');
    const flat = events.map((e) => ({
      step: e.step,
      wallTime: e.wallTime,
      summaries: e.summaries,
    }));
    expect(flat[0]).toEqual({
      step: 1,
      wallTime: 1700000001,
      summaries: [{ kind: 'scalar', tag: 'loss', value: 0.5 }],
    });
    expect(flat[1]!.summaries[0]).toEqual({ kind: 'scalar', tag: 'loss', value: Number.NaN });
    expect(flat[2]).toEqual({
      step: 3,
      wallTime: 5,
      summaries: [{ kind: 'scalar', tag: 'loss', value: Number.POSITIVE_INFINITY }],
    });
    expect(flat[3]!.summaries).toEqual([{ kind: 'scalar', tag: 'lr', value: 0.125 }]);
    expect(flat[4]!.summaries).toEqual([
      { kind: 'scalar', tag: 'metrics/a', value: 1 },
      { kind: 'scalar', tag: 'metrics/b', value: -2 },
    ]);
    expect(flat[5]!.summaries).toEqual([
      { kind: 'histogram', tag: 'weights', histogram: computeHistogram([1, 2, 2, 3]) },
    ]);
    expect(flat[6]!.summaries).toEqual([
      { kind: 'histogram', tag: 'weights', histogram: computeHistogram([10]) },
    ]);
    const digit = flat[7]!.summaries[0]!;
    expect(digit).toMatchObject({ kind: 'image', tag: 'digit', width: 2, height: 2 });
    if (digit.kind !== 'image') throw new Error('expected an image');
    expect([...decode(digit.images[0]!).data]).toEqual([...pixels]);
    const batch = flat[8]!.summaries[0]!;
    if (batch.kind !== 'image') throw new Error('expected an image');
    expect(batch.images.map((png) => decode(png).data[0])).toEqual([1, 2]);
    expect(flat[9]!.summaries).toEqual([
      { kind: 'text', tag: 'notes', shape: [], text: ['# Hello\n*markdown*'] },
    ]);
    expect(flat[10]!.summaries).toEqual([
      { kind: 'text', tag: 'table', shape: [2, 2], text: ['a', 'b', '1', '2'] },
    ]);
    expect(flat[11]!.summaries).toEqual([
      {
        kind: 'hparams',
        tag: '_hparams_/experiment',
        data: {
          kind: 'experiment',
          experiment: {
            hparams: [{ name: 'lr', type: 'number', domain: { min: 0, max: 1 } }],
            metrics: [{ tag: 'loss', group: '' }],
            timeCreatedSecs: 100,
          },
        },
      },
    ]);
    expect(flat[12]!.summaries).toEqual([
      {
        kind: 'hparams',
        tag: '_hparams_/session_start_info',
        data: {
          kind: 'session-start',
          sessionStart: {
            hparams: { lr: 0.1, optimizer: 'adam', nesterov: true },
            startTimeSecs: 101,
          },
        },
      },
    ]);
    expect(flat[13]!.summaries).toEqual([
      {
        kind: 'hparams',
        tag: '_hparams_/session_end_info',
        data: { kind: 'session-end', sessionEnd: { status: 'success', endTimeSecs: 102 } },
      },
    ]);
    expect(
      scalarSeries(run.events)
        .get('loss')!
        .map((p) => p.step),
    ).toEqual([1, 2, 3]);
  });

  it('writes a tag’s metadata with its first value only, and the reader applies it to later values', async () => {
    const dir = freshDir();
    const writer = await createSummaryWriter(dir, quiet);
    writer.text('notes', 'one', 0);
    writer.text('notes', 'two', 1);
    writer.scalar('lr', 1, 0, { encoding: 'tensor' });
    writer.scalar('lr', 2, 1, { encoding: 'tensor' });
    await writer.close();
    const bytes = new Uint8Array(fs.readFileSync(writer.path));
    const raw = parseRecords(bytes).records.map((r) => decodeEvent(r.payload));
    expect(raw.map((e) => e.summary?.[0]?.metadata?.pluginName)).toEqual([
      undefined, // file_version
      'text',
      undefined,
      'scalars',
      undefined,
    ]);
    const { events } = parseEventFile(bytes);
    expect(events.slice(1).map((e) => e.summaries[0])).toEqual([
      { kind: 'text', tag: 'notes', shape: [], text: ['one'] },
      { kind: 'text', tag: 'notes', shape: [], text: ['two'] },
      { kind: 'scalar', tag: 'lr', value: 1 },
      { kind: 'scalar', tag: 'lr', value: 2 },
    ]);
  });

  it('writes prepared summary values with writeSummary', async () => {
    const dir = freshDir();
    const writer = await createSummaryWriter(dir, quiet);
    writer.writeSummary([textValue('a', 'x'), textValue('b', 'y')], 7);
    await writer.close();
    const { events } = await readEventFile(writer.path);
    expect(events[1]).toMatchObject({ step: 7, summaries: [{ tag: 'a' }, { tag: 'b' }] });
  });
});

describe('SummaryWriter input validation', () => {
  let writer: SummaryWriter;
  beforeAll(async () => {
    writer = await createSummaryWriter(freshDir(), quiet);
  });
  afterAll(async () => {
    await writer.close();
  });

  it('rejects bad steps, tags and values with typed errors and buffers nothing', () => {
    const before = writer.pendingRecords;
    expect(() => writer.scalar('loss', 1, -1)).toThrow(InvalidArgumentError);
    expect(() => writer.scalar('loss', 1, -1)).toThrow(
      'SummaryWriter.scalar: step must be an integer >= 0 (at most 2^53 - 1), got -1.',
    );
    expect(() => writer.scalar('loss', 1, 0.5)).toThrow(
      /step must be an integer >= 0 .* got 0\.5\. Round it/,
    );
    expect(() => writer.histogram('w', [1], Number.NaN)).toThrow(
      /SummaryWriter\.histogram: step must be/,
    );
    expect(() => writer.scalar('', 1, 0)).toThrow(
      'scalarValue: tag must be a non-empty string, got "". Use e.g. \'tag\'.',
    );
    expect(() => writer.text('bad\ttag', 'x', 0)).toThrow(/tag must be free of control characters/);
    expect(() => writer.scalar('x', '1' as unknown as number, 0)).toThrow(/value must be a number/);
    expect(() =>
      writer.image('img', { width: 3, height: 3, channels: 1, data: new Uint8Array(8) }, 0),
    ).toThrow(ShapeMismatchError);
    expect(() => writer.scalar('x', 1, 0, { wallTime: -5 })).toThrow(
      /SummaryWriter\.scalar: wallTime must be a finite number >= 0, got -5/,
    );
    expect(writer.pendingRecords).toBe(before);
  });

  it('refuses to reuse a tag for another kind of data', () => {
    writer.scalar('shared', 1, 0);
    expect(() => writer.text('shared', 'x', 0)).toThrow(
      'SummaryWriter.text: tag must be a tag not already used for scalars, got "shared". TensorBoard keeps one kind of data per tag and run: choose another tag.',
    );
  });
});

describe('SummaryWriter buffering', () => {
  it('writes nothing until flushed, then whole records', async () => {
    const dir = freshDir();
    const writer = await createSummaryWriter(dir, quiet);
    const headerSize = fs.statSync(writer.path).size;
    for (let i = 0; i < 100; i++) writer.scalar('x', i, i);
    expect(fs.statSync(writer.path).size).toBe(headerSize);
    expect(writer.pendingRecords).toBe(100);
    await writer.flush();
    expect(writer.pendingRecords).toBe(0);
    const { events, warnings } = await readEventFile(writer.path);
    expect(warnings).toEqual([]);
    expect(events).toHaveLength(101);
    await writer.close();
  });

  it('flushes in the background every flushIntervalMs', async () => {
    const dir = freshDir();
    const writer = await createSummaryWriter(dir, { flushIntervalMs: 10, flushOnExit: false });
    writer.scalar('x', 1, 0);
    await vi.waitFor(() => expect(writer.pendingRecords).toBe(0), { timeout: 5000 });
    expect((await readEventFile(writer.path)).events).toHaveLength(2);
    await writer.close();
  });

  it('flushes in the background when the buffer exceeds maxBufferedBytes', async () => {
    const memory = new MemoryFileSystem();
    const writer = await createSummaryWriter('logs', {
      ...quiet,
      fileSystem: memory,
      maxBufferedBytes: 200,
    });
    for (let i = 0; i < 10; i++) writer.scalar('x', i, i);
    await vi.waitFor(() =>
      expect(parseEventFile(memory.files.get(writer.path)!).events.length).toBeGreaterThan(1),
    );
    await writer.close();
    expect(parseEventFile(memory.files.get(writer.path)!).events).toHaveLength(11);
  });

  it('keeps records logged during a flush, in order', async () => {
    const memory = new MemoryFileSystem();
    const writer = await createSummaryWriter('logs', { ...quiet, fileSystem: memory });
    writer.scalar('x', 0, 0);
    const first = writer.flush();
    writer.scalar('x', 1, 1);
    const second = writer.flush();
    writer.scalar('x', 2, 2);
    await Promise.all([first, second]);
    await writer.close();
    const { events } = parseEventFile(memory.files.get(writer.path)!);
    expect(events.slice(1).map((e) => e.step)).toEqual([0, 1, 2]);
  });

  it('fsyncs after each flush when asked', async () => {
    const memory = new MemoryFileSystem();
    const writer = await createSummaryWriter('logs', { ...quiet, fileSystem: memory, fsync: true });
    writer.scalar('x', 0, 0);
    await writer.flush();
    expect(memory.syncCalls).toBe(1);
    await writer.close();
  });

  it('installs one process exit listener that writes what is buffered', async () => {
    const before = process.listeners('exit');
    const memory = new MemoryFileSystem();
    const first = await createSummaryWriter('a', { flushIntervalMs: 0, fileSystem: memory });
    const second = await createSummaryWriter('b', { flushIntervalMs: 0, fileSystem: memory });
    const added = process.listeners('exit').filter((listener) => !before.includes(listener));
    expect(added).toHaveLength(1);
    first.scalar('x', 1, 1);
    second.scalar('y', 2, 2);
    (added[0] as () => void)();
    expect(parseEventFile(memory.files.get(first.path)!).events.map((e) => e.step)).toEqual([0, 1]);
    expect(parseEventFile(memory.files.get(second.path)!).events.map((e) => e.step)).toEqual([
      0, 2,
    ]);
    await Promise.all([first.close(), second.close()]);
  });

  it('writes what is buffered at process exit (synchronously)', async () => {
    const memory = new MemoryFileSystem();
    const writer = await createSummaryWriter('logs', { ...quiet, fileSystem: memory });
    writer.scalar('x', 3, 3);
    (writer as unknown as { flushAtExit(): void }).flushAtExit();
    const { events } = parseEventFile(memory.files.get(writer.path)!);
    expect(events.map((e) => e.step)).toEqual([0, 3]);
  });
});

describe('SummaryWriter close', () => {
  it('flushes, closes, and then refuses to log with WriterClosedError', async () => {
    const writer = await createSummaryWriter(freshDir(), quiet);
    writer.scalar('x', 1, 0);
    await writer.close();
    await writer.close(); // idempotent
    expect((await readEventFile(writer.path)).events).toHaveLength(2);
    expect(() => writer.scalar('x', 1, 1)).toThrow(WriterClosedError);
    expect(() => writer.scalar('x', 1, 1)).toThrow(
      `SummaryWriter.scalar: the writer of ${writer.path} is closed. Create a new writer with createSummaryWriter() to log more.`,
    );
    await expect(writer.flush()).rejects.toThrow(WriterClosedError);
  });
});

describe('SummaryWriter write errors', () => {
  it('cuts a partial write back to the last whole record, keeps the batch, and retries it', async () => {
    const memory = new MemoryFileSystem();
    const writer = await createSummaryWriter('logs', { ...quiet, fileSystem: memory });
    writer.scalar('x', 0, 0);
    await writer.flush();
    const goodBytes = memory.files.get(writer.path)!.slice();
    writer.scalar('x', 1, 1);
    writer.scalar('x', 2, 2);
    memory.faults.write = { code: 'ENOSPC', partialBytes: 7 };
    const error = await writer.flush().catch((e: unknown) => e);
    expect(EventWriteError.isInstance(error)).toBe(true);
    expect(error).toBeInstanceOf(EventWriteError);
    const writeError = error as EventWriteError;
    expect(writeError.code).toBe('ENOSPC');
    expect(writeError.operation).toBe('write');
    expect((writeError.cause as { code: string }).code).toBe('ENOSPC');
    expect(writeError.message).toBe(
      `SummaryWriter: cannot write ${writer.path} (ENOSPC): ENOSPC: write '${writer.path}'. ` +
        '2 record(s) are still buffered and the file holds only whole records. ' +
        'Free disk space (or raise the quota), then call flush() again to retry.',
    );
    // The 7 bytes of the short write were cut off again.
    expect([...memory.files.get(writer.path)!]).toEqual([...goodBytes]);
    expect(parseEventFile(memory.files.get(writer.path)!).warnings).toEqual([]);
    // The failure surfaces from the logging methods until a flush succeeds.
    expect(() => writer.scalar('x', 3, 3)).toThrow(EventWriteError);
    expect(writer.pendingRecords).toBe(2);
    await expect(writer.flush()).rejects.toThrow(EventWriteError);
    memory.heal();
    await writer.flush();
    writer.scalar('x', 3, 3);
    await writer.close();
    const { events, warnings } = parseEventFile(memory.files.get(writer.path)!);
    expect(warnings).toEqual([]);
    expect(events.map((e) => e.step)).toEqual([0, 0, 1, 2, 3]);
  });

  it('moves on to a new file when a torn tail cannot be cut off; the reader skips the tail', async () => {
    const memory = new MemoryFileSystem();
    const writer = await createSummaryWriter('logs', { ...quiet, fileSystem: memory });
    writer.scalar('x', 0, 0);
    await writer.flush();
    const firstPath = writer.path;
    writer.scalar('x', 1, 1);
    memory.faults.write = { code: 'EIO', partialBytes: 5 };
    memory.faults.truncate = 'EIO';
    await expect(writer.flush()).rejects.toThrow(/cannot write .* \(EIO\)/);
    memory.heal();
    await writer.flush();
    writer.scalar('x', 2, 2);
    await writer.close();
    expect(writer.path).not.toBe(firstPath);
    const first = parseEventFile(memory.files.get(firstPath)!);
    expect(first.events.map((e) => e.step)).toEqual([0, 0]);
    expect(first.warnings).toEqual([expect.objectContaining({ kind: 'truncated-tail' })]);
    const second = parseEventFile(memory.files.get(writer.path)!);
    expect(second.events[0]!.fileVersion).toBe('brain.Event:2');
    expect(second.events.slice(1).map((e) => e.step)).toEqual([1, 2]);
    expect(second.warnings).toEqual([]);
  });

  it('surfaces a real ENOSPC (/dev/full) without corrupting the file', async () => {
    const node = await nodeFileSystem();
    const full = fs.openSync('/dev/full', 'w');
    // The header goes to a real file; every later write goes to /dev/full.
    const fileSystem: EventFileSystem = {
      ...node,
      async createExclusive(file) {
        const real = await node.createExclusive(file);
        const handle: EventFileHandle = {
          ...real,
          async write(bytes, position) {
            if (position === 0) return real.write(bytes, position);
            return fs.writeSync(full, bytes);
          },
        };
        return handle;
      },
    };
    const writer = await createSummaryWriter(freshDir(), { ...quiet, fileSystem });
    writer.scalar('x', 1, 1);
    const error = await writer.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventWriteError);
    expect((error as EventWriteError).code).toBe('ENOSPC');
    expect((error as EventWriteError).cause).toBeInstanceOf(Error);
    await expect(writer.close()).rejects.toThrow(EventWriteError);
    fs.closeSync(full);
    const { events, warnings } = await readEventFile(writer.path);
    expect(warnings).toEqual([]);
    expect(events.map((e) => e.fileVersion)).toEqual(['brain.Event:2']);
  });

  it('surfaces a directory it may not write to as a typed error with the system error as cause', async () => {
    // Root ignores file modes, so as root use /sys (a kernel file system that refuses mkdir).
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    let dir: string;
    if (isRoot) {
      dir = '/sys/trainkit-tensorboard-test';
    } else {
      const locked = freshDir();
      fs.mkdirSync(locked, { mode: 0o555 });
      dir = path.join(locked, 'train');
    }
    const error = await createSummaryWriter(dir, quiet).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventWriteError);
    const writeError = error as EventWriteError;
    expect(['EACCES', 'EPERM', 'EROFS']).toContain(writeError.code);
    expect(writeError.operation).toBe('mkdir');
    expect(writeError.message).toMatch(
      /^SummaryWriter: cannot mkdir .* \((EACCES|EPERM|EROFS)\): .*Choose a log directory you can write to, or fix its permissions\.$/,
    );
    expect((writeError.cause as { code: string }).code).toBe(writeError.code);
  });

  it('reports a file in the way of the log directory (ENOTDIR) and EACCES from an injected file system', async () => {
    const file = path.join(freshDir(), 'plain-file');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'x');
    await expect(createSummaryWriter(path.join(file, 'train'), quiet)).rejects.toMatchObject({
      name: 'EventWriteError',
      code: 'ENOTDIR',
      operation: 'mkdir',
    });
    const memory = new MemoryFileSystem();
    memory.faults.create = 'EACCES';
    await expect(
      createSummaryWriter('logs', { ...quiet, fileSystem: memory }),
    ).rejects.toMatchObject({
      name: 'EventWriteError',
      code: 'EACCES',
      operation: 'open',
    });
    expect(memory.files.size).toBe(0);
  });

  it('removes a new file whose first record cannot be written', async () => {
    const memory = new MemoryFileSystem();
    memory.faults.write = { code: 'ENOSPC', partialBytes: 3 };
    await expect(
      createSummaryWriter('logs', { ...quiet, fileSystem: memory }),
    ).rejects.toMatchObject({
      code: 'ENOSPC',
    });
    expect(memory.files.size).toBe(0);
  });
});
