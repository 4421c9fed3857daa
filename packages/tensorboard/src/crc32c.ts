/**
 * TensorFlow's "masked" CRC-32C, the form TFRecord framing stores. The
 * CRC-32C itself is `@trainkit/core`'s.
 */
import { crc32c } from '@trainkit/core';

export { crc32c };

const maskDelta = 0xa282ead8;

/**
 * TensorFlow's masked CRC: `((crc >>> 15) | (crc << 17)) + 0xa282ead8` modulo
 * 2^32. Masking keeps a CRC of data that itself contains CRCs from being
 * trivially predictable; TFRecord stores masked CRCs only.
 *
 * @param crc - An unsigned 32-bit CRC-32C.
 * @returns The masked value, an unsigned 32-bit integer.
 *
 * @example
 * ```ts
 * maskCrc32c(0); // 0xa282ead8
 * ```
 */
export function maskCrc32c(crc: number): number {
  return (((crc >>> 15) | (crc << 17)) + maskDelta) >>> 0;
}

/**
 * Inverse of {@link maskCrc32c}.
 *
 * @param masked - A masked CRC as stored in a TFRecord.
 * @returns The plain CRC-32C.
 *
 * @example
 * ```ts
 * unmaskCrc32c(maskCrc32c(0x12345678)); // 0x12345678
 * ```
 */
export function unmaskCrc32c(masked: number): number {
  const rotated = (masked - maskDelta) >>> 0;
  return ((rotated >>> 17) | (rotated << 15)) >>> 0;
}

/**
 * Masked CRC-32C of `bytes[start, end)`, the value TFRecord framing stores.
 *
 * @param bytes - The data.
 * @param start - First byte (default 0).
 * @param end - One past the last byte (default `bytes.length`).
 * @returns `maskCrc32c(crc32c(bytes, start, end))`.
 *
 * @example
 * ```ts
 * maskedCrc32c(new Uint8Array(8)); // CRC of an all-zero uint64 length, masked
 * ```
 */
export function maskedCrc32c(bytes: Uint8Array, start = 0, end: number = bytes.length): number {
  return maskCrc32c(crc32c(bytes, start, end));
}
