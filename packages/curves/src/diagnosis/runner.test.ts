import { checkThreshold } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { defaultDiagnoseOptions } from '../diagnose';
import { createHistory, recordTraining } from '../history';
import { verdictAdvice } from './advice';
import { diagnosisRules } from './default-rules';
import { measureCurves, measurementDefaults, measurementLimits } from './measurements';
import { type DiagnosisRule, defineDiagnosisRule } from './rule';
import { runDiagnosisRules } from './runner';
import type { VerdictKind } from './verdict';

const allKinds: VerdictKind[] = [
  'divergence',
  'training-not-falling',
  'overfitting',
  'validation-not-falling',
  'underfitting',
  'slow-start',
  'training-evaluation-disagrees',
  'validation-better-than-training',
  'generalization-gap',
  'noisy',
  'ideal',
  'insufficient-data',
];

describe('the diagnosis rules', () => {
  it('one rule per verdict kind, each threshold owned once and within its limits', () => {
    expect(diagnosisRules.map((rule) => rule.id).sort()).toEqual([...allKinds].sort());
    const owners = new Map<string, string>();
    for (const name of Object.keys(measurementDefaults)) owners.set(name, 'measurements');
    for (const rule of diagnosisRules) {
      expect(rule.advice.length).toBeGreaterThan(0);
      expect(rule.sources.length).toBeGreaterThan(0);
      expect(verdictAdvice[rule.id]).toBe(rule.advice);
      for (const [name, value] of Object.entries(rule.defaults)) {
        expect(owners.get(name), `${name} of ${rule.id}`).toBeUndefined();
        owners.set(name, rule.id);
        expect(checkThreshold('test', name, value, rule.limits?.[name])).toBe(value);
      }
      // `unless` names only verdicts that earlier rules can produce.
      const index = diagnosisRules.indexOf(rule);
      for (const kind of rule.unless ?? []) {
        expect(diagnosisRules.findIndex((r) => r.id === kind)).toBeLessThan(index);
      }
    }
    for (const [name, value] of Object.entries(measurementDefaults)) {
      expect(
        checkThreshold(
          'test',
          name,
          value,
          measurementLimits[name as keyof typeof measurementLimits],
        ),
      ).toBe(value);
    }
    expect(Object.keys(defaultDiagnoseOptions).sort()).toEqual([...owners.keys()].sort());
  });
});

describe('runDiagnosisRules: the precedence', () => {
  const history = createHistory();
  for (let t = 0; t < 100; t++) recordTraining(history, t, 1 + Math.exp(-t / 20));
  const measured = measureCurves(history, measurementDefaults);
  const finding = (severity: 'critical' | 'warning' | 'info') => ({
    severity,
    subject: 'training',
    summary: `a ${severity} finding`,
    evidence: { x: 1 },
    advice: ['do something'],
    range: { start: 0, end: 99 },
  });
  const rule = (
    id: VerdictKind,
    severity: 'critical' | 'warning' | 'info',
    extra: Partial<DiagnosisRule> = {},
  ): DiagnosisRule =>
    defineDiagnosisRule({
      id,
      title: id,
      needs: [],
      defaults: {},
      sources: ['test'],
      advice: ['do something'],
      evaluate: () => [finding(severity)],
      ...extra,
    });
  const run = (rules: DiagnosisRule[]) =>
    runDiagnosisRules(measured, rules, measurementDefaults, {}, {}).map((v) => v.kind);

  it('sorts critical, warning, info and keeps the rule order within a severity', () => {
    expect(
      run([
        rule('ideal', 'info'),
        rule('noisy', 'warning'),
        rule('slow-start', 'warning'),
        rule('divergence', 'critical'),
      ]),
    ).toEqual(['divergence', 'noisy', 'slow-start', 'ideal']);
  });

  it('a final rule that finds something ends the run; one that finds nothing does not', () => {
    expect(
      run([rule('divergence', 'critical', { final: true }), rule('noisy', 'warning')]),
    ).toEqual(['divergence']);
    expect(
      run([
        rule('divergence', 'critical', { final: true, evaluate: () => [] }),
        rule('noisy', 'warning'),
      ]),
    ).toEqual(['noisy']);
  });

  it('unless skips a rule after one of the named verdicts; needs skip it without the measurement', () => {
    expect(
      run([
        rule('training-not-falling', 'critical'),
        rule('slow-start', 'warning', { unless: ['training-not-falling'] }),
      ]),
    ).toEqual(['training-not-falling']);
    expect(run([rule('slow-start', 'warning', { unless: ['training-not-falling'] })])).toEqual([
      'slow-start',
    ]);
    // 100 training points, no validation, no training-set evaluation.
    expect(run([rule('overfitting', 'warning', { needs: ['train', 'validation'] })])).toEqual([]);
    expect(run([rule('noisy', 'warning', { needs: ['train'] })])).toEqual(['noisy']);
    expect(
      run([rule('training-evaluation-disagrees', 'warning', { needs: ['trainingEvaluation'] })]),
    ).toEqual([]);
  });

  it('passes each rule the verdicts found before it and its own thresholds', () => {
    const seen: string[][] = [];
    const spy = rule('ideal', 'info', {
      defaults: { bound: 3 },
      evaluate: ({ found, thresholds }) => {
        seen.push([...found.map((v) => v.kind), String(thresholds.bound)]);
        return [];
      },
    });
    runDiagnosisRules(
      measured,
      [rule('noisy', 'warning'), spy],
      measurementDefaults,
      { ideal: { bound: 7 } },
      {},
    );
    expect(seen).toEqual([['noisy', '7']]);
  });
});
