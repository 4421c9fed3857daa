import { describe, expect, it } from 'vitest';
import { learningRateRamp, rangeTestTracker } from './lr-ramp';

describe('learningRateRamp', () => {
  it('is geometric from start to end', () => {
    const ramp = learningRateRamp({ start: 1e-9, end: 1, iterations: 10 });
    expect(Array.from(ramp).map((v) => Number(v.toPrecision(12)))).toEqual([
      1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1,
    ]);
    const standard = learningRateRamp();
    expect(standard).toHaveLength(100);
    expect(standard[0]).toBe(1e-7);
    expect(standard[99]).toBe(10);
    // Constant ratio 10^(8/99) per step.
    for (let i = 1; i < 100; i++)
      expect(standard[i]! / standard[i - 1]!).toBeCloseTo(10 ** (8 / 99), 10);
  });

  it('rejects bad ramps', () => {
    expect(() => learningRateRamp({ start: 1, end: 0.1 })).toThrow(
      'learningRateRamp: end must be > start (1), got 0.1. The ramp goes from small to large rates.',
    );
    expect(() => learningRateRamp({ iterations: 5 })).toThrow(
      /iterations must be an integer >= 10, got 5/,
    );
    expect(() => learningRateRamp({ start: 0 })).toThrow(
      /start must be a finite number > 0, got 0/,
    );
  });
});

describe('rangeTestTracker', () => {
  it('smooths with the debiased EMA and stops above 4x the best', () => {
    const tracker = rangeTestTracker();
    const losses = [2, 1, 1, 1, 30];
    const stops = losses.map((loss) => tracker.push(loss).stop);
    // Hand-computed: v1 = 0.04, s1 = 2; v2 = 0.0592, s2 = 0.0592 / (1 - 0.98^2) = 1.49495 ...
    expect(tracker.smoothed[0]).toBeCloseTo(2, 12);
    expect(tracker.smoothed[1]).toBeCloseTo(0.0592 / (1 - 0.98 ** 2), 12);
    const v5 = [2, 1, 1, 1, 30].reduce((v, loss) => 0.98 * v + 0.02 * loss, 0);
    expect(tracker.smoothed[4]).toBeCloseTo(v5 / (1 - 0.98 ** 5), 12);
    // best after four points = s4 ~ 1.245; s5 ~ 6.8 > 4 * 1.245.
    expect(stops).toEqual([undefined, undefined, undefined, undefined, 'diverged']);
  });

  it('stops at the first non-finite loss', () => {
    const tracker = rangeTestTracker({ divergenceFactor: 10 });
    expect(tracker.push(2).stop).toBeUndefined();
    expect(tracker.push(Number.NaN).stop).toBe('non-finite');
    expect(rangeTestTracker().push(Number.POSITIVE_INFINITY).stop).toBe('non-finite');
  });

  it('validates options', () => {
    expect(() => rangeTestTracker({ divergenceFactor: 1 })).toThrow(
      /divergenceFactor must be a finite number > 1/,
    );
    expect(() => rangeTestTracker({ smoothing: 1 })).toThrow(
      /smoothing must be a finite number >= 0 and < 1/,
    );
  });
});
