/**
 * The TensorBoard `Event` protobuf and the messages inside it, encoded and
 * decoded by hand (see {@link ProtoWriter}). Pure functions, no I/O: usable in
 * the browser.
 *
 * Field numbers (from TensorFlow's `event.proto`, `summary.proto`,
 * `histogram.proto`, `tensor.proto`, `tensor_shape.proto`):
 *
 * | message | fields |
 * |---|---|
 * | Event | 1 wall_time double, 2 step int64, oneof what { 3 file_version string, 4 graph_def bytes, 5 summary Summary, 7 session_log, 8 tagged_run_metadata, 9 meta_graph_def } |
 * | Summary | 1 value repeated Value |
 * | Summary.Value | 1 tag string, 9 metadata SummaryMetadata, oneof value { 2 simple_value float, 4 image Image, 5 histo HistogramProto, 6 audio, 8 tensor TensorProto } |
 * | Summary.Image | 1 height int32, 2 width int32, 3 colorspace int32, 4 encoded_image_string bytes |
 * | HistogramProto | 1 min, 2 max, 3 num, 4 sum, 5 sum_squares (double), 6 bucket_limit, 7 bucket (packed double) |
 * | SummaryMetadata | 1 plugin_data { 1 plugin_name string, 2 content bytes }, 2 display_name, 3 summary_description, 4 data_class enum |
 * | TensorProto | 1 dtype enum, 2 tensor_shape { 2 dim { 1 size int64 } }, 4 tensor_content bytes, 5 float_val, 6 double_val, 7 int_val, 8 string_val, 10 int64_val, 11 bool_val |
 */

import { ProtoDecodeError, ProtoReader, ProtoWriter, varintSize, WireType } from './protobuf';

/** The `file_version` TensorBoard expects in the first event of a file. */
export const fileVersion = 'brain.Event:2';

/**
 * `SummaryMetadata.data_class`: how TensorBoard's data layer stores a time series.
 * `scalar` needs a rank-0 float32 tensor (or a legacy `simple_value`), `tensor` any
 * tensor, `blob-sequence` a rank-1 string tensor.
 */
export type DataClass = 'unknown' | 'scalar' | 'tensor' | 'blob-sequence';

const dataClassCodes: Record<DataClass, number> = {
  unknown: 0,
  scalar: 1,
  tensor: 2,
  'blob-sequence': 3,
};
const dataClassNames: DataClass[] = ['unknown', 'scalar', 'tensor', 'blob-sequence'];

/** TensorFlow `DataType` codes this package writes or reads. */
export const TensorDType = {
  float32: 1,
  float64: 2,
  int32: 3,
  uint8: 4,
  string: 7,
  int64: 9,
  bool: 10,
} as const;

/** `SummaryMetadata`: which plugin owns a tag, its display name and description. */
export interface SummaryMetadata {
  /** `plugin_data.plugin_name`, e.g. `scalars`, `images`, `text`, `hparams`. */
  readonly pluginName?: string;
  /** `plugin_data.content`: the plugin's serialized protobuf (empty for most plugins). */
  readonly pluginContent?: Uint8Array;
  readonly displayName?: string;
  /** Markdown shown by TensorBoard next to the chart. */
  readonly description?: string;
  readonly dataClass?: DataClass;
}

/** `HistogramProto`: bucket `i` counts values in `[bucketLimits[i-1], bucketLimits[i])`. */
export interface HistogramData {
  readonly min: number;
  readonly max: number;
  /** Number of values. */
  readonly num: number;
  readonly sum: number;
  readonly sumSquares: number;
  /** Right edge of each bucket (the first bucket starts at -DBL_MAX). */
  readonly bucketLimits: readonly number[];
  /** Count of each bucket, parallel to `bucketLimits`. */
  readonly bucketCounts: readonly number[];
}

/** `Summary.Image`: one encoded (PNG) image. */
export interface EncodedImage {
  readonly width: number;
  readonly height: number;
  /** 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
  readonly colorspace: number;
  readonly encoded: Uint8Array;
}

/** `TensorProto`, restricted to the representations this package writes or reads. */
export interface TensorData {
  /** A {@link TensorDType} code. */
  readonly dtype: number;
  readonly shape: readonly number[];
  readonly floatValues?: readonly number[];
  readonly doubleValues?: readonly number[];
  readonly intValues?: readonly number[];
  readonly int64Values?: readonly number[];
  readonly boolValues?: readonly boolean[];
  readonly stringValues?: readonly Uint8Array[];
  /** Raw little-endian element bytes (`tensor_content`). */
  readonly content?: Uint8Array;
}

/** The value of a `Summary.Value` (its `oneof value`). */
export type SummaryValueContent =
  | { readonly kind: 'simple'; readonly value: number }
  | { readonly kind: 'histogram'; readonly histogram: HistogramData }
  | { readonly kind: 'image'; readonly image: EncodedImage }
  | { readonly kind: 'tensor'; readonly tensor: TensorData }
  | { readonly kind: 'other'; readonly field: number }
  | { readonly kind: 'none' };

/** One `Summary.Value`: a tag, optional metadata and a value. */
export interface SummaryValue {
  readonly tag: string;
  readonly metadata?: SummaryMetadata;
  readonly content: SummaryValueContent;
}

/** An `Event`: wall time in seconds, step, and what happened. */
export interface EventData {
  /** Seconds since the Unix epoch (fractional). */
  readonly wallTime: number;
  /** Global step (int64; values beyond 2^53 lose precision when read). */
  readonly step: number;
  /** Set on the first event of a file: `brain.Event:2`. */
  readonly fileVersion?: string;
  /** The summary values, when the event carries a `Summary`. */
  readonly summary?: readonly SummaryValue[];
  /** Field number of any other `oneof what` member (graph_def, session_log, ...), kept undecoded. */
  readonly otherField?: number;
}

function writeMetadata(writer: ProtoWriter, metadata: SummaryMetadata): void {
  if (metadata.pluginName !== undefined || metadata.pluginContent !== undefined) {
    writer.message(1, (w) => {
      if (metadata.pluginName) w.string(1, metadata.pluginName);
      if (metadata.pluginContent && metadata.pluginContent.length > 0) {
        w.bytesField(2, metadata.pluginContent);
      }
    });
  }
  if (metadata.displayName) writer.string(2, metadata.displayName);
  if (metadata.description) writer.string(3, metadata.description);
  const dataClass = dataClassCodes[metadata.dataClass ?? 'unknown'];
  if (dataClass !== 0) writer.uint(4, dataClass);
}

function writeHistogram(writer: ProtoWriter, histogram: HistogramData): void {
  if (histogram.min !== 0) writer.double(1, histogram.min);
  if (histogram.max !== 0) writer.double(2, histogram.max);
  if (histogram.num !== 0) writer.double(3, histogram.num);
  if (histogram.sum !== 0) writer.double(4, histogram.sum);
  if (histogram.sumSquares !== 0) writer.double(5, histogram.sumSquares);
  if (histogram.bucketLimits.length > 0) writer.packedDoubles(6, histogram.bucketLimits);
  if (histogram.bucketCounts.length > 0) writer.packedDoubles(7, histogram.bucketCounts);
}

function writeImage(writer: ProtoWriter, image: EncodedImage): void {
  if (image.height !== 0) writer.int32(1, image.height);
  if (image.width !== 0) writer.int32(2, image.width);
  if (image.colorspace !== 0) writer.int32(3, image.colorspace);
  if (image.encoded.length > 0) writer.bytesField(4, image.encoded);
}

/** Writes a `TensorProto` body. Exposed for the hparams and summary builders. */
export function writeTensor(writer: ProtoWriter, tensor: TensorData): void {
  if (tensor.dtype !== 0) writer.uint(1, tensor.dtype);
  writer.message(2, (shapeWriter) => {
    for (const size of tensor.shape) {
      shapeWriter.message(2, (dimWriter) => {
        if (size !== 0) dimWriter.uint(1, size);
      });
    }
  });
  if (tensor.content && tensor.content.length > 0) writer.bytesField(4, tensor.content);
  if (tensor.floatValues && tensor.floatValues.length > 0) {
    writer.packedFloats(5, tensor.floatValues);
  }
  if (tensor.doubleValues && tensor.doubleValues.length > 0) {
    writer.packedDoubles(6, tensor.doubleValues);
  }
  if (tensor.intValues && tensor.intValues.length > 0) {
    const values = tensor.intValues;
    writer.message(7, (w) => {
      for (const value of values) w.rawInt32(value);
    });
  }
  if (tensor.stringValues) {
    for (const value of tensor.stringValues) writer.bytesField(8, value);
  }
  if (tensor.int64Values && tensor.int64Values.length > 0) {
    const values = tensor.int64Values;
    writer.message(10, (w) => {
      for (const value of values) w.rawVarint(value);
    });
  }
  if (tensor.boolValues && tensor.boolValues.length > 0) {
    const values = tensor.boolValues;
    writer.message(11, (w) => {
      for (const value of values) w.rawVarint(value ? 1 : 0);
    });
  }
}

/** Writes one `Summary.Value` body. */
export function writeSummaryValue(writer: ProtoWriter, value: SummaryValue): void {
  writer.string(1, value.tag);
  const content = value.content;
  switch (content.kind) {
    case 'simple':
      // A oneof member is written even when it holds the default 0.
      writer.float(2, content.value);
      break;
    case 'image':
      writer.message(4, (w) => writeImage(w, content.image));
      break;
    case 'histogram':
      writer.message(5, (w) => writeHistogram(w, content.histogram));
      break;
    case 'tensor':
      writer.message(8, (w) => writeTensor(w, content.tensor));
      break;
    case 'other':
    case 'none':
      break;
  }
  if (value.metadata) {
    const metadata = value.metadata;
    writer.message(9, (w) => writeMetadata(w, metadata));
  }
}

/**
 * Writes an `Event` message body (no framing) into `writer`.
 *
 * Fields in field-number order: `wall_time` (1, omitted when 0), `step` (2, omitted
 * when 0), then `file_version` (3) or `summary` (5).
 */
export function writeEvent(writer: ProtoWriter, event: EventData): void {
  if (event.wallTime !== 0) writer.double(1, event.wallTime);
  if (event.step !== 0) writer.uint(2, event.step);
  if (event.fileVersion !== undefined) writer.string(3, event.fileVersion);
  if (event.summary !== undefined) {
    const values = event.summary;
    writer.message(5, (summaryWriter) => {
      for (const value of values) {
        summaryWriter.message(1, (valueWriter) => writeSummaryValue(valueWriter, value));
      }
    });
  }
}

/**
 * Writes the `Event` body of one `simple_value` scalar, computing nested lengths
 * directly (the writer's hot path; same bytes as {@link writeEvent}).
 *
 * @internal
 */
export function writeSimpleScalarEvent(
  writer: ProtoWriter,
  wallTime: number,
  step: number,
  tagBytes: Uint8Array,
  value: number,
): void {
  const tagLength = tagBytes.length;
  // Value: tag key + length + tag bytes, simple_value key + 4 bytes.
  const valueLength = 1 + varintSize(tagLength) + tagLength + 5;
  const summaryLength = 1 + varintSize(valueLength) + valueLength;
  // Everything below, plus 10 spare bytes: each rawVarint makes room for 10
  // bytes itself, and that must never grow the buffer under `bytes`.
  writer.ensure(11 + 10 + 1 + varintSize(summaryLength) + summaryLength + 10);
  const bytes = writer.bytes;
  if (wallTime !== 0) {
    bytes[writer.length++] = 0x09;
    writer.view.setFloat64(writer.length, wallTime, true);
    writer.length += 8;
  }
  if (step !== 0) {
    bytes[writer.length++] = 0x10;
    writer.rawVarint(step);
  }
  bytes[writer.length++] = 0x2a;
  writer.rawVarint(summaryLength);
  bytes[writer.length++] = 0x0a;
  writer.rawVarint(valueLength);
  bytes[writer.length++] = 0x0a;
  writer.rawVarint(tagLength);
  bytes.set(tagBytes, writer.length);
  writer.length += tagLength;
  bytes[writer.length++] = 0x15;
  writer.view.setFloat32(writer.length, value, true);
  writer.length += 4;
}

/**
 * Serializes an `Event` to protobuf bytes (the payload of one TFRecord).
 *
 * @param event - Wall time (seconds), step and either a file version or summary values.
 * @returns The encoded message.
 *
 * @example
 * ```ts
 * const bytes = encodeEvent({ wallTime: 1.5, step: 0, fileVersion: 'brain.Event:2' });
 * decodeEvent(bytes).fileVersion; // 'brain.Event:2'
 * ```
 */
export function encodeEvent(event: EventData): Uint8Array {
  const writer = new ProtoWriter(256);
  writeEvent(writer, event);
  return writer.finish();
}

function readMetadata(reader: ProtoReader): SummaryMetadata {
  let pluginName: string | undefined;
  let pluginContent: Uint8Array | undefined;
  let displayName: string | undefined;
  let description: string | undefined;
  let dataClass: DataClass | undefined;
  while (reader.next()) {
    switch (reader.field) {
      case 1: {
        const plugin = reader.message();
        pluginName = '';
        while (plugin.next()) {
          if (plugin.field === 1) pluginName = plugin.string();
          else if (plugin.field === 2) pluginContent = plugin.bytesField().slice();
          else plugin.skip();
        }
        break;
      }
      case 2:
        displayName = reader.string();
        break;
      case 3:
        description = reader.string();
        break;
      case 4:
        dataClass = dataClassNames[reader.varint()] ?? 'unknown';
        break;
      default:
        reader.skip();
    }
  }
  return {
    ...(pluginName === undefined ? {} : { pluginName }),
    ...(pluginContent === undefined ? {} : { pluginContent }),
    ...(displayName === undefined ? {} : { displayName }),
    ...(description === undefined ? {} : { description }),
    ...(dataClass === undefined ? {} : { dataClass }),
  };
}

function readHistogram(reader: ProtoReader): HistogramData {
  let min = 0;
  let max = 0;
  let num = 0;
  let sum = 0;
  let sumSquares = 0;
  const bucketLimits: number[] = [];
  const bucketCounts: number[] = [];
  while (reader.next()) {
    switch (reader.field) {
      case 1:
        min = reader.double();
        break;
      case 2:
        max = reader.double();
        break;
      case 3:
        num = reader.double();
        break;
      case 4:
        sum = reader.double();
        break;
      case 5:
        sumSquares = reader.double();
        break;
      case 6:
        reader.doubles(bucketLimits);
        break;
      case 7:
        reader.doubles(bucketCounts);
        break;
      default:
        reader.skip();
    }
  }
  return { min, max, num, sum, sumSquares, bucketLimits, bucketCounts };
}

function readImage(reader: ProtoReader): EncodedImage {
  let width = 0;
  let height = 0;
  let colorspace = 0;
  let encoded = new Uint8Array(0);
  while (reader.next()) {
    switch (reader.field) {
      case 1:
        height = reader.varint();
        break;
      case 2:
        width = reader.varint();
        break;
      case 3:
        colorspace = reader.varint();
        break;
      case 4:
        encoded = reader.bytesField().slice();
        break;
      default:
        reader.skip();
    }
  }
  return { width, height, colorspace, encoded };
}

/** Reads a `TensorProto` body. */
export function readTensor(reader: ProtoReader): TensorData {
  let dtype = 0;
  const shape: number[] = [];
  let content: Uint8Array | undefined;
  const floatValues: number[] = [];
  const doubleValues: number[] = [];
  const intValues: number[] = [];
  const int64Values: number[] = [];
  const boolValues: number[] = [];
  const stringValues: Uint8Array[] = [];
  while (reader.next()) {
    switch (reader.field) {
      case 1:
        dtype = reader.varint();
        break;
      case 2: {
        const shapeReader = reader.message();
        while (shapeReader.next()) {
          if (shapeReader.field === 2) {
            const dim = shapeReader.message();
            let size = 0;
            while (dim.next()) {
              if (dim.field === 1) size = dim.varint();
              else dim.skip();
            }
            shape.push(size);
          } else shapeReader.skip();
        }
        break;
      }
      case 4:
        content = reader.bytesField().slice();
        break;
      case 5:
        reader.floats(floatValues);
        break;
      case 6:
        reader.doubles(doubleValues);
        break;
      case 7:
        reader.varints(intValues);
        break;
      case 8:
        stringValues.push(reader.bytesField().slice());
        break;
      case 10:
        reader.varints(int64Values);
        break;
      case 11:
        reader.varints(boolValues);
        break;
      default:
        reader.skip();
    }
  }
  return {
    dtype,
    shape,
    ...(content === undefined ? {} : { content }),
    ...(floatValues.length > 0 ? { floatValues } : {}),
    ...(doubleValues.length > 0 ? { doubleValues } : {}),
    ...(intValues.length > 0 ? { intValues } : {}),
    ...(int64Values.length > 0 ? { int64Values } : {}),
    ...(boolValues.length > 0 ? { boolValues: boolValues.map((b) => b !== 0) } : {}),
    ...(stringValues.length > 0 ? { stringValues } : {}),
  };
}

function readSummaryValue(reader: ProtoReader): SummaryValue {
  let tag = '';
  let metadata: SummaryMetadata | undefined;
  let content: SummaryValueContent = { kind: 'none' };
  while (reader.next()) {
    switch (reader.field) {
      case 1:
        tag = reader.string();
        break;
      case 2:
        content = { kind: 'simple', value: reader.float() };
        break;
      case 4:
        content = { kind: 'image', image: readImage(reader.message()) };
        break;
      case 5:
        content = { kind: 'histogram', histogram: readHistogram(reader.message()) };
        break;
      case 8:
        content = { kind: 'tensor', tensor: readTensor(reader.message()) };
        break;
      case 9:
        metadata = readMetadata(reader.message());
        break;
      case 3:
      case 6:
        content = { kind: 'other', field: reader.field };
        reader.skip();
        break;
      default:
        reader.skip();
    }
  }
  return metadata === undefined ? { tag, content } : { tag, metadata, content };
}

/**
 * Parses an `Event` from protobuf bytes (one TFRecord payload).
 *
 * @param bytes - The encoded message (or a buffer holding it).
 * @param start - First byte of the message in `bytes` (default 0).
 * @param end - One past its last byte (default `bytes.length`).
 * @param view - A `DataView` of `bytes` to reuse (optional).
 * @returns The event; unknown fields are skipped, `oneof what` members other than
 *   `file_version` and `summary` are reported by field number in `otherField`.
 * @throws Error (`ProtoDecodeError`) when the bytes are not a well-formed message.
 *
 * @example
 * ```ts
 * const event = decodeEvent(encodeEvent({ wallTime: 2, step: 7, summary: [] }));
 * event.step; // 7
 * ```
 */
export function decodeEvent(
  bytes: Uint8Array,
  start = 0,
  end: number = bytes.length,
  view?: DataView,
): EventData {
  const reader = new ProtoReader(bytes, start, end, view);
  let wallTime = 0;
  let step = 0;
  let version: string | undefined;
  let summary: SummaryValue[] | undefined;
  let otherField: number | undefined;
  while (reader.next()) {
    switch (reader.field) {
      case 1:
        if (reader.wireType !== WireType.fixed64) {
          throw new ProtoDecodeError('wall_time must be a double');
        }
        wallTime = reader.double();
        break;
      case 2:
        step = reader.varint();
        break;
      case 3:
        version = reader.string();
        break;
      case 5: {
        const summaryReader = reader.message();
        summary = [];
        while (summaryReader.next()) {
          if (summaryReader.field === 1) summary.push(readSummaryValue(summaryReader.message()));
          else summaryReader.skip();
        }
        break;
      }
      case 4:
      case 6:
      case 7:
      case 8:
      case 9:
        otherField = reader.field;
        reader.skip();
        break;
      default:
        reader.skip();
    }
  }
  const event: { -readonly [K in keyof EventData]: EventData[K] } = { wallTime, step };
  if (version !== undefined) event.fileVersion = version;
  if (summary !== undefined) event.summary = summary;
  if (otherField !== undefined) event.otherField = otherField;
  return event;
}
