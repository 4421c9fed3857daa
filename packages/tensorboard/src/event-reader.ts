/**
 * Reading event files back: TFRecord framing with both CRCs verified, `Event`
 * decoding, and interpretation of summary values as scalars, histograms,
 * images, text and hparams data. Pure (works on bytes); the Node file helpers
 * are in `read-event-files.ts`.
 */

import { checkArguments } from '@trainkit/core';
import { type CorruptionKind, EventFileCorruptError } from './errors';
import {
  decodeEvent,
  type EventData,
  type HistogramData,
  type SummaryMetadata,
  type SummaryValue,
  type TensorData,
  TensorDType,
} from './event-codec';
import { decodeHParamsPluginData, type HParamsPluginContent, hparamsPluginName } from './hparams';
import { utf8Decode } from './protobuf';
import { pluginNames } from './summary-values';
import { type RecordIssue, scanRecords } from './tfrecord';

/** A summary value interpreted by kind. */
export type DecodedSummary =
  | { readonly kind: 'scalar'; readonly tag: string; readonly value: number }
  | {
      readonly kind: 'histogram';
      readonly tag: string;
      /**
       * From a `HistogramProto` as written here; from TF 2's `[k, 3]` tensor form the
       * limits are the right edges, `min`/`max` the outer edges, and `sum`/`sumSquares`
       * are NaN (that form does not store them).
       */
      readonly histogram: HistogramData;
    }
  | {
      readonly kind: 'image';
      readonly tag: string;
      readonly width: number;
      readonly height: number;
      /** Encoded images (PNG), one per sample. */
      readonly images: readonly Uint8Array[];
    }
  | {
      readonly kind: 'text';
      readonly tag: string;
      /** `[]` for one string, `[n]` for a list, `[rows, columns]` for a table. */
      readonly shape: readonly number[];
      /** The strings, row-major. */
      readonly text: readonly string[];
    }
  | { readonly kind: 'hparams'; readonly tag: string; readonly data: HParamsPluginContent }
  | {
      readonly kind: 'tensor';
      readonly tag: string;
      /** The owning plugin (from the tag's first metadata), `''` when none. */
      readonly pluginName: string;
      readonly tensor: TensorData;
    }
  | { readonly kind: 'other'; readonly tag: string; readonly value: SummaryValue };

/** One decoded event. */
export interface TensorBoardEvent {
  /** Seconds since the Unix epoch. */
  readonly wallTime: number;
  readonly step: number;
  /** Set on a file's first event (`brain.Event:2`). */
  readonly fileVersion?: string;
  /** The summary values, interpreted. Empty for events without a summary. */
  readonly summaries: readonly DecodedSummary[];
  /** Field number of another `Event.what` member (graph_def 4, session_log 7, ...). */
  readonly otherField?: number;
  /** Byte offset of the event's record in its file. */
  readonly offset: number;
}

/** Something the reader noticed; reading went on. */
export interface EventFileWarning {
  /**
   * `truncated-tail`: the file ends inside its last record (a writer still
   * running, or killed mid-write); all earlier records were read.
   * `corrupt-payload`: a record's payload CRC does not match; it was skipped.
   * `corrupt-length`: a record's length CRC does not match; the rest of the
   * file cannot be framed and was not read. `invalid-event`: intact record whose
   * payload is not an `Event`; skipped. `missing-metadata`: after a skipped
   * record, values of a tag whose metadata nobody has seen (TensorBoard writes
   * it with a tag's first value only, so it was probably in the damaged
   * record) are returned as raw tensors (`kind: 'tensor'`, `pluginName: ''`);
   * one warning per tag, at its first such value.
   */
  readonly kind: 'truncated-tail' | 'missing-metadata' | CorruptionKind;
  /** Byte offset of the record. */
  readonly offset: number;
  readonly message: string;
  /** The file, when read from disk. */
  readonly path?: string;
  /** `missing-metadata`: the tag. */
  readonly tag?: string;
}

/**
 * The `missing-metadata` warnings of events read after a damaged record: one per
 * tag whose values came back as raw tensors for want of their metadata.
 *
 * @internal
 */
export function missingMetadataWarnings(
  events: readonly TensorBoardEvent[],
  warnings: readonly EventFileWarning[],
  tagMetadata: ReadonlyMap<string, SummaryMetadata>,
  already: ReadonlySet<string> = new Set(),
): EventFileWarning[] {
  const damage = warnings.find((w) => w.kind === 'corrupt-payload' || w.kind === 'invalid-event');
  if (damage === undefined) return [];
  const found: EventFileWarning[] = [];
  const seen = new Set(already);
  for (const event of events) {
    for (const summary of event.summaries) {
      if (
        summary.kind !== 'tensor' ||
        summary.pluginName !== '' ||
        tagMetadata.has(summary.tag) ||
        seen.has(summary.tag)
      ) {
        continue;
      }
      seen.add(summary.tag);
      found.push({
        kind: 'missing-metadata',
        offset: event.offset,
        tag: summary.tag,
        message: `values of tag '${summary.tag}' carry no plugin metadata (TensorBoard writes it with a tag's first value only; it was probably in the damaged record at byte ${damage.offset}${damage.path === undefined ? '' : ` of ${damage.path}`}); they are returned as raw tensors`,
        ...(damage.path === undefined ? {} : { path: damage.path }),
      });
    }
  }
  return found;
}

/** Options of {@link parseEventFile}. */
export interface ParseEventFileOptions {
  /**
   * What to do with a damaged record before the end of the file: `skip` (default)
   * reports a warning and goes on where the framing allows; `throw` raises
   * {@link EventFileCorruptError}. A truncated tail is always only a warning.
   */
  readonly onCorruption?: 'skip' | 'throw';
  /** Name used in warnings and errors. */
  readonly path?: string;
  /**
   * Metadata of the tags seen so far in this run. TensorBoard stores a tag's
   * metadata only with its first value, so reading a run's files in order with one
   * shared map interprets every value. Mutated. Default: a new map.
   */
  readonly tagMetadata?: Map<string, SummaryMetadata>;
}

/** What {@link parseEventFile} read. */
export interface EventFileContents {
  readonly events: TensorBoardEvent[];
  readonly warnings: EventFileWarning[];
  /** Bytes up to the end of the last whole record. */
  readonly validLength: number;
}

const twoTo32 = 4294967296;

/**
 * The numbers of a numeric tensor, from its typed `*_val` fields or its
 * little-endian `tensor_content`.
 *
 * @param tensor - A float32, float64, int32 or int64 tensor.
 * @returns The values, row-major; `undefined` for other types.
 *
 * @example
 * ```ts
 * tensorNumbers({ dtype: 1, shape: [], floatValues: [0.5] }); // [0.5]
 * ```
 */
export function tensorNumbers(tensor: TensorData): number[] | undefined {
  if (typeof tensor !== 'object' || tensor === null || typeof tensor.dtype !== 'number') {
    checkArguments('tensorNumbers').fail(
      'tensor',
      tensor,
      'a TensorData (the tensor of a decoded summary)',
    );
  }
  const fromValues =
    tensor.dtype === TensorDType.float32
      ? tensor.floatValues
      : tensor.dtype === TensorDType.float64
        ? tensor.doubleValues
        : tensor.dtype === TensorDType.int32
          ? tensor.intValues
          : tensor.dtype === TensorDType.int64
            ? tensor.int64Values
            : undefined;
  if (fromValues !== undefined && fromValues.length > 0) {
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    // Version-0 tensors repeat a single value to fill the shape.
    if (fromValues.length === 1 && count > 1) return new Array<number>(count).fill(fromValues[0]!);
    return [...fromValues];
  }
  const content = tensor.content;
  if (content === undefined || content.length === 0) {
    return tensor.dtype === TensorDType.float32 ||
      tensor.dtype === TensorDType.float64 ||
      tensor.dtype === TensorDType.int32 ||
      tensor.dtype === TensorDType.int64
      ? []
      : undefined;
  }
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  const out: number[] = [];
  switch (tensor.dtype) {
    case TensorDType.float32:
      for (let i = 0; i + 4 <= content.length; i += 4) out.push(view.getFloat32(i, true));
      return out;
    case TensorDType.float64:
      for (let i = 0; i + 8 <= content.length; i += 8) out.push(view.getFloat64(i, true));
      return out;
    case TensorDType.int32:
      for (let i = 0; i + 4 <= content.length; i += 4) out.push(view.getInt32(i, true));
      return out;
    case TensorDType.int64:
      for (let i = 0; i + 8 <= content.length; i += 8) {
        out.push(view.getInt32(i + 4, true) * twoTo32 + view.getUint32(i, true));
      }
      return out;
    default:
      return undefined;
  }
}

function histogramFromTensor(tensor: TensorData): HistogramData | undefined {
  const numbers = tensorNumbers(tensor);
  if (numbers === undefined || tensor.shape.length !== 2 || tensor.shape[1] !== 3) return undefined;
  const bucketLimits: number[] = [];
  const bucketCounts: number[] = [];
  let num = 0;
  for (let i = 0; i + 2 < numbers.length; i += 3) {
    bucketLimits.push(numbers[i + 1]!);
    bucketCounts.push(numbers[i + 2]!);
    num += numbers[i + 2]!;
  }
  return {
    min: numbers.length > 0 ? numbers[0]! : 0,
    max: numbers.length > 0 ? numbers[numbers.length - 2]! : 0,
    num,
    sum: Number.NaN,
    sumSquares: Number.NaN,
    bucketLimits,
    bucketCounts,
  };
}

/**
 * Interprets one summary value, using the tag's first metadata (TensorBoard's
 * rule) to tell plugins apart.
 *
 * @param value - A raw summary value.
 * @param metadata - The tag's metadata (from its first value), if any.
 * @returns The interpreted summary; `other` when it is not a kind this package knows.
 *
 * @example
 * ```ts
 * interpretSummaryValue(scalarValue('loss', 0.5)); // { kind: 'scalar', tag: 'loss', value: 0.5 }
 * ```
 */
export function interpretSummaryValue(
  value: SummaryValue,
  metadata?: SummaryMetadata,
): DecodedSummary {
  const tag = value.tag;
  const content = value.content;
  const pluginName = metadata?.pluginName ?? value.metadata?.pluginName ?? '';
  switch (content.kind) {
    case 'simple':
      return { kind: 'scalar', tag, value: content.value };
    case 'histogram':
      return { kind: 'histogram', tag, histogram: content.histogram };
    case 'image':
      return {
        kind: 'image',
        tag,
        width: content.image.width,
        height: content.image.height,
        images: [content.image.encoded],
      };
    case 'tensor': {
      const tensor = content.tensor;
      if (pluginName === pluginNames.scalars) {
        const numbers = tensorNumbers(tensor);
        if (numbers !== undefined && numbers.length === 1 && tensor.shape.length === 0) {
          return { kind: 'scalar', tag, value: numbers[0]! };
        }
      } else if (pluginName === pluginNames.histograms) {
        const histogram = histogramFromTensor(tensor);
        if (histogram !== undefined) return { kind: 'histogram', tag, histogram };
      } else if (pluginName === pluginNames.images) {
        const strings = tensor.stringValues ?? [];
        if (
          tensor.dtype === TensorDType.string &&
          tensor.shape.length === 1 &&
          strings.length >= 2
        ) {
          return {
            kind: 'image',
            tag,
            width: Number(utf8Decode(strings[0]!)),
            height: Number(utf8Decode(strings[1]!)),
            images: strings.slice(2),
          };
        }
      } else if (pluginName === pluginNames.text) {
        if (tensor.dtype === TensorDType.string) {
          return {
            kind: 'text',
            tag,
            shape: tensor.shape,
            text: (tensor.stringValues ?? []).map(utf8Decode),
          };
        }
      } else if (pluginName === hparamsPluginName) {
        // Each hparams value carries its own content (its tag is written once).
        const pluginContent = value.metadata?.pluginContent ?? metadata?.pluginContent;
        if (pluginContent !== undefined) {
          return { kind: 'hparams', tag, data: decodeHParamsPluginData(pluginContent) };
        }
      }
      return { kind: 'tensor', tag, pluginName, tensor };
    }
    default:
      return { kind: 'other', tag, value };
  }
}

/**
 * Parses the bytes of an event file: verifies the length and payload CRC of
 * every record, decodes the events and interprets their summaries.
 *
 * Damage policy: a file that ends inside a record (a writer still running or
 * one that crashed) gives a `truncated-tail` warning and everything before it.
 * A damaged record before the end is skipped with a warning by default
 * (`corrupt-payload`, `invalid-event`; after a `corrupt-length` nothing more can
 * be framed), or raises {@link EventFileCorruptError} with
 * `onCorruption: 'throw'`.
 *
 * @param bytes - The file contents.
 * @param options - Corruption policy, name for messages, shared tag metadata.
 * @returns The events in file order, the warnings, the length of the whole records.
 * @throws EventFileCorruptError with `onCorruption: 'throw'` on a damaged record.
 *
 * @example
 * ```ts
 * const { events, warnings } = parseEventFile(bytes);
 * const losses = events.flatMap((e) => e.summaries.filter((s) => s.kind === 'scalar'));
 * ```
 */
export function parseEventFile(
  bytes: Uint8Array,
  options?: ParseEventFileOptions,
): EventFileContents {
  const functionName = 'parseEventFile';
  const check = checkArguments(functionName);
  if (!(bytes instanceof Uint8Array)) check.fail('bytes', bytes, 'a Uint8Array');
  const onCorruption = check.oneOf('onCorruption', options?.onCorruption ?? 'skip', [
    'skip',
    'throw',
  ]);
  const path = options?.path ?? '<bytes>';
  const tagMetadata = options?.tagMetadata ?? new Map<string, SummaryMetadata>();
  const warnings: EventFileWarning[] = [];
  const fail = (kind: CorruptionKind, offset: number, reason: string, cause?: unknown): void => {
    if (onCorruption === 'throw') {
      throw new EventFileCorruptError({
        functionName,
        path,
        offset,
        kind,
        reason,
        ...(cause === undefined ? {} : { cause }),
      });
    }
    const warning: { -readonly [K in keyof EventFileWarning]: EventFileWarning[K] } = {
      kind,
      offset,
      message: reason,
    };
    if (options?.path) warning.path = path;
    warnings.push(warning);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const events: TensorBoardEvent[] = [];
  const onIssue = (issue: RecordIssue): void => {
    if (issue.kind === 'truncated-tail') {
      warnings.push(options?.path ? { ...issue, path } : { ...issue });
    } else fail(issue.kind, issue.offset, issue.message);
  };
  const { validLength } = scanRecords(
    bytes,
    (offset, start, end) => {
      let event: EventData;
      try {
        event = decodeEvent(bytes, start, end, view);
      } catch (cause) {
        fail(
          'invalid-event',
          offset,
          `the record's CRCs match but its payload is not an Event (${(cause as Error).message}); record skipped`,
          cause,
        );
        return;
      }
      const summaries: DecodedSummary[] = [];
      for (const value of event.summary ?? []) {
        if (value.metadata !== undefined && !tagMetadata.has(value.tag)) {
          tagMetadata.set(value.tag, value.metadata);
        }
        try {
          summaries.push(interpretSummaryValue(value, tagMetadata.get(value.tag)));
        } catch (cause) {
          fail(
            'invalid-event',
            offset,
            `summary '${value.tag}' cannot be decoded (${(cause as Error).message}); value skipped`,
            cause,
          );
        }
      }
      const decoded: { -readonly [K in keyof TensorBoardEvent]: TensorBoardEvent[K] } = {
        wallTime: event.wallTime,
        step: event.step,
        summaries,
        offset,
      };
      if (event.fileVersion !== undefined) decoded.fileVersion = event.fileVersion;
      if (event.otherField !== undefined) decoded.otherField = event.otherField;
      events.push(decoded);
    },
    onIssue,
  );
  for (const warning of missingMetadataWarnings(events, warnings, tagMetadata)) {
    warnings.push(options?.path ? { ...warning, path } : warning);
  }
  return { events, warnings, validLength };
}

/** One point of a scalar time series. */
export interface ScalarPoint {
  readonly step: number;
  readonly wallTime: number;
  readonly value: number;
}

/**
 * Collects the scalar time series of some events, by tag, in event order.
 *
 * @param events - Events from {@link parseEventFile} or a run reader.
 * @returns Tag -> points (step, wall time, value).
 *
 * @example
 * ```ts
 * const series = scalarSeries(run.events);
 * series.get('epoch_loss')?.map((p) => p.value);
 * ```
 */
export function scalarSeries(events: readonly TensorBoardEvent[]): Map<string, ScalarPoint[]> {
  const check = checkArguments('scalarSeries');
  if (!Array.isArray(events)) {
    check.fail(
      'events',
      events,
      'an array of events',
      'Pass the events of parseEventFile, readRun or readEventFile.',
    );
  }
  events.forEach((event, i) => {
    if (typeof event !== 'object' || event === null || !Array.isArray(event.summaries)) {
      check.fail(
        `events[${i}]`,
        event,
        'an event with summaries (from parseEventFile or a reader)',
      );
    }
  });
  const series = new Map<string, ScalarPoint[]>();
  for (const event of events) {
    for (const summary of event.summaries) {
      if (summary.kind !== 'scalar') continue;
      let points = series.get(summary.tag);
      if (points === undefined) {
        points = [];
        series.set(summary.tag, points);
      }
      points.push({ step: event.step, wallTime: event.wallTime, value: summary.value });
    }
  }
  return series;
}
