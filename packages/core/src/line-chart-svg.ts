import { checkArguments } from './check-arguments';
import {
  formatTick,
  formatYTick,
  type LineChartOptions,
  niceTicks,
  type PreparedSeries,
  prepareLineChart,
  yTicks,
} from './line-chart-scale';

/** Options of {@link lineChartSvg}. */
export interface LineChartSvgOptions extends LineChartOptions {
  /** Width in pixels, an integer `>= 160`. Default 640. */
  readonly width?: number;
  /** Height in pixels, an integer `>= 120`. Default 360. */
  readonly height?: number;
}

/** The series colors, in order (repeated after eight series). */
export const lineChartColors: readonly string[] = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
];

// XML 1.0 forbids most control characters even when escaped.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
const forbiddenCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/**
 * Escapes text for SVG/XML content and attribute values: `& < > " '`, and
 * drops the control characters XML does not allow.
 */
export function escapeXml(text: string): string {
  if (typeof text !== 'string') checkArguments('escapeXml').fail('text', text, 'a string');
  return text
    .replace(forbiddenCharacters, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A coordinate rounded to 0.01 px, without `-0`. */
function coordinate(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return String(rounded === 0 ? 0 : rounded);
}

/** 32-bit FNV-1a of a string, as 8 hex digits. */
function hash(text: string): string {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193);
  }
  return (value >>> 0).toString(16).padStart(8, '0');
}

// Approximate advance of one character at 11 px (for layout only).
const characterWidth = 6.2;

/**
 * Builds the `d` attribute of one series. Consecutive points that fall in the
 * same pixel column are reduced to first, min, max and last (M4
 * aggregation), so 100,000 points cost no more than the plot is wide; NaN
 * starts a new subpath (a gap).
 */
function seriesPath(
  series: PreparedSeries,
  toX: (x: number) => number,
  toY: (y: number) => number,
): string {
  const parts: string[] = [];
  let penDown = false;
  let column = Number.NaN;
  let bucket: [number, number][] = [];
  const flush = () => {
    if (bucket.length === 0) return;
    let low = 0;
    let high = 0;
    bucket.forEach((point, index) => {
      if (point[1] < (bucket[low] as [number, number])[1]) low = index;
      if (point[1] > (bucket[high] as [number, number])[1]) high = index;
    });
    const kept = [...new Set([0, low, high, bucket.length - 1])].sort((a, b) => a - b);
    for (const index of kept) {
      const [x, y] = bucket[index] as [number, number];
      parts.push(`${penDown ? 'L' : 'M'}${coordinate(x)} ${coordinate(y)}`);
      penDown = true;
    }
    bucket = [];
  };
  for (let index = 0; index < series.x.length; index++) {
    const x = series.x[index] as number;
    const y = series.y[index] as number;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      flush();
      penDown = false;
      column = Number.NaN;
      continue;
    }
    const px = toX(x);
    const py = toY(y);
    const pixel = Math.floor(px);
    if (pixel !== column) {
      flush();
      column = pixel;
    }
    bucket.push([px, py]);
  }
  flush();
  return parts.join('');
}

interface Box {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

const overlaps = (a: Box, b: Box) =>
  a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/**
 * The dashed vertical lines and their labels. Each label goes right of its
 * line (left of it when it would leave the plot), on the highest row where it
 * overlaps no label placed before it (lines from left to right) and nothing
 * in `avoid` (the legend), preferring places that cross no other line:
 * close lines get stacked labels instead of labels drawn over each other.
 */
function verticalLineMarkup(
  lines: readonly { readonly x: number; readonly label: string | undefined }[],
  frame: {
    readonly toX: (x: number) => number;
    readonly top: number;
    readonly plotLeft: number;
    readonly plotRight: number;
    readonly plotBottom: number;
    readonly avoid: readonly Box[];
  },
): string[] {
  const { toX, top, plotLeft, plotRight, plotBottom } = frame;
  const out: string[] = [];
  for (const line of lines) {
    const x = coordinate(toX(line.x));
    out.push(
      `<path d="M${x} ${top}V${plotBottom}" stroke="#666666" stroke-dasharray="4 3" fill="none" class="vertical-line"/>`,
    );
  }
  const rowHeight = 14;
  const rows = Math.max(1, Math.floor((plotBottom - top - 4) / rowHeight));
  const placed: Box[] = [...frame.avoid];
  const labelled = lines
    .filter((line) => line.label !== undefined && line.label !== '')
    .sort((a, b) => a.x - b.x);
  for (const line of labelled) {
    const label = line.label as string;
    const px = toX(line.x);
    const width = label.length * characterWidth;
    const candidates: { x: number; end: boolean; box: Box }[] = [];
    for (let row = 0; row < rows; row++) {
      const baseline = top + 12 + row * rowHeight;
      const vertical = { top: baseline - 10, bottom: baseline + 3 };
      const sides = [
        { x: px + 4, end: false, box: { left: px + 4, right: px + 4 + width, ...vertical } },
        { x: px - 4, end: true, box: { left: px - 4 - width, right: px - 4, ...vertical } },
      ].filter((side) => side.box.left >= plotLeft && side.box.right <= plotRight);
      candidates.push(...sides);
    }
    // Best: crossing no other line either; else crossing lines (the label has a white halo).
    const others = labelled
      .filter((other) => other !== line)
      .map((other) => toX(other.x))
      .map((x) => ({ left: x - 1, right: x + 1, top, bottom: plotBottom }));
    const blocked = [...placed, ...others];
    const free =
      candidates.find((candidate) => !blocked.some((box) => overlaps(box, candidate.box))) ??
      candidates.find((candidate) => !placed.some((box) => overlaps(box, candidate.box)));
    // Nothing free (a crowded chart): the top row, right of the line.
    const chosen = free ?? {
      x: px + 4,
      end: false,
      box: { left: px + 4, right: px + 4 + width, top: top + 2, bottom: top + 15 },
    };
    placed.push(chosen.box);
    out.push(
      `<text x="${coordinate(chosen.x)}" y="${coordinate(chosen.box.top + 10)}"${chosen.end ? ' text-anchor="end"' : ''} fill="#444444" stroke="#ffffff" stroke-width="3" paint-order="stroke" class="vertical-line-label">${escapeXml(label)}</text>`,
    );
  }
  return out;
}

/**
 * Renders a line chart as a standalone SVG document (a string): several named
 * series, optional log y scale, title, axis labels, legend, NaN gaps, dots
 * at the points of the series with `markers: true`. The
 * output depends only on the input (fixed palette, coordinates rounded to
 * 0.01 px), so it can be committed, diffed and snapshot-tested. All text is
 * escaped.
 *
 * @param options - {@link LineChartSvgOptions}
 * @returns The SVG markup, starting with `<svg xmlns=…>`.
 * @example
 * ```ts
 * const svg = lineChartSvg({
 *   title: 'Loss',
 *   xLabel: 'epoch',
 *   series: [
 *     { name: 'train', y: [1.2, 0.8, 0.6] },
 *     { name: 'validation', y: [1.3, 0.9, 0.8] },
 *   ],
 * });
 * writeFileSync('loss.svg', svg);
 * ```
 */
export function lineChartSvg(options: LineChartSvgOptions): string {
  const name = 'lineChartSvg';
  const chart = prepareLineChart(name, options);
  const check = checkArguments(name);
  const width = check.integer('width', options.width ?? 640, { min: 160 });
  const height = check.integer('height', options.height ?? 360, { min: 120 });

  const yTickValues = yTicks(chart.y, chart.yScale, Math.max(2, Math.round(height / 60)));
  const yLabels = yTickValues.map((value) => formatYTick(value, chart.yScale));
  const labelWidth = Math.max(...yLabels.map((label) => label.length), 1) * characterWidth;
  const left = Math.ceil(labelWidth + 14 + (chart.yLabel === undefined ? 0 : 18));
  const top = chart.title === undefined ? 14 : 36;
  const bottom = chart.xLabel === undefined ? 30 : 48;
  const right = 18;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const [x0, x1] = chart.x;
  const [y0, y1] = chart.y;
  const toX = (x: number) => left + ((x - x0) / (x1 - x0)) * plotWidth;
  const toY = (y: number) => top + ((y1 - y) / (y1 - y0)) * plotHeight;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="11">`,
  );
  if (chart.title !== undefined) out.push(`<title>${escapeXml(chart.title)}</title>`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  if (chart.title !== undefined) {
    out.push(
      `<text x="${coordinate(left + plotWidth / 2)}" y="22" text-anchor="middle" font-size="14" font-weight="600" fill="#222222">${escapeXml(chart.title)}</text>`,
    );
  }

  // Grid and ticks.
  const xTickValues = niceTicks(x0, x1, Math.max(2, Math.round(width / 110)));
  const grid: string[] = [];
  const labels: string[] = [];
  yTickValues.forEach((value, index) => {
    const y = coordinate(toY(value));
    grid.push(`M${left} ${y}H${left + plotWidth}`);
    labels.push(
      `<text x="${left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(yLabels[index] as string)}</text>`,
    );
  });
  for (const value of xTickValues) {
    const x = coordinate(toX(value));
    grid.push(`M${x} ${top}V${top + plotHeight}`);
    labels.push(
      `<text x="${x}" y="${top + plotHeight + 16}" text-anchor="middle">${escapeXml(formatTick(value))}</text>`,
    );
  }
  out.push(`<path d="${grid.join('')}" stroke="#e6e6e6" fill="none"/>`);
  out.push(
    `<path d="M${left} ${top}V${top + plotHeight}H${left + plotWidth}" stroke="#555555" fill="none"/>`,
  );
  out.push(`<g fill="#444444">${labels.join('')}</g>`);
  if (chart.xLabel !== undefined) {
    out.push(
      `<text x="${coordinate(left + plotWidth / 2)}" y="${height - 10}" text-anchor="middle" fill="#222222">${escapeXml(chart.xLabel)}</text>`,
    );
  }
  if (chart.yLabel !== undefined) {
    const y = coordinate(top + plotHeight / 2);
    out.push(
      `<text x="14" y="${y}" text-anchor="middle" transform="rotate(-90 14 ${y})" fill="#222222">${escapeXml(chart.yLabel)}</text>`,
    );
  }

  // Series, clipped to the plot area. The clip id is a hash of the content, so
  // that several charts inlined in one HTML page do not share an id.
  const paths = chart.series.map((series) => seriesPath(series, toX, toY));
  const clipId = `trainkit-plot-${hash(`${width}x${height}|${top}|${left}|${paths.join('|')}`)}`;
  out.push(
    `<clipPath id="${clipId}"><rect x="${left}" y="${top}" width="${plotWidth}" height="${plotHeight}"/></clipPath>`,
  );
  out.push(
    `<g clip-path="url(#${clipId})" fill="none" stroke-width="1.5" stroke-linejoin="round">`,
  );
  chart.series.forEach((series, index) => {
    const color = lineChartColors[index % lineChartColors.length] as string;
    out.push(
      `<path d="${paths[index]}" stroke="${color}"><title>${escapeXml(series.name)}</title></path>`,
    );
  });
  out.push('</g>');
  // Dots at every point of the series that ask for them (inside the plot only).
  chart.series.forEach((series, index) => {
    if (!series.markers) return;
    const color = lineChartColors[index % lineChartColors.length] as string;
    const dots: string[] = [];
    for (let point = 0; point < series.x.length; point++) {
      const x = series.x[point] as number;
      const y = series.y[point] as number;
      if (Number.isNaN(x) || Number.isNaN(y)) continue;
      const px = toX(x);
      const py = toY(y);
      if (px < left - 0.01 || px > left + plotWidth + 0.01) continue;
      if (py < top - 0.01 || py > top + plotHeight + 0.01) continue;
      dots.push(`<circle cx="${coordinate(px)}" cy="${coordinate(py)}" r="2.5"/>`);
    }
    out.push(
      `<g class="markers" fill="${color}" stroke="#ffffff" stroke-width="0.75"><title>${escapeXml(series.name)}</title>${dots.join('')}</g>`,
    );
  });

  // The legend's box (drawn last, on top), which the vertical-line labels avoid.
  const legendRowHeight = 16;
  const legendWidth = Math.ceil(
    Math.max(...chart.series.map((series) => series.name.length)) * characterWidth + 36,
  );
  const legendBox = {
    left: left + plotWidth - legendWidth - 6,
    top: top + 6,
    right: left + plotWidth - 6,
    bottom: top + 6 + chart.series.length * legendRowHeight + 8,
  };

  // Vertical marker lines, dashed, with their labels at the top of the plot.
  out.push(
    ...verticalLineMarkup(chart.verticalLines, {
      toX,
      top,
      plotLeft: left,
      plotRight: left + plotWidth,
      plotBottom: top + plotHeight,
      avoid: chart.legend ? [legendBox] : [],
    }),
  );

  if (chart.legend) {
    const boxX = legendBox.left;
    const boxY = legendBox.top;
    out.push(
      `<g><rect x="${boxX}" y="${boxY}" width="${legendWidth}" height="${chart.series.length * legendRowHeight + 8}" fill="#ffffff" fill-opacity="0.85" stroke="#cccccc"/>`,
    );
    chart.series.forEach((series, index) => {
      const color = lineChartColors[index % lineChartColors.length] as string;
      const y = boxY + 12 + index * legendRowHeight;
      out.push(
        `<path d="M${boxX + 6} ${y}h18" stroke="${color}" stroke-width="2"/>${series.markers ? `<circle cx="${boxX + 15}" cy="${y}" r="2.5" fill="${color}"/>` : ''}<text x="${boxX + 30}" y="${y}" dominant-baseline="middle" fill="#222222">${escapeXml(series.name)}</text>`,
      );
    });
    out.push('</g>');
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
