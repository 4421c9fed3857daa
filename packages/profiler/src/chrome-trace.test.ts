import { InvalidArgumentError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toChromeTrace } from './chrome-trace';
import { createProfiler } from './profiler';
import { loadFixtureCases, replayCase, traceProblems } from './test-helpers';

describe('toChromeTrace', () => {
  it('writes iterations with nested phases in microseconds', () => {
    const profiler = createProfiler({ clock: () => 0, batchSize: 16 });
    profiler.beginIteration(1000);
    profiler.phase('data', 1000.5);
    profiler.phase('forward', 1003.25);
    profiler.endPhase(1004);
    profiler.phase('data', 1004.5);
    profiler.endIteration(undefined, 1010);
    profiler.phase('forward', 1012);
    profiler.endIteration(8, 1013.0004);
    const trace = toChromeTrace(profiler.state(), {
      processName: 'mnist',
      threadName: 'main loop',
    });
    expect(trace).toEqual({
      displayTimeUnit: 'ms',
      otherData: {
        producer: '@trainkit/profiler',
        iterations: 2,
        totalIterations: 2,
        originMs: 1000,
      },
      traceEvents: [
        {
          name: 'process_name',
          cat: '__metadata',
          ph: 'M',
          ts: 0,
          pid: 1,
          tid: 1,
          args: { name: 'mnist' },
        },
        {
          name: 'thread_name',
          cat: '__metadata',
          ph: 'M',
          ts: 0,
          pid: 1,
          tid: 1,
          args: { name: 'main loop' },
        },
        {
          name: 'iteration 0',
          cat: 'iteration',
          ph: 'X',
          ts: 0,
          dur: 10_000,
          pid: 1,
          tid: 1,
          args: { iteration: 0, durationMs: 10, samples: 16 },
        },
        {
          name: 'data',
          cat: 'phase',
          ph: 'X',
          ts: 500,
          dur: 2750,
          pid: 1,
          tid: 1,
          args: { iteration: 0, durationMs: 2.75 },
        },
        {
          name: 'forward',
          cat: 'phase',
          ph: 'X',
          ts: 3250,
          dur: 750,
          pid: 1,
          tid: 1,
          args: { iteration: 0, durationMs: 0.75 },
        },
        {
          name: 'data',
          cat: 'phase',
          ph: 'X',
          ts: 4500,
          dur: 5500,
          pid: 1,
          tid: 1,
          args: { iteration: 0, durationMs: 5.5 },
        },
        {
          name: 'iteration 1',
          cat: 'iteration',
          ph: 'X',
          ts: 12_000,
          dur: 1000,
          pid: 1,
          tid: 1,
          args: { iteration: 1, durationMs: 1013.0004 - 1012, samples: 8 },
        },
        {
          name: 'forward',
          cat: 'phase',
          ph: 'X',
          ts: 12_000,
          dur: 1000,
          pid: 1,
          tid: 1,
          args: { iteration: 1, durationMs: 1013.0004 - 1012 },
        },
      ],
    });
    expect(traceProblems(JSON.parse(JSON.stringify(trace)))).toEqual([]);
  });

  it('numbers iterations from the whole run when older marks were dropped', () => {
    const profiler = createProfiler({ clock: () => 0, markCapacity: 8, iterationCapacity: 2 });
    let t = 0;
    for (let i = 0; i < 6; i += 1) {
      profiler.phase('step', t);
      profiler.endIteration(4, t + 2);
      t += 3;
    }
    const trace = toChromeTrace(profiler.state(), { pid: 7, tid: 3 });
    const iterations = trace.traceEvents.filter((e) => e.cat === 'iteration');
    expect(iterations.map((e) => e.name)).toEqual(['iteration 4', 'iteration 5']);
    expect(iterations.map((e) => e.args.samples)).toEqual([4, 4]);
    expect(trace.traceEvents.every((e) => e.pid === 7 && e.tid === 3)).toBe(true);
    expect(traceProblems(trace)).toEqual([]);
  });

  it('produces valid traces for the fixture profiles', () => {
    for (const fixture of loadFixtureCases()) {
      const state = replayCase(fixture).state();
      const trace = toChromeTrace(state);
      expect(traceProblems(JSON.parse(JSON.stringify(trace)))).toEqual([]);
      const phases = trace.traceEvents.filter((e) => e.cat === 'phase');
      const nonZero = fixture.phaseMs.flat().filter((ms) => ms > 0).length;
      expect(phases).toHaveLength(nonZero);
    }
  });

  it('produces valid traces for any recording (property)', () => {
    const step = fc.tuple(
      fc.constantFrom('data', 'forward', 'backward', '-', 'end'),
      fc.double({ min: 0, max: 5, noNaN: true }),
    );
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 100 }),
        fc.integer({ min: 4, max: 40 }),
        (steps, markCapacity) => {
          const profiler = createProfiler({ clock: () => 0, markCapacity });
          let t = 0;
          for (const [what, dt] of steps) {
            t += dt;
            if (what === 'end') {
              if (profiler.iterationOpen) profiler.endIteration(1, t);
            } else if (what === '-') {
              if (profiler.iterationOpen) profiler.endPhase(t);
            } else profiler.phase(what, t);
          }
          expect(traceProblems(toChromeTrace(profiler.state()))).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('detects broken traces (the validator can fail)', () => {
    const profiler = createProfiler({ clock: () => 0 });
    profiler.phase('a', 0);
    profiler.endIteration(1, 1);
    const trace = toChromeTrace(profiler.state());
    const [m0, m1, iteration, phase] = trace.traceEvents;
    expect(
      traceProblems({ ...trace, traceEvents: [m0, m1, { ...phase, dur: 2000 }, iteration] }),
    ).toContain('event 2: phase outside an iteration');
    expect(
      traceProblems({ ...trace, traceEvents: [m0, m1, iteration, { ...phase, dur: 5000 }] }),
    ).toContain('event 3: phase ends after its iteration');
    expect(traceProblems({ ...trace, traceEvents: [m0, iteration] })).toContain(
      'process or thread is not named',
    );
    expect(traceProblems({ ...trace, traceEvents: [m0, m1, { ...iteration, ts: -1 }] })).toContain(
      'event 2: ts',
    );
    expect(
      traceProblems({ ...trace, traceEvents: [m0, m1, iteration, { ...iteration, ts: 500 }] }),
    ).toContain('event 3: iterations overlap');
  });

  it('rejects bad options', () => {
    const state = createProfiler().state();
    expect(() => toChromeTrace(state, { pid: -1 })).toThrow(InvalidArgumentError);
    expect(() => toChromeTrace(state, { pid: 1.5 })).toThrow(
      'toChromeTrace: pid must be an integer >= 0, got 1.5.',
    );
  });
});
