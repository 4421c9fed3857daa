import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtoDecodeError, ProtoReader, ProtoWriter, varintSize } from './protobuf';

function bytesOf(write: (writer: ProtoWriter) => void): number[] {
  const writer = new ProtoWriter(16);
  write(writer);
  return [...writer.finish()];
}

describe('ProtoWriter', () => {
  it('encodes varints as in the protobuf encoding guide', () => {
    // "150" is the guide's example: 1001 0110 0000 0001.
    expect(bytesOf((w) => w.rawVarint(150))).toEqual([0x96, 0x01]);
    expect(bytesOf((w) => w.rawVarint(0))).toEqual([0x00]);
    expect(bytesOf((w) => w.rawVarint(127))).toEqual([0x7f]);
    expect(bytesOf((w) => w.rawVarint(128))).toEqual([0x80, 0x01]);
    // 2^32 needs 5 bytes: 32 = 4*7 + 4 -> four 0x80 bytes, then 0x10.
    expect(bytesOf((w) => w.rawVarint(2 ** 32))).toEqual([0x80, 0x80, 0x80, 0x80, 0x10]);
    // 2^53 - 1: 53 one-bits -> seven 0xff bytes then 0x0f (7*7 = 49, 4 bits left).
    expect(bytesOf((w) => w.rawVarint(2 ** 53 - 1))).toEqual([
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f,
    ]);
  });

  it('writes field keys as (field << 3) | wire type', () => {
    // Field 1 varint 150: 08 96 01.
    expect(bytesOf((w) => w.uint(1, 150))).toEqual([0x08, 0x96, 0x01]);
    // Field 2 string "testing": 12 07 74 65 73 74 69 6e 67.
    expect(bytesOf((w) => w.string(2, 'testing'))).toEqual([
      0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67,
    ]);
    // Field 16 needs a two-byte key: (16 << 3) | 0 = 128 -> 80 01.
    expect(bytesOf((w) => w.uint(16, 1))).toEqual([0x80, 0x01, 0x01]);
  });

  it('sign-extends negative int32 values to ten bytes', () => {
    expect(bytesOf((w) => w.int32(1, -1))).toEqual([
      0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ]);
    expect(bytesOf((w) => w.int32(1, -2))).toEqual([
      0x08, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ]);
  });

  it('writes doubles and floats little-endian', () => {
    // 1.0 as a double is 3ff0000000000000; key (1 << 3) | 1 = 09.
    expect(bytesOf((w) => w.double(1, 1))).toEqual([0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
    // 1.0 as a float is 3f800000; key (2 << 3) | 5 = 15.
    expect(bytesOf((w) => w.float(2, 1))).toEqual([0x15, 0, 0, 0x80, 0x3f]);
  });

  it('writes embedded messages with a one-byte length when short', () => {
    // Field 3 message containing field 1 varint 150: 1a 03 08 96 01.
    expect(bytesOf((w) => w.message(3, (m) => m.uint(1, 150)))).toEqual([
      0x1a, 0x03, 0x08, 0x96, 0x01,
    ]);
    expect(bytesOf((w) => w.message(3, () => undefined))).toEqual([0x1a, 0x00]);
  });

  it('moves long embedded messages right to make room for their length', () => {
    const payload = new Uint8Array(300).map((_, i) => i % 251);
    const bytes = bytesOf((w) => {
      w.uint(1, 7);
      w.message(2, (m) => m.bytesField(1, payload));
      w.uint(3, 9);
    });
    // Inner message: key 0a, length 300 (ac 02), payload -> 303 bytes -> length af 02.
    expect(bytes.slice(0, 6)).toEqual([0x08, 0x07, 0x12, 0xaf, 0x02, 0x0a]);
    expect(bytes.slice(6, 8)).toEqual([0xac, 0x02]);
    expect(bytes.slice(8, 308)).toEqual([...payload]);
    expect(bytes.slice(308)).toEqual([0x18, 0x09]);
  });

  it('grows its buffer as needed', () => {
    const writer = new ProtoWriter(16);
    for (let i = 0; i < 1000; i++) writer.uint(1, i);
    const reader = new ProtoReader(writer.finish());
    const seen: number[] = [];
    while (reader.next()) seen.push(reader.varint());
    expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('varintSize counts the bytes of a varint', () => {
    expect([0, 127, 128, 16383, 16384, 2 ** 32, 2 ** 53 - 1].map(varintSize)).toEqual([
      1, 1, 2, 2, 3, 5, 8,
    ]);
  });
});

describe('ProtoReader', () => {
  it('reads back what the writer wrote, for any values', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.double(),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.string(),
        fc.uint8Array({ maxLength: 300 }),
        (n, d, i, s, b) => {
          const writer = new ProtoWriter(8);
          writer.uint(1, n);
          writer.double(2, d);
          writer.int32(3, i);
          writer.message(4, (m) => {
            m.string(1, s);
            m.bytesField(2, b);
          });
          const reader = new ProtoReader(writer.finish());
          const out: Record<number, unknown> = {};
          while (reader.next()) {
            if (reader.field === 1) out[1] = reader.varint();
            else if (reader.field === 2) out[2] = reader.double();
            else if (reader.field === 3) out[3] = reader.varint();
            else if (reader.field === 4) {
              const inner = reader.message();
              while (inner.next()) {
                if (inner.field === 1) out[41] = inner.string();
                else out[42] = [...inner.bytesField()];
              }
            }
          }
          expect(out[1]).toBe(n);
          expect(Object.is(out[2], d) || (Number.isNaN(out[2]) && Number.isNaN(d))).toBe(true);
          expect(out[3]).toBe(i);
          expect(out[41]).toBe(s);
          expect(out[42]).toEqual([...b]);
        },
      ),
    );
  });

  it('reads packed and unpacked repeated doubles', () => {
    const writer = new ProtoWriter();
    writer.packedDoubles(6, [1.5, -2, 3]);
    writer.double(6, 4);
    const reader = new ProtoReader(writer.finish());
    const out: number[] = [];
    while (reader.next()) reader.doubles(out);
    expect(out).toEqual([1.5, -2, 3, 4]);
  });

  it('skips unknown fields of every wire type', () => {
    const writer = new ProtoWriter();
    writer.uint(1, 300);
    writer.double(2, 1);
    writer.string(3, 'skip me');
    writer.float(4, 1);
    writer.uint(5, 42);
    const reader = new ProtoReader(writer.finish());
    let kept = -1;
    while (reader.next()) {
      if (reader.field === 5) kept = reader.varint();
      else reader.skip();
    }
    expect(kept).toBe(42);
  });

  it('rejects truncated input with ProtoDecodeError', () => {
    const bytes = bytesOf((w) => w.string(1, 'hello'));
    const reader = new ProtoReader(new Uint8Array(bytes.slice(0, 4)));
    reader.next();
    expect(() => reader.string()).toThrow(ProtoDecodeError);
    expect(() => new ProtoReader(new Uint8Array([0x80])).next()).toThrow('truncated varint');
    expect(() => new ProtoReader(new Uint8Array([0x00])).next()).toThrow('field number 0');
  });
});
