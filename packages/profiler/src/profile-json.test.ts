import { StateRestoreError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { describeStateFormat } from '../../../state.shared';
import { profileFromJSON, profileToJSON } from './profile-json';
import { restoreProfiler } from './profiler';
import { profilerStateFromJSON, profilerStateToJSON } from './profiler-state';
import { summarizeProfile } from './summarize-profile';
import { loadFixtureCases, replayCase } from './test-helpers';

describe('profile JSON', () => {
  it('round-trips the report and the raw samples exactly', () => {
    const fixture = loadFixtureCases()[1]!;
    const state = replayCase(fixture).state();
    const text = JSON.stringify(profileToJSON(state, { warmupIterations: 2 }));
    const parsed = profileFromJSON(text);
    expect(parsed.state).toEqual(state);
    expect(parsed.report).toEqual(summarizeProfile(state, { warmupIterations: 2 }));
    expect(parsed.report.iterations).toBe(fixture.phaseMs.length - 2);
    // the restored profiler holds the same samples, bit for bit
    const restored = restoreProfiler(parsed.state);
    expect(restored.state()).toEqual(state);
    expect(
      Object.is(restored.state().iterations.phaseMs[3]![2], state.iterations.phaseMs[3]![2]),
    ).toBe(true);
  });

  it('accepts an already parsed object', () => {
    const state = replayCase(loadFixtureCases()[0]!).state();
    const json = JSON.parse(JSON.stringify(profileToJSON(state)));
    expect(profileFromJSON(json).state).toEqual(state);
  });

  it.each([
    ['{not json', 'profileFromJSON: the text is not valid JSON'],
    ['42', 'profileFromJSON: expected a trainkit.profiler.profile state object, got 42.'],
    [
      '{"kind":"trainkit.profile","version":1}',
      'profileFromJSON: expected format "trainkit.profiler.profile", got undefined.',
    ],
    [
      '{"format":"trainkit.profiler.profile","version":3}',
      'profileFromJSON: trainkit.profiler.profile version 3 was written by a newer release',
    ],
    [
      '{"format":"trainkit.profiler.profile","version":1}',
      'profileFromJSON: report must be an object, got undefined.',
    ],
    [
      '{"format":"trainkit.profiler.profile","version":1,"report":{},"state":{}}',
      'profileFromJSON: phases must be an array of distinct non-empty strings.',
    ],
  ])('rejects %s', (text, message) => {
    expect(() => profileFromJSON(text)).toThrow(StateRestoreError);
    expect(() => profileFromJSON(text)).toThrow(message);
  });
});

describe('profilerStateToJSON / profilerStateFromJSON', () => {
  describeStateFormat({
    format: 'trainkit.profiler.state',
    version: 1,
    toJSON: profilerStateToJSON,
    fromJSON: profilerStateFromJSON,
    samples: () => loadFixtureCases().map((fixture) => replayCase(fixture).state()),
  });

  it('restores a profiler that continues exactly', () => {
    const state = replayCase(loadFixtureCases()[2]!).state();
    const restored = restoreProfiler(
      profilerStateFromJSON(JSON.stringify(profilerStateToJSON(state))),
    );
    expect(restored.state()).toEqual(state);
  });
});
