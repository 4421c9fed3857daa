import { checkArguments } from '@trainkit/core';
import type { CheckResult, Measurement } from './check-result';
import { formatNumber } from './format-number';

/** Options of {@link checkLabels}. */
export interface CheckLabelsOptions {
  /** Number of classes; valid labels are the integers 0 .. classes - 1. */
  readonly classes: number;
  /** Warn when the most frequent class is this many times the least frequent. Default 10 (SageMaker Debugger `class_imbalance`). */
  readonly maxImbalance?: number;
  /** How many example indices to report. Default 5. */
  readonly maxExamples?: number;
}

/**
 * Class labels: every label an integer in 0 .. classes - 1 (a label of
 * `classes` is the classic off-by-one: labels 1..C instead of 0..C-1, which a
 * one-hot encoding silently turns into an all-zero row), every class present,
 * and no class `maxImbalance` times rarer than the most frequent one.
 *
 * Status: `fail` for non-integer or out-of-range labels; `warn` for a missing
 * class or an imbalance above `maxImbalance`; `pass` otherwise.
 *
 * @param labels - Class indices (for one-hot labels pass their argmax).
 * @param options - {@link CheckLabelsOptions}
 * @returns The `labels` check result with the count per class.
 * @example
 * ```ts
 * checkLabels(Int32Array.of(1, 2, 3, 10), { classes: 10 }).status; // 'fail' (10 is out of range, 0 never appears)
 * ```
 */
export function checkLabels(labels: ArrayLike<number>, options: CheckLabelsOptions): CheckResult {
  const check = checkArguments('checkLabels');
  check.nonEmptyArray('labels', labels);
  const classes = check.integer('classes', options?.classes, { min: 2 });
  const maxImbalance = check.number('maxImbalance', options.maxImbalance ?? 10, { min: 1 });
  const maxExamples = check.integer('maxExamples', options.maxExamples ?? 5, { min: 0 });
  const counts = new Array<number>(classes).fill(0);
  let nonInteger = 0;
  let outOfRange = 0;
  const nonIntegerExamples: number[] = [];
  const outOfRangeExamples: number[] = [];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label < min) min = label;
    if (label > max) max = label;
    if (!Number.isInteger(label)) {
      nonInteger++;
      if (nonIntegerExamples.length < maxExamples) nonIntegerExamples.push(i);
    } else if (label < 0 || label >= classes) {
      outOfRange++;
      if (outOfRangeExamples.length < maxExamples) outOfRangeExamples.push(i);
    } else counts[label]!++;
  }
  const present = counts.filter((c) => c > 0);
  const imbalance = present.length === 0 ? Number.NaN : Math.max(...present) / Math.min(...present);
  const missing = counts.flatMap((c, k) => (c === 0 ? [k] : []));
  const measurements: Record<string, Measurement> = {
    count: labels.length,
    classes,
    min,
    max,
    nonInteger,
    outOfRange,
    counts,
    imbalance,
    missingClasses: missing,
  };
  if (nonIntegerExamples.length > 0) measurements.nonIntegerExamples = nonIntegerExamples;
  if (outOfRangeExamples.length > 0) measurements.outOfRangeExamples = outOfRangeExamples;
  const name = 'labels';
  if (nonInteger > 0 || outOfRange > 0) {
    const parts = [
      nonInteger > 0
        ? `${nonInteger} labels are not integers (e.g. index ${nonIntegerExamples[0]}: ${labels[nonIntegerExamples[0]!]})`
        : '',
      outOfRange > 0
        ? `${outOfRange} labels are outside 0..${classes - 1} (range seen ${formatNumber(min)}..${formatNumber(max)})`
        : '',
    ].filter(Boolean);
    return {
      name,
      status: 'fail',
      summary: parts.join('; '),
      measurements,
      advice: [
        max === classes && counts[0] === 0
          ? `The labels look shifted by one (1..${classes} instead of 0..${classes - 1}): subtract 1.`
          : `Map the labels to the integers 0..${classes - 1} (and check the classes option).`,
      ],
    };
  }
  if (missing.length > 0 || imbalance > maxImbalance) {
    return {
      name,
      status: 'warn',
      summary:
        missing.length > 0
          ? `class${missing.length === 1 ? '' : 'es'} ${missing.join(', ')} never appear${missing.length === 1 ? 's' : ''} in ${labels.length} labels`
          : `the most frequent class is ${formatNumber(imbalance)}x the least frequent`,
      measurements,
      advice: [
        missing.length > 0
          ? 'Check the class count and the split (a stratified split keeps every class in every split).'
          : 'With strong imbalance, report per-class recall or balanced accuracy, and consider class weights or resampling.',
      ],
    };
  }
  return {
    name,
    status: 'pass',
    summary: `${labels.length} labels in 0..${classes - 1}, every class present, imbalance ${formatNumber(imbalance)}x`,
    measurements,
    advice: [],
  };
}
