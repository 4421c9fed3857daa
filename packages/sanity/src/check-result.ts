/**
 * The result every sanity check returns.
 */

/**
 * `pass`: nothing to do. `warn`: probably a problem, look at the evidence.
 * `fail`: training is broken or about to waste time. `skipped`: the check could
 * not run here (the `reason` says why), which is neither good nor bad news.
 */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skipped';

/** A measured value: a number (NaN and infinities allowed), a string, a boolean or a list of numbers. */
export type Measurement = number | string | boolean | readonly number[];

/** What a check found, in a shape shared by every check. */
export interface CheckResult {
  /** The check's identifier, kebab-case, e.g. `initial-loss`. */
  readonly name: string;
  /** The verdict. */
  readonly status: CheckStatus;
  /** One sentence with the key numbers, e.g. `initial loss 2.31, expected ln(10) = 2.303`. */
  readonly summary: string;
  /** The measured numbers, by name (camelCase), so programs can read them without parsing text. */
  readonly measurements: Readonly<Record<string, Measurement>>;
  /** What to do, most useful first, in plain words. Empty when the check passes. */
  readonly advice: readonly string[];
  /** Why the check was skipped (only with status `skipped`). */
  readonly reason?: string;
  /**
   * Rows of a table a check produced (e.g. the overfit ladder's sizes), each a
   * record of measurements. Optional.
   */
  readonly table?: readonly Readonly<Record<string, Measurement>>[];
}

const statusRank: Readonly<Record<CheckStatus, number>> = {
  skipped: 0,
  pass: 1,
  warn: 2,
  fail: 3,
};

/**
 * The most severe of some statuses: `fail` > `warn` > `pass` > `skipped`
 * (`pass` for an empty list).
 *
 * @param statuses - Statuses to combine.
 * @returns The worst one.
 * @example
 * ```ts
 * worstStatus(['pass', 'warn', 'skipped']); // 'warn'
 * ```
 */
export function worstStatus(statuses: Iterable<CheckStatus>): CheckStatus {
  let worst: CheckStatus | undefined;
  for (const status of statuses) {
    if (worst === undefined || statusRank[status] > statusRank[worst]) worst = status;
  }
  return worst ?? 'pass';
}

/**
 * Compares two statuses by severity (for sorting: most severe first with
 * `results.sort((a, b) => compareStatus(b.status, a.status))`).
 *
 * @returns Negative when `a` is less severe than `b`, 0 when equal, positive otherwise.
 * @example
 * ```ts
 * compareStatus('warn', 'fail'); // < 0
 * ```
 */
export function compareStatus(a: CheckStatus, b: CheckStatus): number {
  return statusRank[a] - statusRank[b];
}

/**
 * A skipped result.
 *
 * @param name - The check's identifier.
 * @param reason - Why it could not run, a full sentence.
 * @param measurements - Anything measured before giving up.
 * @returns A {@link CheckResult} with status `skipped`.
 * @example
 * ```ts
 * skippedResult('initial-loss', 'The model has no softmax or sigmoid output to compare with ln(C).');
 * ```
 */
export function skippedResult(
  name: string,
  reason: string,
  measurements: Readonly<Record<string, Measurement>> = {},
): CheckResult {
  return {
    name,
    status: 'skipped',
    summary: `skipped: ${reason}`,
    measurements,
    advice: [],
    reason,
  };
}
