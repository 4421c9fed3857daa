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

/**
 * Checks a parsed trace against the Trace Event Format as Perfetto and
 * chrome://tracing read it; returns the problems found (empty when valid).
 */
export function traceProblems(trace: unknown): string[] {
  const problems: string[] = [];
  if (typeof trace !== 'object' || trace === null) return ['not an object'];
  const { traceEvents, displayTimeUnit } = trace as Record<string, unknown>;
  if (!Array.isArray(traceEvents)) return ['traceEvents is not an array'];
  if (displayTimeUnit !== 'ms' && displayTimeUnit !== 'ns') problems.push('displayTimeUnit');
  const lastTs = new Map<string, number>();
  const iterations = new Map<string, { ts: number; end: number }>();
  const lastIterationEnd = new Map<string, number>();
  const named = { process: false, thread: false };
  traceEvents.forEach((event: Record<string, unknown>, i) => {
    const where = `event ${i}`;
    if (typeof event.name !== 'string') problems.push(`${where}: name`);
    if (typeof event.ph !== 'string') problems.push(`${where}: ph`);
    if (!Number.isInteger(event.pid) || !Number.isInteger(event.tid))
      problems.push(`${where}: pid/tid`);
    if (typeof event.args !== 'object' || event.args === null) problems.push(`${where}: args`);
    if (event.ph === 'M') {
      const args = event.args as Record<string, unknown>;
      if (event.name === 'process_name') named.process = typeof args.name === 'string';
      if (event.name === 'thread_name') named.thread = typeof args.name === 'string';
      return;
    }
    if (event.ph !== 'X') {
      problems.push(`${where}: unexpected ph ${String(event.ph)}`);
      return;
    }
    if (typeof event.cat !== 'string') problems.push(`${where}: cat`);
    const ts = event.ts as number;
    const dur = event.dur as number;
    if (typeof ts !== 'number' || !Number.isFinite(ts) || ts < 0) problems.push(`${where}: ts`);
    if (typeof dur !== 'number' || !Number.isFinite(dur) || dur < 0) problems.push(`${where}: dur`);
    const thread = `${event.pid}/${event.tid}`;
    if (ts < (lastTs.get(thread) ?? Number.NEGATIVE_INFINITY))
      problems.push(`${where}: ts goes back`);
    lastTs.set(thread, ts);
    const index = (event.args as Record<string, unknown>).iteration;
    const key = `${thread}#${String(index)}`;
    if (event.cat === 'iteration') {
      if (ts < (lastIterationEnd.get(thread) ?? 0)) problems.push(`${where}: iterations overlap`);
      lastIterationEnd.set(thread, ts + dur);
      iterations.set(key, { ts, end: ts + dur });
    } else if (event.cat === 'phase') {
      const parent = iterations.get(key);
      if (parent === undefined || ts < parent.ts)
        problems.push(`${where}: phase outside an iteration`);
      else if (ts + dur > parent.end) problems.push(`${where}: phase ends after its iteration`);
    } else problems.push(`${where}: unexpected cat`);
  });
  if (!named.process || !named.thread) problems.push('process or thread is not named');
  return problems;
}
