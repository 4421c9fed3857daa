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

/** A problem a rule found. */
export interface RuleFinding {
  /** `warn`: likely a problem; `fail`: training is broken. */
  readonly severity: 'warn' | 'fail';
  /** What it is about: a layer or variable name, or `loss`, `memory`. Each (rule, subject) is reported once. */
  readonly subject: string;
  /** One sentence with the key numbers. */
  readonly summary: string;
  /** The measured numbers behind it. */
  readonly evidence: Readonly<Record<string, number | string>>;
  /** What to do, most useful first. */
  readonly advice: readonly string[];
}

/**
 * One during-training rule: a module with an id, the measurements it needs,
 * documented default thresholds with their sources, and a pure `evaluate`
 * from measurements to findings. The runner ({@link createMonitorRunner})
 * skips a rule whose measurements are missing and reports each (rule, subject)
 * finding once.
 */
export interface MonitorRule<
  T extends Readonly<Record<string, number>> = Readonly<Record<string, number>>,
> {
  /** Stable kebab-case id, e.g. `vanishing-gradients`. */
  readonly id: string;
  /** A short title for reports. */
  readonly title: string;
  /** The measurement parts it reads; missing ones skip the rule. */
  readonly needs: readonly MeasurementKind[];
  /** Default thresholds (all numbers), each documented where the rule is defined. */
  readonly defaults: T;
  /** Where the defaults come from. */
  readonly sources: readonly string[];
  /** Finds problems in one check. Pure: the same context gives the same findings. */
  evaluate(context: RuleContext<T>): readonly RuleFinding[];
}

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
