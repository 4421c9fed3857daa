import { InvalidArgumentError } from '@trainkit/core';
import { mannKendall } from '@trainkit/stats';
import { describe, expect, it } from 'vitest';
import { estimateTimeToTrend } from './trend-estimate';

/** Deterministic standard normal noise (LCG + Box-Muller). */
function noise(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

describe('estimateTimeToTrend', () => {
  it('extrapolates n (z_required / |z|)^(2/3) when the trend is not yet significant', () => {
    // Mann-Kendall by hand (Python): S = -7, Var S = 125, z = (S + 1) / sqrt(125) = -0.53666
    const losses = [5.0, 4.1, 5.2, 4.8, 4.0, 5.1, 4.6, 4.3, 4.9, 4.4];
    const trend = estimateTimeToTrend(losses, { msPerIteration: 250, iterationsPerLoss: 2 });
    expect(trend.status).toBe('pending');
    expect(trend.direction).toBe('decreasing');
    expect(trend.z).toBeCloseTo(-0.5366563145999494, 12);
    // 10 (1.95996 / 0.53666)^(2/3) = 23.716 losses -> 14 more losses = 28 iterations
    expect(trend.iterationsNeeded).toBe(28);
    expect(trend.msNeeded).toBe(7000);
    expect(trend.message).toBe(
      'no clear trend yet (Mann-Kendall z = -0.54, p = 0.59 over 10 losses; |z| must reach 1.96); ' +
        'if the current decreasing slope and noise persist, about 28 more iterations (7.0 s).',
    );
  });

  it('reports a clear trend and when it became clear', () => {
    // strictly falling: at 8 points S = -28, Var S = 65.33, z = -3.34 (p < 0.05),
    // confirmed at 9 and 10 points -> clear after 8 losses
    const losses = Array.from({ length: 30 }, (_, i) => 2 - 0.05 * i);
    const trend = estimateTimeToTrend(losses, { msPerIteration: 100 });
    expect(trend).toMatchObject({
      status: 'clear',
      direction: 'decreasing',
      iterationsNeeded: 0,
      msNeeded: 0,
      clearAfterIterations: 8,
      clearAfterMs: 800,
    });
    expect(trend.message).toMatch(
      /^clear decreasing trend \(Mann-Kendall z = -7\.\d\d, p = .*\); it became clear after about 8 iterations \(800\.0 ms\)\.$/,
    );
  });

  it('predicts roughly when a noisy linear trend becomes significant', () => {
    // loss = 1 - 0.002 t + N(0, 0.1): for several seeds, estimate from the first 40 losses
    // and compare with the length at which the test of the prefix first turns significant.
    const ratios: number[] = [];
    for (let seed = 1; seed <= 12; seed += 1) {
      const draw = noise(seed);
      const losses = Array.from({ length: 2000 }, (_, t) => 1 - 0.002 * t + 0.1 * draw());
      const early = estimateTimeToTrend(losses.slice(0, 40));
      if (early.status !== 'pending' || early.direction !== 'decreasing') continue;
      let actual = 40;
      while (actual < losses.length && !(mannKendall(losses.slice(0, actual)).pValue < 0.05))
        actual += 5;
      ratios.push((40 + early.iterationsNeeded!) / actual);
    }
    expect(ratios.length).toBeGreaterThanOrEqual(4);
    const sorted = [...ratios].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    expect(median).toBeGreaterThan(0.5);
    expect(median).toBeLessThan(2);
  });

  it('tests means of consecutive losses beyond maxPoints', () => {
    const draw = noise(3);
    const losses = Array.from({ length: 1000 }, (_, t) => 1 - 0.0001 * t + 0.2 * draw());
    const trend = estimateTimeToTrend(losses, { maxPoints: 100 });
    const means = Array.from(
      { length: 100 },
      (_, b) => losses.slice(b * 10, b * 10 + 10).reduce((a, c) => a + c, 0) / 10,
    );
    expect(trend.z).toBe(mannKendall(means).z);
    expect(trend.points).toBe(1000);
  });

  it('handles too few losses and flat curves', () => {
    expect(estimateTimeToTrend([1, 2, 3])).toMatchObject({
      status: 'insufficient-data',
      iterationsNeeded: null,
      message: 'not enough losses for a trend yet (3 of at least 8).',
    });
    expect(estimateTimeToTrend(new Array(10).fill(0.7))).toMatchObject({
      status: 'no-trend',
      direction: 'none',
      z: 0,
    });
  });

  it('rejects non-finite losses and bad options', () => {
    expect(() => estimateTimeToTrend([1, Number.NaN, 2])).toThrow(InvalidArgumentError);
    expect(() => estimateTimeToTrend([1, Number.NaN, 2])).toThrow(
      'estimateTimeToTrend: losses[1] must be a finite number, got NaN. A NaN or infinite loss means divergence: drop it or stop training.',
    );
    expect(() => estimateTimeToTrend([1], { alpha: 1 })).toThrow(
      'estimateTimeToTrend: alpha must be a finite number > 0 and < 1, got 1.',
    );
    expect(() => estimateTimeToTrend(5 as never)).toThrow(
      'estimateTimeToTrend: losses must be an array of finite losses, got 5.',
    );
  });
});
