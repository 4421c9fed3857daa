import { StateRestoreError } from '@trainkit/core';
import { type ProfilerState, validateProfilerState } from './profiler-state';
import { type ProfileReport, type SummarizeOptions, summarizeProfile } from './summarize-profile';

/**
 * A profile as one JSON document: the report for people and tools, and the
 * raw state it was computed from (restorable with `restoreProfiler`).
 */
export interface ProfileJson {
  readonly kind: 'trainkit.profile';
  readonly version: 1;
  readonly report: ProfileReport;
  readonly state: ProfilerState;
}

/**
 * Packs a profile's report and raw samples into one JSON-safe object.
 *
 * @param state - From `profiler.state()`.
 * @param options - Passed to `summarizeProfile`.
 * @returns A {@link ProfileJson}; write it with `JSON.stringify`.
 *
 * @example
 * ```ts
 * writeFileSync('profile.json', JSON.stringify(toProfileJson(profiler.state())));
 * const again = restoreProfiler(parseProfileJson(readFileSync('profile.json', 'utf8')).state);
 * ```
 */
export function toProfileJson(state: ProfilerState, options: SummarizeOptions = {}): ProfileJson {
  return { kind: 'trainkit.profile', version: 1, report: summarizeProfile(state, options), state };
}

/**
 * Reads a {@link ProfileJson} from text or a parsed object and validates its
 * state (the report is kept as stored).
 *
 * @param json - The JSON text or the parsed value.
 * @returns The typed document.
 * @throws StateRestoreError when the text is not JSON or not a profile of this version.
 *
 * @example
 * ```ts
 * const { report, state } = parseProfileJson(readFileSync('profile.json', 'utf8'));
 * ```
 */
export function parseProfileJson(json: string | unknown): ProfileJson {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (cause) {
      throw new StateRestoreError('parseProfileJson', 'the text is not valid JSON.', { cause });
    }
  }
  if (typeof value !== 'object' || value === null) {
    throw new StateRestoreError('parseProfileJson', 'expected an object from toProfileJson.');
  }
  const record = value as Record<string, unknown>;
  if (record.kind !== 'trainkit.profile' || record.version !== 1) {
    throw new StateRestoreError(
      'parseProfileJson',
      `expected kind 'trainkit.profile' version 1, got kind ${JSON.stringify(record.kind)} version ${JSON.stringify(record.version)}. Pass the output of toProfileJson.`,
    );
  }
  if (typeof record.report !== 'object' || record.report === null) {
    throw new StateRestoreError(
      'parseProfileJson',
      'the report is missing. Pass the output of toProfileJson.',
    );
  }
  validateProfilerState('parseProfileJson', record.state);
  return value as ProfileJson;
}
