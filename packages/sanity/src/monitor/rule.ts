import type { RuleFinding as CoreRuleFinding, Rule } from '@trainkit/core';
import type { MeasurementKind, MonitorMeasurements } from './measurements';

/** The training losses recorded so far (one per update), oldest first. */
export interface LossRecord {
  /** The step of each loss. */
  readonly steps: readonly number[];
  readonly values: readonly number[];
  /** Median of the first losses of the run (the start level); NaN before there are any. */
  readonly startLevel: number;
}

/** What a rule sees when it is evaluated. */
export interface RuleContext<T extends Readonly<Record<string, number>>> {
  /** This check's measurements. */
  readonly current: MonitorMeasurements;
  /** Earlier checks, oldest first (the last 20). */
  readonly previous: readonly MonitorMeasurements[];
  /** The recorded losses (the last 2,000). */
  readonly losses: LossRecord;
  /** The rule's thresholds (defaults merged with overrides). */
  readonly thresholds: T;
}

/**
 * A problem a rule found (core's `RuleFinding` with the monitor's severities):
 * `severity` `warn` (likely a problem) or `fail` (training is broken);
 * `subject` a layer or variable name, or `loss`, `memory` (each (rule,
 * subject) is reported once); `summary` one sentence with the key numbers;
 * `evidence` the measured numbers; `advice` what to do, most useful first.
 */
export type RuleFinding = CoreRuleFinding<'warn' | 'fail'>;

/**
 * One during-training rule: a module with an id, the measurements it needs,
 * documented default thresholds with their sources, and a pure `evaluate`
 * from measurements to findings (the rule shape of `@trainkit/core`, shared
 * with `@trainkit/curves`' diagnosis). The runner ({@link createMonitorRunner})
 * skips a rule whose measurements are missing and reports each (rule, subject)
 * finding once.
 */
export interface MonitorRule<
  T extends Readonly<Record<string, number>> = Readonly<Record<string, number>>,
> extends Rule<RuleContext<T>, T, MeasurementKind, RuleFinding> {}

/**
 * Declares a rule (an identity function that fixes the thresholds' type).
 *
 * @param rule - The rule.
 * @returns The same rule.
 * @example
 * ```ts
 * const lossAbove = defineRule({
 *   id: 'loss-above', title: 'Loss above a bound', needs: ['loss'], defaults: { bound: 10 }, sources: ['mine'],
 *   evaluate: ({ losses, thresholds }) => {
 *     const last = losses.values[losses.values.length - 1] ?? 0;
 *     return last > thresholds.bound
 *       ? [{ severity: 'warn', subject: 'loss', summary: `loss ${last} > ${thresholds.bound}`, evidence: { last }, advice: [] }]
 *       : [];
 *   },
 * });
 * ```
 */
export function defineRule<T extends Readonly<Record<string, number>>>(
  rule: MonitorRule<T>,
): MonitorRule<T> {
  return rule;
}
