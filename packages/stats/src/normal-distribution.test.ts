import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import {
  criticalZ,
  erfc,
  normalCdf,
  normalQuantile,
  twoSidedNormalPValue,
} from './normal-distribution';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/statistics.json', import.meta.url), 'utf8'),
) as { erfc: [number, number][]; normalQuantile: [number, number][] };

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
}

describe('normal distribution helpers against SciPy', () => {
  it('erfc matches scipy.special.erfc to 1e-13 relative', () => {
    for (const [x, expected] of fixture.erfc) {
      expect(relativeError(erfc(x), expected), `erfc(${x})`).toBeLessThan(1e-13);
    }
  });
  it('normalQuantile matches scipy.stats.norm.ppf to 1e-12 relative', () => {
    for (const [p, expected] of fixture.normalQuantile) {
      expect(relativeError(normalQuantile(p), expected), `ppf(${p})`).toBeLessThan(1e-12);
    }
  });
});

describe('normalCdf and twoSidedNormalPValue', () => {
  it('are erfc rescaled: Phi(1.96) = 0.975, P(|Z| >= 1.96) = 0.05, symmetric', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(-1.5) + normalCdf(1.5)).toBeCloseTo(1, 15);
    expect(twoSidedNormalPValue(1.959963984540054)).toBeCloseTo(0.05, 14);
    expect(twoSidedNormalPValue(-2.5)).toBe(twoSidedNormalPValue(2.5));
    expect(twoSidedNormalPValue(0)).toBe(1);
  });
});

describe('criticalZ', () => {
  it.each([
    // scipy.stats.norm.ppf(1 - alpha / 2)
    [0.05, 1.959963984540054],
    [0.01, 2.5758293035489004],
    [0.1, 1.6448536269514722],
    [0.5, 0.6744897501960817],
    [1e-6, 4.89163847571478],
  ])('matches SciPy at alpha %d', (alpha, z) => {
    expect(Math.abs(criticalZ(alpha) - z)).toBeLessThan(2e-9 * z);
  });
  it('rejects alpha outside (0, 1)', () => {
    expect(() => criticalZ(0)).toThrow(InvalidArgumentError);
    expect(() => criticalZ(1.5)).toThrow(
      'criticalZ: alpha must be a finite number > 0 and < 1, got 1.5.',
    );
    // Issue 13: these returned -0.674 and NaN.
    expect(() => criticalZ(-1)).toThrow(
      'criticalZ: alpha must be a finite number > 0 and < 1, got -1.',
    );
    expect(() => criticalZ(Number.NaN)).toThrow(InvalidArgumentError);
    expect(() => criticalZ(1)).toThrow(InvalidArgumentError);
  });
});
