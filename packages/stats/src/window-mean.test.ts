import { StateRestoreError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeStateFormat } from '../../../state.shared';
import {
  createWindowMean,
  resetWindowMean,
  updateWindowMean,
  windowMean,
  windowMeanFromJSON,
  windowMeanToJSON,
  windowMeanValue,
} from './window-mean';

/** Direct definition: weighted mean of the trailing window, recomputed from scratch. */
function reference(values: number[], weights: number[], window: number): number[] {
  return values.map((_, i) => {
    let sum = 0;
    let weight = 0;
    let nan = false;
    let pos = false;
    let neg = false;
    for (let j = Math.max(0, i - window + 1); j <= i; j++) {
      if (weights[j] === 0) continue;
      const v = values[j]!;
      if (Number.isNaN(v)) nan = true;
      else if (v === Number.POSITIVE_INFINITY) pos = true;
      else if (v === Number.NEGATIVE_INFINITY) neg = true;
      else {
        sum += v * weights[j]!;
        weight += weights[j]!;
      }
    }
    if (nan || (pos && neg)) return Number.NaN;
    if (pos) return Number.POSITIVE_INFINITY;
    if (neg) return Number.NEGATIVE_INFINITY;
    return weight > 0 ? sum / weight : Number.NaN;
  });
}

describe('windowMean', () => {
  it('hand-derived trailing means', () => {
    expect(Array.from(windowMean([1, 2, 3, 4, 5], 2))).toEqual([1, 1.5, 2.5, 3.5, 4.5]);
    expect(Array.from(windowMean([1, 2, 3], 10))).toEqual([1, 1.5, 2]);
    expect(Array.from(windowMean([2, 4, 6], 2, { weights: [1, 3, 0] }))).toEqual([2, 3.5, 4]);
  });

  it('a NaN poisons the mean only while it is in the window', () => {
    const out = windowMean([1, Number.NaN, 3, 5, 7], 2);
    expect(Array.from(out)).toEqual([1, Number.NaN, Number.NaN, 4, 6]);
    expect(
      Array.from(windowMean([1, Number.POSITIVE_INFINITY, 3, Number.NEGATIVE_INFINITY, 2], 3)),
    ).toEqual([
      1,
      Number.POSITIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.NaN,
      Number.NEGATIVE_INFINITY,
    ]);
  });

  it('is NaN, not 0, once only zero-weight entries remain (found by the property test)', () => {
    // 0.121... + 0.01 - 0.121... - 0.01 leaves a rounding residue in the running weight sum.
    const out = windowMean([0, 0, 0, 0, 0], 3, { weights: [0.12109458117434235, 0.01, 0, 0, 0] });
    expect(Array.from(out)).toEqual([0, 0, 0, 0, Number.NaN]);
  });

  it('equals the direct definition (property, incl. weights and non-finite values)', () => {
    const entry = fc.tuple(
      fc.oneof(
        { weight: 10, arbitrary: fc.double({ min: -1e4, max: 1e4, noNaN: true }) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            Number.NaN,
            Number.POSITIVE_INFINITY,
            Number.NEGATIVE_INFINITY,
          ),
        },
      ),
      fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 10, noNaN: true })),
    );
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 80 }),
        fc.integer({ min: 1, max: 12 }),
        (entries, window) => {
          const values = entries.map((e) => e[0]);
          const weights = entries.map((e) => e[1]);
          const out = windowMean(values, window, { weights });
          const want = reference(values, weights, window);
          // A running sum's rounding error scales with the terms it has held, not with
          // the (possibly cancelled, near-zero) mean: bound it by the largest finite term.
          const scale = values.reduce(
            (m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m),
            1,
          );
          want.forEach((expected, i) => {
            const actual = out[i]!;
            if (!Number.isFinite(expected)) expect(actual).toBe(expected);
            else expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * scale);
          });
        },
      ),
      { numRuns: Number(process.env.TRAINKIT_PROPERTY_RUNS ?? 100) },
    );
  });

  it('streaming equals the functional form bit for bit, also across JSON save/restore', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 7 }),
        (values, window) => {
          const expected = windowMean(values, window);
          let state = createWindowMean(window);
          values.forEach((v, i) => {
            updateWindowMean(state, v);
            expect(windowMeanValue(state)).toBe(expected[i]);
            state = windowMeanFromJSON(JSON.parse(JSON.stringify(windowMeanToJSON(state))));
          });
        },
      ),
    );
  });

  it('state: empty is NaN, reset keeps the window, typed errors', () => {
    const state = createWindowMean(3);
    expect(windowMeanValue(state)).toBeNaN();
    updateWindowMean(state, 1, 2);
    expect(windowMeanValue(state)).toBe(1);
    expect(() => updateWindowMean(state, 1, -1)).toThrow(
      'updateWindowMean: weight must be a finite number >= 0, got -1. Use the minibatch size, or 1 for a plain mean.',
    );
    expect(() => createWindowMean(0)).toThrow(
      'createWindowMean: window must be an integer >= 1 and <= 10000000, got 0. The window is the number of most recent values averaged, e.g. 50.',
    );
    expect(() => windowMean([1, 2], 2, { weights: [1] })).toThrow(
      'windowMean: weights must have shape [2], got [1].',
    );
    expect(resetWindowMean(state).window).toBe(3);
    expect(windowMeanValue(state)).toBeNaN();
    const good = windowMeanToJSON(updateWindowMean(createWindowMean(2), 1));
    expect(() => windowMeanFromJSON({ ...good, values: [1, 2, 3], weights: [1, 1, 1] })).toThrow(
      StateRestoreError,
    );
    expect(() => windowMeanFromJSON({ ...good, weights: [-1] })).toThrow(
      'windowMeanFromJSON: weights[0] must be a finite number >= 0, got -1.',
    );
  });
});

describe('windowMeanToJSON / windowMeanFromJSON', () => {
  describeStateFormat({
    format: 'trainkit.stats.windowMean',
    version: 1,
    toJSON: windowMeanToJSON,
    fromJSON: windowMeanFromJSON,
    samples: () => {
      const wrapped = createWindowMean(3);
      for (const [value, weight] of [
        [1, 2],
        [Number.NaN, 1],
        [-0, 0],
        [Number.NEGATIVE_INFINITY, 1],
        [4.5, 3],
      ] as const) {
        updateWindowMean(wrapped, value, weight);
      }
      return [createWindowMean(2), updateWindowMean(createWindowMean(2), 1), wrapped];
    },
    // The ring may start elsewhere after a restore: compare what it means, entry by entry.
    equal: (restored, original) => {
      expect(windowMeanToJSON(restored)).toEqual(windowMeanToJSON(original));
      expect(Object.is(windowMeanValue(restored), windowMeanValue(original))).toBe(true);
      const a = updateWindowMean(restored, 2, 1);
      const b = updateWindowMean(windowMeanFromJSON(windowMeanToJSON(original)), 2, 1);
      expect(Object.is(windowMeanValue(a), windowMeanValue(b))).toBe(true);
    },
  });
});
