import { checkArguments } from '@trainkit/core';
import {
  type AveragedScores,
  type LabelSelection,
  precisionRecallFscoreSupport,
  resolveReportLabels,
  type ZeroDivision,
} from './classification-metrics';
import { type ConfusionMatrixInput, toConfusionMatrixState } from './confusion-matrix';
import { checkOptions } from './labels';
import { formatFixed, formatPythonNumber } from './python-format';

/** Options of {@link classificationReport}. */
export interface ClassificationReportOptions {
  /** Display names indexed by class (length `numClasses`). Default: the class indices. */
  readonly classNames?: readonly string[];
  /** Digits after the decimal point. Default 2. */
  readonly digits?: number;
  /** Classes to list. Default `'present'` (scikit-learn's `labels=None`). */
  readonly labels?: LabelSelection;
  /** Value of 0/0 ratios. Default `'warn'` (prints as 0). */
  readonly zeroDivision?: ZeroDivision;
}

/**
 * A text report of per-class precision, recall, F1 and support with the
 * accuracy, macro-average and weighted-average rows, formatted exactly like
 * scikit-learn's `classification_report` (same columns, widths and rounding:
 * half to even on the exact binary value, as Python's `format`). A value on a
 * decimal tie prints as scikit-learn prints it because it is the same float:
 * with 19 of 40 right in each of two classes, precision prints 0.47 and F1
 * 0.48 (scikit-learn's F1 float is 0.47500000000000003).
 *
 * The accuracy row appears when the listed classes include every present class;
 * otherwise a "micro avg" row is printed instead (as scikit-learn).
 * Supports print as integers when integral (scikit-learn prints `12.0` for
 * weighted data with integral sums; trainkit prints `12`).
 *
 * @param input - A confusion matrix state or a square matrix.
 * @param options - `classNames`, `digits`, `labels`, `zeroDivision`.
 * @returns The report, ending with a newline.
 *
 * @example
 * ```ts
 * const state = confusionMatrix([0, 1, 2, 2, 2], [0, 0, 2, 2, 1]);
 * console.log(classificationReport(state, { classNames: ['cat', 'dog', 'bird'] }));
 * //               precision    recall  f1-score   support
 * //
 * //          cat       0.50      1.00      0.67         1
 * //          dog       0.00      0.00      0.00         1
 * //         bird       1.00      0.67      0.80         3
 * //
 * //     accuracy                           0.60         5
 * //    macro avg       0.50      0.56      0.49         5
 * // weighted avg       0.70      0.60      0.61         5
 * ```
 */
export function classificationReport(
  input: ConfusionMatrixInput,
  options: ClassificationReportOptions = {},
): string {
  options = checkOptions('classificationReport', options);
  const name = 'classificationReport';
  const state = toConfusionMatrixState(name, input);
  const check = checkArguments(name);
  const digits = check.integer('digits', options.digits ?? 2, { min: 0, max: 20 });
  const classNames = checkClassNames(name, options.classNames, state.numClasses);
  const { labels, present } = resolveReportLabels(name, state, options.labels);
  const zeroDivision = options.zeroDivision ?? 'warn';
  const base = { labels, zeroDivision } as const;
  const perClass = precisionRecallFscoreSupport(state, { zeroDivision });
  const explicit = options.labels !== undefined && options.labels !== 'present';
  const microIsAccuracy =
    !explicit || (labels.length === present.length && present.every((k) => labels.includes(k)));

  const names = labels.map((k) => classNames[k]!);
  const lastHeading = 'weighted avg';
  const width = Math.max(lastHeading.length, digits, ...names.map((n) => n.length));
  const cell = (text: string) => ` ${text.padStart(9)}`;
  const number = (x: number) => cell(formatFixed(x, digits));
  let report = `${''.padStart(width)} ${['precision', 'recall', 'f1-score', 'support'].map(cell).join('')}\n\n`;
  labels.forEach((k, i) => {
    report += `${names[i]!.padStart(width)} ${number(perClass.precision[k]!)}${number(
      perClass.recall[k]!,
    )}${number(perClass.fScore[k]!)}${cell(formatPythonNumber(perClass.support[k]!))}\n`;
  });
  report += '\n';
  const averages = (['micro', 'macro', 'weighted'] as const).map((average) => ({
    average,
    scores: precisionRecallFscoreSupport(state, { ...base, average }) as AveragedScores,
  }));
  // The total support as numpy sums it (the averages carry it).
  const support = cell(formatPythonNumber(averages[1]!.scores.support));
  for (const { average, scores } of averages) {
    if (average === 'micro' && microIsAccuracy) {
      report += `${'accuracy'.padStart(width)} ${cell('')}${cell('')}${number(scores.fScore)}${support}\n`;
    } else {
      report += `${`${average} avg`.padStart(width)} ${number(scores.precision)}${number(
        scores.recall,
      )}${number(scores.fScore)}${support}\n`;
    }
  }
  return report;
}

/** @internal Validates class names or makes the default ones ("0", "1", ...). */
export function checkClassNames(
  functionName: string,
  classNames: unknown,
  numClasses: number,
): readonly string[] {
  if (classNames === undefined) return Array.from({ length: numClasses }, (_, k) => String(k));
  const check = checkArguments(functionName);
  if (!Array.isArray(classNames) || classNames.length !== numClasses) {
    return check.fail(
      'classNames',
      classNames,
      `an array of ${numClasses} strings (one per class)`,
      'Give one name per class, indexed by class.',
    );
  }
  classNames.forEach((n, i) => {
    if (typeof n !== 'string') check.fail(`classNames[${i}]`, n, 'a string');
  });
  return classNames as readonly string[];
}
