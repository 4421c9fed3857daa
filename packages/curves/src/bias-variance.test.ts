import { InvalidArgumentError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { biasVariance, biasVarianceRemedies } from './bias-variance';

describe('biasVariance', () => {
  it('lecture example: human 1%, train 5%, dev 8% -> avoidable bias 4 dominates variance 3', () => {
    const result = biasVariance({ humanError: 1, trainingError: 5, devError: 8 });
    expect(result.avoidableBias).toBe(4);
    expect(result.variance).toBe(3);
    expect(result.dataMismatch).toBeUndefined();
    expect(result.devOverfitting).toBeUndefined();
    expect(result.focus).toBe('avoidable-bias');
    expect(result.findings.map((f) => [f.problem, f.gap])).toEqual([
      ['avoidable-bias', 4],
      ['variance', 3],
    ]);
    expect(result.varianceIncludesMismatch).toBe(true);
    expect(result.advice).toBe(
      `Reduce avoidable bias first (4, larger than variance 3): ${biasVarianceRemedies['avoidable-bias'].join('; ')}.`,
    );
    expect(result.findings[0]!.explanation).toBe(
      'avoidable bias 4 (trainingError 5 - humanError 1).',
    );
    expect(result.advice).toMatch(/bigger model/);
  });

  it('the same training and dev errors with human 7.5% point to variance', () => {
    const result = biasVariance({ humanError: 7.5, trainingError: 8, devError: 10 });
    expect(result.avoidableBias).toBe(0.5);
    expect(result.variance).toBe(2);
    expect(result.focus).toBe('variance');
    expect(result.findings[0]!.remedies).toContain('get more training data (or augment it)');
  });

  it('separates variance from data mismatch with a train-dev set, and finds dev overfitting', () => {
    const result = biasVariance({
      humanError: 0.01,
      trainingError: 0.02,
      trainDevError: 0.025,
      devError: 0.1,
      testError: 0.13,
    });
    expect(result.avoidableBias).toBeCloseTo(0.01, 15);
    expect(result.variance).toBeCloseTo(0.005, 15);
    expect(result.dataMismatch).toBeCloseTo(0.075, 15);
    expect(result.devOverfitting).toBeCloseTo(0.03, 15);
    expect(result.varianceIncludesMismatch).toBe(false);
    expect(result.focus).toBe('data-mismatch');
    expect(result.findings.map((f) => f.problem)).toEqual([
      'data-mismatch',
      'dev-overfitting',
      'avoidable-bias',
      'variance',
    ]);
    expect(result.findings.find((f) => f.problem === 'dev-overfitting')!.remedies[0]).toMatch(
      /bigger dev set/,
    );
    expect(result.findings.find((f) => f.problem === 'data-mismatch')!.remedies[1]).toMatch(
      /synthes/,
    );
  });

  it('assumes human error 0 when absent, says so; tolerance filters small gaps; ties favour bias', () => {
    const noHuman = biasVariance({ trainingError: 3, devError: 4 });
    expect(noHuman.humanErrorAssumed).toBe(true);
    expect(noHuman.avoidableBias).toBe(3);
    expect(noHuman.findings[0]!.explanation).toMatch(/upper bound/);
    const tied = biasVariance({ humanError: 1, trainingError: 3, devError: 5 });
    expect(tied.focus).toBe('avoidable-bias');
    const tolerant = biasVariance(
      { humanError: 1, trainingError: 1.2, devError: 1.5 },
      { tolerance: 0.5 },
    );
    expect(tolerant.findings).toEqual([]);
    expect(tolerant.focus).toBe('none');
    expect(tolerant.advice).toMatch(/^No gap above 0.5/);
    // Negative gaps are reported as numbers but are not findings.
    const easierDev = biasVariance({ trainingError: 5, trainDevError: 6, devError: 4 });
    expect(easierDev.dataMismatch).toBe(-2);
    expect(easierDev.findings.some((f) => f.problem === 'data-mismatch')).toBe(false);
  });

  it('the gaps telescope: their sum is test minus human (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 5, maxLength: 5 }),
        ([h, tr, td, dv, te]) => {
          const r = biasVariance({
            humanError: h!,
            trainingError: tr!,
            trainDevError: td!,
            devError: dv!,
            testError: te!,
          });
          const sum = r.avoidableBias! + r.variance! + r.dataMismatch! + r.devOverfitting!;
          expect(sum).toBeCloseTo(te! - h!, 9);
          const gaps = r.findings.map((f) => f.gap);
          expect([...gaps].sort((a, b) => b - a)).toEqual(gaps);
          expect(gaps.every((g) => g > 0)).toBe(true);
        },
      ),
    );
  });

  it('rejects bad levels with typed errors', () => {
    expect(() => biasVariance({ trainingError: -1, devError: 2 })).toThrow(InvalidArgumentError);
    expect(() => biasVariance({ trainingError: -1, devError: 2 })).toThrow(
      'biasVariance: levels.trainingError must be a finite number >= 0, got -1. Error rates are >= 0, all in the same unit (fractions or percent).',
    );
    expect(() => biasVariance({ devError: 2 })).toThrow(/at least two of humanError/);
    expect(() => biasVariance({ devError: 2, testError: Number.NaN })).toThrow(/got NaN/);
  });
});
