/**
 * TFRecord framing, the container format of TensorBoard event files. Each
 * record is
 *
 * ```
 * uint64  length            little-endian byte count of data
 * uint32  masked_crc(length) masked CRC-32C of the 8 length bytes
 * byte    data[length]
 * uint32  masked_crc(data)   masked CRC-32C of data
 * ```
 *
 * so a record costs 16 bytes of framing. Pure functions, no I/O.
 */

import { crc32c, maskCrc32c } from './crc32c';
import type { ProtoWriter } from './protobuf';

/** Bytes before a record's payload: length (8) + masked length CRC (4). */
export const recordHeaderBytes = 12;
/** Bytes after a record's payload: masked payload CRC (4). */
export const recordFooterBytes = 4;

const twoTo32 = 4294967296;

/**
 * Frames `payload` as one TFRecord.
 *
 * @param payload - The record data (an encoded `Event` for event files).
 * @returns `length + masked CRC(length) + payload + masked CRC(payload)`.
 *
 * @example
 * ```ts
 * const record = encodeRecord(new Uint8Array([1, 2, 3]));
 * record.length; // 19
 * ```
 */
export function encodeRecord(payload: Uint8Array): Uint8Array {
  const record = new Uint8Array(recordHeaderBytes + payload.length + recordFooterBytes);
  const view = new DataView(record.buffer);
  view.setUint32(0, payload.length % twoTo32, true);
  view.setUint32(4, Math.floor(payload.length / twoTo32), true);
  view.setUint32(8, maskCrc32c(crc32c(record, 0, 8)), true);
  record.set(payload, recordHeaderBytes);
  view.setUint32(recordHeaderBytes + payload.length, maskCrc32c(crc32c(payload)), true);
  return record;
}

/**
 * Starts a record inside a {@link ProtoWriter}: reserves the 12 header bytes and
 * returns the record's start offset. Write the payload with the writer, then
 * call {@link endRecord}. This frames records in place, without copying payloads.
 *
 * @internal
 */
export function beginRecord(writer: ProtoWriter): number {
  writer.ensure(recordHeaderBytes);
  const start = writer.length;
  writer.length += recordHeaderBytes;
  return start;
}

/**
 * Completes the record started at `start`: fills in the length and its masked
 * CRC and appends the masked CRC of the payload.
 *
 * @internal
 */
export function endRecord(writer: ProtoWriter, start: number): void {
  const payloadStart = start + recordHeaderBytes;
  const payloadLength = writer.length - payloadStart;
  const view = writer.view;
  view.setUint32(start, payloadLength % twoTo32, true);
  view.setUint32(start + 4, Math.floor(payloadLength / twoTo32), true);
  view.setUint32(start + 8, maskCrc32c(crc32c(writer.bytes, start, start + 8)), true);
  const payloadCrc = maskCrc32c(crc32c(writer.bytes, payloadStart, writer.length));
  writer.ensure(recordFooterBytes);
  writer.view.setUint32(writer.length, payloadCrc, true);
  writer.length += recordFooterBytes;
}

/** A problem found while reading records. */
export interface RecordIssue {
  /**
   * `truncated-tail`: the data ends inside a record (a writer still running or
   * one that crashed); `corrupt-length`: a length CRC mismatch, nothing after it
   * can be framed; `corrupt-payload`: a payload CRC mismatch, that record is
   * skipped and reading goes on.
   */
  readonly kind: 'truncated-tail' | 'corrupt-length' | 'corrupt-payload';
  /** Byte offset of the record's first byte. */
  readonly offset: number;
  /** Human-readable detail. */
  readonly message: string;
}

/** One intact record. */
export interface RecordSlice {
  /** Byte offset of the record's first byte (its length field). */
  readonly offset: number;
  /** The payload (a view into the input, not a copy). */
  readonly payload: Uint8Array;
}

/** What {@link parseRecords} found. */
export interface ParsedRecords {
  /** The records whose length and payload CRCs both match, in order. */
  readonly records: RecordSlice[];
  /** Truncation and damage, in order of offset. */
  readonly issues: RecordIssue[];
  /**
   * Offset just past the last fully framed record (before a truncated tail or
   * an unframeable length): the whole records end here.
   */
  readonly validLength: number;
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

/**
 * Walks TFRecord data, verifying both CRCs of every record, calling `onRecord`
 * with the payload's position for each intact record and `onIssue` for each
 * problem, in file order. The allocation-free core of {@link parseRecords}.
 *
 * @returns The issues and the end of the last fully framed record.
 * @internal
 */
export function scanRecords(
  bytes: Uint8Array,
  onRecord: (offset: number, payloadStart: number, payloadEnd: number) => void,
  onIssue?: (issue: RecordIssue) => void,
): { issues: RecordIssue[]; validLength: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: RecordIssue[] = [];
  const report = (issue: RecordIssue): void => {
    found.push(issue);
    onIssue?.(issue);
  };
  let offset = 0;
  let validLength = 0;
  while (offset < bytes.length) {
    const remaining = bytes.length - offset;
    if (remaining < recordHeaderBytes) {
      report({
        kind: 'truncated-tail',
        offset,
        message: `the data ends ${remaining} byte(s) into a record header of ${recordHeaderBytes} bytes`,
      });
      break;
    }
    const storedLengthCrc = view.getUint32(offset + 8, true);
    const lengthCrc = maskCrc32c(crc32c(bytes, offset, offset + 8));
    if (storedLengthCrc !== lengthCrc) {
      report({
        kind: 'corrupt-length',
        offset,
        message: `length CRC ${hex(lengthCrc)} does not match the stored ${hex(storedLengthCrc)}; the remaining ${remaining} byte(s) cannot be framed`,
      });
      break;
    }
    const length = view.getUint32(offset, true) + view.getUint32(offset + 4, true) * twoTo32;
    const recordBytes = recordHeaderBytes + length + recordFooterBytes;
    if (remaining < recordBytes) {
      report({
        kind: 'truncated-tail',
        offset,
        message: `the data ends ${remaining} byte(s) into a record of ${recordBytes} bytes`,
      });
      break;
    }
    const payloadStart = offset + recordHeaderBytes;
    const payloadEnd = payloadStart + length;
    const storedPayloadCrc = view.getUint32(payloadEnd, true);
    const payloadCrc = maskCrc32c(crc32c(bytes, payloadStart, payloadEnd));
    if (storedPayloadCrc !== payloadCrc) {
      report({
        kind: 'corrupt-payload',
        offset,
        message: `payload CRC ${hex(payloadCrc)} does not match the stored ${hex(storedPayloadCrc)}; record skipped`,
      });
    } else {
      onRecord(offset, payloadStart, payloadEnd);
    }
    offset += recordBytes;
    validLength = offset;
  }
  return { issues: found, validLength };
}

/**
 * Splits TFRecord data into records, verifying both CRCs of every record.
 *
 * A payload CRC mismatch skips that record (issue `corrupt-payload`) and goes on,
 * since its length was verified. A length CRC mismatch stops (issue
 * `corrupt-length`): without a trusted length the next record cannot be found.
 * Data that ends inside a record gives the issue `truncated-tail`.
 *
 * @param bytes - The file contents.
 * @returns The intact records and the issues.
 *
 * @example
 * ```ts
 * const { records, issues } = parseRecords(fileBytes);
 * ```
 */
export function parseRecords(bytes: Uint8Array): ParsedRecords {
  const records: RecordSlice[] = [];
  const { issues, validLength } = scanRecords(bytes, (offset, start, end) => {
    records.push({ offset, payload: bytes.subarray(start, end) });
  });
  return { records, issues, validLength };
}
