/**
 * Shared parts of the line charts: option types, validation, domains, ticks
 * and number formatting. Used by {@link lineChartSvg} and
 * {@link lineChartTerminal}; deterministic and dependency-free.
 */

import { checkArguments } from './check-arguments';
import { ShapeMismatchError } from './errors';

/** One named line of a chart. */
export interface LineChartSeries {
  /** Label shown in the legend. */
  readonly name: string;
  /** The values. NaN and infinities (and, on a log scale, values `<= 0`) leave a gap in the line. */
  readonly y: ArrayLike<number>;
  /** The x coordinates, same length as `y`. Default `0, 1, 2, …`. Non-finite x leaves a gap. */
  readonly x?: ArrayLike<number>;
  /**
   * Mark every point with a dot (SVG only), for sparse series whose points a
   * line alone hides (e.g. a validation loss measured a few times). Default `false`.
   */
  readonly markers?: boolean;
}

/** A vertical line across the plot at one x, e.g. an event such as the onset of overfitting. */
export interface LineChartVerticalLine {
  /** Where to draw it, in x units; lines outside the x domain are not drawn. */
  readonly x: number;
  /** Short label shown next to the line (SVG) or in the legend row (terminal). */
  readonly label?: string;
}

/** Options shared by {@link lineChartSvg} and {@link lineChartTerminal}. */
export interface LineChartOptions {
  /** One or more series, drawn in order (later ones on top). */
  readonly series: readonly LineChartSeries[];
  /** Title above the plot. */
  readonly title?: string;
  /** Label of the x axis. */
  readonly xLabel?: string;
  /** Label of the y axis. */
  readonly yLabel?: string;
  /** `'log'` plots `log10(y)` with labels in the original units. Default `'linear'`. */
  readonly yScale?: 'linear' | 'log';
  /** Show the legend. Default: when there is more than one series. */
  readonly legend?: boolean;
  /** Fixed x domain `[min, max]`; default: the data's. */
  readonly xRange?: readonly [number, number];
  /** Fixed y domain `[min, max]` in data units; default: the data's. */
  readonly yRange?: readonly [number, number];
  /** Vertical marker lines (dashed in SVG, `:` columns in the terminal). Default none. */
  readonly verticalLines?: readonly LineChartVerticalLine[];
}

/** A series ready to draw: coordinates in scale space (log10 for a log y scale), NaN for gaps. */
export interface PreparedSeries {
  readonly name: string;
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Dots at the points (SVG). */
  readonly markers: boolean;
}

/** Validated, transformed chart data. */
export interface PreparedChart {
  readonly series: readonly PreparedSeries[];
  /** x domain. */
  readonly x: readonly [number, number];
  /** y domain in scale space. */
  readonly y: readonly [number, number];
  readonly yScale: 'linear' | 'log';
  readonly title: string | undefined;
  readonly xLabel: string | undefined;
  readonly yLabel: string | undefined;
  readonly legend: boolean;
  /** Vertical lines inside the x domain, validated. */
  readonly verticalLines: readonly { readonly x: number; readonly label: string | undefined }[];
}

const isList = (value: unknown): value is ArrayLike<number> =>
  Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));

function optionalText(
  check: ReturnType<typeof checkArguments>,
  name: string,
  value: unknown,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return check.fail(name, value, 'a string');
  return value;
}

function checkRange(
  check: ReturnType<typeof checkArguments>,
  name: string,
  value: unknown,
  positive: boolean,
): readonly [number, number] | undefined {
  if (value === undefined) return undefined;
  const fix = positive
    ? 'Give [min, max] with 0 < min < max (the y scale is logarithmic).'
    : 'Give [min, max] with min < max.';
  if (!isList(value) || value.length !== 2)
    return check.fail(name, value, 'a [min, max] pair', fix);
  const low = value[0] as number;
  const high = value[1] as number;
  if (
    !Number.isFinite(low) ||
    !Number.isFinite(high) ||
    !(low < high) ||
    (positive && !(low > 0))
  ) {
    return check.fail(name, value, 'a [min, max] pair of finite numbers with min < max', fix);
  }
  return [low, high];
}

function extent(values: readonly Float64Array[]): [number, number] | undefined {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const list of values) {
    for (let index = 0; index < list.length; index++) {
      const value = list[index] as number;
      if (value < low) low = value;
      if (value > high) high = value;
    }
  }
  return low <= high ? [low, high] : undefined;
}

/**
 * Validates the options of a line chart and converts the series to scale
 * space. Throws {@link InvalidArgumentError} / {@link ShapeMismatchError}
 * naming `functionName`.
 */
export function prepareLineChart(functionName: string, options: LineChartOptions): PreparedChart {
  const check = checkArguments(functionName);
  if (typeof options !== 'object' || options === null) {
    check.fail('options', options, 'an options object', `Call ${functionName}({ series: [...] }).`);
  }
  const seriesList = check.nonEmptyArray<LineChartSeries>(
    'series',
    options.series,
    'Give at least one series: { name, y } (and optionally x).',
  );
  const yScale = check.oneOf('yScale', options.yScale ?? 'linear', ['linear', 'log']);
  const log = yScale === 'log';
  const series: PreparedSeries[] = seriesList.map((item, index) => {
    const label = `series[${index}]`;
    if (typeof item !== 'object' || item === null) {
      return check.fail(label, item, 'an object { name, y, x? }');
    }
    if (typeof item.name !== 'string') return check.fail(`${label}.name`, item.name, 'a string');
    if (!isList(item.y))
      return check.fail(`${label}.y`, item.y, 'an array or typed array of numbers');
    const count = item.y.length;
    if (item.x !== undefined) {
      if (!isList(item.x))
        return check.fail(`${label}.x`, item.x, 'an array or typed array of numbers');
      if (item.x.length !== count) {
        throw new ShapeMismatchError({
          functionName,
          argument: `${label}.x`,
          expected: count,
          actual: item.x.length,
          fix: 'Give one x per y value.',
        });
      }
    }
    const x = new Float64Array(count);
    const y = new Float64Array(count);
    for (let point = 0; point < count; point++) {
      const xValue = item.x === undefined ? point : Number(item.x[point]);
      let yValue = Number(item.y[point]);
      if (log) yValue = yValue > 0 ? Math.log10(yValue) : Number.NaN;
      const valid = Number.isFinite(xValue) && Number.isFinite(yValue);
      x[point] = valid ? xValue : Number.NaN;
      y[point] = valid ? yValue : Number.NaN;
    }
    const markers =
      item.markers === undefined ? false : check.boolean(`${label}.markers`, item.markers);
    return { name: item.name, x, y, markers };
  });

  const validX = series.map((item) => item.x.filter((value) => !Number.isNaN(value)));
  const validY = series.map((item) => item.y.filter((value) => !Number.isNaN(value)));
  let xDomain = checkRange(check, 'xRange', options.xRange, false) ?? extent(validX) ?? [0, 1];
  if (xDomain[0] === xDomain[1]) xDomain = [xDomain[0] - 0.5, xDomain[1] + 0.5];
  const yRange = checkRange(check, 'yRange', options.yRange, log);
  let yDomain: readonly [number, number];
  if (yRange !== undefined) {
    yDomain = log ? [Math.log10(yRange[0]), Math.log10(yRange[1])] : yRange;
  } else {
    yDomain = extent(validY) ?? (log ? [0, 1] : [0, 1]);
    if (yDomain[0] === yDomain[1]) {
      const center = yDomain[0];
      const half = log ? Math.log10(2) : center === 0 ? 1 : Math.abs(center) / 2;
      yDomain = [center - half, center + half];
    }
  }
  const legend =
    options.legend === undefined ? series.length > 1 : check.boolean('legend', options.legend);
  const lines = options.verticalLines ?? [];
  if (!Array.isArray(lines)) check.fail('verticalLines', lines, 'an array of { x, label? }');
  const verticalLines = lines
    .map((line, index) => {
      if (typeof line !== 'object' || line === null) {
        return check.fail(`verticalLines[${index}]`, line, 'an object { x, label? }');
      }
      const x = check.finite(`verticalLines[${index}].x`, line.x);
      const label = optionalText(check, `verticalLines[${index}].label`, line.label);
      return { x, label };
    })
    .filter((line) => line.x >= xDomain[0] && line.x <= xDomain[1]);
  return {
    series,
    x: xDomain,
    y: yDomain,
    yScale,
    title: optionalText(check, 'title', options.title),
    xLabel: optionalText(check, 'xLabel', options.xLabel),
    yLabel: optionalText(check, 'yLabel', options.yLabel),
    legend,
    verticalLines,
  };
}

/**
 * "Nice" tick positions (multiples of 1, 2 or 5 × 10^k) inside `[low, high]`,
 * about `count` of them. Computed as integer multiples so that labels are exact
 * (`0.3`, not `0.30000000000000004`).
 */
export function niceTicks(low: number, high: number, count: number): number[] {
  if (!(high > low) || count < 1) return [low];
  const raw = (high - low) / count;
  const power = Math.floor(Math.log10(raw));
  const error = raw / 10 ** power;
  const multiple =
    error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1;
  const ticks: number[] = [];
  if (power >= 0) {
    const step = multiple * 10 ** power;
    for (let index = Math.ceil(low / step); index * step <= high; index++) ticks.push(index * step);
  } else {
    // step = multiple / inverse with an integer inverse: divide to stay exact.
    const inverse = 10 ** -power;
    const start = Math.ceil((low * inverse) / multiple);
    for (let index = start; (index * multiple) / inverse <= high; index++) {
      ticks.push((index * multiple) / inverse);
    }
  }
  return ticks;
}

/**
 * Tick positions in scale space for the y axis: nice values for a linear
 * scale; for a log scale the powers of ten inside the domain (with 2× and 5×
 * when there are fewer than two), as log10 values.
 */
export function yTicks(
  domain: readonly [number, number],
  yScale: 'linear' | 'log',
  count: number,
): number[] {
  if (yScale === 'linear') return niceTicks(domain[0], domain[1], count);
  const [low, high] = domain;
  const decades: number[] = [];
  for (let power = Math.ceil(low - 1e-12); power <= high + 1e-12; power++) decades.push(power);
  if (decades.length >= 2) {
    const stride = Math.ceil(decades.length / count);
    return decades.filter((_, index) => index % stride === 0);
  }
  const ticks: number[] = [];
  for (let power = Math.floor(low); power <= Math.ceil(high); power++) {
    for (const mantissa of [1, 2, 5]) {
      const position = Math.log10(mantissa * 10 ** power);
      if (position >= low - 1e-12 && position <= high + 1e-12) ticks.push(position);
    }
  }
  if (ticks.length >= 2) return ticks;
  return niceTicks(10 ** low, 10 ** high, count)
    .filter((value) => value > 0)
    .map(Math.log10);
}

/**
 * Formats a tick label compactly and deterministically: `0`, `0.05`,
 * `0.0333`, `1200`, `1e-4`, `2.5e+6`.
 */
export function formatTick(value: number): string {
  if (value === 0 || Object.is(value, -0)) return '0';
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) {
    const [mantissa, exponent] = value.toExponential(2).split('e');
    const trimmed = (mantissa as string).replace(/\.?0+$/, '');
    return `${trimmed}e${exponent}`;
  }
  return String(Number(value.toPrecision(3)));
}

/** Formats a y tick given in scale space. */
export function formatYTick(value: number, yScale: 'linear' | 'log'): string {
  return formatTick(yScale === 'log' ? Number((10 ** value).toPrecision(12)) : value);
}
