import { diagnosisRules } from './default-rules';
import type { VerdictKind } from './verdict';

/**
 * The advice of each verdict kind when nothing is known about the run (each
 * row comes from the verdict's rule module; with a `TrainingSetup` a verdict
 * may carry advice adapted to the run instead).
 *
 * @example
 * ```ts
 * console.log(verdictAdvice.overfitting[0]); // 'stop at the onset: early stopping with restoreBestWeights'
 * ```
 */
export const verdictAdvice: Readonly<Record<VerdictKind, readonly string[]>> = Object.freeze(
  Object.fromEntries(diagnosisRules.map((rule) => [rule.id, rule.advice])) as Record<
    VerdictKind,
    readonly string[]
  >,
);
