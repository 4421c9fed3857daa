// Shared by the tests only (not exported from the package).
import { readFileSync } from 'node:fs';
import { createProfiler, type Profiler, type ProfilerOptions } from './profiler';

/** A clock the test moves by hand. */
export interface ManualClock {
  now: number;
  readonly clock: () => number;
  advance(ms: number): void;
}

export function manualClock(start = 0): ManualClock {
  const state = {
    now: start,
    clock: () => state.now,
    advance(ms: number) {
      state.now += ms;
    },
  };
  return state;
}

export interface FixtureCase {
  name: string;
  phases: string[];
  phaseMs: number[][];
  gapsMs: number[][];
  samples: number[];
  expected: {
    iteration: Record<string, number>;
    phases: Array<Record<string, number | string>>;
    unattributed: Record<string, number>;
    iterationsPerSecond: number;
    samplesPerSecond: number;
    estimates: Array<{
      horizon: number;
      iterations: number;
      expectedMs: number;
      lowMs: number;
      highMs: number;
    }>;
  };
}

export function loadFixtureCases(): FixtureCase[] {
  const url = new URL('../fixtures/statistics.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: FixtureCase[] }).cases;
}

/**
 * Drives a profiler through a fixture case: per iteration a leading gap, then
 * each phase with its time (absent when 0) followed by a gap, using explicit
 * times from a manual clock.
 */
export function replayCase(fixture: FixtureCase, options: ProfilerOptions = {}): Profiler {
  const time = manualClock(1000);
  const profiler = createProfiler({
    phases: fixture.phases,
    clock: time.clock,
    warn: () => {},
    ...options,
  });
  fixture.phaseMs.forEach((row, i) => {
    const gaps = fixture.gapsMs[i]!;
    profiler.beginIteration();
    time.advance(gaps[0]!);
    row.forEach((ms, p) => {
      if (ms > 0) {
        profiler.phase(p);
        time.advance(ms);
        profiler.endPhase();
      }
      time.advance(gaps[p + 1]!);
    });
    profiler.endIteration(fixture.samples[i]!);
    time.advance(3); // between iterations: not part of any iteration
  });
  return profiler;
}
