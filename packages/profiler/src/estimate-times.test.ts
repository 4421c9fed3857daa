import { InvalidArgumentError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateDuration, estimateTimes } from './estimate-times';
import { createProfiler } from './profiler';
import { loadFixtureCases, replayCase } from './test-helpers';

const close = (actual: number, expected: number): void => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
};

function stateOf(durations: readonly number[]) {
  const profiler = createProfiler({ clock: () => 0, warn: () => {} });
  let t = 0;
  for (const d of durations) {
    profiler.phase('step', t);
    t += d;
    profiler.endIteration(1, t);
    t += 1;
  }
  return profiler.state();
}

describe('estimateDuration', () => {
  it('uses p10/p90 of single iterations for a one-iteration horizon', () => {
    // 10 durations 1..10: p10 = 1.9, p90 = 9.1 (linear interpolation), mean 5.5
    const durations = [3, 1, 4, 10, 5, 9, 2, 6, 8, 7];
    expect(estimateDuration(durations, 1)).toEqual({
      iterations: 1,
      expectedMs: 5.5,
      lowMs: 1.9,
      highMs: 9.1,
    });
  });

  it('uses block means of length min(horizon, n/10) for longer horizons', () => {
    // n = 20, horizon 100 -> blocks of 2: means 1.5, 3.5, ..., 19.5 (steps of 2)
    const durations = Array.from({ length: 20 }, (_, i) => i + 1);
    const estimate = estimateDuration(durations, 100);
    // p10 of the 10 block means: 1.5 + 0.9 * 2 = 3.3; p90: 19.5 - 1.8 = 17.7
    expect(estimate.expectedMs).toBe(1050);
    close(estimate.lowMs, 330);
    close(estimate.highMs, 1770);
  });

  it('drops the oldest remainder so blocks end at the latest iteration', () => {
    // n = 21: blocks of 2 start at index 1; the first duration (1000) is ignored by the range
    const durations = [1000, ...Array.from({ length: 20 }, () => 10)];
    const estimate = estimateDuration(durations, 50);
    expect(estimate.lowMs).toBe(500);
    close(estimate.expectedMs, 50 * (1200 / 21));
    expect(estimate.highMs).toBe(estimate.expectedMs); // widened to contain the expectation
  });

  it('matches the NumPy implementation of the rule on the fixtures', () => {
    for (const fixture of loadFixtureCases()) {
      const state = replayCase(fixture).state();
      const durations = state.iterations.endMs.map((end, i) => end - state.iterations.startMs[i]!);
      for (const expected of fixture.expected.estimates) {
        const actual = estimateDuration(durations, expected.horizon);
        expect(actual.iterations).toBe(expected.iterations);
        close(actual.expectedMs, expected.expectedMs);
        close(actual.lowMs, expected.lowMs);
        close(actual.highMs, expected.highMs);
      }
    }
  });

  it('brackets the expectation and scales with the horizon (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 1000, noNaN: true }), {
          minLength: 1,
          maxLength: 200,
        }),
        fc.integer({ min: 0, max: 100_000 }),
        (durations, horizon) => {
          const e = estimateDuration(durations, horizon);
          expect(e.lowMs).toBeLessThanOrEqual(e.expectedMs);
          expect(e.expectedMs).toBeLessThanOrEqual(e.highMs);
          expect(e.lowMs).toBeGreaterThanOrEqual(horizon * Math.min(...durations) * (1 - 1e-12));
          expect(e.highMs).toBeLessThanOrEqual(horizon * Math.max(...durations) * (1 + 1e-12));
        },
      ),
    );
  });
});

describe('estimateTimes', () => {
  const state = stateOf([10, 20, 30, 40]);

  it('estimates an epoch and the rest of the run', () => {
    const estimates = estimateTimes(state, { iterationsPerEpoch: 4, totalEpochs: 3 });
    expect(estimates.basedOnIterations).toBe(4);
    expect(estimates.meanIterationMs).toBe(25);
    // horizon 4, n = 4 -> blocks of 1: p10 = 13, p90 = 37
    expect(estimates.epoch).toEqual({ iterations: 4, expectedMs: 100, lowMs: 52, highMs: 148 });
    // 12 total, 4 done -> 8 left
    expect(estimates.remaining).toEqual({
      iterations: 8,
      expectedMs: 200,
      lowMs: 104,
      highMs: 296,
    });
  });

  it('accepts total iterations, completed iterations and warm-up', () => {
    const estimates = estimateTimes(state, {
      totalIterations: 10,
      completedIterations: 9,
      warmupIterations: 2,
    });
    expect(estimates.meanIterationMs).toBe(35);
    expect(estimates.epoch).toBeNull();
    expect(estimates.remaining?.iterations).toBe(1);
    expect(estimates.remaining?.expectedMs).toBe(35);
    expect(estimateTimes(state, { totalIterations: 3 }).remaining?.iterations).toBe(0);
  });

  it.each([
    [
      { totalEpochs: 2 },
      'estimateTimes: iterationsPerEpoch must be an integer >= 1 when totalEpochs is given, got undefined. Pass the number of batches per epoch.',
    ],
    [
      { totalEpochs: 2, totalIterations: 5, iterationsPerEpoch: 2 },
      'estimateTimes: totalEpochs must be omitted when totalIterations is given, got 2. Give one of totalEpochs and totalIterations.',
    ],
    [
      { iterationsPerEpoch: 0 },
      'estimateTimes: iterationsPerEpoch must be an integer >= 1, got 0.',
    ],
    [
      { warmupIterations: 4 },
      'estimateTimes: state must be a profile with at least one completed iteration after warm-up, got "4 completed iterations". Estimate after the first iterations have run.',
    ],
  ])('rejects %j', (options, message) => {
    expect(() => estimateTimes(state, options)).toThrow(InvalidArgumentError);
    expect(() => estimateTimes(state, options)).toThrow(message);
  });
});
