import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeEvent,
  type EventData,
  encodeEvent,
  fileVersion,
  TensorDType,
  writeSimpleScalarEvent,
} from './event-codec';
import { ProtoWriter, utf8Encode } from './protobuf';
import { encodeRecord } from './tfrecord';

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

describe('encodeEvent: byte layout of a known scalar event', () => {
  const event: EventData = {
    wallTime: 1700000000.5,
    step: 42,
    summary: [{ tag: 'loss', content: { kind: 'simple', value: 0.25 } }],
  };

  it('matches the hand-computed protobuf bytes', () => {
    // prettier-ignore
    const expected = [
      0x09, // Event.wall_time: field 1, wire type 1 (64-bit)
      0x00,
      0x00,
      0x20,
      0x40,
      0xfc,
      0x54,
      0xd9,
      0x41, //   1700000000.5 as a little-endian double
      0x10,
      0x2a, // Event.step: field 2, varint 42
      0x2a,
      0x0d, // Event.summary: field 5, length-delimited, 13 bytes
      0x0a,
      0x0b, //   Summary.value: field 1, 11 bytes
      0x0a,
      0x04,
      0x6c,
      0x6f,
      0x73,
      0x73, //     Value.tag: field 1, "loss"
      0x15,
      0x00,
      0x00,
      0x80,
      0x3e, //     Value.simple_value: field 2, wire type 5, 0.25f
    ];
    expect(hex(encodeEvent(event))).toBe(hex(new Uint8Array(expected)));
  });

  it('frames it as a TFRecord with masked CRC-32C checksums', () => {
    // Length 26 = 0x1a as uint64 LE; CRC-32C(length bytes) = 0xd81d45aa, masked 0x2dd89b12;
    // CRC-32C(payload) = 0xd4572aab, masked 0xf7da9386 (computed independently in Python).
    // prettier-ignore
    const expected = [
      0x1a,
      0x00,
      0x00,
      0x00,
      0x00,
      0x00,
      0x00,
      0x00, // uint64 length = 26
      0x12,
      0x9b,
      0xd8,
      0x2d, // masked CRC of the length, LE
      ...encodeEvent(event), // the 26 payload bytes above
      0x86,
      0x93,
      0xda,
      0xf7, // masked CRC of the payload, LE
    ];
    expect(hex(encodeRecord(encodeEvent(event)))).toBe(hex(new Uint8Array(expected)));
  });

  it('encodes the file_version event TensorBoard expects first', () => {
    // prettier-ignore
    const expected = [
      0x18,
      0x00,
      0x00,
      0x00,
      0x00,
      0x00,
      0x00,
      0x00, // length 24
      0xa3,
      0x7f,
      0x4b,
      0x22, // masked length CRC
      0x09,
      0x00,
      0x00,
      0x00,
      0x40,
      0xfc,
      0x54,
      0xd9,
      0x41, // wall_time 1700000000.0 (step 0 omitted)
      0x1a,
      0x0d, // file_version: field 3, 13 bytes
      ...new TextEncoder().encode('brain.Event:2'),
      0xec,
      0xed,
      0x8f,
      0x9d, // masked payload CRC
    ];
    const record = encodeRecord(encodeEvent({ wallTime: 1700000000, step: 0, fileVersion }));
    expect(hex(record)).toBe(hex(new Uint8Array(expected)));
  });

  it('writes a zero scalar (a oneof member) but omits a zero step and wall time', () => {
    const bytes = encodeEvent({
      wallTime: 0,
      step: 0,
      summary: [{ tag: 'x', content: { kind: 'simple', value: 0 } }],
    });
    // summary (field 5, 10 bytes) > value (field 1, 8 bytes) > tag "x" (3 bytes) + simple_value 0f (5 bytes)
    expect(hex(bytes)).toBe('2a 0a 0a 08 0a 01 78 15 00 00 00 00');
  });
});

describe('decodeEvent', () => {
  it('round-trips every summary value kind', () => {
    const event: EventData = {
      wallTime: 1234.5,
      step: 2 ** 40 + 3,
      summary: [
        { tag: 'scalar', content: { kind: 'simple', value: -1.5 } },
        {
          tag: 'hist',
          metadata: { pluginName: 'histograms', displayName: 'H', description: 'd' },
          content: {
            kind: 'histogram',
            histogram: {
              min: -1,
              max: 2,
              num: 3,
              sum: 1,
              sumSquares: 6,
              bucketLimits: [-0.9, 0, 2.1],
              bucketCounts: [1, 0, 2],
            },
          },
        },
        {
          tag: 'img',
          content: {
            kind: 'image',
            image: { width: 2, height: 3, colorspace: 4, encoded: new Uint8Array([1, 2, 3]) },
          },
        },
        {
          tag: 'tensor',
          metadata: {
            pluginName: 'text',
            pluginContent: new Uint8Array([8, 1]),
            dataClass: 'tensor',
          },
          content: {
            kind: 'tensor',
            tensor: {
              dtype: TensorDType.string,
              shape: [2, 0, 5],
              stringValues: [new Uint8Array([104, 105]), new Uint8Array(0)],
            },
          },
        },
        {
          tag: 'numbers',
          content: {
            kind: 'tensor',
            tensor: {
              dtype: TensorDType.int32,
              shape: [3],
              intValues: [-5, 0, 7],
            },
          },
        },
      ],
    };
    expect(decodeEvent(encodeEvent(event))).toEqual(event);
  });

  it('round-trips wall time and step for any values', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 4e9, noNaN: true }),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        (wallTime, step) => {
          const decoded = decodeEvent(encodeEvent({ wallTime, step, fileVersion }));
          expect(decoded.wallTime).toBe(wallTime === 0 ? 0 : wallTime);
          expect(decoded.step).toBe(step);
          expect(decoded.fileVersion).toBe(fileVersion);
        },
      ),
    );
  });

  it('reports other Event.what members by field number and skips unknown fields', () => {
    // graph_def (field 4, bytes) and an unknown field 15 varint.
    const bytes = new Uint8Array([0x10, 0x05, 0x22, 0x02, 0xaa, 0xbb, 0x78, 0x01]);
    expect(decodeEvent(bytes)).toEqual({ wallTime: 0, step: 5, otherField: 4 });
  });

  it('reads negative int64 steps written by other tools', () => {
    // step = -1 as a ten-byte varint.
    const bytes = new Uint8Array([
      0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ]);
    expect(decodeEvent(bytes).step).toBe(-1);
  });
});

describe('writeSimpleScalarEvent (the scalar hot path)', () => {
  it('writes the bytes of encodeEvent, also into a nearly full writer and for long tags and large steps', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 300, unit: 'grapheme' }),
        fc.oneof(
          fc.constant(0),
          fc.integer({ min: 1, max: 1000 }),
          fc.constant(2 ** 53 - 1),
          fc.maxSafeNat(),
        ),
        fc.oneof(fc.constant(0), fc.double({ min: 1, max: 2e9, noNaN: true })),
        fc.float(),
        fc.integer({ min: 0, max: 64 }),
        (tag, step, wallTime, value, prefix) => {
          // A small writer already holding `prefix` bytes, so the event straddles its capacity.
          const writer = new ProtoWriter(16);
          writer.ensure(prefix);
          writer.length = prefix;
          writeSimpleScalarEvent(writer, wallTime, step, utf8Encode(tag), value);
          expect(writer.bytes.slice(prefix, writer.length)).toEqual(
            encodeEvent({ wallTime, step, summary: [{ tag, content: { kind: 'simple', value } }] }),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
