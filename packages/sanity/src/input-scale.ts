import { checkArguments } from '@trainkit/core';
import type { CheckResult, Measurement } from './check-result';
import { formatNumber } from './format-number';
import { type RowData, rowCountOf } from './row-hash';

/** Options of {@link checkInputScale}. */
export interface CheckInputScaleOptions {
  /** Values per row, for the per-feature check. Default: the whole array is one feature. */
  readonly rowLength?: number;
  /** Standardized data passes when |mean| is at most this. Default 1. */
  readonly maxAbsMean?: number;
  /** ... and the standard deviation is at most this. Default 3. */
  readonly maxStd?: number;
  /** Fail (rather than warn) when some |value| exceeds this. Default 10. */
  readonly failAbove?: number;
}

const integerTypes = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
];

/**
 * Are the inputs normalized floating-point numbers? Passes data scaled into
 * [-1, 1] (e.g. pixels / 255), and standardized data (|mean| <= 1, std <= 3)
 * even with values beyond ±1; warns otherwise; fails for integer arrays (not
 * floating point), non-finite values, or values beyond ±`failAbove` (raw
 * 0..255 pixels). Features (with `rowLength`) far outside the others' scale
 * are counted.
 *
 * Sources: UMLAUT's `InputNotNormalizedError` / DeepDiagnosis (inputs outside
 * [-1, 1]) and `InputNotFloatingError`; extended to accept standardized data.
 *
 * @param values - The inputs, flattened (a typed array or numbers).
 * @param options - {@link CheckInputScaleOptions}
 * @returns The `input-scale` check result.
 * @example
 * ```ts
 * checkInputScale(rawPixels).status; // 'fail' for 0..255, 'pass' after dividing by 255
 * ```
 */
export function checkInputScale(
  values: RowData,
  options: CheckInputScaleOptions = {},
): CheckResult {
  const check = checkArguments('checkInputScale');
  check.nonEmptyArray('values', values);
  const rowLength =
    options.rowLength === undefined
      ? values.length
      : check.integer('rowLength', options.rowLength, { min: 1 });
  rowCountOf('checkInputScale', 'values', values, rowLength);
  const maxAbsMean = check.positive('maxAbsMean', options.maxAbsMean ?? 1);
  const maxStd = check.positive('maxStd', options.maxStd ?? 3);
  const failAbove = check.positive('failAbove', options.failAbove ?? 10);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let sumSquares = 0;
  let nonFinite = 0;
  const featureMax = new Float64Array(rowLength);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSquares += v * v;
    const f = i % rowLength;
    const a = Math.abs(v);
    if (a > featureMax[f]!) featureMax[f] = a;
  }
  const n = values.length - nonFinite;
  const mean = sum / n;
  const std = Math.sqrt(Math.max(0, sumSquares / n - mean * mean));
  const floating = !integerTypes.some((type) => values instanceof type);
  let outlierFeatures = 0;
  if (options.rowLength !== undefined)
    for (const m of featureMax) if (m > failAbove) outlierFeatures++;
  const measurements: Record<string, Measurement> = {
    min,
    max,
    mean,
    std,
    nonFinite,
    floating,
    dtype: values.constructor.name,
  };
  if (options.rowLength !== undefined) measurements.featuresAboveFailBound = outlierFeatures;
  const name = 'input-scale';
  const summary = `inputs range ${formatNumber(min)}..${formatNumber(max)}, mean ${formatNumber(mean)}, std ${formatNumber(std)}`;
  const scaled = min >= -1 - 1e-6 && max <= 1 + 1e-6;
  const standardized = Math.abs(mean) <= maxAbsMean && std <= maxStd;
  const largest = Math.max(Math.abs(min), Math.abs(max));
  if (!floating || nonFinite > 0 || largest > failAbove) {
    const advice: string[] = [];
    if (nonFinite > 0) advice.push(`Remove or impute the ${nonFinite} NaN/infinite values.`);
    if (!floating)
      advice.push(
        'Convert the inputs to float32 (integer inputs are usually raw, unscaled values).',
      );
    if (largest > failAbove) {
      advice.push(
        max <= 255 && min >= 0
          ? 'These look like raw 0..255 pixels: divide by 255 (or standardize with the training mean and std).'
          : 'Standardize each feature with the training split mean and standard deviation (or scale into [-1, 1]).',
      );
    }
    return {
      name,
      status: 'fail',
      summary: `${summary}${!floating ? `; ${values.constructor.name} is not floating point` : ''}${nonFinite > 0 ? `; ${nonFinite} non-finite values` : ''}`,
      measurements,
      advice,
    };
  }
  if (!scaled && !standardized) {
    return {
      name,
      status: 'warn',
      summary: `${summary}: neither scaled into [-1, 1] nor standardized`,
      measurements,
      advice: [
        'Standardize each feature with the training split mean and standard deviation, or scale into [-1, 1].',
      ],
    };
  }
  return { name, status: 'pass', summary, measurements, advice: [] };
}
