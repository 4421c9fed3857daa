import { checkArguments } from '@trainkit/core';
import type { ConfusionMatrixInput } from './confusion-matrix';
import {
  buildHeatmap,
  type ConfusionMatrixImageOptions,
  colorToHex,
  formatCellValue,
  parseColor,
} from './heatmap';
import { checkOptions } from './labels';

/** Options of {@link confusionMatrixToSvg}. */
export interface ConfusionMatrixSvgOptions extends ConfusionMatrixImageOptions {
  /** Font size in pixels. Default 12. */
  readonly fontSize?: number;
  /**
   * Draw the colour scale: a bar to the right of the matrix from `lowColor`
   * (0) to `highColor` (the largest value) with 0, the middle and the largest
   * value marked. Default `false`.
   */
  readonly colorScale?: boolean;
}

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/**
 * The confusion matrix as a standalone SVG heatmap: one square per cell
 * coloured from `lowColor` (0) to `highColor` (the largest value), the value
 * printed in each cell in black or white for contrast, class names on both
 * axes (predicted along the bottom, rotated), the axis titles "True label" and
 * "Predicted label" (as scikit-learn's `ConfusionMatrixDisplay`) and a
 * tooltip per cell, and optionally the colour scale (`colorScale: true`).
 * Each cell `<rect>` carries `data-true`, `data-pred` and `data-value`
 * attributes.
 *
 * @param input - A state or a square matrix.
 * @param options - Names, normalization, colours, title, `cellSize` (default 48), `fontSize` (default 12).
 * @returns The SVG document as a string.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('confusion.svg', confusionMatrixToSvg(state, { classNames, normalize: 'true' }));
 * ```
 */
export function confusionMatrixToSvg(
  input: ConfusionMatrixInput,
  options: ConfusionMatrixSvgOptions = {},
): string {
  options = checkOptions('confusionMatrixToSvg', options);
  const name = 'confusionMatrixToSvg';
  const model = buildHeatmap(name, input, options);
  const check = checkArguments(name);
  const cell = check.integer('cellSize', options.cellSize ?? 48, { min: 4, max: 1000 });
  const fontSize = check.number('fontSize', options.fontSize ?? 12, { min: 1, max: 200 });
  const colorScale =
    options.colorScale === undefined ? false : check.boolean('colorScale', options.colorScale);
  const c = model.numClasses;
  const charWidth = fontSize * 0.62;
  const pad = Math.round(fontSize * 0.75);
  const longestName = Math.max(...model.names.map((n) => n.length));
  const nameExtent = Math.ceil(longestName * charWidth);
  const titleHeight = model.title === undefined ? 0 : Math.ceil(fontSize * 1.6);
  const gridLeft = pad + Math.ceil(fontSize * 1.4) + pad + nameExtent + pad;
  const gridTop = pad + titleHeight;
  const grid = c * cell;
  const maxValue = model.values.reduce((max, value) => Math.max(max, value), 0);
  const digits = options.digits ?? 2;
  const normalized = options.normalize !== undefined;
  const scaleLabels = [maxValue, maxValue / 2, 0].map((value) =>
    formatCellValue(value, digits, normalized || !Number.isInteger(value)),
  );
  const barWidth = Math.max(8, Math.round(fontSize * 1.2));
  const scaleExtent = colorScale
    ? pad * 2 + barWidth + 4 + Math.ceil(Math.max(...scaleLabels.map((l) => l.length)) * charWidth)
    : 0;
  const width = gridLeft + grid + pad + scaleExtent;
  const height = gridTop + grid + pad + nameExtent + pad + Math.ceil(fontSize * 1.4) + pad;
  const f = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="${f(fontSize)}">`,
  );
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  if (model.title !== undefined) {
    parts.push(
      `<text x="${f(gridLeft + grid / 2)}" y="${f(pad + fontSize)}" text-anchor="middle" font-weight="bold">${escapeXml(model.title)}</text>`,
    );
  }
  parts.push('<g class="cells">');
  for (let t = 0; t < c; t++) {
    for (let p = 0; p < c; p++) {
      const i = t * c + p;
      const x = gridLeft + p * cell;
      const y = gridTop + t * cell;
      const tooltip = `true ${model.names[t]}, predicted ${model.names[p]}: ${model.labels[i]}`;
      parts.push(
        `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${colorToHex(model.colors[i]!)}" data-true="${t}" data-pred="${p}" data-value="${model.values[i]}"><title>${escapeXml(tooltip)}</title></rect>`,
      );
      if (model.showValues) {
        parts.push(
          `<text x="${f(x + cell / 2)}" y="${f(y + cell / 2)}" text-anchor="middle" dominant-baseline="central" fill="${colorToHex(model.textColors[i]!)}">${escapeXml(model.labels[i]!)}</text>`,
        );
      }
    }
  }
  parts.push('</g>');
  parts.push('<g class="row-labels" text-anchor="end" dominant-baseline="central">');
  model.names.forEach((label, t) => {
    parts.push(
      `<text x="${gridLeft - pad}" y="${f(gridTop + t * cell + cell / 2)}">${escapeXml(label)}</text>`,
    );
  });
  parts.push('</g>');
  parts.push('<g class="column-labels" text-anchor="end" dominant-baseline="central">');
  model.names.forEach((label, p) => {
    const x = gridLeft + p * cell + cell / 2;
    const y = gridTop + grid + pad;
    parts.push(`<text transform="translate(${f(x)} ${y}) rotate(-90)">${escapeXml(label)}</text>`);
  });
  parts.push('</g>');
  if (colorScale) {
    // The gradient's id is derived from the content, so that several matrices in one page do not share one.
    let hash = 0x811c9dc5;
    for (const label of model.labels) {
      for (let i = 0; i < label.length; i++)
        hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193);
      hash = Math.imul(hash ^ 0x2c, 0x01000193);
    }
    const id = `trainkit-cm-scale-${(hash >>> 0).toString(16).padStart(8, '0')}-${width}x${height}`;
    const low = colorToHex(parseColor(name, 'lowColor', options.lowColor ?? '#f7fbff'));
    const high = colorToHex(parseColor(name, 'highColor', options.highColor ?? '#08306b'));
    const barX = gridLeft + grid + pad * 2;
    parts.push(
      `<g class="color-scale"><defs><linearGradient id="${id}" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${high}"/><stop offset="1" stop-color="${low}"/></linearGradient></defs>`,
    );
    parts.push(
      `<rect x="${barX}" y="${gridTop}" width="${barWidth}" height="${grid}" fill="url(#${id})" stroke="#999999"/>`,
    );
    scaleLabels.forEach((label, i) => {
      const y = gridTop + (grid * i) / 2;
      parts.push(
        `<path d="M${barX + barWidth} ${f(y)}h4" stroke="#555555"/><text x="${barX + barWidth + 6}" y="${f(y)}" dominant-baseline="central">${escapeXml(label)}</text>`,
      );
    });
    parts.push('</g>');
  }
  const axisX = pad + fontSize * 0.7;
  parts.push(
    `<text transform="translate(${f(axisX)} ${f(gridTop + grid / 2)}) rotate(-90)" text-anchor="middle" dominant-baseline="central">True label</text>`,
  );
  parts.push(
    `<text x="${f(gridLeft + grid / 2)}" y="${f(height - pad - fontSize * 0.7)}" text-anchor="middle" dominant-baseline="central">Predicted label</text>`,
  );
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
