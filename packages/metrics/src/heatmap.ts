import { checkArguments } from '@trainkit/core';
import { checkClassNames } from './classification-report';
import {
  type ConfusionMatrixInput,
  type ConfusionMatrixNormalization,
  normalizeConfusionMatrix,
  toConfusionMatrixState,
} from './confusion-matrix';
import { formatFixed } from './python-format';

/** Options shared by the text, SVG and PNG renderings of a confusion matrix. */
export interface ConfusionMatrixDisplayOptions {
  /** Display names indexed by class (length `numClasses`). Default `"0"`, `"1"`, ... */
  readonly classNames?: readonly string[];
  /** Show (and colour by) the normalized matrix instead of the counts. */
  readonly normalize?: ConfusionMatrixNormalization;
  /** Digits after the point for normalized or non-integer (weighted) values. Default 2. */
  readonly digits?: number;
}

/** Options shared by the SVG and PNG heatmaps. */
export interface ConfusionMatrixImageOptions extends ConfusionMatrixDisplayOptions {
  /** Print each cell's value in the cell. Default true. */
  readonly showValues?: boolean;
  /** Colour of the smallest value (0), `#rrggbb` or `#rgb`. Default `#f7fbff`. */
  readonly lowColor?: string;
  /** Colour of the largest value, `#rrggbb` or `#rgb`. Default `#08306b` (matplotlib "Blues" ends). */
  readonly highColor?: string;
  /** A title above the matrix. */
  readonly title?: string;
  /** Side of a cell in pixels. */
  readonly cellSize?: number;
}

/** An RGB colour, each channel 0..255. */
export type Rgb = readonly [number, number, number];

/** Everything a renderer needs, computed once and shared by SVG and PNG. */
export interface HeatmapModel {
  readonly numClasses: number;
  readonly names: readonly string[];
  /** Displayed values (counts or normalized), row-major, rows = true class. */
  readonly values: Float64Array;
  /** Text of each cell. */
  readonly labels: readonly string[];
  /** Fill of each cell. */
  readonly colors: readonly Rgb[];
  /** Text colour of each cell (black or white, whichever contrasts). */
  readonly textColors: readonly Rgb[];
  readonly showValues: boolean;
  readonly title: string | undefined;
}

/** Formats a displayed value: integers as integers, else fixed digits. */
export function formatCellValue(value: number, digits: number, normalized: boolean): string {
  if (!normalized && Number.isInteger(value)) return String(value);
  return formatFixed(value, digits);
}

/** Parses `#rrggbb` / `#rgb`. */
export function parseColor(functionName: string, argument: string, value: unknown): Rgb {
  if (typeof value === 'string') {
    const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(value);
    if (short) {
      return [short[1]!, short[2]!, short[3]!].map((h) =>
        Number.parseInt(h + h, 16),
      ) as unknown as Rgb;
    }
    const long = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(value);
    if (long)
      return [long[1]!, long[2]!, long[3]!].map((h) => Number.parseInt(h, 16)) as unknown as Rgb;
  }
  return checkArguments(functionName).fail(argument, value, "a colour '#rrggbb' or '#rgb'");
}

/**
 * The fill of a cell: linear interpolation in RGB between `low` and `high` by
 * `value / max` (0 when `max` is 0), each channel rounded to the nearest integer.
 */
export function interpolateColor(low: Rgb, high: Rgb, value: number, max: number): Rgb {
  const t = max > 0 ? value / max : 0;
  return [0, 1, 2].map((i) => Math.round(low[i]! + (high[i]! - low[i]!) * t)) as unknown as Rgb;
}

/** Black or white, whichever reads better on `background` (luma < 0.5 → white). */
export function contrastingTextColor(background: Rgb): Rgb {
  const luma = (0.299 * background[0] + 0.587 * background[1] + 0.114 * background[2]) / 255;
  return luma < 0.5 ? [255, 255, 255] : [0, 0, 0];
}

/** `#rrggbb` of an RGB colour. */
export function colorToHex(color: Rgb): string {
  return `#${color.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** Builds the shared heatmap model (validates every option). */
export function buildHeatmap(
  functionName: string,
  input: ConfusionMatrixInput,
  options: ConfusionMatrixImageOptions,
): HeatmapModel {
  const state = toConfusionMatrixState(functionName, input);
  const check = checkArguments(functionName);
  const c = state.numClasses;
  const names = checkClassNames(functionName, options.classNames, c);
  const digits = check.integer('digits', options.digits ?? 2, { min: 0, max: 20 });
  const normalize = options.normalize;
  if (normalize !== undefined) check.oneOf('normalize', normalize, ['true', 'pred', 'all']);
  const showValues =
    options.showValues === undefined ? true : check.boolean('showValues', options.showValues);
  const low = parseColor(functionName, 'lowColor', options.lowColor ?? '#f7fbff');
  const high = parseColor(functionName, 'highColor', options.highColor ?? '#08306b');
  const title = options.title;
  if (title !== undefined && typeof title !== 'string') check.fail('title', title, 'a string');
  const values =
    normalize === undefined ? state.counts.slice() : normalizeConfusionMatrix(state, normalize);
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, values[i]!);
  const colors: Rgb[] = [];
  const textColors: Rgb[] = [];
  const labels: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const color = interpolateColor(low, high, values[i]!, max);
    colors.push(color);
    textColors.push(contrastingTextColor(color));
    labels.push(formatCellValue(values[i]!, digits, normalize !== undefined));
  }
  return { numClasses: c, names, values, labels, colors, textColors, showValues, title };
}
