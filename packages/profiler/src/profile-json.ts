import {
  checkArguments,
  readStateEnvelope,
  type StateEnvelope,
  stateEnvelope,
} from '@trainkit/core';
import { type ProfilerState, validateProfilerState } from './profiler-state';
import { type ProfileReport, type SummarizeOptions, summarizeProfile } from './summarize-profile';

const FORMAT = 'trainkit.profiler.profile' as const;

/** A profile as {@link profileFromJSON} returns it: the report and the raw state. */
export interface SavedProfile {
  /** The report, as stored (not recomputed). */
  readonly report: ProfileReport;
  /** The raw samples, restorable with `restoreProfiler`. */
  readonly state: ProfilerState;
}

/**
 * A profile as one JSON document (versioned envelope
 * `{ format: 'trainkit.profiler.profile', version: 1, report, state }`): the
 * report for people and tools, and the raw state it was computed from.
 */
export interface ProfileJSON extends StateEnvelope<typeof FORMAT, 1>, SavedProfile {}

/**
 * Packs a profile's report and raw samples into one JSON-safe object.
 *
 * @param state - From `profiler.state()`.
 * @param options - Passed to `summarizeProfile`.
 * @returns A {@link ProfileJSON}; write it with `JSON.stringify`.
 *
 * @example
 * ```ts
 * writeFileSync('profile.json', JSON.stringify(profileToJSON(profiler.state())));
 * const again = restoreProfiler(profileFromJSON(readFileSync('profile.json', 'utf8')).state);
 * ```
 */
export function profileToJSON(state: ProfilerState, options: SummarizeOptions = {}): ProfileJSON {
  options = checkArguments('profileToJSON').options('options', options, '{ warmupIterations: 1 }');
  return stateEnvelope(FORMAT, 1, { report: summarizeProfile(state, options), state });
}

/**
 * Reads a profile written by {@link profileToJSON} (the object, its JSON round
 * trip or its JSON text) and validates its state (the report is kept as stored).
 *
 * @param json - What {@link profileToJSON} returned.
 * @returns The report and the state.
 * @throws StateRestoreError when it is not JSON, not a profile of this version, or its state is malformed.
 *
 * @example
 * ```ts
 * const { report, state } = profileFromJSON(readFileSync('profile.json', 'utf8'));
 * ```
 */
export function profileFromJSON(json: unknown): SavedProfile {
  const read = readStateEnvelope('profileFromJSON', json, {
    format: FORMAT,
    version: 1,
    writer: 'profileToJSON',
  });
  const report = read.object('report').record as unknown as ProfileReport;
  const state = validateProfilerState('profileFromJSON', read.object('state').record);
  return { report, state };
}
