import type { Rule, RuleFinding, RuleThresholds } from '@trainkit/core';
import type { DiagnosisMeasurements, MeasurementSettings } from './measurements';
import type {
  CurveMeasurements,
  IterationRange,
  TrainingSetup,
  Verdict,
  VerdictKind,
  VerdictSeverity,
} from './verdict';

/**
 * The measurements a diagnosis rule can need: `train` (at least `minPoints`
 * finite training points), `validation` (at least 5 finite validation points,
 * with `train`), `trainingEvaluation` (at least one finite training-set
 * evaluation). The runner skips a rule while one is missing.
 */
export type DiagnosisNeed = 'train' | 'validation' | 'trainingEvaluation';

/** What a diagnosis rule found: core's finding with the iterations it is about. */
export interface DiagnosisFinding extends RuleFinding<VerdictSeverity, number> {
  /** The iterations the evidence was measured on. */
  readonly range: IterationRange;
}

/** What a diagnosis rule sees. */
export interface DiagnosisRuleContext<T extends RuleThresholds> {
  /** The measurements, computed once per diagnosis. */
  readonly measured: DiagnosisMeasurements;
  /** `measured.train`, present when the rule needs `train`. */
  readonly train: CurveMeasurements;
  /** `measured.validation`, present when the rule needs `validation`. */
  readonly validation: CurveMeasurements;
  /** The shared thresholds of the measurements. */
  readonly settings: MeasurementSettings;
  /** The rule's own thresholds (defaults merged with the options). */
  readonly thresholds: T;
  /** What the caller knows about the run, for the advice. */
  readonly setup: TrainingSetup;
  /** The verdicts the rules before this one found, in order. */
  readonly found: readonly Verdict[];
}

/**
 * One diagnosis rule: core's rule shape (id, title, needs, documented
 * defaults with sources, a pure `evaluate`) plus its place in the precedence
 * and its advice. One module per verdict kind in `src/diagnosis/rules/`;
 * `default-rules.ts` lists them in the order they run.
 */
export interface DiagnosisRule<T extends RuleThresholds = RuleThresholds>
  extends Rule<DiagnosisRuleContext<T>, T, DiagnosisNeed, DiagnosisFinding> {
  /** The verdict kind it reports. */
  readonly id: VerdictKind;
  /** Not evaluated when one of these verdicts was found by an earlier rule. */
  readonly unless?: readonly VerdictKind[];
  /** When it finds something, the diagnosis ends: later rules do not run. */
  readonly final?: boolean;
  /** Its advice when nothing is known about the run (the row of the advice table). */
  readonly advice: readonly string[];
}

/**
 * Declares a diagnosis rule (an identity function that fixes the thresholds' type).
 *
 * @param rule - The rule.
 * @returns The same rule.
 */
export function defineDiagnosisRule<T extends RuleThresholds>(
  rule: DiagnosisRule<T>,
): DiagnosisRule<T> {
  return rule;
}

/**
 * A number as diagnosis messages quote it: 4 significant digits.
 *
 * @internal
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** A fraction as a percentage with 4 significant digits. */
export function percent(value: number): string {
  return `${formatNumber(value * 100)}%`;
}
