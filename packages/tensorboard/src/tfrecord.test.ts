import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c, maskCrc32c } from './crc32c';
import { ProtoWriter } from './protobuf';
import { beginRecord, encodeRecord, endRecord, parseRecords } from './tfrecord';

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

describe('encodeRecord', () => {
  it('lays out length, masked length CRC, payload, masked payload CRC', () => {
    const payload = new Uint8Array([1, 2, 3]);
    const record = encodeRecord(payload);
    const view = new DataView(record.buffer);
    expect(record.length).toBe(8 + 4 + 3 + 4);
    expect(view.getUint32(0, true)).toBe(3);
    expect(view.getUint32(4, true)).toBe(0);
    expect(view.getUint32(8, true)).toBe(maskCrc32c(crc32c(record.subarray(0, 8))));
    expect([...record.subarray(12, 15)]).toEqual([1, 2, 3]);
    expect(view.getUint32(15, true)).toBe(maskCrc32c(crc32c(payload)));
  });

  it('frames an empty payload', () => {
    const record = encodeRecord(new Uint8Array(0));
    expect(record.length).toBe(16);
    // CRC-32C of no bytes is 0, masked 0xa282ead8.
    expect(new DataView(record.buffer).getUint32(12, true)).toBe(0xa282ead8);
  });

  it('beginRecord/endRecord frame in place exactly like encodeRecord', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 400 }), { maxLength: 5 }), (payloads) => {
        const writer = new ProtoWriter(16);
        for (const payload of payloads) {
          const start = beginRecord(writer);
          writer.ensure(payload.length);
          writer.bytes.set(payload, writer.length);
          writer.length += payload.length;
          endRecord(writer, start);
        }
        expect([...writer.finish()]).toEqual([...concat(payloads.map(encodeRecord))]);
      }),
    );
  });
});

describe('parseRecords', () => {
  const payloads = [new Uint8Array([10, 11]), new Uint8Array(300).fill(7), new Uint8Array([42])];
  const file = concat(payloads.map(encodeRecord));

  it('returns every payload of intact data, without issues', () => {
    const parsed = parseRecords(file);
    expect(parsed.records.map((r) => [...r.payload])).toEqual(payloads.map((p) => [...p]));
    expect(parsed.records.map((r) => r.offset)).toEqual([0, 18, 334]);
    expect(parsed.issues).toEqual([]);
    expect(parsed.validLength).toBe(file.length);
  });

  it('reads all earlier records, and flags a truncated tail, when cut at any byte of the last record', () => {
    const lastStart = 334;
    for (let cut = lastStart; cut < file.length; cut++) {
      const parsed = parseRecords(file.subarray(0, cut));
      expect(parsed.records.length).toBe(2);
      if (cut === lastStart) {
        expect(parsed.issues).toEqual([]);
      } else {
        expect(parsed.issues).toHaveLength(1);
        expect(parsed.issues[0]).toMatchObject({ kind: 'truncated-tail', offset: lastStart });
      }
      expect(parsed.validLength).toBe(lastStart);
    }
  });

  it('skips a record whose payload CRC fails and keeps reading', () => {
    const damaged = file.slice();
    damaged[18 + 12 + 100] = damaged[18 + 12 + 100]! ^ 0xff; // a payload byte of the second record
    const parsed = parseRecords(damaged);
    expect(parsed.records.map((r) => r.offset)).toEqual([0, 334]);
    expect(parsed.issues).toHaveLength(1);
    expect(parsed.issues[0]).toMatchObject({ kind: 'corrupt-payload', offset: 18 });
    expect(parsed.issues[0]!.message).toMatch(/payload CRC 0x[0-9a-f]{8} does not match/);
  });

  it('stops at a record whose length CRC fails', () => {
    const damaged = file.slice();
    damaged[18] = damaged[18]! ^ 0x01; // the second record's length
    const parsed = parseRecords(damaged);
    expect(parsed.records.map((r) => r.offset)).toEqual([0]);
    expect(parsed.issues).toEqual([
      expect.objectContaining({ kind: 'corrupt-length', offset: 18 }),
    ]);
    expect(parsed.validLength).toBe(18);
  });

  it('treats a damaged payload CRC field like a damaged payload', () => {
    const damaged = file.slice();
    damaged[file.length - 1] = damaged[file.length - 1]! ^ 0x80;
    const parsed = parseRecords(damaged);
    expect(parsed.records).toHaveLength(2);
    expect(parsed.issues[0]).toMatchObject({ kind: 'corrupt-payload', offset: 334 });
  });

  it('never throws and never returns a record whose CRCs fail, whatever the bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.nat(file.length - 1),
        fc.nat(255),
        (noise, at, flip) => {
          parseRecords(noise);
          const damaged = file.slice();
          damaged[at] = damaged[at]! ^ flip;
          const parsed = parseRecords(damaged);
          for (const record of parsed.records) {
            const original = payloads[[0, 18, 334].indexOf(record.offset)]!;
            expect([...record.payload]).toEqual([...original]);
          }
        },
      ),
    );
  });
});
