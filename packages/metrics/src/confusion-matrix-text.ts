import { checkArguments } from '@trainkit/core';
import { checkClassNames } from './classification-report';
import {
  type ConfusionMatrixInput,
  normalizeConfusionMatrix,
  toConfusionMatrixState,
} from './confusion-matrix';
import { type ConfusionMatrixDisplayOptions, formatCellValue } from './heatmap';
import { checkOptions } from './labels';

/**
 * The confusion matrix as a plain-text table for logs and terminals: one row
 * per true class, one column per predicted class, class names on both axes,
 * columns right-aligned and separated by two spaces. The corner reads
 * `true\pred`.
 *
 * @param input - A state or a square matrix.
 * @param options - `classNames`, `normalize` and `digits` (for normalized or weighted values, default 2).
 * @returns The table, one line per class plus a header, ending with a newline.
 *
 * @example
 * ```ts
 * const state = confusionMatrix([0, 0, 1, 2, 2], [0, 1, 1, 2, 0]);
 * console.log(confusionMatrixToText(state, { classNames: ['cat', 'dog', 'bird'] }));
 * // true\pred  cat  dog  bird
 * //       cat    1    1     0
 * //       dog    0    1     0
 * //      bird    1    0     1
 * ```
 */
export function confusionMatrixToText(
  input: ConfusionMatrixInput,
  options: ConfusionMatrixDisplayOptions = {},
): string {
  options = checkOptions('confusionMatrixToText', options);
  const name = 'confusionMatrixToText';
  const state = toConfusionMatrixState(name, input);
  const check = checkArguments(name);
  const c = state.numClasses;
  const names = checkClassNames(name, options.classNames, c);
  const digits = check.integer('digits', options.digits ?? 2, { min: 0, max: 20 });
  const normalize = options.normalize;
  if (normalize !== undefined) check.oneOf('normalize', normalize, ['true', 'pred', 'all']);
  const values =
    normalize === undefined ? state.counts : normalizeConfusionMatrix(state, normalize);
  const corner = 'true\\pred';
  const cells: string[][] = [[corner, ...names]];
  for (let t = 0; t < c; t++) {
    const row = [names[t]!];
    for (let p = 0; p < c; p++)
      row.push(formatCellValue(values[t * c + p]!, digits, normalize !== undefined));
    cells.push(row);
  }
  const widths = cells[0]!.map((_, j) => Math.max(...cells.map((row) => row[j]!.length)));
  const lines = cells.map((row) => row.map((cell, j) => cell.padStart(widths[j]!)).join('  '));
  return `${lines.join('\n')}\n`;
}
