import { checkArguments } from '@trainkit/core';
import { encode } from 'fast-png';
import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyphRows, textWidth } from './bitmap-font';
import type { ConfusionMatrixInput } from './confusion-matrix';
import { buildHeatmap, type ConfusionMatrixImageOptions, type Rgb } from './heatmap';
import { checkOptions } from './labels';

/** Options of {@link confusionMatrixToPng}. */
export interface ConfusionMatrixPngOptions extends ConfusionMatrixImageOptions {
  /** Integer scale of the built-in 5×7 pixel font. Default 2 (10×14 px glyphs). */
  readonly fontScale?: number;
}

const BLACK: Rgb = [0, 0, 0];

interface Canvas {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

function fillRect(canvas: Canvas, x: number, y: number, w: number, h: number, color: Rgb): void {
  const x0 = Math.max(0, x);
  const y0 = Math.max(0, y);
  const x1 = Math.min(canvas.width, x + w);
  const y1 = Math.min(canvas.height, y + h);
  for (let py = y0; py < y1; py++) {
    let offset = (py * canvas.width + x0) * 3;
    for (let px = x0; px < x1; px++) {
      canvas.data[offset] = color[0];
      canvas.data[offset + 1] = color[1];
      canvas.data[offset + 2] = color[2];
      offset += 3;
    }
  }
}

/**
 * Draws text with the built-in font. `direction: 'right'` writes left to right
 * from the top-left corner (x, y); `'up'` writes bottom to top (text rotated
 * 90° counter-clockwise) from the bottom-left corner (x, y).
 */
function drawText(
  canvas: Canvas,
  text: string,
  x: number,
  y: number,
  scale: number,
  color: Rgb,
  direction: 'right' | 'up',
): void {
  let index = 0;
  for (const character of text) {
    const rows = glyphRows(character);
    const advance = index * GLYPH_ADVANCE * scale;
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      const bits = rows[gy]!;
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if ((bits & (1 << (GLYPH_WIDTH - 1 - gx))) === 0) continue;
        if (direction === 'right') {
          fillRect(canvas, x + advance + gx * scale, y + gy * scale, scale, scale, color);
        } else {
          fillRect(canvas, x + gy * scale, y - advance - (gx + 1) * scale, scale, scale, color);
        }
      }
    }
    index++;
  }
}

/**
 * The confusion matrix as a PNG heatmap (8-bit RGB, encoded with `fast-png`),
 * for reports and TensorBoard image summaries. Cell (t, p) is a
 * `cellSize`-pixel square filled with the colour interpolated linearly in RGB
 * from `lowColor` (value 0) to `highColor` (the largest value), channels
 * rounded, exactly as in the SVG. Values, class names (columns written
 * vertically below the grid) and the axis titles are drawn with a built-in
 * 5×7 pixel font (printable ASCII; other characters render as `?`). Values
 * that do not fit in a cell at `fontScale` are retried at scale 1, then omitted.
 *
 * Layout (pixels, s = fontScale, pad = 8): the grid's top-left corner is at
 * x = pad + 7s + pad + (longest name)·6s + pad, y = pad (+ 8s + pad with a title).
 *
 * @param input - A state or a square matrix.
 * @param options - Names, normalization, colours, title, `cellSize` (default 40), `fontScale` (default 2).
 * @returns The PNG file bytes.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('confusion.png', confusionMatrixToPng(state, { classNames }));
 * ```
 */
export function confusionMatrixToPng(
  input: ConfusionMatrixInput,
  options: ConfusionMatrixPngOptions = {},
): Uint8Array {
  options = checkOptions('confusionMatrixToPng', options);
  const name = 'confusionMatrixToPng';
  const model = buildHeatmap(name, input, options);
  const check = checkArguments(name);
  const cell = check.integer('cellSize', options.cellSize ?? 40, { min: 1, max: 1000 });
  const scale = check.integer('fontScale', options.fontScale ?? 2, { min: 1, max: 16 });
  const c = model.numClasses;
  const pad = 8;
  const lineHeight = (GLYPH_HEIGHT + 1) * scale;
  const nameExtent = Math.max(...model.names.map((n) => textWidth(n, scale)));
  const titleHeight = model.title === undefined ? 0 : lineHeight + pad;
  const gridLeft = pad + GLYPH_HEIGHT * scale + pad + nameExtent + pad;
  const gridTop = pad + titleHeight;
  const grid = c * cell;
  const trueTitle = 'True label';
  const predTitle = 'Predicted label';
  const titleWidth = model.title === undefined ? 0 : textWidth(model.title, scale);
  const width = Math.max(
    gridLeft + grid + pad,
    2 * pad + textWidth(predTitle, scale),
    2 * pad + titleWidth,
  );
  const height = Math.max(
    gridTop + grid + pad + nameExtent + pad + lineHeight + pad,
    2 * pad + textWidth(trueTitle, scale),
  );
  // Centre a text of width w over the grid, kept inside the image.
  const centred = (w: number) =>
    Math.min(width - pad - w, Math.max(pad, Math.round(gridLeft + grid / 2 - w / 2)));
  if (width * height > 100_000_000) {
    check.fail(
      'cellSize',
      cell,
      `small enough for an image of at most 100 megapixels (${width}×${height} requested)`,
      'Lower cellSize or fontScale for many classes.',
    );
  }
  const canvas: Canvas = { width, height, data: new Uint8Array(width * height * 3).fill(255) };

  if (model.title !== undefined) {
    drawText(canvas, model.title, centred(titleWidth), pad, scale, BLACK, 'right');
  }
  for (let t = 0; t < c; t++) {
    for (let p = 0; p < c; p++) {
      const i = t * c + p;
      const x = gridLeft + p * cell;
      const y = gridTop + t * cell;
      fillRect(canvas, x, y, cell, cell, model.colors[i]!);
      if (!model.showValues) continue;
      const label = model.labels[i]!;
      for (const s of scale > 1 ? [scale, 1] : [1]) {
        const w = textWidth(label, s);
        const h = GLYPH_HEIGHT * s;
        if (w <= cell - 2 && h <= cell - 2) {
          const tx = x + Math.floor((cell - w) / 2);
          const ty = y + Math.floor((cell - h) / 2);
          drawText(canvas, label, tx, ty, s, model.textColors[i]!, 'right');
          break;
        }
      }
    }
  }
  // Row names, right-aligned left of the grid.
  model.names.forEach((label, t) => {
    const w = textWidth(label, scale);
    const y = gridTop + t * cell + Math.floor((cell - GLYPH_HEIGHT * scale) / 2);
    drawText(canvas, label, gridLeft - pad - w, y, scale, BLACK, 'right');
  });
  // Column names, vertical, ending just below the grid.
  model.names.forEach((label, p) => {
    const w = textWidth(label, scale);
    const x = gridLeft + p * cell + Math.floor((cell - GLYPH_HEIGHT * scale) / 2);
    drawText(canvas, label, x, gridTop + grid + pad + w, scale, BLACK, 'up');
  });
  // Axis titles.
  const trueWidth = textWidth(trueTitle, scale);
  drawText(
    canvas,
    trueTitle,
    pad,
    Math.min(
      height - pad,
      Math.max(pad + trueWidth, Math.round(gridTop + grid / 2 + trueWidth / 2)),
    ),
    scale,
    BLACK,
    'up',
  );
  drawText(
    canvas,
    predTitle,
    centred(textWidth(predTitle, scale)),
    height - pad - GLYPH_HEIGHT * scale,
    scale,
    BLACK,
    'right',
  );
  return encode({ width, height, data: canvas.data, channels: 3, depth: 8 });
}
