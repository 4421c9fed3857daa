// warmup, join, perEpoch, the epoch helpers and sample, with hand-derived values.
import { describe, expect, it } from 'vitest';
import { constant } from './constant';
import { cosineDecay } from './cosine-decay';
import { epochsToSteps, perEpoch, stepsToEpochs } from './epochs';
import { inverseTimeDecay } from './inverse-time-decay';
import { join } from './join';
import { linear } from './linear';
import { sample } from './sample';
import { warmup } from './warmup';

describe('warmup', () => {
  it('ramps linearly from startValue to S(0), then runs S from its own step 0', () => {
    const decay = cosineDecay({ initialValue: 0.1, decaySteps: 100 });
    const schedule = warmup(decay, { steps: 10 });
    expect(schedule(0)).toBe(0);
    expect(schedule(5)).toBe(0.05);
    expect(schedule(10)).toBe(0.1);
    expect(schedule(60)).toBe(decay(50));
    expect(schedule(110)).toBe(0);
    const fromStart = warmup(constant({ value: 1 }), { steps: 4, startValue: 0.2 });
    expect([0, 1, 2, 3, 4, 100].map(fromStart)).toEqual([0.2, 0.4, 0.6000000000000001, 0.8, 1, 1]);
  });
});

describe('join', () => {
  it('warmup + cosine as two joined schedules (optax join_schedules)', () => {
    const schedule = join(
      [
        linear({ initialValue: 0, endValue: 0.1, transitionSteps: 100 }),
        cosineDecay({ initialValue: 0.1, decaySteps: 900 }),
      ],
      [100],
    );
    expect(schedule(0)).toBe(0);
    expect(schedule(50)).toBe(0.05);
    expect(schedule(99)).toBeCloseTo(0.099, 15);
    expect(schedule(100)).toBe(0.1);
    expect(schedule(550)).toBeCloseTo(0.05, 15);
    expect(schedule(1000)).toBe(0);
    expect(schedule(5000)).toBe(0);
  });

  it('three pieces: each sees the steps since its own boundary', () => {
    const seen: number[] = [];
    const probe = (label: number) => (step: number) => {
      seen.push(label * 1000 + step);
      return label;
    };
    const schedule = join([probe(1), probe(2), probe(3)], [10, 25]);
    expect([0, 9, 10, 24, 25, 30].map(schedule)).toEqual([1, 1, 2, 2, 3, 3]);
    expect(seen).toEqual([1000, 1009, 2000, 2014, 3000, 3005]);
  });
});

describe('epoch helpers', () => {
  it('convert between steps and epochs', () => {
    expect(stepsToEpochs(250, 100)).toBe(2.5);
    expect(Math.floor(stepsToEpochs(199, 100))).toBe(1);
    expect(epochsToSteps(2.5, 100)).toBe(250);
    expect(epochsToSteps(30, 469)).toBe(14070);
    expect(epochsToSteps(0.5, 3)).toBe(2); // rounded
  });

  it('perEpoch feeds the epoch index (or the fractional epoch)', () => {
    const byEpoch = inverseTimeDecay({ initialValue: 0.1, decayRate: 1 });
    const byStep = perEpoch(byEpoch, { stepsPerEpoch: 100 });
    expect([0, 99, 100, 150, 200].map(byStep)).toEqual([0.1, 0.1, 0.05, 0.05, 0.1 / 3]);
    const smooth = perEpoch(byEpoch, { stepsPerEpoch: 100, fractional: true });
    expect(smooth(150)).toBe(0.04); // 0.1 / (1 + 1.5)
  });
});

describe('sample', () => {
  it('evaluates a schedule at evenly spaced steps into a Float64Array', () => {
    const schedule = cosineDecay({ initialValue: 1, decaySteps: 4 });
    const values = sample(schedule, 5);
    expect(values).toBeInstanceOf(Float64Array);
    expect(Array.from(values)).toEqual([0, 1, 2, 3, 4].map(schedule));
    expect(values[2]).toBeCloseTo(0.5, 15);
    expect(Array.from(sample(schedule, 3, { start: 1, stride: 1.5 }))).toEqual(
      [1, 2.5, 4].map(schedule),
    );
    expect(sample(schedule, 0)).toHaveLength(0);
  });
});
