import { InvalidArgumentError, StateRestoreError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeStateFormat } from '../../../state.shared';
import { createEma, emaFromJSON, emaToJSON, emaValue, resetEma, smoothEma, updateEma } from './ema';

describe('smoothEma (TensorBoard scalar smoothing)', () => {
  it('matches the hand-derived debiased EMA', () => {
    // w = 0.5: last = 0.5, 0.25, 0.625, 0.3125; debias 1 - 0.5^n = 0.5, 0.75, 0.875, 0.9375.
    expect(Array.from(smoothEma([1, 0, 1, 0], 0.5))).toEqual([
      1,
      0.25 / 0.75,
      0.625 / 0.875,
      0.3125 / 0.9375,
    ]);
    // w = 0.6 (TensorBoard's default slider value): first point is the value itself.
    const out = smoothEma([10, 20], 0.6);
    expect(out[0]).toBeCloseTo(10, 14);
    expect(out[1]).toBeCloseTo((0.6 * 0.4 * 10 + 0.4 * 20) / (1 - 0.36), 13);
  });

  it('weight 0 is the identity', () => {
    expect(Array.from(smoothEma([3, -1, 7.5], 0))).toEqual([3, -1, 7.5]);
  });

  it('a constant series is returned unchanged (tensorboard#786), bit for bit', () => {
    const values = Array.from({ length: 50 }, () => 0.1);
    expect(Array.from(smoothEma(values, 0.9))).toEqual(values);
  });

  it('non-finite points pass through and do not enter the average', () => {
    const out = smoothEma([1, Number.NaN, 3, Number.POSITIVE_INFINITY, 5], 0.5);
    const finite = smoothEma([1, 3, 5], 0.5);
    expect(out[1]).toBeNaN();
    expect(out[3]).toBe(Number.POSITIVE_INFINITY);
    expect([out[0], out[2], out[4]]).toEqual(Array.from(finite));
    expect(Array.from(smoothEma([], 0.5))).toEqual([]);
    expect(Array.from(smoothEma([Number.NaN], 0.5))).toEqual([Number.NaN]);
  });

  it('stays within the range of the finite values seen so far (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (values, weight) => {
          const out = smoothEma(values, weight);
          let lo = Number.POSITIVE_INFINITY;
          let hi = Number.NEGATIVE_INFINITY;
          values.forEach((v, i) => {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
            const slack = 1e-9 * Math.max(1, Math.abs(lo), Math.abs(hi));
            expect(out[i]!).toBeGreaterThanOrEqual(lo - slack);
            expect(out[i]!).toBeLessThanOrEqual(hi + slack);
          });
        },
      ),
    );
  });

  it('streaming value equals the last point of smoothEma over every prefix (property), through JSON', () => {
    const value = fc.oneof(
      { weight: 8, arbitrary: fc.double({ min: -100, max: 100, noNaN: true }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          Number.NaN,
          Number.POSITIVE_INFINITY,
          Number.NEGATIVE_INFINITY,
          2,
        ),
      },
    );
    fc.assert(
      fc.property(
        fc.array(value, { maxLength: 40 }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        (values, w) => {
          let state = createEma(w);
          values.forEach((v, i) => {
            updateEma(state, v);
            const expected = smoothEma(values.slice(0, i + 1), w)[i]!;
            expect(Object.is(emaValue(state), expected) || emaValue(state) === expected).toBe(true);
            state = emaFromJSON(JSON.parse(JSON.stringify(emaToJSON(state))));
          });
        },
      ),
    );
  });
});

describe('EMA state', () => {
  it('NaN before any value; reset keeps the weight', () => {
    const state = createEma(0.9);
    expect(emaValue(state)).toBeNaN();
    updateEma(state, 1);
    updateEma(state, 2);
    expect(resetEma(state).weight).toBe(0.9);
    expect(emaValue(state)).toBeNaN();
  });

  it('rejects weights outside [0, 1) and bad states', () => {
    expect(() => createEma(1)).toThrow(
      'createEma: weight must be a finite number >= 0 and < 1, got 1. TensorBoard smoothing weights are in [0, 1), e.g. 0.6 or 0.9; 1 would freeze the average at 0.',
    );
    expect(() => smoothEma([1], -0.1)).toThrow(InvalidArgumentError);
    expect(() => smoothEma([1, 'a' as unknown as number], 0.5)).toThrow(
      'smoothEma: values[1] must be a number, got "a".',
    );
    expect(() => updateEma({} as never, 1)).toThrow('updateEma: state must be an EMA state');
    const good = emaToJSON(updateEma(createEma(0.5), 1));
    expect(() => emaFromJSON({ ...good, weight: 1 })).toThrow(StateRestoreError);
    expect(() => emaFromJSON({ ...good, finiteCount: 5 })).toThrow(
      'emaFromJSON: finiteCount must be <= count (1), got 5.',
    );
    expect(() => emaFromJSON({ ...good, latest: null })).toThrow(
      'emaFromJSON: latest must be a number (or "NaN", "Infinity", "-Infinity", "-0"), got null.',
    );
  });
});

describe('emaToJSON / emaFromJSON', () => {
  describeStateFormat({
    format: 'trainkit.stats.ema',
    version: 1,
    toJSON: emaToJSON,
    fromJSON: emaFromJSON,
    samples: () => {
      const nonFinite = createEma(0.9);
      for (const value of [Number.NaN, -0, 3, Number.POSITIVE_INFINITY])
        updateEma(nonFinite, value);
      return [createEma(0.6), updateEma(createEma(0.5), 1), nonFinite];
    },
    equal: (restored, original) => {
      expect(Object.keys(restored)).toEqual(Object.keys(original));
      for (const key of Object.keys(original) as (keyof typeof original)[]) {
        expect(Object.is(restored[key], original[key]), key).toBe(true);
      }
    },
  });
});
