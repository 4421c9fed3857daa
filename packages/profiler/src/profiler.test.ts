import { InvalidArgumentError, StateRestoreError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { ProfilerUsageError } from './errors';
import { createProfiler, type Profiler, restoreProfiler } from './profiler';
import { MarkCode } from './profiler-state';
import { manualClock } from './test-helpers';

const { beginIteration: B, endIteration: E, endPhase: I } = MarkCode;

describe('createProfiler: recording', () => {
  it('attributes time to the running phase and adds repeated phases up', () => {
    const time = manualClock(100);
    const profiler = createProfiler({ clock: time.clock });
    profiler.phase('data'); // begins the iteration implicitly
    time.advance(10);
    profiler.phase('forward');
    time.advance(5);
    profiler.endPhase();
    time.advance(2); // unattributed
    profiler.phase('data');
    time.advance(3);
    profiler.endIteration(32);
    const state = profiler.state();
    expect(state.phases).toEqual(['data', 'forward']);
    expect(state.iterations).toEqual({
      first: 0,
      startMs: [100],
      endMs: [120],
      samples: [32],
      phaseMs: [[13, 5]],
    });
    expect(state.marks).toEqual({
      timeMs: [100, 100, 110, 115, 117, 120],
      code: [B, 0, 1, I, 0, E],
    });
    expect(state.totals).toEqual({
      iterations: 1,
      samples: 32,
      busyMs: 20,
      slowIterations: 0,
      firstSlowIteration: -1,
      slowestIteration: 0,
      slowestMs: 20,
    });
  });

  it('leaves time between beginIteration and the first phase unattributed', () => {
    const time = manualClock();
    const profiler = createProfiler({ clock: time.clock, phases: ['a', 'b'], batchSize: 8 });
    profiler.beginIteration();
    time.advance(4);
    profiler.phase('b');
    time.advance(6);
    profiler.endIteration();
    const { iterations } = profiler.state();
    expect(iterations.phaseMs).toEqual([[0, 6]]);
    expect(iterations.endMs[0]! - iterations.startMs[0]!).toBe(10);
    expect(iterations.samples).toEqual([8]); // default from batchSize
  });

  it('interns names once and accepts ids', () => {
    const time = manualClock();
    const profiler = createProfiler({ clock: time.clock, phases: ['data'] });
    const forward = profiler.phaseId('forward');
    expect(forward).toBe(1);
    expect(profiler.phaseId('forward')).toBe(1);
    expect(profiler.phaseId('data')).toBe(0);
    profiler.phase(forward);
    time.advance(7);
    profiler.phase(0);
    time.advance(1);
    profiler.endIteration(1);
    expect(profiler.phaseNames()).toEqual(['data', 'forward']);
    expect(profiler.state().iterations.phaseMs).toEqual([[1, 7]]);
  });

  it('accepts explicit times and reports iterationOpen / completedIterations', () => {
    const profiler = createProfiler({ clock: () => 0 });
    expect(profiler.iterationOpen).toBe(false);
    profiler.beginIteration(5);
    expect(profiler.iterationOpen).toBe(true);
    profiler.phase('step', 6);
    profiler.endIteration(2, 9);
    expect(profiler.iterationOpen).toBe(false);
    expect(profiler.completedIterations).toBe(1);
    expect(profiler.state().iterations.phaseMs).toEqual([[3]]);
  });

  it('keeps the most recent iterations and marks when the rings wrap', () => {
    const time = manualClock();
    const profiler = createProfiler({ clock: time.clock, iterationCapacity: 3, markCapacity: 7 });
    for (let i = 0; i < 5; i += 1) {
      profiler.phase('a');
      time.advance(i + 1);
      profiler.phase('b');
      time.advance(10);
      profiler.endIteration(1);
      time.advance(1);
    }
    const state = profiler.state();
    expect(state.totals.iterations).toBe(5);
    expect(state.iterations.first).toBe(2);
    expect(state.iterations.phaseMs).toEqual([
      [3, 10],
      [4, 10],
      [5, 10],
    ]);
    // 4 marks per iteration, 7 kept: the partial older iteration is dropped.
    expect(state.marks.code).toEqual([B, 0, 1, E]);
    expect(state.marks.timeMs[0]).toBe(state.iterations.startMs[2]);
  });

  it('excludes an iteration still open from the state', () => {
    const time = manualClock();
    const profiler = createProfiler({ clock: time.clock });
    profiler.phase('a');
    time.advance(1);
    profiler.endIteration(1);
    profiler.phase('a');
    time.advance(1);
    const state = profiler.state();
    expect(state.totals.iterations).toBe(1);
    expect(state.marks.code).toEqual([B, 0, E]);
  });

  it('warns once on the first slow iteration and counts every slow one', () => {
    const time = manualClock();
    const warn = vi.fn();
    const profiler = createProfiler({ clock: time.clock, slowIterationMs: 100, warn });
    // 100 ms exactly is not slow (the threshold is "more than").
    for (const ms of [50, 100, 150, 80, 200, 101]) {
      profiler.phase('step');
      time.advance(ms);
      profiler.endIteration(1);
    }
    expect(warn).toHaveBeenCalledTimes(1);
    const [message, info] = warn.mock.calls[0]!;
    expect(info).toEqual({ iteration: 2, durationMs: 150, thresholdMs: 100 });
    // For whoever reads the console, not only for code: no function calls to make.
    expect(message).toBe(
      "profiler: iteration 2 took 150.0 ms, more than 100 ms; things get dicey: the profile's summary " +
        'names the phase that takes the most time. This warning is shown once; the summary counts every slow iteration.',
    );
    expect(message).not.toMatch(/\(|summarizeProfile|state\(\)/);
    expect(profiler.state().totals).toMatchObject({
      slowIterations: 3,
      firstSlowIteration: 2,
      slowestIteration: 4,
      slowestMs: 200,
    });
  });

  it('the default threshold is 500 ms: exactly 500 ms is not slow, 500.25 ms is', () => {
    const time = manualClock();
    const warn = vi.fn();
    const profiler = createProfiler({ clock: time.clock, warn });
    for (const ms of [499.75, 500, 500]) {
      profiler.phase('step');
      time.advance(ms);
      profiler.endIteration(1);
    }
    expect(warn).not.toHaveBeenCalled();
    expect(profiler.state().totals.slowIterations).toBe(0);
    expect(profiler.state().settings.slowIterationMs).toBe(500);
    profiler.phase('step');
    time.advance(500.25);
    profiler.endIteration(1);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![1]).toEqual({ iteration: 3, durationMs: 500.25, thresholdMs: 500 });
    expect(profiler.state().totals).toMatchObject({ slowIterations: 1, firstSlowIteration: 3 });
  });
});

describe('createProfiler: misuse', () => {
  it.each([
    [
      'endIteration without an iteration',
      (p: Profiler) => p.endIteration(),
      'endIteration: no iteration is open. Call beginIteration() or phase(name) first.',
    ],
    [
      'endPhase without an iteration',
      (p: Profiler) => p.endPhase(),
      'endPhase: no iteration is open. Call beginIteration() or phase(name) first.',
    ],
    [
      'beginIteration twice',
      (p: Profiler) => {
        p.beginIteration();
        p.beginIteration();
      },
      'beginIteration: iteration 0 is still open. Call endIteration() before beginning the next iteration.',
    ],
    [
      'time going backwards',
      (p: Profiler) => {
        p.phase('a', 10);
        p.phase('b', 9);
      },
      'phase: time 9 ms is before the previous mark at 10 ms or not finite. Pass times from profiler.now() in increasing order, and use a monotonic clock.',
    ],
  ])('throws ProfilerUsageError for %s', (_name, misuse, message) => {
    const profiler = createProfiler({ clock: () => 0 });
    expect(() => misuse(profiler)).toThrow(ProfilerUsageError);
    const again = createProfiler({ clock: () => 0 });
    try {
      misuse(again);
      expect.unreachable();
    } catch (error) {
      expect(ProfilerUsageError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe(message);
    }
  });

  it.each([
    [
      'negative samples',
      (p: Profiler) => {
        p.phase('a');
        p.endIteration(-1);
      },
      'endIteration: samples must be a finite number >= 0, got -1. Pass the batch size of this iteration.',
    ],
    [
      'NaN samples',
      (p: Profiler) => {
        p.phase('a');
        p.endIteration(Number.NaN);
      },
      'endIteration: samples must be a finite number >= 0, got NaN. Pass the batch size of this iteration.',
    ],
    [
      'an unknown id',
      (p: Profiler) => p.phase(3),
      'phase: phase must be a phase id from 0 to 0 or a phase name, got 3. Get ids from profiler.phaseId(name).',
    ],
    [
      'an empty name',
      (p: Profiler) => p.phase(''),
      'phase: phase must be a non-empty phase name or a phase id, got "".',
    ],
    [
      'too many phases',
      (p: Profiler) => {
        p.phase('b');
        p.phase('c');
      },
      'phase: phase must be one of the 2 phases already used (a, b), got "c". Raise the maxPhases option of createProfiler.',
    ],
  ])('throws InvalidArgumentError for %s', (_name, misuse, message) => {
    const profiler = createProfiler({ clock: () => 0, phases: ['a'], maxPhases: 2 });
    expect(() => misuse(profiler)).toThrow(InvalidArgumentError);
    expect(() => misuse(createProfiler({ clock: () => 0, phases: ['a'], maxPhases: 2 }))).toThrow(
      message,
    );
  });

  it('leaves recorded data unchanged after a rejected call', () => {
    const time = manualClock();
    const profiler = createProfiler({ clock: time.clock });
    profiler.phase('a');
    time.advance(2);
    profiler.endIteration(1);
    const before = profiler.state();
    expect(() => profiler.endIteration()).toThrow(ProfilerUsageError);
    expect(() => profiler.phase('b', -5)).toThrow(ProfilerUsageError);
    expect(profiler.state()).toEqual(before);
  });

  it.each([
    [{ slowIterationMs: 0 }, 'createProfiler: slowIterationMs must be a finite number > 0, got 0.'],
    [
      { iterationCapacity: 0 },
      'createProfiler: iterationCapacity must be an integer >= 1 and <= 16777216, got 0.',
    ],
    [
      { markCapacity: 2 },
      'createProfiler: markCapacity must be an integer >= 4 and <= 268435456, got 2.',
    ],
    [{ batchSize: -3 }, 'createProfiler: batchSize must be a finite number >= 0, got -3.'],
    [
      { phases: ['a', 'a'] },
      'createProfiler: phases[1] must be a name not listed before, got "a".',
    ],
    [
      { phases: ['a', 'b'], maxPhases: 1 },
      'createProfiler: phases must be at most maxPhases = 1 names, got ["a", "b"]. Raise maxPhases.',
    ],
    [{ clock: 5 }, 'createProfiler: clock must be a function, got 5.'],
  ])('rejects bad options %j', (options, message) => {
    expect(() => createProfiler(options as never)).toThrow(InvalidArgumentError);
    expect(() => createProfiler(options as never)).toThrow(message);
  });
});

type Op =
  | { kind: 'phase'; phase: number; dt: number }
  | { kind: 'endPhase'; dt: number }
  | { kind: 'begin'; dt: number }
  | { kind: 'end'; dt: number; samples: number };

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('phase' as const),
    phase: fc.integer({ min: 0, max: 3 }),
    dt: fc.integer({ min: 0, max: 50 }),
  }),
  fc.record({ kind: fc.constant('endPhase' as const), dt: fc.integer({ min: 0, max: 50 }) }),
  fc.record({ kind: fc.constant('begin' as const), dt: fc.integer({ min: 0, max: 50 }) }),
  fc.record({
    kind: fc.constant('end' as const),
    dt: fc.integer({ min: 0, max: 50 }),
    samples: fc.integer({ min: 0, max: 64 }),
  }),
);

/** Applies the ops that are valid in the current state, with explicit times. */
function apply(profiler: Profiler, ops: readonly Op[], startTime: number): number {
  let t = startTime;
  const names = ['data', 'forward', 'backward', 'custom phase'];
  for (const op of ops) {
    t += op.dt / 4; // quarter milliseconds: exact in binary
    if (op.kind === 'phase') profiler.phase(names[op.phase]!, t);
    else if (op.kind === 'endPhase' && profiler.iterationOpen) profiler.endPhase(t);
    else if (op.kind === 'begin' && !profiler.iterationOpen) profiler.beginIteration(t);
    else if (op.kind === 'end' && profiler.iterationOpen) profiler.endIteration(op.samples, t);
  }
  return t;
}

describe('profiler state', () => {
  it('restores exactly, through JSON, and continues identically (property)', () => {
    fc.assert(
      fc.property(
        fc.array(opArbitrary, { maxLength: 80 }),
        fc.array(opArbitrary, { maxLength: 80 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 4, max: 24 }),
        (before, after, iterationCapacity, markCapacity) => {
          const options = {
            clock: () => 0,
            warn: () => {},
            iterationCapacity,
            markCapacity,
            slowIterationMs: 20,
          };
          const original = createProfiler(options);
          let t = apply(original, before, 0);
          if (original.iterationOpen) {
            t += 1;
            original.endIteration(1, t);
          }
          const saved = original.state();
          const restored = restoreProfiler(JSON.parse(JSON.stringify(saved)), {
            clock: () => 0,
            warn: () => {},
          });
          expect(restored.state()).toEqual(saved);
          apply(original, after, t);
          apply(restored, after, t);
          expect(restored.state()).toEqual(original.state());
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps its invariants for any valid sequence (property)', () => {
    fc.assert(
      fc.property(
        fc.array(opArbitrary, { maxLength: 120 }),
        fc.integer({ min: 4, max: 30 }),
        (ops, markCapacity) => {
          const profiler = createProfiler({
            clock: () => 0,
            warn: () => {},
            markCapacity,
            iterationCapacity: 5,
          });
          apply(profiler, ops, 0);
          const state = profiler.state();
          const { startMs, endMs, phaseMs, first } = state.iterations;
          expect(first + startMs.length).toBe(state.totals.iterations);
          startMs.forEach((start, i) => {
            const attributed = phaseMs[i]!.reduce((a, b) => a + b, 0);
            expect(attributed).toBeLessThanOrEqual(endMs[i]! - start + 1e-9);
            expect(phaseMs[i]!.every((v) => v >= 0)).toBe(true);
          });
          const { code } = state.marks;
          expect(code.length).toBeLessThanOrEqual(markCapacity);
          if (code.length > 0) {
            expect(code[0]).toBe(B);
            expect(code.at(-1)).toBe(E);
          }
          // begins and ends alternate
          let open = false;
          for (const c of code) {
            if (c === B) {
              expect(open).toBe(false);
              open = true;
            } else if (c === E) {
              expect(open).toBe(true);
              open = false;
            } else expect(open).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('continues the time line after a restore with a clock that is behind', () => {
    const profiler = createProfiler({ clock: () => 0 });
    profiler.phase('a', 5000);
    profiler.endIteration(1, 5010);
    let now = 3; // a new process: performance.now() starts near 0
    const restored = restoreProfiler(profiler.state(), { clock: () => now });
    expect(restored.now()).toBe(5010);
    now = 10;
    restored.phase('a');
    now = 12;
    restored.endIteration(1);
    expect(restored.state().iterations.startMs).toEqual([5000, 5017]);
    expect(restored.state().iterations.endMs).toEqual([5010, 5019]);
  });

  it('does not warn again after a restore that already counted a slow iteration', () => {
    const warn = vi.fn();
    const profiler = createProfiler({ clock: () => 0, slowIterationMs: 1, warn });
    profiler.phase('a', 0);
    profiler.endIteration(1, 5);
    const restored = restoreProfiler(profiler.state(), { clock: () => 0, warn });
    restored.phase('a', 10);
    restored.endIteration(1, 20);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(restored.state().totals.slowIterations).toBe(2);
  });

  it.each([
    [null, 'restoreProfiler: the state must be an object.'],
    [{ kind: 'other' }, 'restoreProfiler: phases must be an array of distinct non-empty strings.'],
  ])('rejects a malformed state %j', (value, start) => {
    expect(() => restoreProfiler(value)).toThrow(StateRestoreError);
    expect(() => restoreProfiler(value)).toThrow(start);
  });

  it('rejects a state whose arrays disagree', () => {
    const profiler = createProfiler({ clock: () => 0 });
    profiler.phase('a', 0);
    profiler.endIteration(1, 5);
    const state = profiler.state();
    const broken = { ...state, iterations: { ...state.iterations, samples: [] } };
    expect(() => restoreProfiler(broken)).toThrow(
      'restoreProfiler: iterations.startMs, endMs, samples and phaseMs must have the same length. Pass an object returned by profiler.state() (or profilerStateFromJSON(...)).',
    );
    const badCode = { ...state, marks: { ...state.marks, code: [B, 7, E] } };
    expect(() => restoreProfiler(badCode)).toThrow(
      'marks.code[1] = 7 is neither a phase id nor a mark code',
    );
  });
});
