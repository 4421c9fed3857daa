/**
 * The report's own small figures, where no package has a renderer: a
 * grey-level PNG encoder (the misclassified digits), the search's parallel
 * coordinates, and a bar chart of the profile's phase shares. Deterministic
 * SVG strings without ids (so that many can share one page).
 */
import { deflateSync } from 'node:zlib';
import { escapeXml, lineChartColors } from '@trainkit/core';

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO-HDLC, PNG's checksum) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Encodes grey levels (0..255, row by row) as an 8-bit greyscale PNG.
 *
 * @param pixels - `width * height` integers 0..255.
 */
export function greyPng(pixels: ArrayLike<number>, width: number, height: number): Uint8Array {
  const raw = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none
    for (let x = 0; x < width; x++) raw[y * (width + 1) + 1 + x] = pixels[y * width + x]!;
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A number for a label: 4 significant digits, exponent form for very small or large values. */
export function formatMetric(value: number | undefined | null): string {
  if (value === undefined || value === null) return '—';
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e6)) {
    return value.toExponential(2).replace('e+', 'e');
  }
  return String(Number(value.toPrecision(4)));
}

// matplotlib "Blues" from light to dark: better trials are darker (readable on white).
const ramp = ['#c6dbef', '#9ecae1', '#6baed6', '#3182bd', '#08519c', '#08306b'];

function mix(a: string, b: string, t: number): string {
  const channel = (hex: string, i: number) => Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
  return `#${[0, 1, 2]
    .map((i) =>
      Math.round(channel(a, i) + (channel(b, i) - channel(a, i)) * t)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/** The colour of `t` in [0, 1] on a light-to-dark blue ramp. */
export function rampColor(t: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const position = clamped * (ramp.length - 1);
  const index = Math.min(ramp.length - 2, Math.floor(position));
  return mix(ramp[index]!, ramp[index + 1]!, position - index);
}

/** One line of a parallel-coordinates chart. */
export interface ParallelLine {
  /** Value per axis name (missing: the line skips that axis). */
  readonly values: Readonly<Record<string, number | string | boolean | undefined>>;
  /** The metric (last axis); `undefined` for trials without one (drawn grey). */
  readonly metric: number | undefined;
  /** Drawn thicker, on top. */
  readonly highlight?: boolean;
  /** Tooltip. */
  readonly label: string;
}

/** Options of {@link parallelCoordinatesSvg}. */
export interface ParallelCoordinatesOptions {
  readonly axes: readonly string[];
  readonly metricName: string;
  /** Higher is better (colours run towards yellow for better). */
  readonly maximize: boolean;
  readonly title: string;
  readonly lines: readonly ParallelLine[];
}

interface Axis {
  readonly name: string;
  readonly position: (value: number | string | boolean) => number | undefined;
  readonly ticks: readonly { readonly at: number; readonly label: string }[];
  readonly log: boolean;
}

function buildAxis(name: string, values: readonly (number | string | boolean | undefined)[]): Axis {
  const present = values.filter((v): v is number | string | boolean => v !== undefined);
  const numeric = present.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (numeric && present.length > 0) {
    const numbers = present as number[];
    let low = Math.min(...numbers);
    let high = Math.max(...numbers);
    const log = low > 0 && high / low >= 20;
    const scale = (v: number) => (log ? Math.log10(v) : v);
    if (low === high) {
      low = log ? low / 2 : low - 1;
      high = log ? high * 2 : high + 1;
    }
    const a = scale(low);
    const b = scale(high);
    const unique = [...new Set(numbers)].sort((x, y) => x - y);
    const tickValues = unique.length <= 6 ? unique : [low, high];
    return {
      name,
      log,
      position: (v) =>
        typeof v === 'number' && Number.isFinite(v) ? (scale(v) - a) / (b - a) : undefined,
      ticks: tickValues.map((v) => ({ at: (scale(v) - a) / (b - a), label: formatMetric(v) })),
    };
  }
  const categories = [...new Set(present.map(String))].sort();
  const at = (i: number) => (categories.length === 1 ? 0.5 : i / (categories.length - 1));
  return {
    name,
    log: false,
    position: (v) => {
      const i = categories.indexOf(String(v));
      return i < 0 ? undefined : at(i);
    },
    ticks: categories.map((c, i) => ({ at: at(i), label: c })),
  };
}

/**
 * Parallel coordinates of hyperparameters against a metric: one vertical
 * axis per hyperparameter (log-scaled when positive and spanning >= 20x;
 * categories evenly spaced) and the metric last; one polyline per trial,
 * coloured by its metric (better is darker blue), the best thick and red.
 */
export function parallelCoordinatesSvg(options: ParallelCoordinatesOptions): string {
  const names = [...options.axes, options.metricName];
  const axes = names.map((name, i) =>
    buildAxis(
      name,
      options.lines.map((line) => (i === names.length - 1 ? line.metric : line.values[name])),
    ),
  );
  const spacing = 150;
  const left = 70;
  const top = 48;
  const plotHeight = 260;
  const width = left * 2 + spacing * Math.max(1, axes.length - 1);
  const height = top + plotHeight + 56;
  const x = (i: number) => left + i * spacing;
  const y = (t: number) => top + (1 - t) * plotHeight;
  const metrics = options.lines
    .map((l) => l.metric)
    .filter((m): m is number => m !== undefined && Number.isFinite(m));
  const lo = Math.min(...metrics);
  const hi = Math.max(...metrics);
  const quality = (m: number) => {
    if (!(hi > lo)) return 1;
    const t = (m - lo) / (hi - lo);
    return options.maximize ? t : 1 - t;
  };
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="11">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="14" font-weight="600" fill="#222222">${escapeXml(options.title)}</text>`,
  ];
  const ordered = [...options.lines].sort(
    (a, b) =>
      Number(a.highlight ?? false) - Number(b.highlight ?? false) ||
      (a.metric === undefined ? -1 : 0) - (b.metric === undefined ? -1 : 0),
  );
  out.push('<g fill="none" stroke-linejoin="round" class="lines">');
  for (const line of ordered) {
    const points: string[] = [];
    axes.forEach((axis, i) => {
      const value = i === axes.length - 1 ? line.metric : line.values[axis.name];
      const t = value === undefined ? undefined : axis.position(value);
      if (t !== undefined) points.push(`${x(i).toFixed(1)} ${y(t).toFixed(1)}`);
    });
    if (points.length < 2) continue;
    const color =
      line.metric === undefined || !Number.isFinite(line.metric)
        ? '#bbbbbb'
        : line.highlight
          ? '#d62728'
          : rampColor(quality(line.metric));
    out.push(
      `<path d="M${points.join('L')}" stroke="${color}" stroke-width="${line.highlight ? 3.5 : 1.5}" stroke-opacity="${line.highlight ? 1 : 0.8}"${line.metric === undefined ? ' stroke-dasharray="4 3"' : ''}><title>${escapeXml(line.label)}</title></path>`,
    );
  }
  out.push('</g>');
  axes.forEach((axis, i) => {
    out.push(`<path d="M${x(i)} ${top}V${top + plotHeight}" stroke="#555555"/>`);
    for (const tick of axis.ticks) {
      out.push(
        `<path d="M${x(i) - 4} ${y(tick.at).toFixed(1)}h8" stroke="#555555"/><text x="${x(i) - 7}" y="${y(tick.at).toFixed(1)}" text-anchor="end" dominant-baseline="middle" fill="#444444">${escapeXml(tick.label)}</text>`,
      );
    }
    out.push(
      `<text x="${x(i)}" y="${top + plotHeight + 20}" text-anchor="middle" font-weight="600" fill="#222222">${escapeXml(axis.name)}</text>`,
    );
    if (axis.log) {
      out.push(
        `<text x="${x(i)}" y="${top + plotHeight + 34}" text-anchor="middle" fill="#666666">(log scale)</text>`,
      );
    }
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** One bar of {@link barChartSvg}. */
export interface Bar {
  readonly label: string;
  readonly value: number;
  /** Text after the bar, e.g. `12.3% (4.1 ms)`. */
  readonly note: string;
}

/** A horizontal bar chart (e.g. the share of each training phase), values >= 0. */
export function barChartSvg(title: string, bars: readonly Bar[], unitMax?: number): string {
  const labelWidth = Math.max(40, ...bars.map((b) => b.label.length * 6.6)) + 16;
  const barArea = 360;
  const noteWidth = Math.max(...bars.map((b) => b.note.length * 6.4), 40) + 16;
  const rowHeight = 24;
  const top = 38;
  const width = Math.ceil(labelWidth + barArea + noteWidth);
  const height = top + bars.length * rowHeight + 14;
  const max = unitMax ?? Math.max(...bars.map((b) => b.value), 1e-12);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="11">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="14" font-weight="600" fill="#222222">${escapeXml(title)}</text>`,
  ];
  bars.forEach((bar, i) => {
    const yTop = top + i * rowHeight;
    const length = Math.max(0, (bar.value / max) * barArea);
    const color = lineChartColors[i % lineChartColors.length]!;
    out.push(
      `<text x="${labelWidth - 8}" y="${yTop + 9}" text-anchor="end" dominant-baseline="middle" fill="#222222">${escapeXml(bar.label)}</text>`,
      `<rect x="${labelWidth}" y="${yTop}" width="${Math.max(1, length).toFixed(1)}" height="18" fill="${color}"><title>${escapeXml(`${bar.label}: ${bar.note}`)}</title></rect>`,
      `<text x="${(labelWidth + length + 6).toFixed(1)}" y="${yTop + 9}" dominant-baseline="middle" fill="#444444">${escapeXml(bar.note)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
