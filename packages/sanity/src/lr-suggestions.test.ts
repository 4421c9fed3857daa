import { createRandom } from '@trainkit/stats';
import { describe, expect, it } from 'vitest';
import { learningRateRamp } from './lr-ramp';
import {
  descentSuggestion,
  minimumSuggestion,
  referenceRampSteps,
  steepestSuggestion,
  valleySuggestion,
} from './lr-suggestions';

const lrs = (n: number) => Array.from({ length: n }, (_, i) => 10 ** (i - n));

describe('the peers rules (fastai)', () => {
  it('valley: the longest decreasing subsequence, then start + len/3 + len/6', () => {
    // Window with skipStart 0, skipEnd 0: LDS of [5, 6, 4, 3, 7, 2, 1, 8] is 5,4,3,2,1 (length 5),
    // fastai's bookkeeping: max_end = 6, lds = 5, max_start = 1; sections = 5/3; index = 1 + 1 + 0 = 2.
    const losses = [5, 6, 4, 3, 7, 2, 1, 8];
    const result = valleySuggestion(lrs(8), losses, { skipStart: 0, skipEnd: 0 });
    expect(result).toEqual({ learningRate: lrs(8)[2], index: 2 });
  });

  it('steepest: argmin of the slope against log lr, returning the left point', () => {
    const losses = [5, 4.9, 4, 1, 0.9, 3];
    expect(steepestSuggestion(lrs(6), losses, { skipStart: 0, skipEnd: 0 })).toEqual({
      learningRate: lrs(6)[2],
      index: 2,
    });
    // With fastai's default window (skip 10% and the last 5) only the first point remains: no slope.
    expect(steepestSuggestion(lrs(6), losses)).toBeUndefined();
  });

  it('minimum: lr at the lowest loss / 10, cut at the first NaN', () => {
    const losses = [5, 3, 2, Number.NaN, 0.1, 4];
    expect(minimumSuggestion(lrs(6), losses, { skipStart: 0, skipEnd: 0 })).toEqual({
      learningRate: lrs(6)[2]! / 10,
      index: 2,
    });
  });

  it('rejects unsorted rates and mismatched lengths', () => {
    expect(() => valleySuggestion([1, 0.5], [1, 2])).toThrow(
      /valleySuggestion: learningRates\[1\] must be a positive finite number, larger than the previous one, got 0.5/,
    );
    expect(() => steepestSuggestion([1, 2], [1])).toThrow(/losses must have shape 2, got 1/);
  });
});

/**
 * A range test under gradient flow: the loss depends on the learning rate
 * accumulated so far, start 2.3, floor 0.3, time constant tau; the steps blow
 * up beyond lrMax. Multiplicative noise from a seeded PRNG.
 */
function syntheticRangeTest(
  iterations: number,
  seed: number,
  noise = 0.04,
  tau = 0.05,
  lrMax = 0.3,
) {
  const learningRates = Array.from(learningRateRamp({ iterations }));
  const random = createRandom({ seed });
  const losses: number[] = [];
  let accumulated = 0;
  for (const lr of learningRates) {
    accumulated += lr;
    const clean = 0.3 + 2 * Math.exp(-accumulated / tau) + (lr > lrMax ? 50 * (lr - lrMax) : 0);
    losses.push(clean * (1 + noise * (random.nextFloat() * 2 - 1)));
  }
  return { learningRates, losses };
}

describe('descentSuggestion', () => {
  it('matches the closed form on a noiseless gradient-flow curve', () => {
    const { learningRates, losses } = syntheticRangeTest(1000, 1, 0);
    const result = descentSuggestion(learningRates, losses);
    // start 2.3, drop 2.0 capped at 0.3 * 2.3 = 0.69; level f at 2.3 - 0.69 f, where
    // 2 exp(-C/tau) = 2 - 0.69 f, i.e. C_f = -tau ln(1 - 0.345 f).
    const levels = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5];
    const expected =
      Math.exp(
        levels.reduce((sum, f) => sum + Math.log(-0.05 * Math.log(1 - 0.345 * f)), 0) /
          levels.length,
      ) / referenceRampSteps;
    expect(result.referenceDrop).toBeCloseTo(0.69, 3);
    expect(result.startLoss).toBeCloseTo(2.3, 3);
    expect(result.learningRate! / expected).toBeGreaterThan(0.98);
    expect(result.learningRate! / expected).toBeLessThan(1.03);
    expect(result.accumulated).toHaveLength(7);
    expect(learningRates[result.index]! / result.learningRate!).toBeGreaterThan(0.9);
    expect(learningRates[result.index]! / result.learningRate!).toBeLessThan(1.1);
  });

  it('does not move with the ramp length or the seed, where the steepest slope does', () => {
    const ours: Record<number, number[]> = { 100: [], 300: [] };
    const steepest: Record<number, number[]> = { 100: [], 300: [] };
    for (const iterations of [100, 300]) {
      for (let seed = 0; seed < 5; seed++) {
        const { learningRates, losses } = syntheticRangeTest(iterations, seed);
        ours[iterations]!.push(descentSuggestion(learningRates, losses).learningRate!);
        let v = 0;
        const smoothed = losses.map((loss, i) => {
          v = 0.98 * v + 0.02 * loss;
          return v / (1 - 0.98 ** (i + 1));
        });
        steepest[iterations]!.push(
          steepestSuggestion(learningRates, smoothed, { skipStart: iterations / 10 })!.learningRate,
        );
      }
    }
    const spread = (values: number[]) => Math.max(...values) / Math.min(...values);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[2]!;
    // Seeds move it a little (a 4% noise against levels 6-15% below the start)...
    expect(spread([...ours[100]!, ...ours[300]!])).toBeLessThan(2);
    // ... the ramp length does not.
    expect(Math.abs(Math.log(median(ours[100]!) / median(ours[300]!)))).toBeLessThan(
      Math.log(1.25),
    );
    // The EMA lags ~50 iterations: 4 decades of a 100-iteration ramp, 1.3 of a 300-iteration one.
    expect(median(steepest[100]!) / median(steepest[300]!)).toBeGreaterThan(2.5);
  });

  it('gives no suggestion for a flat curve, or before any finite loss', () => {
    const flat = Array.from({ length: 100 }, (_, i) => 2.3 + 0.01 * Math.sin(i));
    const result = descentSuggestion(learningRateRamp(), flat);
    expect(result.learningRate).toBeUndefined();
    expect(result.relativeDrop).toBeLessThan(0.01);
    expect(descentSuggestion([1e-3, 1e-2], [Number.NaN, 1]).learningRate).toBeUndefined();
  });

  it('ignores a single spike (the running median)', () => {
    const { learningRates, losses } = syntheticRangeTest(100, 3);
    const clean = descentSuggestion(learningRates, losses).learningRate!;
    const spiked = [...losses];
    spiked[40] = 0.01; // one freak low batch before the fall
    const moved = descentSuggestion(learningRates, spiked).learningRate! / clean;
    expect(Math.abs(moved - 1)).toBeLessThan(0.05);
  });

  it('validates options', () => {
    expect(() => descentSuggestion([1, 2], [1, 1], { levels: [0.2, 1.5] })).toThrow(
      /descentSuggestion: levels\[1\] must be a finite number > 0 and <= 1, got 1.5/,
    );
    expect(() => descentSuggestion([1, 2], [1, 1], { halfWidth: 0 })).toThrow(
      /halfWidth must be a finite number > 0/,
    );
  });
});
