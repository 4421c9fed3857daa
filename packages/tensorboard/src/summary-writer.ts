/**
 * A buffered writer of one TensorBoard event file per run directory.
 */

import { checkArguments, TrainkitError } from '@trainkit/core';
import { EventWriteError, type EventWriteOperation, WriterClosedError } from './errors';
import {
  type EventData,
  fileVersion,
  type HistogramData,
  type SummaryValue,
  writeEvent,
  writeSimpleScalarEvent,
} from './event-codec';
import { eventFileName } from './event-file-name';
import type { EventFileHandle, EventFileSystem } from './event-file-system';
import {
  type HParamsExperiment,
  type HParamsSessionEnd,
  type HParamsSessionStart,
  type HParamValue,
  hparamsExperimentValue,
  hparamsPluginName,
  hparamsSessionEndValue,
  hparamsSessionStartValue,
} from './hparams';
import type { ImageInput } from './image';
import { ProtoWriter, utf8Encode } from './protobuf';
import {
  histogramValue,
  type ImageOptions,
  imageValue,
  pluginNames,
  type ScalarEncoding,
  type ScalarOptions,
  type SummaryOptions,
  scalarValue,
  type TextInput,
  textValue,
} from './summary-values';
import { validateStep, validateTag } from './tags';
import { beginRecord, endRecord } from './tfrecord';

/** Options of {@link createSummaryWriter}. */
export interface SummaryWriterOptions {
  /**
   * Buffered records are written at most this many milliseconds after they were
   * logged (a background flush). Default 2000. `0` turns the timer off: records
   * are written by {@link SummaryWriter.flush}, {@link SummaryWriter.close}, when
   * the buffer exceeds `maxBufferedBytes`, and at process exit.
   */
  readonly flushIntervalMs?: number;
  /** A background flush starts when this many bytes are buffered. Default 1 MiB. */
  readonly maxBufferedBytes?: number;
  /**
   * Write what is still buffered when the Node process exits normally
   * (`process.on('exit')`, synchronously). Default true. Signals that kill the
   * process skip it; the file then lacks the unflushed records but stays valid.
   */
  readonly flushOnExit?: boolean;
  /** `fsync` after every flush, so flushed records survive an OS crash. Default false. */
  readonly fsync?: boolean;
  /** How scalars are stored; see {@link ScalarOptions.encoding}. Default `simple-value`. */
  readonly scalarEncoding?: ScalarEncoding;
  /** The wall clock, in seconds since the Unix epoch. Default `Date.now() / 1000`. */
  readonly clock?: () => number;
  /**
   * File operations. Required from the main entry, which works in any runtime
   * (e.g. {@link memoryFileSystem}); `createSummaryWriter` from
   * `@trainkit/tensorboard/node` defaults to Node's file system.
   */
  readonly fileSystem?: EventFileSystem;
  /** Host name in the file name. Default `localhost` (`os.hostname()` from `@trainkit/tensorboard/node`). */
  readonly hostname?: string;
  /** Process id in the file name. Default `process.pid` where there is one, else 0. */
  readonly pid?: number;
  /** Appended to the file name (e.g. `.v2`). Default none. */
  readonly filenameSuffix?: string;
}

/** Per-call options of the writer's methods. */
export interface WriteOptions {
  /** Wall time of this event, seconds since the Unix epoch. Default: the writer's clock. */
  readonly wallTime?: number;
}

/**
 * Writes TensorBoard summaries of one run into one event file.
 *
 * Logging methods are synchronous: they validate, encode and buffer one event
 * (throwing typed errors on bad input, nothing buffered then). The file is
 * written by background flushes, {@link SummaryWriter.flush} and
 * {@link SummaryWriter.close}.
 */
export interface SummaryWriter {
  /** The run directory. */
  readonly logdir: string;
  /** The event file currently written. */
  readonly path: string;
  /** Records buffered and not yet written. */
  readonly pendingRecords: number;

  /**
   * Logs a scalar. NaN and ±Infinity are written as float32 NaN/±Inf.
   * @example writer.scalar('epoch_loss', 0.31, 3);
   */
  scalar(tag: string, value: number, step: number, options?: ScalarOptions & WriteOptions): void;
  /**
   * Logs several scalars of one step in one event.
   * @example writer.scalars({ loss: 0.3, accuracy: 0.91 }, 3);
   */
  scalars(values: Readonly<Record<string, number>>, step: number, options?: WriteOptions): void;
  /**
   * Logs a histogram of values (TensorFlow's default buckets) or a precomputed one.
   * @example writer.histogram('dense/kernel', weights, epoch);
   */
  histogram(
    tag: string,
    values: ArrayLike<number> | HistogramData,
    step: number,
    options?: SummaryOptions & WriteOptions,
  ): void;
  /**
   * Logs one image or a batch (the first `maxOutputs`, default 3) as PNG.
   * @example writer.image('digits', [{ width: 28, height: 28, channels: 1, data }], step);
   */
  image(
    tag: string,
    images: ImageInput | readonly ImageInput[],
    step: number,
    options?: ImageOptions & WriteOptions,
  ): void;
  /**
   * Logs Markdown text, a list, or a table (rows of cells).
   * @example writer.text('notes', 'lr **0.01**', 0);
   */
  text(tag: string, text: TextInput, step: number, options?: SummaryOptions & WriteOptions): void;
  /**
   * Logs the hparams experiment: the hyperparameters and metrics TensorBoard
   * offers as columns. Write it once, usually in the log directory root.
   * @example writer.hparamsConfig({ hparams: [{ name: 'lr' }], metrics: [{ tag: 'epoch_loss', group: 'validation' }] });
   */
  hparamsConfig(experiment: HParamsExperiment, options?: WriteOptions): void;
  /**
   * Logs this run's hyperparameter values (an hparams session start).
   * @example writer.hparams({ lr: 0.01, optimizer: 'adam' });
   */
  hparams(
    values: Readonly<Record<string, HParamValue>>,
    options?: Omit<HParamsSessionStart, 'hparams'> & WriteOptions,
  ): void;
  /**
   * Logs the end of this run's hparams session.
   * @example writer.hparamsEnd({ status: 'success' });
   */
  hparamsEnd(options?: Partial<HParamsSessionEnd> & WriteOptions): void;
  /**
   * Logs prepared summary values (from `scalarValue`, `imageValue`, ...) in one event.
   * @example writer.writeSummary([scalarValue('a', 1), textValue('b', 'x')], 0);
   */
  writeSummary(values: readonly SummaryValue[], step: number, options?: WriteOptions): void;
  /** Writes everything buffered; rejects with {@link EventWriteError} (records stay buffered for a retry). */
  flush(): Promise<void>;
  /**
   * Flushes and closes the file. The writer is closed afterwards even when the
   * last flush fails (it then rejects; the file holds only whole records).
   */
  close(): Promise<void>;
}

const openWriters = new Set<EventFileWriter>();
let exitHookInstalled = false;
let fileCounter = 0;

function installExitHook(): void {
  if (exitHookInstalled) return;
  const nodeProcess = (globalThis as { process?: NodeJS.Process }).process;
  if (nodeProcess === undefined || typeof nodeProcess.on !== 'function') return;
  nodeProcess.on('exit', () => {
    for (const writer of openWriters) writer.flushAtExit();
  });
  exitHookInstalled = true;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

interface ResolvedOptions {
  readonly flushIntervalMs: number;
  readonly maxBufferedBytes: number;
  readonly flushOnExit: boolean;
  readonly fsync: boolean;
  readonly scalarEncoding: ScalarEncoding;
  readonly clock: () => number;
  readonly fileSystem: EventFileSystem;
  readonly hostname: string;
  readonly pid: number;
  readonly filenameSuffix: string;
}

class EventFileWriter implements SummaryWriter {
  readonly logdir: string;
  path = '';
  private readonly options: ResolvedOptions;
  private handle: EventFileHandle | undefined;
  /** Bytes of whole records in the file. */
  private committed = 0;
  private active = new ProtoWriter(64 * 1024);
  private activeRecords = 0;
  private spare = new ProtoWriter(64 * 1024);
  private inFlight: ProtoWriter | undefined;
  private failure: EventWriteError | undefined;
  private needsNewFile = false;
  private closed = false;
  private chain: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setInterval> | undefined;
  /** A background flush is queued or running. */
  private flushScheduled = false;
  /** Tag -> plugin that owns it, for tags already checked. */
  private readonly tagPlugins = new Map<string, string>();
  /** Tags whose metadata was already written. */
  private readonly tagsWithMetadata = new Set<string>();
  /** UTF-8 bytes of validated scalar tags, for the scalar hot path. */
  private readonly simpleScalarTags = new Map<string, Uint8Array>();

  constructor(logdir: string, options: ResolvedOptions) {
    this.logdir = logdir;
    this.options = options;
  }

  get pendingRecords(): number {
    return this.activeRecords;
  }

  /** Creates the directory and the file and writes the `file_version` record. */
  async open(): Promise<void> {
    try {
      await this.options.fileSystem.mkdir(this.logdir);
    } catch (cause) {
      throw this.writeError('mkdir', cause, this.logdir);
    }
    await this.openNewFile();
    if (this.options.flushIntervalMs > 0) {
      this.timer = setInterval(() => {
        if (this.activeRecords > 0) this.backgroundFlush();
      }, this.options.flushIntervalMs);
      (this.timer as { unref?: () => void }).unref?.();
    }
    openWriters.add(this);
    if (this.options.flushOnExit) installExitHook();
  }

  private async openNewFile(): Promise<void> {
    const { fileSystem, clock, hostname, pid, filenameSuffix } = this.options;
    const now = clock();
    let handle: EventFileHandle | undefined;
    let path = '';
    for (let attempt = 0; handle === undefined; attempt++) {
      path = fileSystem.join(
        this.logdir,
        eventFileName({
          seconds: Math.floor(now),
          hostname,
          pid,
          counter: fileCounter++,
          suffix: filenameSuffix,
        }),
      );
      try {
        handle = await fileSystem.createExclusive(path);
      } catch (cause) {
        if (errorCode(cause) !== 'EEXIST' || attempt >= 100) {
          throw this.writeError('open', cause, path);
        }
      }
    }
    const header = new ProtoWriter(64);
    const start = beginRecord(header);
    writeEvent(header, { wallTime: now, step: 0, fileVersion });
    endRecord(header, start);
    try {
      await this.writeFully(handle, header.bytes.subarray(0, header.length), 0);
    } catch (cause) {
      // Leave nothing half-written behind.
      await handle.close().catch(() => undefined);
      await fileSystem.remove?.(path).catch(() => undefined);
      throw this.writeError('write', cause, path);
    }
    const previous = this.handle;
    this.handle = handle;
    this.path = path;
    this.committed = header.length;
    this.needsNewFile = false;
    if (previous !== undefined) await previous.close().catch(() => undefined);
  }

  private async writeFully(
    handle: EventFileHandle,
    bytes: Uint8Array,
    position: number,
  ): Promise<void> {
    let written = 0;
    while (written < bytes.length) {
      const count = await handle.write(bytes.subarray(written), position + written);
      if (!(count > 0)) {
        // The file system made no progress: report it as the cause of an EventWriteError.
        throw new TrainkitError(
          `the file system's write returned ${count} bytes at byte ${position + written}`,
        );
      }
      written += count;
    }
  }

  private writeError(
    operation: EventWriteOperation,
    cause: unknown,
    path = this.path,
  ): EventWriteError {
    return new EventWriteError({
      functionName: 'SummaryWriter',
      path,
      operation,
      code: errorCode(cause),
      pendingRecords: this.activeRecords,
      cause,
    });
  }

  private assertWritable(method: string): void {
    if (this.closed) throw new WriterClosedError(`SummaryWriter.${method}`, this.path);
    if (this.failure !== undefined) throw this.failure;
  }

  private wallTime(method: string, options: WriteOptions | undefined): number {
    const wallTime = options?.wallTime;
    if (wallTime === undefined) return this.options.clock();
    return checkArguments(`SummaryWriter.${method}`).nonNegative('wallTime', wallTime);
  }

  /** Checks that a tag keeps one plugin within this writer. */
  private claimTag(method: string, tag: string, plugin: string): void {
    const owner = this.tagPlugins.get(tag);
    if (owner === plugin) return;
    if (owner !== undefined) {
      checkArguments(`SummaryWriter.${method}`).fail(
        'tag',
        tag,
        `a tag not already used for ${owner}`,
        'TensorBoard keeps one kind of data per tag and run: choose another tag.',
      );
    }
    this.tagPlugins.set(tag, plugin);
  }

  private append(
    method: string,
    values: readonly SummaryValue[],
    step: number,
    wallTime: number,
  ): void {
    const summary: SummaryValue[] = [];
    for (const value of values) {
      const plugin =
        value.metadata?.pluginName ??
        (value.content.kind === 'simple'
          ? pluginNames.scalars
          : value.content.kind === 'histogram'
            ? pluginNames.histograms
            : value.content.kind === 'image'
              ? pluginNames.images
              : // A tensor without metadata belongs to whoever wrote the tag's metadata.
                (this.tagPlugins.get(value.tag) ?? ''));
      this.claimTag(method, value.tag, plugin);
      if (value.metadata !== undefined && this.tagsWithMetadata.has(value.tag)) {
        summary.push({ tag: value.tag, content: value.content });
      } else {
        summary.push(value);
      }
    }
    const event: EventData = { wallTime, step, summary };
    const start = beginRecord(this.active);
    try {
      writeEvent(this.active, event);
      endRecord(this.active, start);
    } catch (error) {
      this.active.length = start;
      throw error;
    }
    for (const value of values) {
      if (value.metadata !== undefined) this.tagsWithMetadata.add(value.tag);
    }
    this.afterAppend();
  }

  /** Counts a buffered record and starts a background flush when the buffer is full. */
  private afterAppend(): void {
    this.activeRecords++;
    if (
      this.active.length >= this.options.maxBufferedBytes &&
      !this.flushScheduled &&
      this.failure === undefined
    ) {
      this.backgroundFlush();
    }
  }

  scalar(tag: string, value: number, step: number, options?: ScalarOptions & WriteOptions): void {
    this.assertWritable('scalar');
    validateStep('SummaryWriter.scalar', step);
    const wallTime = this.wallTime('scalar', options);
    const plain =
      (options?.encoding ?? this.options.scalarEncoding) === 'simple-value' &&
      options?.description === undefined &&
      options?.displayName === undefined;
    const tagBytes = plain ? this.simpleScalarTags.get(tag) : undefined;
    if (tagBytes !== undefined && typeof value === 'number') {
      // Hot path: a scalar tag seen before, written as simple_value without metadata.
      const writer = this.active;
      const start = beginRecord(writer);
      writeSimpleScalarEvent(writer, wallTime, step, tagBytes, value);
      endRecord(writer, start);
      this.afterAppend();
      return;
    }
    const encoding = options?.encoding ?? this.options.scalarEncoding;
    const summaryValue = scalarValue(tag, value, { ...options, encoding });
    this.append('scalar', [summaryValue], step, wallTime);
    if (summaryValue.content.kind === 'simple' && !this.simpleScalarTags.has(tag)) {
      this.simpleScalarTags.set(tag, utf8Encode(tag));
    }
  }

  scalars(values: Readonly<Record<string, number>>, step: number, options?: WriteOptions): void {
    this.assertWritable('scalars');
    validateStep('SummaryWriter.scalars', step);
    if (typeof values !== 'object' || values === null) {
      checkArguments('SummaryWriter.scalars').fail('values', values, 'an object of tag -> number');
    }
    const wallTime = this.wallTime('scalars', options);
    const encoding = this.options.scalarEncoding;
    const summary = Object.entries(values).map(([tag, value]) =>
      scalarValue(tag, value, { encoding }),
    );
    if (summary.length === 0) return;
    this.append('scalars', summary, step, wallTime);
  }

  histogram(
    tag: string,
    values: ArrayLike<number> | HistogramData,
    step: number,
    options?: SummaryOptions & WriteOptions,
  ): void {
    this.assertWritable('histogram');
    validateStep('SummaryWriter.histogram', step);
    const wallTime = this.wallTime('histogram', options);
    this.append('histogram', [histogramValue(tag, values, options)], step, wallTime);
  }

  image(
    tag: string,
    images: ImageInput | readonly ImageInput[],
    step: number,
    options?: ImageOptions & WriteOptions,
  ): void {
    this.assertWritable('image');
    validateStep('SummaryWriter.image', step);
    const wallTime = this.wallTime('image', options);
    this.append('image', [imageValue(tag, images, options)], step, wallTime);
  }

  text(tag: string, text: TextInput, step: number, options?: SummaryOptions & WriteOptions): void {
    this.assertWritable('text');
    validateStep('SummaryWriter.text', step);
    const wallTime = this.wallTime('text', options);
    this.append('text', [textValue(tag, text, options)], step, wallTime);
  }

  hparamsConfig(experiment: HParamsExperiment, options?: WriteOptions): void {
    this.assertWritable('hparamsConfig');
    const wallTime = this.wallTime('hparamsConfig', options);
    const value = hparamsExperimentValue({
      ...experiment,
      timeCreatedSecs: experiment?.timeCreatedSecs ?? wallTime,
    });
    this.append('hparamsConfig', [value], 0, wallTime);
  }

  hparams(
    values: Readonly<Record<string, HParamValue>>,
    options?: Omit<HParamsSessionStart, 'hparams'> & WriteOptions,
  ): void {
    this.assertWritable('hparams');
    const wallTime = this.wallTime('hparams', options);
    const value = hparamsSessionStartValue({
      hparams: values,
      ...(options?.groupName === undefined ? {} : { groupName: options.groupName }),
      ...(options?.modelUri === undefined ? {} : { modelUri: options.modelUri }),
      ...(options?.monitorUrl === undefined ? {} : { monitorUrl: options.monitorUrl }),
      startTimeSecs: options?.startTimeSecs ?? wallTime,
    });
    this.append('hparams', [value], 0, wallTime);
  }

  hparamsEnd(options?: Partial<HParamsSessionEnd> & WriteOptions): void {
    this.assertWritable('hparamsEnd');
    const wallTime = this.wallTime('hparamsEnd', options);
    const value = hparamsSessionEndValue({
      status: options?.status ?? 'success',
      endTimeSecs: options?.endTimeSecs ?? wallTime,
    });
    this.append('hparamsEnd', [value], 0, wallTime);
  }

  writeSummary(values: readonly SummaryValue[], step: number, options?: WriteOptions): void {
    this.assertWritable('writeSummary');
    validateStep('SummaryWriter.writeSummary', step);
    const check = checkArguments('SummaryWriter.writeSummary');
    if (!Array.isArray(values)) check.fail('values', values, 'an array of summary values');
    for (const [i, value] of values.entries()) {
      if (value?.metadata?.pluginName !== hparamsPluginName) {
        validateTag('SummaryWriter.writeSummary', value?.tag, `values[${i}].tag`);
      }
    }
    const wallTime = this.wallTime('writeSummary', options);
    this.append('writeSummary', values, step, wallTime);
  }

  private backgroundFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // The error is kept in `failure` and surfaces from the next call.
    this.flush()
      .catch(() => undefined)
      .finally(() => {
        this.flushScheduled = false;
      });
  }

  flush(): Promise<void> {
    if (this.closed) return Promise.reject(new WriterClosedError('SummaryWriter.flush', this.path));
    const run = this.chain.then(() => this.flushNow());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async flushNow(): Promise<void> {
    if (this.activeRecords === 0) return;
    const chunk = this.active;
    const records = this.activeRecords;
    this.active = this.spare;
    this.activeRecords = 0;
    this.inFlight = chunk;
    let operation: EventWriteOperation = 'write';
    try {
      if (this.needsNewFile || this.handle === undefined) {
        operation = 'open';
        await this.openNewFile();
        operation = 'write';
      }
      const handle = this.handle!;
      await this.writeFully(handle, chunk.bytes.subarray(0, chunk.length), this.committed);
      if (this.options.fsync && handle.sync) {
        operation = 'sync';
        await handle.sync();
      }
      this.committed += chunk.length;
      chunk.reset();
      this.spare = chunk;
      this.inFlight = undefined;
      this.failure = undefined;
    } catch (cause) {
      // Put the unwritten chunk back in front of what was logged meanwhile.
      const later = this.active;
      chunk.ensure(later.length);
      chunk.bytes.set(later.bytes.subarray(0, later.length), chunk.length);
      chunk.length += later.length;
      later.reset();
      this.spare = later;
      this.active = chunk;
      this.activeRecords += records;
      this.inFlight = undefined;
      // Cut off a partial write so that the file ends with a whole record.
      if (operation !== 'open' && this.handle !== undefined) {
        try {
          await this.handle.truncate(this.committed);
        } catch {
          // The torn bytes stay at the end of this file, where readers ignore
          // them as a truncated tail; later records go to a new file.
          this.needsNewFile = true;
        }
      }
      const error = EventWriteError.isInstance(cause) ? cause : this.writeError(operation, cause);
      this.failure = error;
      throw error;
    }
  }

  /** Synchronous last-chance write at process exit. */
  flushAtExit(): void {
    if (this.closed || this.needsNewFile || this.handle?.writeSync === undefined) return;
    const parts = [this.inFlight, this.active].filter((p): p is ProtoWriter => p !== undefined);
    let position = this.committed;
    try {
      for (const part of parts) {
        let written = 0;
        while (written < part.length) {
          const count = this.handle.writeSync(
            part.bytes.subarray(written, part.length),
            position + written,
          );
          if (!(count > 0)) return;
          written += count;
        }
        position += part.length;
      }
    } catch {
      // Nothing more can be done while the process exits; the file keeps its whole records.
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    let failure: unknown;
    try {
      await this.flush();
    } catch (error) {
      failure = error;
    }
    this.closed = true;
    openWriters.delete(this);
    try {
      await this.handle?.close();
    } catch (cause) {
      failure ??= this.writeError('close', cause);
    }
    if (failure !== undefined) throw failure;
  }
}

type CheckedOptions = Omit<ResolvedOptions, 'fileSystem' | 'hostname' | 'pid'> & {
  readonly fileSystem: EventFileSystem | undefined;
  readonly hostname: string | undefined;
  readonly pid: number | undefined;
};

function resolveOptions(options: SummaryWriterOptions | undefined): CheckedOptions {
  const check = checkArguments('createSummaryWriter');
  const o = options ?? {};
  const clock = o.clock ?? (() => Date.now() / 1000);
  if (typeof clock !== 'function') check.callable('clock', clock);
  if (o.fileSystem !== undefined) {
    for (const method of ['mkdir', 'createExclusive', 'join'] as const) {
      if (typeof o.fileSystem?.[method] !== 'function') {
        check.fail(`fileSystem.${method}`, o.fileSystem?.[method], 'a function');
      }
    }
  }
  if (o.hostname !== undefined && (typeof o.hostname !== 'string' || o.hostname.length === 0)) {
    check.fail('hostname', o.hostname, 'a non-empty string');
  }
  if (
    o.filenameSuffix !== undefined &&
    (typeof o.filenameSuffix !== 'string' || /[/\\]/.test(o.filenameSuffix))
  ) {
    check.fail('filenameSuffix', o.filenameSuffix, 'a string without path separators');
  }
  return {
    flushIntervalMs: check.nonNegative('flushIntervalMs', o.flushIntervalMs ?? 2000),
    maxBufferedBytes: check.integer('maxBufferedBytes', o.maxBufferedBytes ?? 1024 * 1024, {
      min: 1,
    }),
    flushOnExit: check.boolean('flushOnExit', o.flushOnExit ?? true),
    fsync: check.boolean('fsync', o.fsync ?? false),
    scalarEncoding: check.oneOf('scalarEncoding', o.scalarEncoding ?? 'simple-value', [
      'simple-value',
      'tensor',
    ]),
    clock,
    filenameSuffix: o.filenameSuffix ?? '',
    fileSystem: o.fileSystem,
    hostname: o.hostname,
    pid: o.pid === undefined ? undefined : check.integer('pid', o.pid, { min: 0 }),
  };
}

/** The process id where the runtime has one (Node, Deno, Bun), else 0. */
function currentPid(): number {
  const pid = (globalThis as { process?: { pid?: unknown } }).process?.pid;
  return typeof pid === 'number' && Number.isInteger(pid) && pid >= 0 ? pid : 0;
}

/**
 * Throws the error for a missing `fileSystem` in the main entry.
 *
 * @internal
 */
export function missingFileSystem(functionName: string): never {
  return checkArguments(functionName).fail(
    'fileSystem',
    undefined,
    'an EventFileSystem',
    `In Node, import ${functionName} from '@trainkit/tensorboard/node' (it writes with node:fs); elsewhere pass one, e.g. { fileSystem: memoryFileSystem() }.`,
  );
}

/**
 * Opens a summary writer for one run directory: creates the directory and a new
 * event file `events.out.tfevents.<seconds>.<host>.<pid>.<n>` whose first record
 * is the `file_version` event `brain.Event:2`.
 *
 * Crash safety: records are buffered in memory and written whole, at the end of
 * the file, by one positional write per flush. If a write fails part-way the file
 * is cut back to its last whole record and the records stay buffered; a file is
 * never left with a partial record followed by others. A process that dies
 * during a write can leave a partial last record, which readers (TensorBoard and
 * {@link readEventFile}) skip as a truncated tail.
 *
 * This is the runtime-neutral writer: it needs `fileSystem`. In
 * Node, `createSummaryWriter` from `@trainkit/tensorboard/node` is the same
 * function with Node's file system, host name and process id as defaults.
 *
 * @param logdir - The run directory, e.g. `runs/exp1/train`. Created if missing.
 * @param options - The file system, flush interval, buffer size, clock, ...
 * @returns The writer.
 * @throws InvalidArgumentError for invalid options or a missing file system (before any I/O).
 * @throws EventWriteError when the directory or file cannot be created or written.
 *
 * @example
 * ```ts
 * import { createSummaryWriter, memoryFileSystem } from '@trainkit/tensorboard';
 *
 * const fileSystem = memoryFileSystem();
 * const writer = await createSummaryWriter('runs/exp1/train', { fileSystem });
 * for (let step = 0; step < 100; step++) writer.scalar('loss', Math.exp(-step / 30), step);
 * await writer.close();
 * fileSystem.files; // path -> the event file's bytes
 * ```
 */
export async function createSummaryWriter(
  logdir: string,
  options?: SummaryWriterOptions,
): Promise<SummaryWriter> {
  const check = checkArguments('createSummaryWriter');
  if (typeof logdir !== 'string' || logdir.length === 0) {
    check.fail('logdir', logdir, 'a non-empty directory path');
  }
  const resolved = resolveOptions(options);
  const fileSystem = resolved.fileSystem ?? missingFileSystem('createSummaryWriter');
  const writer = new EventFileWriter(logdir, {
    ...resolved,
    fileSystem,
    hostname: resolved.hostname ?? 'localhost',
    pid: resolved.pid ?? currentPid(),
  });
  await writer.open();
  return writer;
}
