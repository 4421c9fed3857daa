import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c';

/** Bit-at-a-time CRC-32C straight from the definition, as an independent reference. */
function referenceCrc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  // RFC 3720 (iSCSI), appendix B.4 "CRC Examples".
  it('matches the RFC 3720 B.4 test vectors', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
    // The 48-byte iSCSI SCSI Read (10) command PDU.
    const pdu = new Uint8Array(48);
    pdu.set([0x01, 0xc0], 0);
    pdu[16] = 0x14;
    pdu[22] = 0x04;
    pdu[27] = 0x14;
    pdu[31] = 0x18;
    pdu[32] = 0x28;
    pdu[40] = 0x02;
    expect(crc32c(pdu)).toBe(0xd9963a56);
  });

  it('gives the check value 0xE3069283 for "123456789" and 0 for no bytes', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('honours start and end', () => {
    const bytes = new TextEncoder().encode('xx123456789yy');
    expect(crc32c(bytes, 2, 11)).toBe(0xe3069283);
  });

  it('equals the bit-at-a-time definition for any bytes and any alignment', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1000 }), fc.nat(7), (bytes, offset) => {
        const padded = new Uint8Array(bytes.length + offset);
        padded.set(bytes, offset);
        expect(crc32c(padded, offset)).toBe(referenceCrc32c(bytes));
      }),
    );
  });

  it('equals the definition on the word-view fast path (>= 128 bytes) at every alignment', () => {
    // Deterministic bytes (a 32-bit LCG), lengths around the 128-byte threshold and longer,
    // so that every table of the slicing-by-8 loop over aligned words is exercised.
    let state = 12345;
    const next = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state >>> 24;
    };
    for (const length of [127, 128, 129, 135, 136, 1000, 4099]) {
      const bytes = Uint8Array.from({ length }, next);
      const expected = referenceCrc32c(bytes);
      for (let offset = 0; offset < 8; offset++) {
        const padded = new Uint8Array(length + offset + 3);
        padded.set(bytes, offset);
        expect(crc32c(padded, offset, offset + length), `length ${length}, offset ${offset}`).toBe(
          expected,
        );
        expect(crc32c(padded.subarray(offset, offset + length))).toBe(expected);
      }
    }
  });
});
