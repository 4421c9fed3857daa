// Invariants checked on random options and steps (fast-check): each schedule stays
// between its documented bounds, is monotone where documented, and the
// combinators are continuous where documented.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cosineDecay } from './cosine-decay';
import { cosineDecayRestarts } from './cosine-decay-restarts';
import { cyclic, cyclicMomentum } from './cyclic';
import { perEpoch } from './epochs';
import { exponentialDecay } from './exponential-decay';
import { inverseSqrtDecay } from './inverse-sqrt-decay';
import { inverseTimeDecay } from './inverse-time-decay';
import { join } from './join';
import { linear } from './linear';
import { multiStepDecay } from './multi-step-decay';
import { oneCycle, oneCycleMomentum } from './one-cycle';
import { polynomialDecay } from './polynomial-decay';
import type { Schedule } from './schedule';
import { stepDecay } from './step-decay';
import { warmup } from './warmup';

const runs = { numRuns: 300 };
const rate = fc.double({ min: 1e-6, max: 10, noNaN: true });
const fraction = fc.double({ min: 0, max: 1, noNaN: true });
const horizon = fc.integer({ min: 1, max: 5000 });
const step = fc.double({ min: 0, max: 20_000, noNaN: true });
const stepPair = fc
  .tuple(step, step)
  .map(([a, b]) => (a <= b ? ([a, b] as const) : ([b, a] as const)));
// One unit in the last place, relative: the slack for `a <= b` in floating point.
const ulp = 1e-15;

interface Decay {
  readonly schedule: Schedule;
  readonly min: number;
  readonly max: number;
}

// Schedules documented as non-increasing and bounded in [min, max].
const decays: Record<string, fc.Arbitrary<Decay>> = {
  inverseTimeDecay: fc
    .record({
      initialValue: rate,
      decayRate: fc.double({ min: 0, max: 5, noNaN: true }),
      decaySteps: horizon,
      staircase: fc.boolean(),
    })
    .map((o) => ({ schedule: inverseTimeDecay(o), min: 0, max: o.initialValue })),
  stepDecay: fc
    .record({
      initialValue: rate,
      stepSize: horizon,
      dropFraction: fc.double({ min: 0, max: 0.99, noNaN: true }),
    })
    .map((o) => ({ schedule: stepDecay(o), min: 0, max: o.initialValue })),
  multiStepDecay: fc
    .record({
      initialValue: rate,
      boundaries: fc
        .array(horizon, { minLength: 1, maxLength: 6 })
        .map((b) => [...b].sort((x, y) => x - y)),
      factor: fc.double({ min: 0.01, max: 1, noNaN: true }),
    })
    .map((o) => ({ schedule: multiStepDecay(o), min: 0, max: o.initialValue })),
  exponentialDecay: fc
    .record({
      initialValue: rate,
      decayRate: fc.double({ min: 0.5, max: 1, noNaN: true }),
      decaySteps: horizon,
      staircase: fc.boolean(),
      transitionBegin: fc.integer({ min: 0, max: 1000 }),
      endFraction: fraction,
    })
    .map(({ endFraction, ...o }) => {
      const endValue = o.initialValue * Math.max(endFraction, 1e-6);
      return { schedule: exponentialDecay({ ...o, endValue }), min: endValue, max: o.initialValue };
    }),
  inverseSqrtDecay: fc
    .record({
      initialValue: rate,
      factor: fc.double({ min: 0.01, max: 10, noNaN: true }),
      decaySteps: horizon,
    })
    .map((o) => ({ schedule: inverseSqrtDecay(o), min: 0, max: o.initialValue * o.factor })),
  polynomialDecay: fc
    .record({
      initialValue: rate,
      decaySteps: horizon,
      endFraction: fraction,
      power: fc.double({ min: 0.1, max: 5, noNaN: true }),
    })
    .map(({ endFraction, ...o }) => {
      const endValue = o.initialValue * endFraction;
      return { schedule: polynomialDecay({ ...o, endValue }), min: endValue, max: o.initialValue };
    }),
  linear: fc
    .record({
      initialValue: rate,
      endFraction: fraction,
      transitionSteps: horizon,
      transitionBegin: fc.integer({ min: 0, max: 1000 }),
    })
    .map(({ endFraction, ...o }) => {
      const endValue = o.initialValue * endFraction;
      return { schedule: linear({ ...o, endValue }), min: endValue, max: o.initialValue };
    }),
  cosineDecay: fc
    .record({
      initialValue: rate,
      decaySteps: horizon,
      alpha: fraction,
      exponent: fc.double({ min: 0.1, max: 4, noNaN: true }),
    })
    .map((o) => ({ schedule: cosineDecay(o), min: o.initialValue * o.alpha, max: o.initialValue })),
};

describe.each(Object.entries(decays))('%s', (_name, decay) => {
  it('stays within its documented bounds', () => {
    fc.assert(
      fc.property(decay, step, ({ schedule, min, max }, t) => {
        const value = schedule(t);
        expect(value).toBeGreaterThanOrEqual(min * (1 - ulp));
        expect(value).toBeLessThanOrEqual(max * (1 + ulp));
      }),
      runs,
    );
  });

  it('is monotone non-increasing', () => {
    fc.assert(
      fc.property(decay, stepPair, ({ schedule }, [a, b]) => {
        expect(schedule(b)).toBeLessThanOrEqual(schedule(a) * (1 + ulp));
      }),
      runs,
    );
  });
});

describe('increasing linear and exponential schedules', () => {
  it('are monotone non-decreasing and bounded', () => {
    fc.assert(
      fc.property(
        rate,
        fc.double({ min: 1, max: 100, noNaN: true }),
        horizon,
        stepPair,
        (start, gain, steps, [a, b]) => {
          const ramp = linear({
            initialValue: start,
            endValue: start * gain,
            transitionSteps: steps,
          });
          expect(ramp(b)).toBeGreaterThanOrEqual(ramp(a) * (1 - ulp));
          expect(ramp(b)).toBeLessThanOrEqual(start * gain * (1 + ulp));
          const growth = exponentialDecay({
            initialValue: start,
            decayRate: 1.01,
            endValue: start * gain,
          });
          expect(growth(b)).toBeGreaterThanOrEqual(growth(a) * (1 - ulp));
          expect(growth(b)).toBeLessThanOrEqual(start * gain);
        },
      ),
      runs,
    );
  });
});

describe('polynomialDecay with cycle', () => {
  it('stays within [endValue, initialValue]', () => {
    fc.assert(
      fc.property(rate, fraction, horizon, step, (initialValue, endFraction, decaySteps, t) => {
        const endValue = initialValue * endFraction;
        const value = polynomialDecay({ initialValue, endValue, decaySteps, cycle: true })(t);
        expect(value).toBeGreaterThanOrEqual(endValue * (1 - ulp));
        expect(value).toBeLessThanOrEqual(initialValue * (1 + ulp));
      }),
      runs,
    );
  });
});

describe('cosineDecayRestarts', () => {
  const options = fc.record({
    initialValue: rate,
    firstDecaySteps: fc.double({ min: 1, max: 500, noNaN: true }),
    periodMultiplier: fc.oneof(
      fc.constantFrom(1, 2, 3),
      fc.double({ min: 1, max: 4, noNaN: true }),
    ),
    amplitudeMultiplier: fc.double({ min: 0.01, max: 1, noNaN: true }),
    alpha: fraction,
  });

  it('stays within [alpha * initialValue, initialValue]', () => {
    fc.assert(
      fc.property(options, step, (o, t) => {
        const value = cosineDecayRestarts(o)(t);
        expect(value).toBeGreaterThanOrEqual(o.alpha * o.initialValue * (1 - ulp));
        expect(value).toBeLessThanOrEqual(o.initialValue * (1 + ulp));
      }),
      runs,
    );
  });
});

describe('oneCycle', () => {
  const options = fc
    .record({
      maxValue: rate,
      totalSteps: fc.integer({ min: 20, max: 5000 }),
      warmupFraction: fc.double({ min: 0.1, max: 0.45, noNaN: true }),
      anneal: fc.constantFrom('cosine' as const, 'linear' as const),
      initialDivisor: fc.double({ min: 1, max: 100, noNaN: true }),
      finalDivisor: fc.double({ min: 1, max: 1e5, noNaN: true }),
      phases: fc.constantFrom(2 as const, 3 as const),
      baseMomentum: fc.double({ min: 0, max: 0.9, noNaN: true }),
    })
    .map((o) => ({ ...o, maxMomentum: Math.min(o.baseMomentum + 0.05, 0.99) }));

  it("defaults are PyTorch OneCycleLR's: div_factor 25, final_div_factor 1e4, pct_start 0.3, momentum 0.95 -> 0.85", () => {
    const schedule = oneCycle({ maxValue: 0.1, totalSteps: 1000 });
    const momentum = oneCycleMomentum({ maxValue: 0.1, totalSteps: 1000 });
    // Hand-derived: start = max / 25, end = start / 1e4, peak at step 0.3 * 1000 - 1.
    expect(Math.abs(schedule(0) / (0.1 / 25) - 1)).toBeLessThan(1e-14);
    expect(schedule(999)).toBe(0.1 / 25 / 1e4);
    expect(schedule(299)).toBe(0.1);
    expect(momentum(0)).toBe(0.95);
    expect(momentum(299)).toBe(0.85);
    expect(momentum(999)).toBe(0.95);
  });

  it('stays within [final value, maxValue] and the momentum within its bounds', () => {
    fc.assert(
      fc.property(options, step, (o, t) => {
        const final = o.maxValue / o.initialDivisor / o.finalDivisor;
        const value = oneCycle(o)(t);
        // PyTorch's linear anneal `(end - start) * x + start` (reproduced exactly) lands on
        // `end` only up to the rounding of `start`, i.e. within a few ulp of maxValue.
        expect(value).toBeGreaterThanOrEqual(final - o.maxValue * 4 * Number.EPSILON);
        expect(value).toBeLessThanOrEqual(o.maxValue * (1 + ulp));
        const momentum = oneCycleMomentum(o)(t);
        expect(momentum).toBeGreaterThanOrEqual(o.baseMomentum * (1 - ulp));
        expect(momentum).toBeLessThanOrEqual(o.maxMomentum * (1 + ulp));
      }),
      runs,
    );
  });

  it('rises until the peak, then never rises again (two phases), clamped after the cycle', () => {
    fc.assert(
      fc.property(options, stepPair, (o, [a, b]) => {
        const schedule = oneCycle({ ...o, phases: 2 });
        const peak = o.warmupFraction * o.totalSteps - 1;
        if (b <= peak) expect(schedule(b)).toBeGreaterThanOrEqual(schedule(a) * (1 - ulp));
        if (a >= peak) expect(schedule(b)).toBeLessThanOrEqual(schedule(a) * (1 + ulp));
        expect(schedule(o.totalSteps - 1 + a)).toBe(schedule(o.totalSteps - 1));
      }),
      runs,
    );
  });
});

describe('cyclic', () => {
  const options = fc
    .record({
      baseValue: rate,
      gain: fc.double({ min: 1, max: 100, noNaN: true }),
      stepsUp: fc.integer({ min: 1, max: 3000 }),
      stepsDown: fc.integer({ min: 1, max: 3000 }),
      mode: fc.constantFrom(
        'triangular' as const,
        'triangular2' as const,
        'exponentialRange' as const,
      ),
      gamma: fc.double({ min: 0.9, max: 1, noNaN: true }),
    })
    .map(({ gain, ...o }) => ({ ...o, maxValue: o.baseValue * gain }));

  it('stays within [baseValue, maxValue] and the momentum within its bounds', () => {
    fc.assert(
      fc.property(options, step, (o, t) => {
        const value = cyclic(o)(t);
        expect(value).toBeGreaterThanOrEqual(o.baseValue);
        expect(value).toBeLessThanOrEqual(o.maxValue * (1 + ulp));
        const momentum = cyclicMomentum(o)(t);
        expect(momentum).toBeGreaterThanOrEqual(0.8 * (1 - ulp));
        expect(momentum).toBeLessThanOrEqual(0.9);
      }),
      runs,
    );
  });
});

describe('warmup', () => {
  const inner = fc
    .record({ initialValue: rate, decaySteps: horizon })
    .map((o) => ({ peak: o.initialValue, schedule: cosineDecay(o) }));

  it('is continuous at its end: it reaches exactly S(0), and the ramp is linear and bounded', () => {
    fc.assert(
      fc.property(
        inner,
        horizon,
        fraction,
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        ({ peak, schedule }, steps, startFraction, position) => {
          const startValue = peak * startFraction;
          const warmed = warmup(schedule, { steps, startValue });
          expect(warmed(steps)).toBe(schedule(0));
          expect(warmed(0)).toBe(startValue);
          const t = position * steps;
          const value = warmed(t);
          expect(value).toBeGreaterThanOrEqual(startValue * (1 - ulp));
          expect(value).toBeLessThanOrEqual(peak * (1 + ulp));
          // Lipschitz with constant (peak - start) / steps: no jump anywhere in the ramp.
          const epsilon = 1e-6;
          expect(Math.abs(warmed(steps) - warmed(steps - epsilon))).toBeLessThanOrEqual(
            ((peak - startValue) / steps) * epsilon * (1 + 1e-6) + peak * ulp * 4,
          );
          // After the warmup, the wrapped schedule sees the steps since its own start.
          const whole = Math.floor(t);
          expect(warmed(steps + whole)).toBe(schedule(whole));
        },
      ),
      runs,
    );
  });
});

describe('join', () => {
  it('switches AT each boundary and feeds steps since the boundary; continuous when the pieces meet', () => {
    fc.assert(
      fc.property(rate, horizon, horizon, step, (peak, rampSteps, decaySteps, t) => {
        const ramp = linear({
          initialValue: 0,
          endValue: peak,
          transitionSteps: rampSteps,
        });
        const decay = cosineDecay({ initialValue: peak, decaySteps });
        const joined = join([ramp, decay], [rampSteps]);
        expect(joined(rampSteps)).toBe(decay(0));
        expect(joined(rampSteps - 1)).toBe(ramp(rampSteps - 1));
        // the ramp would reach the decay's start at the boundary: no jump
        expect(ramp(rampSteps)).toBe(decay(0));
        expect(joined(t)).toBe(t < rampSteps ? ramp(t) : decay(t - rampSteps));
      }),
      runs,
    );
  });
});

describe('perEpoch', () => {
  it('is constant within an epoch and equals the epoch schedule at the epoch index', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 999 }),
        (stepsPerEpoch, epoch, offset) => {
          const byEpoch = inverseTimeDecay({ initialValue: 0.1, decayRate: 1 });
          const byStep = perEpoch(byEpoch, { stepsPerEpoch });
          const within = offset % stepsPerEpoch;
          expect(byStep(epoch * stepsPerEpoch + within)).toBe(byEpoch(epoch));
        },
      ),
      runs,
    );
  });
});
