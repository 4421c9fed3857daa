import { describe, expect, it } from 'vitest';
import { compareStatus, skippedResult, worstStatus } from './check-result';

describe('worstStatus', () => {
  it('orders fail > warn > pass > skipped', () => {
    expect(worstStatus(['pass', 'warn', 'skipped'])).toBe('warn');
    expect(worstStatus(['warn', 'fail', 'pass'])).toBe('fail');
    expect(worstStatus(['skipped', 'pass'])).toBe('pass');
    expect(worstStatus(['skipped'])).toBe('skipped');
    expect(worstStatus([])).toBe('pass');
  });

  it('sorts by severity with compareStatus', () => {
    const sorted = (['pass', 'fail', 'skipped', 'warn'] as const)
      .slice()
      .sort((a, b) => compareStatus(b, a));
    expect(sorted).toEqual(['fail', 'warn', 'pass', 'skipped']);
  });

  it('builds a skipped result with its reason', () => {
    const result = skippedResult('initial-loss', 'No classes.');
    expect(result).toEqual({
      name: 'initial-loss',
      status: 'skipped',
      summary: 'skipped: No classes.',
      measurements: {},
      advice: [],
      reason: 'No classes.',
    });
  });
});
