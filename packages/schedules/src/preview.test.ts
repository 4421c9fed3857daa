import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { cosineDecay } from './cosine-decay';
import { oneCycle, oneCycleMomentum } from './one-cycle';
import { previewSchedule } from './preview';

describe('previewSchedule', () => {
  const schedule = oneCycle({ maxValue: 0.1, totalSteps: 1000 });

  it('prints a text chart with a summary of the first value, the peak and the last value', () => {
    const text = previewSchedule(schedule, { steps: 1000, title: 'one-cycle' });
    const lines = text.split('\n');
    expect(lines[0]?.trim()).toBe('one-cycle');
    expect(lines.at(-1)).toBe('schedule: step 0 = 0.004, peak 0.1 at step 299, step 999 = 4e-7');
    // y labels: the peak on top, the final value at the bottom
    expect(lines[1]).toMatch(/^ {3}0\.1 \+ {16}\*{10}$/);
    expect(lines.some((line) => /^ {2}4e-7 \+\*\*/.test(line))).toBe(true);
    expect(text).toContain('step');
  });

  it('draws named schedules together and as SVG', () => {
    const svg = previewSchedule(
      { lr: schedule, momentum: oneCycleMomentum({ maxValue: 0.1, totalSteps: 1000 }) },
      { steps: 1000, format: 'svg', title: 'one-cycle' },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('>lr</text>');
    expect(svg).toContain('>momentum</text>');
    expect(svg).toContain('<title>one-cycle</title>');
  });

  it('samples long horizons at integer steps, keeping the first and the last', () => {
    const decay = cosineDecay({ initialValue: 1, decaySteps: 100_000 });
    const text = previewSchedule(decay, { steps: 100_001, maxPoints: 11 });
    expect(text.split('\n').at(-1)).toBe('schedule: step 0 = 1, peak 1 at step 0, step 100000 = 0');
  });

  it('validates its arguments', () => {
    expect(() => previewSchedule(schedule, { steps: 1 })).toThrow(InvalidArgumentError);
    expect(() => previewSchedule(schedule, { steps: 1 })).toThrow(
      'previewSchedule: steps must be an integer >= 2, got 1.',
    );
    expect(() => previewSchedule({}, { steps: 10 })).toThrow(
      'previewSchedule: schedules must be a schedule or a non-empty object of named schedules, got {}.',
    );
    expect(() => previewSchedule({ a: 1 as never }, { steps: 10 })).toThrow(
      'previewSchedule: schedules.a must be a function, got 1.',
    );
  });
});
