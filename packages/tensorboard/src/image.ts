/**
 * Images for TensorBoard's images dashboard: raw pixels encoded to PNG with
 * `fast-png` (pure JavaScript), or PNG bytes passed through after their header
 * is checked.
 */

import { checkArguments, ShapeMismatchError } from '@trainkit/core';
import { encode as encodePngPixels } from 'fast-png';

/**
 * Raw pixels, row-major, channels interleaved (`[height, width, channels]`
 * like a tfjs image tensor).
 *
 * `Uint8Array`/`Uint8ClampedArray` hold 0..255; `Float32Array`/`Float64Array`
 * hold 0..1 and are scaled by 255, rounded and clipped (NaN becomes 0), like
 * `tf.summary.image` does with float images.
 */
export interface PixelImage {
  readonly width: number;
  readonly height: number;
  /** 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA. */
  readonly channels: 1 | 2 | 3 | 4;
  readonly data: Uint8Array | Uint8ClampedArray | Float32Array | Float64Array;
}

/** An already encoded PNG (e.g. `confusionMatrixToPng(...)` from `@trainkit/metrics`). */
export interface PngImage {
  readonly png: Uint8Array;
}

/** An image to log: raw pixels or PNG bytes. */
export type ImageInput = PixelImage | PngImage;

/** A PNG with its dimensions, ready to be written. */
export interface EncodedPng {
  readonly width: number;
  readonly height: number;
  /** 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA (from the PNG color type). */
  readonly channels: number;
  readonly png: Uint8Array;
}

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * Reads width, height and channel count from a PNG's signature and IHDR chunk.
 *
 * @param png - PNG bytes.
 * @returns The dimensions, or `undefined` when the bytes are not a PNG.
 *
 * @example
 * ```ts
 * readPngHeader(pngBytes); // { width: 28, height: 28, channels: 1 }
 * ```
 */
export function readPngHeader(
  png: Uint8Array,
): { width: number; height: number; channels: number } | undefined {
  if (png.length < 33) return undefined;
  for (let i = 0; i < 8; i++) if (png[i] !== pngSignature[i]) return undefined;
  // Chunk: length (4) 'IHDR' (4) width (4, big-endian) height (4) depth (1) color type (1).
  if (png[12] !== 0x49 || png[13] !== 0x48 || png[14] !== 0x44 || png[15] !== 0x52)
    return undefined;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const colorType = png[25]!;
  const channels = colorType === 0 ? 1 : colorType === 4 ? 2 : colorType === 6 ? 4 : 3;
  return { width, height, channels };
}

function isPngImage(input: ImageInput): input is PngImage {
  return typeof input === 'object' && input !== null && 'png' in input;
}

/**
 * Turns an {@link ImageInput} into PNG bytes with known dimensions, checking
 * that the data matches the stated size.
 *
 * @param input - Raw pixels or PNG bytes.
 * @param functionName - For error messages (default `encodeImage`).
 * @param argument - For error messages (default `image`).
 * @returns The PNG and its width, height and channels.
 * @throws ShapeMismatchError when `data.length !== height * width * channels`.
 * @throws InvalidArgumentError for non-positive or non-integer sizes, an unknown
 *   channel count, an unsupported data type, or bytes that are not a PNG.
 *
 * @example
 * ```ts
 * const { png } = encodeImage({ width: 2, height: 1, channels: 1, data: new Uint8Array([0, 255]) });
 * ```
 */
export function encodeImage(
  input: ImageInput,
  functionName = 'encodeImage',
  argument = 'image',
): EncodedPng {
  const check = checkArguments(functionName);
  if (typeof input !== 'object' || input === null) {
    return check.fail(argument, input, 'an object { width, height, channels, data } or { png }');
  }
  if (isPngImage(input)) {
    if (!(input.png instanceof Uint8Array)) {
      return check.fail(`${argument}.png`, input.png, 'a Uint8Array of PNG bytes');
    }
    const header = readPngHeader(input.png);
    if (header === undefined || header.width === 0 || header.height === 0) {
      return check.fail(
        `${argument}.png`,
        input.png,
        'PNG bytes (signature 89 50 4E 47 0D 0A 1A 0A, then an IHDR chunk with a non-zero size)',
        'Pass raw pixels as { width, height, channels, data } to have them encoded.',
      );
    }
    return { ...header, png: input.png };
  }
  const width = check.integer(`${argument}.width`, input.width, { min: 1, max: 0x7fffffff });
  const height = check.integer(`${argument}.height`, input.height, { min: 1, max: 0x7fffffff });
  const channels = check.integer(`${argument}.channels`, input.channels, {
    min: 1,
    max: 4,
    fix: 'Use 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA).',
  });
  const data = input.data;
  const isBytes = data instanceof Uint8Array || data instanceof Uint8ClampedArray;
  const isFloats = data instanceof Float32Array || data instanceof Float64Array;
  if (!isBytes && !isFloats) {
    return check.fail(
      `${argument}.data`,
      data,
      'a Uint8Array/Uint8ClampedArray (0..255) or a Float32Array/Float64Array (0..1)',
      'Wrap plain arrays, e.g. Uint8Array.from(pixels).',
    );
  }
  const expected = width * height * channels;
  if (data.length !== expected) {
    throw new ShapeMismatchError({
      functionName,
      argument: `${argument}.data`,
      expected: `length ${expected} (height ${height} x width ${width} x channels ${channels})`,
      actual: `length ${data.length}`,
      fix: 'Check width, height and channels against the pixel buffer (row-major, channels interleaved).',
    });
  }
  let bytes: Uint8Array;
  if (isBytes) {
    bytes =
      data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.length);
  } else {
    bytes = new Uint8Array(expected);
    for (let i = 0; i < expected; i++) {
      const value = data[i]!;
      bytes[i] = value > 0 ? (value >= 1 ? 255 : Math.round(value * 255)) : 0;
    }
  }
  const png = encodePngPixels({ width, height, channels, depth: 8, data: bytes });
  return { width, height, channels, png };
}
