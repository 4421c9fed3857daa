import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskCrc32c, maskedCrc32c, unmaskCrc32c } from './crc32c';

describe('maskCrc32c', () => {
  it('rotates right by 15 bits and adds 0xa282ead8 modulo 2^32', () => {
    expect(maskCrc32c(0)).toBe(0xa282ead8);
    // 0x00008000 rotated right by 15 is 1.
    expect(maskCrc32c(0x00008000)).toBe(0xa282ead9);
    // 0xffffffff rotated is 0xffffffff; + 0xa282ead8 wraps to 0xa282ead7.
    expect(maskCrc32c(0xffffffff)).toBe(0xa282ead7);
    // 0x12345678 rotated right by 15 = 0xacf02468; + 0xa282ead8 = 0x14f730f40 -> 0x4f730f40.
    expect(maskCrc32c(0x12345678)).toBe(0x4f730f40);
  });

  it('is inverted by unmaskCrc32c', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), (crc) => {
        expect(unmaskCrc32c(maskCrc32c(crc))).toBe(crc);
      }),
    );
  });

  it('maskedCrc32c masks the CRC of a range', () => {
    const bytes = new TextEncoder().encode('123456789');
    expect(maskedCrc32c(bytes)).toBe(maskCrc32c(0xe3069283));
  });
});
