import { checkArguments } from './check-arguments';
import {
  formatTick,
  formatYTick,
  type LineChartOptions,
  prepareLineChart,
} from './line-chart-scale';

/** Options of {@link lineChartTerminal}. */
export interface LineChartTerminalOptions extends LineChartOptions {
  /** Total width in characters (axis labels included), an integer `>= 24`. Default 72. */
  readonly width?: number;
  /** Height of the plot area in rows, an integer `>= 3`. Default 12. */
  readonly height?: number;
  /**
   * `'ascii'`: one marker character per cell, a different one per series
   * (`* + o x # @ % &`), plain ASCII everywhere. `'braille'`: Unicode braille
   * dots, 2×4 per cell (smoother lines; series are told apart only with
   * `color`). Default `'ascii'`.
   */
  readonly style?: 'ascii' | 'braille';
  /** Color each series with ANSI escape codes. Default `false`. */
  readonly color?: boolean;
}

const markers = ['*', '+', 'o', 'x', '#', '@', '%', '&'];
const ansiColors = [34, 33, 32, 31, 35, 36, 94, 93];
// Braille dot bits by [column][row] within a cell.
const brailleBits = [
  [0x01, 0x02, 0x04, 0x40],
  [0x08, 0x10, 0x20, 0x80],
];

function center(text: string, width: number): string {
  const pad = Math.max(0, Math.floor((width - text.length) / 2));
  return `${' '.repeat(pad)}${text}`.trimEnd();
}

/**
 * Renders a line chart as text for a terminal or a log: several named series,
 * optional log y scale, title, axis labels, legend, NaN gaps. Consecutive
 * points are joined by line segments, so steep drops show as vertical runs.
 * The output depends only on the input and has no trailing spaces.
 *
 * @param options - {@link LineChartTerminalOptions}
 * @returns The chart, lines joined by `\n` (no trailing newline).
 * @example
 * ```ts
 * console.log(lineChartTerminal({
 *   title: 'learning rate',
 *   series: [{ name: 'lr', y: Array.from({ length: 100 }, (_, t) => 0.1 * 0.97 ** t) }],
 *   yScale: 'log',
 * }));
 * ```
 */
export function lineChartTerminal(options: LineChartTerminalOptions): string {
  const name = 'lineChartTerminal';
  const chart = prepareLineChart(name, options);
  const check = checkArguments(name);
  const width = check.integer('width', options.width ?? 72, { min: 24 });
  const rows = check.integer('height', options.height ?? 12, { min: 3 });
  const style = check.oneOf('style', options.style ?? 'ascii', ['ascii', 'braille']);
  const color = check.boolean('color', options.color ?? false);
  const braille = style === 'braille';

  // Y labels at the top, middle and bottom rows.
  const [y0, y1] = chart.y;
  const labelRows = [0, Math.floor((rows - 1) / 2), rows - 1];
  const rowValue = (row: number) => y1 - (row / (rows - 1)) * (y1 - y0);
  const labels = new Map(labelRows.map((row) => [row, formatYTick(rowValue(row), chart.yScale)]));
  const gutter = Math.max(...[...labels.values()].map((label) => label.length));
  const columns = width - gutter - 2;
  if (columns < 8) {
    check.fail('width', width, `>= ${gutter + 10} for these labels`, 'Widen the chart.');
  }

  // Draw into a dot grid (1×1 per cell for ascii, 2×4 for braille).
  const dotsX = braille ? 2 : 1;
  const dotsY = braille ? 4 : 1;
  const gridWidth = columns * dotsX;
  const gridHeight = rows * dotsY;
  const bits = new Uint8Array(columns * rows);
  const owner = new Int16Array(columns * rows).fill(-1);
  const [x0, x1] = chart.x;
  const plot = (dx: number, dy: number, series: number) => {
    const gx = Math.round(dx);
    const gy = Math.round(dy);
    if (gx < 0 || gx >= gridWidth || gy < 0 || gy >= gridHeight) return;
    const cell = Math.floor(gy / dotsY) * columns + Math.floor(gx / dotsX);
    bits[cell] = (bits[cell] as number) | (braille ? (brailleBits[gx % 2]?.[gy % 4] as number) : 1);
    owner[cell] = series;
  };
  chart.series.forEach((series, index) => {
    let previous: [number, number] | undefined;
    for (let point = 0; point < series.x.length; point++) {
      const x = series.x[point] as number;
      const y = series.y[point] as number;
      if (Number.isNaN(x) || Number.isNaN(y)) {
        previous = undefined;
        continue;
      }
      const dx = ((x - x0) / (x1 - x0)) * (gridWidth - 1);
      const dy = ((y1 - y) / (y1 - y0)) * (gridHeight - 1);
      if (previous === undefined) {
        plot(dx, dy, index);
      } else {
        const [px, py] = previous;
        const steps = Math.min(
          Math.ceil(Math.max(Math.abs(dx - px), Math.abs(dy - py))),
          4 * (gridWidth + gridHeight),
        );
        for (let step = 1; step <= steps; step++) {
          plot(px + ((dx - px) * step) / steps, py + ((dy - py) * step) / steps, index);
        }
        if (steps === 0) plot(dx, dy, index);
      }
      previous = [dx, dy];
    }
  });

  // Vertical marker lines: ':' in the empty cells of their column.
  const markerColumns = new Set(
    chart.verticalLines.map((line) =>
      Math.min(columns - 1, Math.max(0, Math.round(((line.x - x0) / (x1 - x0)) * (columns - 1)))),
    ),
  );

  const paint = (text: string, series: number) =>
    color ? `\u001b[${ansiColors[series % ansiColors.length]}m${text}\u001b[0m` : text;
  const axis = braille
    ? { tick: '┤', line: '│', corner: '└', rule: '─' }
    : { tick: '+', line: '|', corner: '+', rule: '-' };

  const lines: string[] = [];
  if (chart.title !== undefined) lines.push(center(chart.title, width));
  if (chart.yLabel !== undefined) lines.push(chart.yLabel);
  for (let row = 0; row < rows; row++) {
    const label = labels.get(row);
    let text = `${(label ?? '').padStart(gutter)} ${label === undefined ? axis.line : axis.tick}`;
    let line = '';
    for (let column = 0; column < columns; column++) {
      const cell = row * columns + column;
      const value = bits[cell] as number;
      if (value === 0) {
        line += markerColumns.has(column) ? ':' : ' ';
      } else {
        const series = owner[cell] as number;
        const glyph = braille
          ? String.fromCharCode(0x2800 + value)
          : (markers[series % markers.length] as string);
        line += paint(glyph, series);
      }
    }
    text += line;
    lines.push(text.trimEnd());
  }
  lines.push(`${' '.repeat(gutter)} ${axis.corner}${axis.rule.repeat(columns)}`);
  const left = formatTick(x0);
  const middle = formatTick((x0 + x1) / 2);
  const right = formatTick(x1);
  const ticks = Array.from({ length: columns }, () => ' ');
  const place = (text: string, start: number) => {
    for (let index = 0; index < text.length; index++) ticks[start + index] = text[index] as string;
  };
  place(left, 0);
  const middleStart = Math.floor(columns / 2) - Math.floor(middle.length / 2);
  if (middleStart > left.length + 1 && middleStart + middle.length < columns - right.length) {
    place(middle, middleStart);
  }
  place(right, Math.max(left.length + 1, columns - right.length));
  lines.push(`${' '.repeat(gutter + 2)}${ticks.join('')}`.trimEnd());
  if (chart.xLabel !== undefined) lines.push(center(chart.xLabel, width));
  const entries = chart.legend
    ? chart.series.map((series, index) => {
        const key = braille ? '⣿' : (markers[index % markers.length] as string);
        return `${paint(key, index)} ${series.name}`;
      })
    : [];
  for (const line of chart.verticalLines) {
    if (line.label !== undefined) entries.push(`: ${line.label}`);
  }
  if (entries.length > 0) {
    lines.push(`${' '.repeat(gutter + 2)}${entries.join('   ')}`.trimEnd());
  }
  return lines.join('\n');
}
