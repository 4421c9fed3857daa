/**
 * A minimal Protocol Buffers wire-format writer and reader, enough for the
 * handful of TensorBoard messages this package encodes (Event, Summary,
 * HistogramProto, TensorProto, SummaryMetadata, the hparams plugin messages).
 *
 * Wire types (https://protobuf.dev/programming-guides/encoding/): 0 varint,
 * 1 fixed 64-bit, 2 length-delimited, 5 fixed 32-bit. A field key is the
 * varint `(fieldNumber << 3) | wireType`. All fixed-width numbers are
 * little-endian. Proto3 omits fields that hold their default value unless
 * they belong to a `oneof`; callers decide what to omit, this layer writes
 * what it is told.
 *
 * @internal
 */

import { errorMarker, hasErrorMarker, TrainkitError } from '@trainkit/core';

const protoDecodeMarker = errorMarker('ProtoDecodeError');

/** Wire type of a field key. */
export const WireType = {
  varint: 0,
  fixed64: 1,
  lengthDelimited: 2,
  fixed32: 5,
} as const;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: false });

/** UTF-8 bytes of a string. */
export function utf8Encode(text: string): Uint8Array {
  return textEncoder.encode(text);
}

/** A string from UTF-8 bytes (invalid sequences become U+FFFD). */
export function utf8Decode(bytes: Uint8Array): string {
  // Short ASCII strings (most tags) are faster without TextDecoder.
  if (bytes.length <= 64) {
    let ascii = '';
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i]!;
      if (byte >= 0x80) return textDecoder.decode(bytes);
      ascii += String.fromCharCode(byte);
    }
    return ascii;
  }
  return textDecoder.decode(bytes);
}

const twoTo32 = 4294967296;

/**
 * Appends protobuf-encoded fields to a growable byte buffer.
 *
 * Nested messages are written in place: {@link ProtoWriter.message} reserves one
 * byte for the length, writes the body, and moves the body right only when the
 * length needs more than one varint byte.
 */
export class ProtoWriter {
  /** The backing buffer; valid bytes are `[0, length)`. */
  bytes: Uint8Array;
  /** A view on {@link ProtoWriter.bytes} for fixed-width numbers. */
  view: DataView;
  /** Number of bytes written. */
  length = 0;

  constructor(initialCapacity = 1024) {
    this.bytes = new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.bytes.buffer);
  }

  /** Makes room for `extra` more bytes. */
  ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  /** Drops everything written; keeps the capacity. */
  reset(): void {
    this.length = 0;
  }

  /** A copy of the bytes written so far. */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  /** Writes an unsigned varint of a non-negative safe integer (up to 2^53 - 1). */
  rawVarint(value: number): void {
    this.ensure(10);
    const bytes = this.bytes;
    let position = this.length;
    if (value < 0x80) {
      bytes[position++] = value;
    } else if (value < twoTo32) {
      let v = value >>> 0;
      while (v >= 0x80) {
        bytes[position++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      bytes[position++] = v;
    } else {
      let v = value;
      while (v >= 0x80) {
        bytes[position++] = (v % 128) | 0x80;
        v = Math.floor(v / 128);
      }
      bytes[position++] = v;
    }
    this.length = position;
  }

  /** Writes a field key. */
  key(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  /** `uint64`/`uint32`/`int64` (non-negative) field. */
  uint(field: number, value: number): void {
    this.key(field, WireType.varint);
    this.rawVarint(value);
  }

  /** `int32`/enum field; negative values take 10 bytes (sign-extended to 64 bits). */
  int32(field: number, value: number): void {
    this.key(field, WireType.varint);
    this.rawInt32(value);
  }

  /** Writes a varint of an `int32` value; negative values are sign-extended to 10 bytes. */
  rawInt32(value: number): void {
    if (value >= 0) {
      this.rawVarint(value);
      return;
    }
    this.ensure(10);
    let low = value >>> 0;
    let high = 0xffffffff;
    for (let i = 0; i < 9; i++) {
      this.bytes[this.length++] = (low & 0x7f) | 0x80;
      low = (low >>> 7) | ((high & 0x7f) << 25);
      high >>>= 7;
    }
    this.bytes[this.length++] = low & 0x01;
  }

  /** `bool` field. */
  bool(field: number, value: boolean): void {
    this.key(field, WireType.varint);
    this.rawVarint(value ? 1 : 0);
  }

  /** `double` field (fixed 64-bit, little-endian). */
  double(field: number, value: number): void {
    this.key(field, WireType.fixed64);
    this.ensure(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  /** `float` field (fixed 32-bit, little-endian; the value is rounded to float32). */
  float(field: number, value: number): void {
    this.key(field, WireType.fixed32);
    this.ensure(4);
    this.view.setFloat32(this.length, value, true);
    this.length += 4;
  }

  /** `bytes` field. */
  bytesField(field: number, value: Uint8Array): void {
    this.key(field, WireType.lengthDelimited);
    this.rawVarint(value.length);
    this.ensure(value.length);
    this.bytes.set(value, this.length);
    this.length += value.length;
  }

  /** `string` field (UTF-8). */
  string(field: number, value: string): void {
    this.bytesField(field, utf8Encode(value));
  }

  /** `repeated double` field, packed. */
  packedDoubles(field: number, values: ArrayLike<number>): void {
    this.key(field, WireType.lengthDelimited);
    this.rawVarint(values.length * 8);
    this.ensure(values.length * 8);
    for (let i = 0; i < values.length; i++) {
      this.view.setFloat64(this.length, values[i]!, true);
      this.length += 8;
    }
  }

  /** `repeated float` field, packed (values rounded to float32). */
  packedFloats(field: number, values: ArrayLike<number>): void {
    this.key(field, WireType.lengthDelimited);
    this.rawVarint(values.length * 4);
    this.ensure(values.length * 4);
    for (let i = 0; i < values.length; i++) {
      this.view.setFloat32(this.length, values[i]!, true);
      this.length += 4;
    }
  }

  /** Embedded message field: `body` writes the message's fields into this writer. */
  message(field: number, body: (writer: ProtoWriter) => void): void {
    this.key(field, WireType.lengthDelimited);
    this.ensure(1);
    const lengthAt = this.length;
    this.length += 1;
    body(this);
    const size = this.length - lengthAt - 1;
    if (size < 0x80) {
      this.bytes[lengthAt] = size;
      return;
    }
    const sizeBytes = varintSize(size);
    this.ensure(sizeBytes - 1);
    this.bytes.copyWithin(lengthAt + sizeBytes, lengthAt + 1, this.length);
    this.length = lengthAt;
    this.rawVarint(size);
    this.length = lengthAt + sizeBytes + size;
  }
}

/** Number of bytes of the unsigned varint encoding of `value`. */
export function varintSize(value: number): number {
  let size = 1;
  let v = value;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    size++;
  }
  return size;
}

/** Raised by {@link ProtoReader} on malformed input; callers turn it into a typed error or warning. */
export class ProtoDecodeError extends TrainkitError {
  readonly [protoDecodeMarker] = true;
  override name = 'ProtoDecodeError';

  /** True for a {@link ProtoDecodeError} from any copy of the package. */
  static override isInstance(error: unknown): error is ProtoDecodeError {
    return hasErrorMarker(error, protoDecodeMarker);
  }
}

/**
 * Reads protobuf fields from `bytes[start, end)`.
 *
 * Typical loop: `while (reader.next()) switch (reader.field) { ...; default: reader.skip(); }`.
 */
export class ProtoReader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  position: number;
  readonly end: number;
  /** Field number of the current field (after {@link ProtoReader.next}). */
  field = 0;
  /** Wire type of the current field. */
  wireType = 0;

  constructor(bytes: Uint8Array, start = 0, end: number = bytes.length, view?: DataView) {
    this.bytes = bytes;
    this.view = view ?? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.position = start;
    this.end = end;
  }

  /** Advances to the next field key; false at the end of the message. */
  next(): boolean {
    if (this.position >= this.end) return false;
    const key = this.varint();
    this.field = Math.floor(key / 8);
    this.wireType = key % 8;
    if (this.field === 0) throw new ProtoDecodeError(`invalid field number 0 at ${this.position}`);
    return true;
  }

  /**
   * Reads a varint as a number: exact up to 2^53; 10-byte negative `int64`/`int32`
   * encodings come back negative.
   */
  varint(): number {
    const bytes = this.bytes;
    let low = 0;
    let high = 0;
    let shift = 0;
    let position = this.position;
    for (let i = 0; i < 10; i++) {
      if (position >= this.end) throw new ProtoDecodeError('truncated varint');
      const byte = bytes[position++]!;
      if (shift < 28) {
        low |= (byte & 0x7f) << shift;
      } else if (shift === 28) {
        low |= (byte & 0x0f) << 28;
        high |= (byte & 0x7f) >>> 4;
      } else {
        high |= (byte & 0x7f) << (shift - 32);
      }
      shift += 7;
      if ((byte & 0x80) === 0) {
        this.position = position;
        if (high & 0x80000000) {
          // Two's complement negative 64-bit value.
          const negLow = ~low >>> 0;
          const negHigh = ~high >>> 0;
          return -(negHigh * twoTo32 + negLow + 1);
        }
        return (high >>> 0) * twoTo32 + (low >>> 0);
      }
    }
    throw new ProtoDecodeError('varint longer than 10 bytes');
  }

  /** Reads a fixed 64-bit double. */
  double(): number {
    this.need(8);
    const value = this.view.getFloat64(this.position, true);
    this.position += 8;
    return value;
  }

  /** Reads a fixed 32-bit float. */
  float(): number {
    this.need(4);
    const value = this.view.getFloat32(this.position, true);
    this.position += 4;
    return value;
  }

  /** Reads a length-delimited field's payload (a view, not a copy). */
  bytesField(): Uint8Array {
    const length = this.varint();
    this.need(length);
    const value = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return value;
  }

  /** Reads a UTF-8 string field. */
  string(): string {
    return utf8Decode(this.bytesField());
  }

  /** A reader over the current embedded message. */
  message(): ProtoReader {
    const length = this.varint();
    this.need(length);
    const reader = new ProtoReader(this.bytes, this.position, this.position + length, this.view);
    this.position += length;
    return reader;
  }

  /** Reads a `repeated double` field, packed or not, appending to `out`. */
  doubles(out: number[]): void {
    if (this.wireType === WireType.fixed64) {
      out.push(this.double());
      return;
    }
    const inner = this.message();
    while (inner.position < inner.end) out.push(inner.double());
  }

  /** Reads a `repeated float` field, packed or not, appending to `out`. */
  floats(out: number[]): void {
    if (this.wireType === WireType.fixed32) {
      out.push(this.float());
      return;
    }
    const inner = this.message();
    while (inner.position < inner.end) out.push(inner.float());
  }

  /** Reads a `repeated` varint field (int32/int64/bool/enum), packed or not, appending to `out`. */
  varints(out: number[]): void {
    if (this.wireType === WireType.varint) {
      out.push(this.varint());
      return;
    }
    const inner = this.message();
    while (inner.position < inner.end) out.push(inner.varint());
  }

  /** Skips the current field's value. */
  skip(): void {
    switch (this.wireType) {
      case WireType.varint:
        this.varint();
        return;
      case WireType.fixed64:
        this.need(8);
        this.position += 8;
        return;
      case WireType.lengthDelimited: {
        const length = this.varint();
        this.need(length);
        this.position += length;
        return;
      }
      case WireType.fixed32:
        this.need(4);
        this.position += 4;
        return;
      default:
        throw new ProtoDecodeError(`unsupported wire type ${this.wireType} (field ${this.field})`);
    }
  }

  private need(count: number): void {
    if (this.position + count > this.end) {
      throw new ProtoDecodeError(
        `field ${this.field} needs ${count} bytes at ${this.position}, message ends at ${this.end}`,
      );
    }
  }
}
