import { InvalidArgumentError, ShapeMismatchError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { smoothEma } from './ema';
import { smoothSeries } from './smooth-series';
import { windowMean } from './window-mean';

describe('smoothSeries', () => {
  const series = { iterations: [0, 5, 10, 15], values: [1, 0, 1, 0] };
  it('uses the package EMA (TensorBoard debiased) and window mean', () => {
    const ema = smoothSeries(series, { method: 'ema', weight: 0.5 });
    expect(ema.iterations).toEqual([0, 5, 10, 15]);
    // Hand-derived: last = 0.5, 0.25, 0.625, 0.3125 over 1 - 0.5^n = 0.5, 0.75, 0.875, 0.9375.
    expect(ema.values[0]).toBe(1);
    expect(ema.values[1]).toBeCloseTo(1 / 3, 15);
    expect(ema.values[2]).toBeCloseTo(5 / 7, 15);
    expect(ema.values[3]).toBeCloseTo(1 / 3, 15);
    expect(ema.values).toEqual(Array.from(smoothEma(series.values, 0.5)));
    const window = smoothSeries(series, { method: 'window', window: 2 });
    expect(window.values).toEqual([1, 0.5, 0.5, 0.5]);
    expect(window.values).toEqual(Array.from(windowMean(series.values, 2)));
    expect(smoothSeries(series, { method: 'none' })).toEqual(series);
  });
  it('rejects bad smoothing with typed errors', () => {
    expect(() => smoothSeries(series, { method: 'gauss' } as never)).toThrow(
      "smoothSeries: smoothing.method must be one of 'none', 'ema', 'window', got \"gauss\".",
    );
    expect(() => smoothSeries(series, { method: 'ema', weight: 1 })).toThrow(InvalidArgumentError);
  });
  it('rejects what is not a series with a typed error (issue 13: a bare array threw a TypeError)', () => {
    const bare = () => smoothSeries([1, 2, 3] as never, { method: 'ema', weight: 0.5 });
    expect(bare).toThrow(InvalidArgumentError);
    expect(bare).toThrow(
      'smoothSeries: series must be a series { iterations: number[], values: number[] }, got [1, 2, 3]. Pass e.g. history.train, or { iterations: [0, 1, 2], values: [1, 2, 3] } for bare values.',
    );
    expect(() => smoothSeries(null as never, { method: 'none' })).toThrow(InvalidArgumentError);
    expect(() =>
      smoothSeries({ iterations: [0, 1], values: [1] }, { method: 'window', window: 2 }),
    ).toThrow(ShapeMismatchError);
    expect(() =>
      smoothSeries({ iterations: [0, 1], values: [1] }, { method: 'window', window: 2 }),
    ).toThrow(
      'smoothSeries: series.values must have shape [2], got [1]. Give one value per iteration.',
    );
  });
});
