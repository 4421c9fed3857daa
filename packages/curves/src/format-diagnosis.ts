import { checkArguments } from '@trainkit/core';
import type { Diagnosis } from './diagnose';
import { formatNumber as number } from './diagnosis/rule';

/** Options of {@link formatDiagnosis}. */
export interface FormatDiagnosisOptions {
  /** Include the advice lines. Default `true`. */
  readonly advice?: boolean;
  /** Include the evidence numbers. Default `false` (the message already quotes the key ones). */
  readonly evidence?: boolean;
}

/**
 * Formats a {@link Diagnosis} as plain text, one block per verdict:
 * `[severity] kind (iterations a-b): message`, then the advice as `- ` lines.
 *
 * @param diagnosis - The result of `diagnose`.
 * @param options - Whether to include advice (default) and evidence.
 * @returns Text without a trailing newline; `'No verdicts.'` when there are none.
 * @example
 * ```ts
 * console.log(formatDiagnosis(diagnose(history)));
 * // [warning] overfitting (iterations 375-1000): Overfitting from iteration 375: ...
 * //   - stop at the onset: early stopping with restoreBestWeights
 * ```
 */
export function formatDiagnosis(
  diagnosis: Diagnosis,
  options: FormatDiagnosisOptions = {},
): string {
  const check = checkArguments('formatDiagnosis');
  options = check.options('options', options, '{ evidence: true }');
  if (
    typeof diagnosis !== 'object' ||
    diagnosis === null ||
    !Array.isArray((diagnosis as Partial<Diagnosis>).verdicts)
  ) {
    check.fail('diagnosis', diagnosis, 'a Diagnosis', 'Pass the result of diagnose(history).');
  }
  const advice = options.advice ?? true;
  const evidence = options.evidence ?? false;
  if (diagnosis.verdicts.length === 0) return 'No verdicts.';
  const blocks = diagnosis.verdicts.map((verdict) => {
    const lines = [
      `[${verdict.severity}] ${verdict.kind} (iterations ${verdict.range.start}-${verdict.range.end}): ${verdict.message}`,
    ];
    if (evidence) {
      lines.push(
        `  evidence: ${Object.entries(verdict.evidence)
          .map(([name, value]) => `${name}=${number(value)}`)
          .join(', ')}`,
      );
    }
    if (advice) for (const item of verdict.advice) lines.push(`  - ${item}`);
    return lines.join('\n');
  });
  return blocks.join('\n');
}
