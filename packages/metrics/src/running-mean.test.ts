import { InvalidArgumentError, StateRestoreError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeStateFormat } from '../../../state.shared';
import {
  createRunningMean,
  cumulativeMean,
  mergeRunningMeans,
  resetRunningMean,
  runningMeanFromJSON,
  runningMeanToJSON,
  runningMeanValue,
  updateRunningMean,
  weightedMean,
} from './running-mean';

describe('running mean of minibatch losses', () => {
  it('is the sample-weighted mean: batches of 64, 64 and a last partial batch of 8', () => {
    const state = createRunningMean();
    updateRunningMean(state, 0.5, 64);
    updateRunningMean(state, 0.3, 64);
    updateRunningMean(state, 0.9, 8);
    expect(runningMeanValue(state)).toBeCloseTo((0.5 * 64 + 0.3 * 64 + 0.9 * 8) / 136, 15);
    expect(state.count).toBe(3);
    expect(weightedMean([0.5, 0.3, 0.9], [64, 64, 8])).toBe(runningMeanValue(state));
  });

  it('is NaN before any weight; unweighted by default', () => {
    const state = createRunningMean();
    expect(runningMeanValue(state)).toBeNaN();
    updateRunningMean(state, 2, 0);
    expect(runningMeanValue(state)).toBeNaN();
    updateRunningMean(state, 4);
    updateRunningMean(state, 6);
    expect(runningMeanValue(state)).toBe(5);
    expect(Array.from(cumulativeMean([1, 2, 3, 4]))).toEqual([1, 1.5, 2, 2.5]);
    expect(weightedMean([])).toBeNaN();
  });

  it('compensated summation keeps precision over 300,000 updates', () => {
    const state = createRunningMean();
    for (let i = 0; i < 300_000; i++) updateRunningMean(state, 0.1, 1);
    // Naive summation drifts in the 12th digit; compensated is exact to 1 ulp.
    expect(Math.abs(runningMeanValue(state) - 0.1)).toBeLessThanOrEqual(2 ** -56);
  });

  it('NaN / Infinity with weight propagate (divergence stays visible); weight 0 ignores them', () => {
    const state = createRunningMean();
    updateRunningMean(state, 1);
    updateRunningMean(state, Number.NaN, 0);
    expect(runningMeanValue(state)).toBe(1);
    updateRunningMean(state, Number.POSITIVE_INFINITY, 2);
    expect(runningMeanValue(state)).toBe(Number.POSITIVE_INFINITY);
    updateRunningMean(state, Number.NaN, 1);
    expect(runningMeanValue(state)).toBeNaN();
    const restored = runningMeanFromJSON(JSON.parse(JSON.stringify(runningMeanToJSON(state))));
    expect(restored).toEqual(state);
  });

  it('merge equals one stream over the union (property); JSON round trip exact', () => {
    const entries = fc.array(
      fc.tuple(
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
      ),
      { maxLength: 50 },
    );
    fc.assert(
      fc.property(entries, entries, (a, b) => {
        const left = createRunningMean();
        const right = createRunningMean();
        const union = createRunningMean();
        for (const [v, w] of a) updateRunningMean(left, v, w);
        for (const [v, w] of b) updateRunningMean(right, v, w);
        for (const [v, w] of [...a, ...b]) updateRunningMean(union, v, w);
        const merged = mergeRunningMeans(left, right);
        expect(merged.count).toBe(union.count);
        const m = runningMeanValue(merged);
        const u = runningMeanValue(union);
        if (Number.isNaN(u)) expect(m).toBeNaN();
        else expect(Math.abs(m - u)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(u)));
        const restored = runningMeanFromJSON(JSON.stringify(runningMeanToJSON(merged)));
        expect(restored).toEqual(merged);
      }),
    );
  });

  it('reset clears in place', () => {
    const state = updateRunningMean(createRunningMean(), 3);
    expect(resetRunningMean(state)).toBe(state);
    expect(runningMeanValue(state)).toBeNaN();
    expect(state.count).toBe(0);
  });

  it('bad input: typed errors, state unchanged', () => {
    const state = updateRunningMean(createRunningMean(), 3);
    const snapshot = { ...state };
    expect(() => updateRunningMean(state, 1, -1)).toThrow(
      'updateRunningMean: weight must be a finite number >= 0, got -1. Use the number of samples in the minibatch (or 1 for an unweighted mean).',
    );
    expect(() => updateRunningMean(state, 1, Number.NaN)).toThrow(InvalidArgumentError);
    expect(() => updateRunningMean(state, '1' as unknown as number)).toThrow(
      'updateRunningMean: value must be a number, got "1".',
    );
    expect(() => weightedMean([1, 2], [1])).toThrow(
      'weightedMean: weights must have shape [2], got [1].',
    );
    expect(() => cumulativeMean([1, 2], [1, -2])).toThrow(
      'cumulativeMean: weights[1] must be a finite number >= 0, got -2.',
    );
    expect(state).toEqual(snapshot);
    expect(() =>
      runningMeanFromJSON({ format: 'trainkit.metrics.runningMean', version: 1 }),
    ).toThrow(StateRestoreError);
    expect(() => runningMeanFromJSON({ ...runningMeanToJSON(state), weight: -1 })).toThrow(
      'runningMeanFromJSON: weight must be a finite number >= 0, got -1.',
    );
    expect(() => runningMeanFromJSON({ ...runningMeanToJSON(state), count: 1.5 })).toThrow(
      'runningMeanFromJSON: count must be an integer >= 0, got 1.5.',
    );
  });
});

describe('runningMeanToJSON / runningMeanFromJSON', () => {
  describeStateFormat({
    format: 'trainkit.metrics.runningMean',
    version: 1,
    toJSON: runningMeanToJSON,
    fromJSON: runningMeanFromJSON,
    samples: () => {
      const diverged = createRunningMean();
      for (const [value, weight] of [
        [0.1, 64],
        [1e16, 1],
        [-1e16, 1],
        [Number.NaN, 2],
      ] as const) {
        updateRunningMean(diverged, value, weight);
      }
      return [createRunningMean(), updateRunningMean(createRunningMean(), 0.3, 32), diverged];
    },
    equal: (restored, original) => {
      for (const key of Object.keys(original) as (keyof typeof original)[]) {
        expect(Object.is(restored[key], original[key]), key).toBe(true);
      }
    },
  });
});
