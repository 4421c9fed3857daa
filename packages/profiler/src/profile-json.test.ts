import { StateRestoreError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { parseProfileJson, toProfileJson } from './profile-json';
import { restoreProfiler } from './profiler';
import { summarizeProfile } from './summarize-profile';
import { loadFixtureCases, replayCase } from './test-helpers';

describe('profile JSON', () => {
  it('round-trips the report and the raw samples exactly', () => {
    const fixture = loadFixtureCases()[1]!;
    const state = replayCase(fixture).state();
    const text = JSON.stringify(toProfileJson(state, { warmupIterations: 2 }));
    const parsed = parseProfileJson(text);
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
    const json = JSON.parse(JSON.stringify(toProfileJson(state)));
    expect(parseProfileJson(json).state).toEqual(state);
  });

  it.each([
    ['{not json', 'parseProfileJson: the text is not valid JSON.'],
    ['42', 'parseProfileJson: expected an object from toProfileJson.'],
    [
      '{"kind":"trainkit.profile","version":3}',
      'parseProfileJson: expected kind \'trainkit.profile\' version 1, got kind "trainkit.profile" version 3. Pass the output of toProfileJson.',
    ],
    [
      '{"kind":"trainkit.profile","version":1}',
      'parseProfileJson: the report is missing. Pass the output of toProfileJson.',
    ],
    [
      '{"kind":"trainkit.profile","version":1,"report":{},"state":{"kind":"trainkit.profiler.state","version":1}}',
      'parseProfileJson: phases must be an array of distinct non-empty strings.',
    ],
  ])('rejects %s', (text, message) => {
    expect(() => parseProfileJson(text)).toThrow(StateRestoreError);
    expect(() => parseProfileJson(text)).toThrow(message);
  });
});
