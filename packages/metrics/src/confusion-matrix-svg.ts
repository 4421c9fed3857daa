import { checkArguments } from '@trainkit/core';
import type { ConfusionMatrixInput } from './confusion-matrix';
import { buildHeatmap, type ConfusionMatrixImageOptions, colorToHex } from './heatmap';

/** Options of {@link confusionMatrixToSvg}. */
export interface ConfusionMatrixSvgOptions extends ConfusionMatrixImageOptions {
  /** Font size in pixels. Default 12. */
  readonly fontSize?: number;
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
 * tooltip per cell. Each cell `<rect>` carries `data-true`, `data-pred` and
 * `data-value` attributes.
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
  const name = 'confusionMatrixToSvg';
  const model = buildHeatmap(name, input, options);
  const check = checkArguments(name);
  const cell = check.integer('cellSize', options.cellSize ?? 48, { min: 4, max: 1000 });
  const fontSize = check.number('fontSize', options.fontSize ?? 12, { min: 1, max: 200 });
  const c = model.numClasses;
  const charWidth = fontSize * 0.62;
  const pad = Math.round(fontSize * 0.75);
  const longestName = Math.max(...model.names.map((n) => n.length));
  const nameExtent = Math.ceil(longestName * charWidth);
  const titleHeight = model.title === undefined ? 0 : Math.ceil(fontSize * 1.6);
  const gridLeft = pad + Math.ceil(fontSize * 1.4) + pad + nameExtent + pad;
  const gridTop = pad + titleHeight;
  const grid = c * cell;
  const width = gridLeft + grid + pad;
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
