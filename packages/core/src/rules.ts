import { checkArguments, type NumberBounds } from './check-arguments';

/** Thresholds of a rule, by name: every one a number. */
export type RuleThresholds = Readonly<Record<string, number>>;

/** The allowed range of each threshold of a rule (`integer: true` for counts). */
export type RuleLimits<T extends RuleThresholds> = {
  readonly [K in keyof T]?: NumberBounds & { readonly integer?: boolean };
};

/**
 * A problem a rule found: what it is about, one sentence with the numbers,
 * the numbers themselves and what to do.
 */
export interface RuleFinding<
  TSeverity extends string = string,
  TEvidence extends number | string = number | string,
> {
  /** How bad it is, in the vocabulary of the package (e.g. `warn`/`fail`). */
  readonly severity: TSeverity;
  /** What it is about: a layer, a variable, a curve (`loss`, `training`, ...). */
  readonly subject: string;
  /** One sentence with the key numbers. */
  readonly summary: string;
  /** The measured numbers behind it, by name. */
  readonly evidence: Readonly<Record<string, TEvidence>>;
  /** What to do, most useful first. */
  readonly advice: readonly string[];
}

/**
 * The shape of a diagnostic rule, shared by the packages that judge
 * measurements (`@trainkit/sanity`'s training monitor, `@trainkit/curves`'
 * diagnosis): one module per rule with a stable id, the measurements it
 * needs, documented default thresholds with their sources, and a pure
 * `evaluate` from what was measured to findings. Each package's runner
 * decides what a context holds, skips a rule whose needs are missing and
 * merges threshold overrides (see {@link resolveRuleThresholds}).
 *
 * @typeParam TContext - What `evaluate` receives (measurements and the resolved thresholds).
 * @typeParam TThresholds - The rule's thresholds.
 * @typeParam TNeed - The names of the measurements a rule can need.
 * @typeParam TFinding - What `evaluate` returns.
 */
export interface Rule<
  TContext,
  TThresholds extends RuleThresholds,
  TNeed extends string,
  TFinding extends RuleFinding,
> {
  /** Stable kebab-case id, used in reports and threshold overrides. */
  readonly id: string;
  /** A short title for reports. */
  readonly title: string;
  /** The measurements it reads; the runner skips the rule while one is missing. */
  readonly needs: readonly TNeed[];
  /** Default thresholds, each documented where the rule is defined. */
  readonly defaults: TThresholds;
  /** Optional: the allowed range of each threshold (overrides outside it are rejected). */
  readonly limits?: RuleLimits<TThresholds>;
  /** Where the defaults come from. */
  readonly sources: readonly string[];
  /** Finds problems. Pure: the same context gives the same findings. */
  evaluate(context: TContext): readonly TFinding[];
}

/** Any rule, for code that handles rules without knowing their thresholds. */
// biome-ignore lint/suspicious/noExplicitAny: a list of rules of different contexts and thresholds.
export type AnyRule = Rule<any, RuleThresholds, string, RuleFinding>;

/**
 * Checks one threshold value against a rule's limits (any number but NaN
 * when the rule gives none).
 *
 * @param functionName - The public function that received it.
 * @param argument - Its path in the arguments, e.g. `thresholds['update-ratio'].maxRatio`.
 * @param value - The value passed.
 * @param limit - The bounds (and `integer`) from the rule's `limits`.
 * @returns The value.
 * @throws InvalidArgumentError when it is not a number within the bounds.
 * @example
 * ```ts
 * checkThreshold('diagnose', 'alpha', 0.01, { min: 0, max: 1, minInclusive: false }); // 0.01
 * ```
 */
export function checkThreshold(
  functionName: string,
  argument: string,
  value: unknown,
  limit: (NumberBounds & { readonly integer?: boolean }) | undefined,
): number {
  const check = checkArguments(functionName);
  if (limit === undefined || limit === null) {
    // Without limits any number but NaN (an infinite threshold switches a comparison off).
    if (typeof value !== 'number' || Number.isNaN(value)) check.fail(argument, value, 'a number');
    return value as number;
  }
  if (limit.integer === true) return check.integer(argument, value, limit);
  return check.number(argument, value, limit);
}

/**
 * Validates a list of rules (each a rule, ids used once) and threshold
 * overrides by rule id, and returns the rules with their overrides merged into
 * `defaults`. Unknown rule ids and threshold names, and values outside a
 * rule's `limits`, throw an `InvalidArgumentError` that lists what is known.
 *
 * @param functionName - The public function, for messages.
 * @param rules - The rules to run.
 * @param overrides - `{ [ruleId]: { [threshold]: value } }`.
 * @param path - How the arguments are named in messages. Default `{ rules: 'rules', thresholds: 'thresholds' }`.
 * @returns New rule objects with merged `defaults`.
 * @example
 * ```ts
 * const rules = resolveRuleThresholds('createMonitorRunner', defaultRules, { 'update-ratio': { maxRatio: 0.2 } });
 * ```
 */
export function resolveRuleThresholds<R extends AnyRule>(
  functionName: string,
  rules: readonly R[],
  overrides: Readonly<Record<string, Readonly<Record<string, number>>>> = {},
  path: { readonly rules?: string; readonly thresholds?: string } = {},
): R[] {
  const check = checkArguments(functionName);
  const rulesPath = path.rules ?? 'rules';
  const thresholdsPath = path.thresholds ?? 'thresholds';
  check.nonEmptyArray(rulesPath, rules);
  const ids = new Set<string>();
  rules.forEach((rule, i) => {
    if (typeof rule?.evaluate !== 'function' || typeof rule.id !== 'string') {
      check.fail(`${rulesPath}[${i}]`, rule, 'a rule (see defineRule)');
    }
    if (ids.has(rule.id)) check.fail(`${rulesPath}[${i}].id`, rule.id, 'a rule id used once');
    ids.add(rule.id);
  });
  if (typeof overrides !== 'object' || overrides === null) {
    check.fail(thresholdsPath, overrides, 'an object of thresholds by rule id');
  }
  for (const [id, values] of Object.entries(overrides)) {
    const rule = rules.find((r) => r.id === id);
    if (rule === undefined) {
      return check.fail(thresholdsPath, id, `one of the rule ids ${[...ids].join(', ')}`);
    }
    for (const [key, value] of Object.entries(values)) {
      if (!(key in rule.defaults)) {
        check.fail(
          `${thresholdsPath}['${id}']`,
          key,
          `one of ${Object.keys(rule.defaults).join(', ')}`,
        );
      }
      checkThreshold(functionName, `${thresholdsPath}['${id}'].${key}`, value, rule.limits?.[key]);
    }
  }
  return rules.map((rule) => ({
    ...rule,
    defaults: { ...rule.defaults, ...(overrides[rule.id] ?? {}) },
  }));
}
