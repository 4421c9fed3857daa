import { resolveRuleThresholds } from '@trainkit/core';
import { median } from '@trainkit/stats';
import type { CheckResult, Measurement } from '../check-result';
import { defaultMonitorRules } from './default-rules';
import type { MeasurementKind, MonitorMeasurements } from './measurements';
import type { LossRecord, MonitorRule, RuleFinding } from './rule';

/** Thresholds to override, by rule id, e.g. `{ 'update-ratio': { maxRatio: 0.2 } }`. */
export type MonitorThresholds = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** Options of {@link createMonitorRunner}. */
export interface MonitorRunnerOptions {
  /** The rules to run. Default {@link defaultMonitorRules}. */
  readonly rules?: readonly MonitorRule[];
  /** Threshold overrides by rule id; unknown ids or names throw. */
  readonly thresholds?: MonitorThresholds;
}

/** A finding with the rule that made it and the step of the check. */
export interface MonitorFinding extends RuleFinding {
  readonly ruleId: string;
  readonly step: number;
}

/** Runs the during-training rules on measurements, reporting each problem once. */
export interface MonitorRunner {
  /** The rules with their resolved thresholds. */
  readonly rules: readonly MonitorRule[];
  /** Records the training loss of one update. */
  recordLoss(step: number, loss: number): void;
  /** Evaluates every rule whose measurements are present; returns the findings not reported before. */
  observe(measurements: MonitorMeasurements): MonitorFinding[];
  /** Every finding reported so far, in order. */
  readonly findings: readonly MonitorFinding[];
  /** One check result per rule: its worst finding, `pass` if it ran without one, `skipped` if it never ran. */
  results(): CheckResult[];
}

const maxLosses = 2000;
const maxChecks = 20;
const startCount = 10;

/** Merges and validates threshold overrides (core's `resolveRuleThresholds`). @internal */
export function resolveRules(functionName: string, options: MonitorRunnerOptions): MonitorRule[] {
  return resolveRuleThresholds(
    functionName,
    options.rules ?? defaultMonitorRules,
    options.thresholds ?? {},
    { rules: 'rules', thresholds: 'thresholds' },
  );
}

function has(
  measurements: MonitorMeasurements,
  kind: MeasurementKind,
  losses: LossRecord,
): boolean {
  if (kind === 'loss') return losses.values.length > 0;
  return measurements[kind] !== undefined;
}

/**
 * The pure core of the training monitor: feed it losses and measurements (from
 * the tfjs callback, the custom-loop hook, or anywhere), get findings. Each
 * rule sees the current check, the previous 20 checks and the last 2,000
 * losses; each (rule, subject) finding is returned once.
 *
 * @param options - {@link MonitorRunnerOptions}
 * @returns A {@link MonitorRunner}.
 * @example
 * ```ts
 * const runner = createMonitorRunner({ thresholds: { 'update-ratio': { maxRatio: 0.2 } } });
 * runner.recordLoss(0, 2.3);
 * const findings = runner.observe({ step: 1, updates: [{ name: 'w', isKernel: true, ratio: 50 }] });
 * ```
 */
export function createMonitorRunner(options: MonitorRunnerOptions = {}): MonitorRunner {
  const rules = resolveRules('createMonitorRunner', options);
  const steps: number[] = [];
  const values: number[] = [];
  const firstLosses: number[] = [];
  const checks: MonitorMeasurements[] = [];
  const findings: MonitorFinding[] = [];
  const reported = new Set<string>();
  const evaluated = new Map<string, number>();
  const lossRecord = (): LossRecord => ({
    steps,
    values,
    startLevel: firstLosses.length === 0 ? Number.NaN : median(firstLosses),
  });
  return {
    rules,
    findings,
    recordLoss(step, loss) {
      steps.push(step);
      values.push(loss);
      if (steps.length > maxLosses) {
        steps.shift();
        values.shift();
      }
      if (firstLosses.length < startCount && Number.isFinite(loss)) firstLosses.push(loss);
    },
    observe(measurements) {
      const losses = lossRecord();
      const fresh: MonitorFinding[] = [];
      for (const rule of rules) {
        if (!rule.needs.every((kind) => has(measurements, kind, losses))) continue;
        evaluated.set(rule.id, (evaluated.get(rule.id) ?? 0) + 1);
        for (const finding of rule.evaluate({
          current: measurements,
          previous: checks,
          losses,
          thresholds: rule.defaults,
        })) {
          const key = `${rule.id}\u0000${finding.subject}`;
          if (reported.has(key)) continue;
          reported.add(key);
          const item = { ...finding, ruleId: rule.id, step: measurements.step };
          fresh.push(item);
          findings.push(item);
        }
      }
      checks.push(measurements);
      if (checks.length > maxChecks) checks.shift();
      return fresh;
    },
    results() {
      return rules.map((rule): CheckResult => {
        const own = findings.filter((f) => f.ruleId === rule.id);
        const runs = evaluated.get(rule.id) ?? 0;
        const measurements: Record<string, Measurement> = { checks: runs, findings: own.length };
        if (runs === 0) {
          const reason = `It needs ${rule.needs.join(', ')} measurements, which no check provided${rule.needs.some((n) => n === 'gradients' || n === 'activations') ? ' (pass a probe batch)' : ''}.`;
          return {
            name: rule.id,
            status: 'skipped',
            summary: `skipped: ${reason}`,
            measurements,
            advice: [],
            reason,
          };
        }
        if (own.length === 0) {
          return {
            name: rule.id,
            status: 'pass',
            summary: `${rule.title}: nothing found in ${runs} checks`,
            measurements,
            advice: [],
          };
        }
        const worst = own.find((f) => f.severity === 'fail') ?? own[0]!;
        for (const [key, value] of Object.entries(worst.evidence)) measurements[key] = value;
        const advice = [...new Set(own.flatMap((f) => f.advice))];
        return {
          name: rule.id,
          status: own.some((f) => f.severity === 'fail') ? 'fail' : 'warn',
          summary:
            own.length === 1 ? worst.summary : `${worst.summary} (and ${own.length - 1} more)`,
          measurements,
          advice,
        };
      });
    },
  };
}
