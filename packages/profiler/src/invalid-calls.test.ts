// Every invalid call of the pure entry throws a typed trainkit error naming the function and
// the argument, and a rejected call leaves a profiler's recorded state unchanged.
import { InvalidArgumentError, StateRestoreError, TrainkitError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { describeInvalidCalls, type InvalidCall } from '../../../invalid-calls.shared';
import {
  backendAdvice,
  createProfiler,
  estimateDuration,
  estimateTimes,
  estimateTimeToTrend,
  formatDuration,
  formatProfileReport,
  phaseAdvice,
  profileFromJSON,
  profilerStateFromJSON,
  profilerStateToJSON,
  profileToJSON,
  restoreProfiler,
  summarizeProfile,
  toChromeTrace,
  writeIterationScalars,
  writeProfileScalars,
} from './index';
import { manualClock } from './test-helpers';

function recorded() {
  const time = manualClock();
  const profiler = createProfiler({ clock: time.clock, warn: () => {} });
  profiler.phase('a');
  time.advance(10);
  profiler.endIteration(4);
  return { profiler, time, state: profiler.state() };
}
const { state } = recorded();
const sink = { scalars() {} };

const invalidCalls: InvalidCall[] = [
  // Issue 13.
  [
    'estimateDuration([], 10)',
    () => estimateDuration([], 10),
    InvalidArgumentError,
    'estimateDuration: durations must be a non-empty array, got []. Pass the durations of the iterations done so far; without one there is nothing to estimate from.',
  ],
  [
    'estimateDuration([1, 2], -1)',
    () => estimateDuration([1, 2], -1),
    InvalidArgumentError,
    'estimateDuration: horizon must be an integer >= 0, got -1. Pass the number of iterations still to run (0 or more).',
  ],
  [
    'estimateDuration([1, NaN], 5)',
    () => estimateDuration([1, Number.NaN], 5),
    InvalidArgumentError,
    'estimateDuration: durations[1] must be a finite number of milliseconds >= 0, got NaN.',
  ],
  [
    'estimateDuration([-1], 5)',
    () => estimateDuration([-1], 5),
    InvalidArgumentError,
    /durations\[0\]/,
  ],
  [
    'estimateDuration([Infinity], 5)',
    () => estimateDuration([Infinity], 5),
    InvalidArgumentError,
    /durations\[0\]/,
  ],
  ['estimateDuration([1], 1.5)', () => estimateDuration([1], 1.5), InvalidArgumentError, /horizon/],
  [
    'formatDuration(NaN)',
    () => formatDuration(Number.NaN),
    InvalidArgumentError,
    'formatDuration: ms must be a duration in milliseconds >= 0 (or Infinity), got NaN. A negative or NaN duration comes from clocks that went back or from missing data.',
  ],
  [
    'formatDuration(-5)',
    () => formatDuration(-5),
    InvalidArgumentError,
    /formatDuration: ms must be .* got -5\./,
  ],
  [
    'formatDuration(-Infinity)',
    () => formatDuration(-Infinity),
    InvalidArgumentError,
    /got -Infinity/,
  ],
  ['formatDuration("5")', () => formatDuration('5' as never), InvalidArgumentError, /got "5"/],
  // Options that are not objects.
  [
    'createProfiler(null)',
    () => createProfiler(null as never),
    InvalidArgumentError,
    'createProfiler: options must be an options object, got null. Pass an object such as { phases: [...] }, or nothing.',
  ],
  [
    'restoreProfiler(state, 3)',
    () => restoreProfiler(state, 3 as never),
    InvalidArgumentError,
    /restoreProfiler: options must be an options object/,
  ],
  [
    'summarizeProfile(state, null)',
    () => summarizeProfile(state, null as never),
    InvalidArgumentError,
    /summarizeProfile: options must be/,
  ],
  [
    'estimateTimes(state, [])',
    () => estimateTimes(state, [] as never),
    InvalidArgumentError,
    /estimateTimes: options must be/,
  ],
  [
    'estimateTimeToTrend([1, 2, 3], null)',
    () => estimateTimeToTrend([1, 2, 3], null as never),
    InvalidArgumentError,
    /estimateTimeToTrend: options must be/,
  ],
  [
    'toChromeTrace(state, null)',
    () => toChromeTrace(state, null as never),
    InvalidArgumentError,
    /toChromeTrace: options must be/,
  ],
  [
    'profileToJSON(state, null)',
    () => profileToJSON(state, null as never),
    InvalidArgumentError,
    /profileToJSON: options must be/,
  ],
  [
    'writeIterationScalars(sink, state, null)',
    () => writeIterationScalars(sink, state, null as never),
    InvalidArgumentError,
    /writeIterationScalars: options must be/,
  ],
  [
    'writeProfileScalars(sink, state, null)',
    () => writeProfileScalars(sink, state, null as never),
    InvalidArgumentError,
    /writeProfileScalars: options must be an object with a step/,
  ],
  [
    'writeProfileScalars({}, state, { step: 1 })',
    () => writeProfileScalars({} as never, state, { step: 1 }),
    InvalidArgumentError,
    /writer must be a ScalarSink/,
  ],
  // Not what the function reads.
  [
    'formatProfileReport(null)',
    () => formatProfileReport(null as never),
    InvalidArgumentError,
    'formatProfileReport: report must be a ProfileReport, got null. Pass the result of summarizeProfile(state).',
  ],
  [
    'formatProfileReport({})',
    () => formatProfileReport({} as never),
    InvalidArgumentError,
    /report must be a ProfileReport/,
  ],
  [
    'formatProfileReport(report, null)',
    () => formatProfileReport(summarizeProfile(state), null as never),
    InvalidArgumentError,
    /options must be/,
  ],
  [
    'summarizeProfile(undefined)',
    () => summarizeProfile(undefined as never),
    StateRestoreError,
    /summarizeProfile/,
  ],
  [
    'profilerStateToJSON(undefined)',
    () => profilerStateToJSON(undefined as never),
    StateRestoreError,
    /profilerStateToJSON/,
  ],
  [
    'profilerStateFromJSON("{")',
    () => profilerStateFromJSON('{'),
    StateRestoreError,
    /profilerStateFromJSON/,
  ],
  ['profileFromJSON(42)', () => profileFromJSON(42), StateRestoreError, /profileFromJSON/],
  [
    'phaseAdvice(undefined)',
    () => phaseAdvice(undefined as never),
    InvalidArgumentError,
    'phaseAdvice: phase must be a phase name (a string), got undefined.',
  ],
  [
    'phaseAdvice("a", null)',
    () => phaseAdvice('a', null as never),
    InvalidArgumentError,
    /phaseAdvice: context must be an options object/,
  ],
  [
    'backendAdvice({ backend: 3 })',
    () => backendAdvice({ backend: 3 } as never),
    InvalidArgumentError,
    /backendAdvice: backend.backend must be a backend name/,
  ],
  [
    'backendAdvice({ backend: "wasm", threads: 0 })',
    () => backendAdvice({ backend: 'wasm', threads: 0 }),
    InvalidArgumentError,
    /backend.threads must be an integer >= 1/,
  ],
];

describeInvalidCalls(invalidCalls, { exactMessages: true });

describe('documented edges', () => {
  it('keeps documented behaviour at the edges: Infinity prints as ∞, a zero horizon costs nothing', () => {
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('∞');
    expect(formatDuration(0)).toBe('0.00 ms');
    expect(estimateDuration([4, 6], 0)).toEqual({
      iterations: 0,
      expectedMs: 0,
      lowMs: 0,
      highMs: 0,
    });
  });
});

describe('a rejected profiler call leaves the recorded state unchanged', () => {
  const calls: ReadonlyArray<readonly [string, (p: ReturnType<typeof recorded>) => unknown]> = [
    ['phase(NaN id)', ({ profiler }) => profiler.phase(Number.NaN)],
    ['phase(7) (unknown id)', ({ profiler }) => profiler.phase(7)],
    ['phase("")', ({ profiler }) => profiler.phase('')],
    ['phase("b", "soon")', ({ profiler }) => profiler.phase('b', 'soon' as never)],
    ['phase("b", earlier time)', ({ profiler }) => profiler.phase('b', 1)],
    ['phase("b", Infinity)', ({ profiler }) => profiler.phase('b', Number.POSITIVE_INFINITY)],
    ['endPhase() with no iteration', ({ profiler }) => profiler.endPhase()],
    ['endIteration() with no iteration', ({ profiler }) => profiler.endIteration()],
    ['beginIteration(Symbol)', ({ profiler }) => profiler.beginIteration(Symbol('t') as never)],
    [
      'endIteration(-1) in an open iteration',
      ({ profiler, time }) => {
        profiler.phase('a');
        time.advance(5);
        const before = profiler.state();
        try {
          profiler.endIteration(-1);
        } finally {
          expect(profiler.state()).toEqual(before);
          expect(profiler.iterationOpen).toBe(true);
        }
      },
    ],
    ['phaseId(42)', ({ profiler }) => profiler.phaseId(42 as never)],
  ];
  it.each(calls)('%s', (_name, call) => {
    const run = recorded();
    const before = run.profiler.state();
    expect(() => call(run)).toThrow(TrainkitError);
    expect(run.profiler.state()).toEqual(before);
    expect(run.profiler.phaseNames()).toEqual(['a']);
  });
});
