import { InvalidArgumentError, ShapeMismatchError } from '@trainkit/core';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { encodeImage, readPngHeader } from './image';

describe('encodeImage', () => {
  it('encodes RGBA bytes to a PNG that decodes to the same pixels', () => {
    const data = new Uint8Array([
      255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 1, 2, 3, 4, 9, 9, 9, 9, 7, 7, 7, 7,
    ]);
    const encoded = encodeImage({ width: 3, height: 2, channels: 4, data });
    expect(encoded).toMatchObject({ width: 3, height: 2, channels: 4 });
    const decoded = decode(encoded.png);
    expect(decoded).toMatchObject({ width: 3, height: 2, channels: 4, depth: 8 });
    expect([...decoded.data]).toEqual([...data]);
  });

  it('scales float pixels from [0, 1] to bytes, clipping and mapping NaN to 0', () => {
    const data = new Float32Array([0, 0.5, 1, 2, -1, Number.NaN]);
    const { png } = encodeImage({ width: 3, height: 2, channels: 1, data });
    // round(0.5 * 255) = 128 (127.5 rounds up).
    expect([...decode(png).data]).toEqual([0, 128, 255, 255, 0, 0]);
  });

  it('passes PNG bytes through and reads their size from the IHDR chunk', () => {
    const original = encodeImage({ width: 5, height: 7, channels: 3, data: new Uint8Array(105) });
    const passed = encodeImage({ png: original.png });
    expect(passed).toEqual({ width: 5, height: 7, channels: 3, png: original.png });
    expect(passed.png).toBe(original.png);
  });

  it('rejects pixel data whose length does not match the size, with a ShapeMismatchError', () => {
    const bad = { width: 4, height: 3, channels: 3 as const, data: new Uint8Array(35) };
    expect(() => encodeImage(bad)).toThrow(ShapeMismatchError);
    expect(() => encodeImage(bad)).toThrow(
      'encodeImage: image.data must have shape length 36 (height 3 x width 4 x channels 3), got length 35.',
    );
  });

  it('rejects bad sizes, channel counts, data types and non-PNG bytes', () => {
    const data = new Uint8Array(4);
    expect(() => encodeImage({ width: 0, height: 4, channels: 1, data })).toThrow(
      'encodeImage: image.width must be an integer >= 1 and <= 2147483647, got 0.',
    );
    expect(() => encodeImage({ width: 2, height: 2, channels: 5 as 4, data })).toThrow(
      /image\.channels must be an integer >= 1 and <= 4, got 5\. Use 1 \(gray\)/,
    );
    expect(() =>
      encodeImage({
        width: 2,
        height: 2,
        channels: 1,
        data: [1, 2, 3, 4] as unknown as Uint8Array,
      }),
    ).toThrow(/image\.data must be a Uint8Array\/Uint8ClampedArray \(0\.\.255\) or a Float32Array/);
    expect(() => encodeImage({ png: new Uint8Array([1, 2, 3]) })).toThrow(InvalidArgumentError);
    expect(() => encodeImage({ png: new Uint8Array([1, 2, 3]) })).toThrow(
      /image\.png must be PNG bytes/,
    );
  });
});

describe('readPngHeader', () => {
  it('maps PNG color types to channel counts', () => {
    for (const channels of [1, 2, 3, 4] as const) {
      const { png } = encodeImage({
        width: 1,
        height: 1,
        channels,
        data: new Uint8Array(channels),
      });
      expect(readPngHeader(png)).toEqual({ width: 1, height: 1, channels });
    }
  });

  it('returns undefined for non-PNG bytes', () => {
    expect(readPngHeader(new Uint8Array(40))).toBeUndefined();
    expect(readPngHeader(new Uint8Array([0x89, 0x50]))).toBeUndefined();
  });
});
