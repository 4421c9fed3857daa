import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors';
import { checkThreshold, type Rule, type RuleFinding, resolveRuleThresholds } from './rules';

type Context = { readonly value: number; readonly thresholds: { bound: number; window: number } };

const above: Rule<Context, { bound: number; window: number }, 'value', RuleFinding<'warn'>> = {
  id: 'above',
  title: 'Value above a bound',
  needs: ['value'],
  defaults: { bound: 10, window: 5 },
  limits: { bound: { min: 0 }, window: { min: 1, integer: true } },
  sources: ['test'],
  evaluate: ({ value, thresholds }) =>
    value > thresholds.bound
      ? [{ severity: 'warn', subject: 'value', summary: 'high', evidence: { value }, advice: [] }]
      : [],
};
const free: Rule<Context, { bound: number }, 'value', RuleFinding> = {
  ...above,
  id: 'free',
  defaults: { bound: 1 },
  limits: undefined,
};

describe('resolveRuleThresholds', () => {
  it('merges overrides into the defaults of the named rule only, without touching the input', () => {
    const [a, b] = resolveRuleThresholds('run', [above, free], { above: { bound: 3 } });
    expect(a!.defaults).toEqual({ bound: 3, window: 5 });
    expect(b!.defaults).toEqual({ bound: 1 });
    expect(above.defaults).toEqual({ bound: 10, window: 5 });
    expect(a!.evaluate({ value: 4, thresholds: a!.defaults as never })).toHaveLength(1);
  });

  it('rejects unknown ids, unknown names, values outside the limits and duplicate ids', () => {
    const resolve = (overrides: Record<string, Record<string, number>>) => () =>
      resolveRuleThresholds('run', [above, free], overrides);
    expect(resolve({ abve: { bound: 1 } })).toThrow(
      'run: thresholds must be one of the rule ids above, free, got "abve".',
    );
    expect(resolve({ above: { Bound: 1 } })).toThrow(
      `run: thresholds['above'] must be one of bound, window, got "Bound".`,
    );
    expect(resolve({ above: { window: 1.5 } })).toThrow(
      `run: thresholds['above'].window must be an integer >= 1, got 1.5.`,
    );
    expect(resolve({ above: { bound: -1 } })).toThrow(/bound must be a finite number >= 0/);
    // Without limits any number but NaN: Infinity switches a comparison off.
    expect(
      resolveRuleThresholds('run', [free], { free: { bound: Infinity } })[0]!.defaults,
    ).toEqual({ bound: Infinity });
    expect(resolve({ free: { bound: Number.NaN } })).toThrow(InvalidArgumentError);
    expect(() => resolveRuleThresholds('run', [above, above])).toThrow(
      'run: rules[1].id must be a rule id used once, got "above".',
    );
    expect(() => resolveRuleThresholds('run', [])).toThrow(/rules must be a non-empty array/);
    expect(() =>
      resolveRuleThresholds('run', [above], {}, { rules: 'options.rules' }),
    ).not.toThrow();
    expect(() =>
      resolveRuleThresholds('run', [{ id: 3 } as never], {}, { rules: 'options.rules' }),
    ).toThrow(/run: options.rules\[0\] must be a rule/);
  });

  it('checkThreshold applies integer and range limits', () => {
    expect(checkThreshold('f', 'x', 2, { min: 1, integer: true })).toBe(2);
    expect(() =>
      checkThreshold('f', 'x', 0.5, { min: 0, max: 1, maxInclusive: false }),
    ).not.toThrow();
    expect(() => checkThreshold('f', 'x', 1, { min: 0, max: 1, maxInclusive: false })).toThrow(
      'f: x must be a finite number >= 0 and < 1, got 1.',
    );
    expect(() => checkThreshold('f', 'x', '1', undefined)).toThrow(
      'f: x must be a number, got "1".',
    );
  });
});
