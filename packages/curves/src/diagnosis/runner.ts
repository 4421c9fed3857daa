import type { RuleThresholds } from '@trainkit/core';
import type { DiagnosisMeasurements, MeasurementSettings } from './measurements';
import type { DiagnosisNeed, DiagnosisRule } from './rule';
import type { TrainingSetup, Verdict, VerdictSeverity } from './verdict';

const severityOrder: Record<VerdictSeverity, number> = { critical: 0, warning: 1, info: 2 };

function has(measured: DiagnosisMeasurements, need: DiagnosisNeed): boolean {
  switch (need) {
    case 'train':
      return measured.train !== undefined;
    case 'validation':
      return measured.validation !== undefined;
    case 'trainingEvaluation':
      return measured.curves.evaluation.ys.length > 0;
  }
}

/**
 * Runs the diagnosis rules in order on measurements made once: a rule is
 * skipped while a measurement it needs is missing or when an earlier rule
 * found one of the verdicts in its `unless`; a `final` rule that finds
 * something ends the run. Returns the verdicts critical first, then
 * warnings, then info (in rule order within a severity).
 *
 * @param measured - From `measureCurves`.
 * @param rules - The rules in order.
 * @param settings - The shared thresholds.
 * @param thresholds - Each rule's resolved thresholds, by rule id.
 * @param setup - What the caller knows about the run.
 * @returns The verdicts.
 */
export function runDiagnosisRules(
  measured: DiagnosisMeasurements,
  rules: readonly DiagnosisRule[],
  settings: MeasurementSettings,
  thresholds: Readonly<Record<string, RuleThresholds>>,
  setup: TrainingSetup,
): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const rule of rules) {
    if (!rule.needs.every((need) => has(measured, need))) continue;
    if (rule.unless?.some((kind) => verdicts.some((verdict) => verdict.kind === kind))) continue;
    const findings = rule.evaluate({
      measured,
      // Present whenever the rule needs them (checked above).
      train: measured.train!,
      validation: measured.validation!,
      settings,
      thresholds: thresholds[rule.id] ?? rule.defaults,
      setup,
      found: verdicts,
    });
    for (const finding of findings) {
      verdicts.push({
        kind: rule.id,
        severity: finding.severity,
        message: finding.summary,
        advice: finding.advice,
        range: finding.range,
        evidence: finding.evidence,
      });
    }
    if (rule.final === true && findings.length > 0) break;
  }
  return verdicts.sort((a, b) => severityOrder[a.severity] - severityOrder[b.severity]);
}
