import { InvalidArgumentError } from '@trainkit/core';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { GLYPH_HEIGHT, glyphRows, textWidth } from './bitmap-font';
import { confusionMatrix } from './confusion-matrix';
import { confusionMatrixToPng } from './confusion-matrix-png';

const state = confusionMatrix([0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 2], [0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 0]);
// counts [[3, 1, 0], [0, 2, 0], [1, 0, 4]], max 4.
const names = ['cat', 'dog', 'bird'];
const black = { lowColor: '#ffffff', highColor: '#000000' } as const;

function pixel(image: ReturnType<typeof decode>, x: number, y: number): number[] {
  const i = (y * image.width + x) * image.channels;
  return Array.from(image.data.subarray(i, i + 3));
}

/** Grid origin from the documented layout: pad 8, font scale s. */
function gridOrigin(s: number, longestName: number, title = false) {
  const pad = 8;
  const left = pad + GLYPH_HEIGHT * s + pad + textWidth('x'.repeat(longestName), s) + pad;
  const top = pad + (title ? 8 * s + pad : 0);
  return { left, top };
}

describe('confusionMatrixToPng', () => {
  it('is a valid 8-bit RGB PNG with the documented size', () => {
    const png = confusionMatrixToPng(state, { classNames: names, cellSize: 40 });
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const image = decode(png);
    expect(image.channels).toBe(3);
    expect(image.depth).toBe(8);
    const { left, top } = gridOrigin(2, 4);
    // Width: grid left + 3 cells + pad; height: grid + names + pad + line + pad.
    expect(image.width).toBe(left + 120 + 8);
    expect(image.height).toBe(top + 120 + 8 + textWidth('bird', 2) + 8 + 16 + 8);
  });

  it('every pixel of every cell has the colour that follows its count', () => {
    const image = decode(
      confusionMatrixToPng(state, { classNames: names, showValues: false, ...black }),
    );
    const { left, top } = gridOrigin(2, 4);
    const counts = [3, 1, 0, 0, 2, 0, 1, 0, 4];
    for (let t = 0; t < 3; t++) {
      for (let p = 0; p < 3; p++) {
        // White -> black by count / 4: 3 -> 64, 2 -> 128 (127.5 rounds up), 1 -> 191, 0 -> 255, 4 -> 0.
        const channel = Math.round(255 * (1 - counts[t * 3 + p]! / 4));
        for (let y = top + t * 40; y < top + t * 40 + 40; y++) {
          for (let x = left + p * 40; x < left + p * 40 + 40; x++) {
            const [r, g, b] = pixel(image, x, y);
            if (r !== channel || g !== channel || b !== channel) {
              expect.fail(
                `cell (${t}, ${p}) pixel (${x}, ${y}) is ${[r, g, b]}, expected ${channel}`,
              );
            }
          }
        }
      }
    }
    // Larger counts are darker: the diagonal ordering 4 > 3 > 2.
    expect(pixel(image, left + 80 + 1, top + 80 + 1)[0]).toBeLessThan(
      pixel(image, left + 1, top + 1)[0]!,
    );
    expect(pixel(image, left + 1, top + 1)[0]).toBeLessThan(
      pixel(image, left + 40 + 1, top + 40 + 1)[0]!,
    );
  });

  it('draws each value with the built-in font, centred, in a contrasting colour', () => {
    const image = decode(confusionMatrixToPng(state, { classNames: names, ...black }));
    const { left, top } = gridOrigin(2, 4);
    // Cell (2, 2) holds "4" on black: white glyph of 10×14 px at (x + 15, y + 13).
    const x0 = left + 80 + Math.floor((40 - textWidth('4', 2)) / 2);
    const y0 = top + 80 + Math.floor((40 - 14) / 2);
    const rows = glyphRows('4');
    let ink = 0;
    for (let gy = 0; gy < 7; gy++) {
      for (let gx = 0; gx < 5; gx++) {
        const on = (rows[gy]! >> (4 - gx)) & 1;
        const [r] = pixel(image, x0 + gx * 2 + 1, y0 + gy * 2 + 1);
        expect(r).toBe(on ? 255 : 0);
        ink += on;
      }
    }
    expect(ink).toBeGreaterThan(8);
    // Cell corners keep the fill colour.
    expect(pixel(image, left + 80, top + 80)).toEqual([0, 0, 0]);
  });

  it('draws the class names: ink left of each row and below each column', () => {
    const image = decode(confusionMatrixToPng(state, { classNames: names, ...black }));
    const { left, top } = gridOrigin(2, 4);
    const inkIn = (x0: number, y0: number, x1: number, y1: number) => {
      let count = 0;
      for (let y = y0; y < y1; y++)
        for (let x = x0; x < x1; x++) if (pixel(image, x, y)[0] === 0) count++;
      return count;
    };
    for (let k = 0; k < 3; k++) {
      expect(
        inkIn(left - 8 - textWidth(names[k]!, 2), top + k * 40, left - 8, top + k * 40 + 40),
      ).toBeGreaterThan(20);
      expect(
        inkIn(
          left + k * 40,
          top + 120 + 8,
          left + k * 40 + 40,
          top + 120 + 8 + textWidth(names[k]!, 2),
        ),
      ).toBeGreaterThan(20);
    }
  });

  it('colours the normalized matrix', () => {
    const image = decode(
      confusionMatrixToPng(state, {
        normalize: 'pred',
        showValues: false,
        cellSize: 10,
        fontScale: 1,
        ...black,
      }),
    );
    const { left, top } = gridOrigin(1, 1);
    // Columns: [3/4, 0, 1/4], [1/3, 2/3, 0], [0, 0, 1]; max 1.
    expect(pixel(image, left + 2, top + 2)).toEqual([64, 64, 64]);
    expect(pixel(image, left + 12, top + 12)).toEqual(Array(3).fill(Math.round(255 / 3)));
    expect(pixel(image, left + 22, top + 22)).toEqual([0, 0, 0]);
  });

  it('rejects bad options and oversized images', () => {
    expect(() => confusionMatrixToPng(state, { fontScale: 0 })).toThrow(InvalidArgumentError);
    expect(() => confusionMatrixToPng(state, { highColor: '#12345' })).toThrow(
      "confusionMatrixToPng: highColor must be a colour '#rrggbb' or '#rgb', got \"#12345\".",
    );
    expect(() =>
      confusionMatrixToPng(confusionMatrix([0], [0], { numClasses: 400 }), { cellSize: 1000 }),
    ).toThrow('Lower cellSize or fontScale for many classes.');
  });
});
