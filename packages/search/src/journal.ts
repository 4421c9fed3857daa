import {
  decodeJsonNumber,
  encodeJsonNumber,
  formatValue,
  StateRestoreError,
  stateEnvelope,
} from '@trainkit/core';
import { JournalCorruptError, JournalMismatchError } from './errors';
import type { Config, ParameterValue } from './space';
import type { StrategyDescription } from './strategy';
import type {
  Direction,
  TrialBudget,
  TrialError,
  TrialReport,
  TrialState,
  TrialView,
} from './trial';
import { isTerminal } from './trial';

/**
 * The `format` of a journal's header record.
 *
 * @example
 * ```ts
 * JSON.parse(firstLine).format === journalFormat; // a search journal
 * ```
 */
export const journalFormat = 'trainkit.search.journal';
/**
 * The journal format version this package writes and reads.
 *
 * @example
 * ```ts
 * JSON.parse(firstLine).version <= journalVersion; // readable by this release
 * ```
 */
export const journalVersion = 1;

/** What identifies a search: the strategy (with its space) and the direction. */
export interface SearchDescription {
  /** A random id chosen when the journal was created (names the distributed queue's keys). */
  readonly id: string;
  readonly direction: Direction;
  readonly strategy: StrategyDescription;
}

/** The first record of every journal. */
export interface HeaderRecord {
  readonly op: 'header';
  readonly format: typeof journalFormat;
  readonly version: number;
  readonly search: SearchDescription;
  readonly time: number;
}

/** A trial was planned. Trial numbers are 0, 1, 2, ... in record order. */
export interface CreatedRecord {
  readonly op: 'created';
  readonly trial: number;
  readonly config: Config;
  readonly stage: number;
  readonly parent: number | undefined;
  readonly reason: string;
  readonly budget: TrialBudget | undefined;
  readonly time: number;
}

/** An attempt of a trial started (attempt 1, then 2 after a crash, ...). */
export interface StartedRecord {
  readonly op: 'started';
  readonly trial: number;
  readonly attempt: number;
  /** Who runs it: `host:pid` (in-process and pool) or a worker's id (distributed). */
  readonly owner: string;
  readonly time: number;
}

/** An intermediate value. */
export interface ReportedRecord {
  readonly op: 'reported';
  readonly trial: number;
  readonly attempt: number;
  readonly step: number;
  readonly value: number;
  readonly time: number;
}

/** The trial finished with its final value. */
export interface FinishedRecord {
  readonly op: 'finished';
  readonly trial: number;
  readonly attempt: number;
  readonly value: number;
  readonly time: number;
}

/** The trial threw or produced a non-finite value. */
export interface FailedRecord {
  readonly op: 'failed';
  readonly trial: number;
  readonly attempt: number;
  readonly error: TrialError;
  readonly time: number;
}

/** The pruner stopped the trial. */
export interface PrunedRecord {
  readonly op: 'pruned';
  readonly trial: number;
  readonly attempt: number;
  /** The step and value of the last report, if any. */
  readonly step: number | undefined;
  readonly value: number | undefined;
  readonly reason: string;
  readonly time: number;
}

/** One event of a search; a journal is a header followed by these, one JSON object per line. */
export type JournalRecord =
  | HeaderRecord
  | CreatedRecord
  | StartedRecord
  | ReportedRecord
  | FinishedRecord
  | FailedRecord
  | PrunedRecord;

/** A record's operation name. */
export type JournalOp = JournalRecord['op'];

/**
 * Encodes a record as one JSON line (with the trailing newline). Non-finite
 * values are kept as the strings "NaN", "Infinity", "-Infinity".
 *
 * @example
 * ```ts
 * encodeJournalRecord({ op: 'finished', trial: 0, attempt: 1, value: 0.25, time: 0 });
 * // '{"op":"finished","trial":0,"attempt":1,"value":0.25,"time":0}\n'
 * ```
 */
export function encodeJournalRecord(record: JournalRecord): string {
  let json: Record<string, unknown>;
  switch (record.op) {
    case 'reported':
    case 'finished':
      json = { ...record, value: encodeJsonNumber(record.value) };
      break;
    case 'pruned':
      json = {
        ...record,
        step: record.step ?? null,
        value: record.value === undefined ? null : encodeJsonNumber(record.value),
      };
      break;
    case 'created':
      json = { ...record, parent: record.parent ?? null, budget: record.budget ?? null };
      break;
    case 'header':
      // The versioned envelope of trainkit's serialized states: format and version first.
      json = {
        ...stateEnvelope(record.format, record.version, {
          op: record.op,
          search: record.search,
          time: record.time,
        }),
      };
      break;
    default:
      json = { ...record };
  }
  return `${JSON.stringify(json)}\n`;
}

class RecordProblem extends Error {}

function field(record: Record<string, unknown>, key: string): unknown {
  if (!(key in record)) throw new RecordProblem(`field "${key}" is missing`);
  return record[key];
}

function integerField(record: Record<string, unknown>, key: string, min = 0): number {
  const value = field(record, key);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new RecordProblem(`"${key}" must be an integer >= ${min}, got ${formatValue(value)}`);
  }
  return value;
}

function numberField(record: Record<string, unknown>, key: string): number {
  const value = field(record, key);
  try {
    return decodeJsonNumber('decodeJournalRecord', key, value);
  } catch (error) {
    if (StateRestoreError.isInstance(error)) throw new RecordProblem(error.message);
    throw error;
  }
}

function stringField(record: Record<string, unknown>, key: string): string {
  const value = field(record, key);
  if (typeof value !== 'string') {
    throw new RecordProblem(`"${key}" must be a string, got ${formatValue(value)}`);
  }
  return value;
}

function objectField(record: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = field(record, key);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RecordProblem(`"${key}" must be an object, got ${formatValue(value)}`);
  }
  return value as Record<string, unknown>;
}

function decodeConfig(value: Record<string, unknown>): Config {
  for (const [key, v] of Object.entries(value)) {
    const ok =
      typeof v === 'string' ||
      typeof v === 'boolean' ||
      (typeof v === 'number' && Number.isFinite(v));
    if (!ok) throw new RecordProblem(`config.${key} must be a number, string or boolean`);
  }
  return Object.freeze({ ...(value as Record<string, ParameterValue>) });
}

function decodeBudget(value: unknown): TrialBudget | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') throw new RecordProblem('"budget" must be an object or null');
  const budget = value as Record<string, unknown>;
  const epochs = integerField(budget, 'epochs', 1);
  const decay = field(budget, 'learningRateDecay');
  if (typeof decay !== 'boolean')
    throw new RecordProblem('"budget.learningRateDecay" must be a boolean');
  return Object.freeze({ epochs, learningRateDecay: decay });
}

/**
 * Validates one parsed JSON line as a journal record.
 *
 * @throws Error (internal) describing the problem; {@link parseJournal} turns it into a
 *   {@link JournalCorruptError} with the line number.
 */
function decodeRecordOrThrow(json: unknown): JournalRecord {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new RecordProblem('expected a JSON object');
  }
  const record = json as Record<string, unknown>;
  const op = field(record, 'op');
  const time = numberField(record, 'time');
  switch (op) {
    case 'header': {
      const format = field(record, 'format');
      if (format !== journalFormat) {
        throw new RecordProblem(`"format" must be "${journalFormat}", got ${formatValue(format)}`);
      }
      const version = integerField(record, 'version', 1);
      if (version > journalVersion) {
        throw new RecordProblem(
          `version ${version} is newer than this package reads (${journalVersion}); upgrade @trainkit/search`,
        );
      }
      const search = objectField(record, 'search');
      const id = stringField(search, 'id');
      const direction = field(search, 'direction');
      if (direction !== 'minimize' && direction !== 'maximize') {
        throw new RecordProblem(`"search.direction" must be "minimize" or "maximize"`);
      }
      const strategy = objectField(search, 'strategy');
      if (typeof strategy.kind !== 'string')
        throw new RecordProblem('"search.strategy.kind" is missing');
      return {
        op,
        format: journalFormat,
        version,
        search: { id, direction, strategy: strategy as StrategyDescription },
        time,
      };
    }
    case 'created': {
      const parent = field(record, 'parent');
      if (parent !== null && (typeof parent !== 'number' || !Number.isSafeInteger(parent))) {
        throw new RecordProblem('"parent" must be a trial number or null');
      }
      return {
        op,
        trial: integerField(record, 'trial'),
        config: decodeConfig(objectField(record, 'config')),
        stage: integerField(record, 'stage', 1),
        parent: parent === null ? undefined : (parent as number),
        reason: stringField(record, 'reason'),
        budget: decodeBudget(field(record, 'budget')),
        time,
      };
    }
    case 'started':
      return {
        op,
        trial: integerField(record, 'trial'),
        attempt: integerField(record, 'attempt', 1),
        owner: stringField(record, 'owner'),
        time,
      };
    case 'reported':
      return {
        op,
        trial: integerField(record, 'trial'),
        attempt: integerField(record, 'attempt', 1),
        step: integerField(record, 'step'),
        value: numberField(record, 'value'),
        time,
      };
    case 'finished':
      return {
        op,
        trial: integerField(record, 'trial'),
        attempt: integerField(record, 'attempt', 1),
        value: numberField(record, 'value'),
        time,
      };
    case 'failed': {
      const error = objectField(record, 'error');
      const name = stringField(error, 'name');
      const message = stringField(error, 'message');
      const stack = error.stack;
      return {
        op,
        trial: integerField(record, 'trial'),
        attempt: integerField(record, 'attempt', 1),
        error: typeof stack === 'string' ? { name, message, stack } : { name, message },
        time,
      };
    }
    case 'pruned': {
      const step = field(record, 'step');
      const value = field(record, 'value');
      if (step !== null && (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0)) {
        throw new RecordProblem('"step" must be an integer >= 0 or null');
      }
      return {
        op,
        trial: integerField(record, 'trial'),
        attempt: integerField(record, 'attempt', 1),
        step: step === null ? undefined : (step as number),
        value: value === null ? undefined : numberField(record, 'value'),
        reason: stringField(record, 'reason'),
        time,
      };
    }
    default:
      throw new RecordProblem(`unknown "op" ${formatValue(op)}`);
  }
}

/**
 * Validates one parsed JSON value as a journal record.
 *
 * @param json - The parsed line.
 * @param path - The journal, for the error message.
 * @param line - 1-based line number, for the error message.
 * @throws JournalCorruptError naming the line and the problem.
 *
 * @example
 * ```ts
 * decodeJournalRecord(JSON.parse(line), 'search.jsonl', 12);
 * ```
 */
export function decodeJournalRecord(json: unknown, path: string, line: number): JournalRecord {
  try {
    return decodeRecordOrThrow(json);
  } catch (error) {
    if (error instanceof RecordProblem) {
      throw new JournalCorruptError({
        functionName: 'decodeJournalRecord',
        path,
        line,
        reason: error.message,
      });
    }
    throw error;
  }
}

/** What {@link parseJournal} found. */
export interface ParsedJournal {
  readonly records: JournalRecord[];
  /** Characters of `text` that hold whole records (everything but a torn tail). */
  readonly validLength: number;
  /** The torn last line (a write cut short), skipped; undefined when there is none. */
  readonly tornTail: string | undefined;
  /** The last record is whole but its newline is missing (the next append must add it). */
  readonly missingNewline: boolean;
}

/**
 * Parses journal text: one JSON record per line. A last line without its
 * newline that does not parse is a torn write and is skipped (reported in
 * `tornTail`); a bad line followed by other lines is corruption. Blank lines
 * are ignored.
 *
 * @param text - The journal's content.
 * @param path - For error messages. Default `<records>`.
 * @param firstLine - The line number of the text's first line (when parsing the rest of a file). Default 1.
 * @returns The records, the length of the valid prefix and the torn tail.
 * @throws JournalCorruptError naming the line of a bad record that is not the torn tail.
 *
 * @example
 * ```ts
 * const { records, tornTail } = parseJournal(readFileSync('search.jsonl', 'utf8'), 'search.jsonl');
 * ```
 */
export function parseJournal(text: string, path = '<records>', firstLine = 1): ParsedJournal {
  const records: JournalRecord[] = [];
  let offset = 0;
  let line = firstLine - 1;
  while (offset < text.length) {
    line++;
    const newline = text.indexOf('\n', offset);
    const complete = newline !== -1;
    const end = complete ? newline : text.length;
    const content = text.slice(offset, end);
    if (content.trim() === '') {
      offset = complete ? end + 1 : end;
      continue;
    }
    let json: unknown;
    let syntaxError: unknown;
    try {
      json = JSON.parse(content);
    } catch (error) {
      syntaxError = error;
    }
    if (syntaxError !== undefined) {
      if (!complete) {
        return { records, validLength: offset, tornTail: content, missingNewline: false };
      }
      throw new JournalCorruptError({
        functionName: 'parseJournal',
        path,
        line,
        reason: `not JSON (${(syntaxError as Error).message})`,
        cause: syntaxError,
      });
    }
    if (!complete) {
      // Whole JSON without its newline: keep it if it is a valid record, else it is torn.
      try {
        records.push(decodeJournalRecord(json, path, line));
      } catch {
        return { records, validLength: offset, tornTail: content, missingNewline: false };
      }
      return { records, validLength: text.length, tornTail: undefined, missingNewline: true };
    }
    records.push(decodeJournalRecord(json, path, line));
    offset = end + 1;
  }
  return { records, validLength: text.length, tornTail: undefined, missingNewline: false };
}

/** A mutable-by-replacement view of the search, rebuilt record by record. */
export interface JournalState {
  header: HeaderRecord | undefined;
  /** Trials by number (array index = trial number). */
  trials: TrialView[];
  /** Records that repeated an outcome already recorded (ignored; first result wins). */
  duplicates: JournalRecord[];
  /** How many records have been applied. */
  recordCount: number;
}

/**
 * An empty state, before the header.
 *
 * @example
 * ```ts
 * const state = createJournalState();
 * for (const record of records) applyJournalRecord(state, record);
 * ```
 */
export function createJournalState(): JournalState {
  return { header: undefined, trials: [], duplicates: [], recordCount: 0 };
}

function withReport(reports: readonly TrialReport[], step: number, value: number): TrialReport[] {
  const next = reports.filter((r) => r.step !== step);
  next.push({ step, value });
  next.sort((a, b) => a.step - b.step);
  return next;
}

function replayProblem(path: string, line: number, reason: string): JournalCorruptError {
  return new JournalCorruptError({ functionName: 'applyJournalRecord', path, line, reason });
}

/**
 * Applies one record to the state (replay). Exactly once: the first outcome
 * (finished, failed or pruned) of a trial wins; later outcomes, starts and
 * reports of an ended trial are ignored and listed in `duplicates`.
 *
 * @param state - Updated in place (its trial entries are replaced, not mutated).
 * @param record - The next record.
 * @param path - For errors. Default `<records>`.
 * @throws JournalCorruptError for a record that cannot follow the previous ones
 *   (a second header, a trial number out of sequence, an event for an unknown trial).
 *
 * @example
 * ```ts
 * const state = createJournalState();
 * for (const record of records) applyJournalRecord(state, record);
 * ```
 */
export function applyJournalRecord(
  state: JournalState,
  record: JournalRecord,
  path = '<records>',
): void {
  const line = state.recordCount + 1;
  if (record.op === 'header') {
    if (state.header !== undefined || state.recordCount > 0) {
      throw replayProblem(path, line, 'a header after the first record');
    }
    state.header = record;
    state.recordCount++;
    return;
  }
  if (state.header === undefined)
    throw replayProblem(path, line, 'the first record must be the header');
  if (record.op === 'created') {
    if (record.trial !== state.trials.length) {
      throw replayProblem(
        path,
        line,
        `trial ${record.trial} created out of sequence (expected trial ${state.trials.length})`,
      );
    }
    state.trials.push(
      Object.freeze({
        trial: record.trial,
        config: record.config,
        stage: record.stage,
        parent: record.parent,
        reason: record.reason,
        budget: record.budget,
        state: 'created' as TrialState,
        value: undefined,
        reports: [],
        attempts: 0,
        owner: undefined,
        error: undefined,
        createdAt: record.time,
        startedAt: undefined,
        endedAt: undefined,
      }),
    );
    state.recordCount++;
    return;
  }
  const current = state.trials[record.trial];
  if (current === undefined) {
    throw replayProblem(
      path,
      line,
      `"${record.op}" for trial ${record.trial}, which was never created`,
    );
  }
  state.recordCount++;
  if (isTerminal(current.state)) {
    state.duplicates.push(record);
    return;
  }
  let next: TrialView;
  switch (record.op) {
    case 'started':
      next = {
        ...current,
        state: 'running',
        attempts: Math.max(current.attempts, record.attempt),
        owner: record.owner,
        startedAt: current.startedAt ?? record.time,
      };
      break;
    case 'reported':
      next = { ...current, reports: withReport(current.reports, record.step, record.value) };
      break;
    case 'finished':
      next = { ...current, state: 'finished', value: record.value, endedAt: record.time };
      break;
    case 'failed':
      next = { ...current, state: 'failed', error: record.error, endedAt: record.time };
      break;
    case 'pruned':
      next = {
        ...current,
        state: 'pruned',
        value: record.value,
        error: { name: 'Pruned', message: record.reason },
        endedAt: record.time,
      };
      break;
  }
  state.trials[record.trial] = Object.freeze(next);
}

/**
 * Replays records into a state.
 *
 * @example
 * ```ts
 * const { trials } = replayJournal(parseJournal(text).records);
 * ```
 */
export function replayJournal(records: readonly JournalRecord[], path = '<records>'): JournalState {
  const state = createJournalState();
  for (const record of records) applyJournalRecord(state, record, path);
  return state;
}

function describeJson(value: unknown): string {
  return value === undefined ? 'absent' : JSON.stringify(value);
}

/** The first path where two JSON values differ, or undefined when they are equal. */
function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (a === b) return undefined;
  if (typeof a === 'number' && typeof b === 'number' && Object.is(a, b)) return undefined;
  if (
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    a === null ||
    b === null ||
    Array.isArray(a) !== Array.isArray(b)
  ) {
    return path;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const length = Math.max(a.length, b.length);
    for (let i = 0; i < length; i++) {
      const found = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const found = firstDifference(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      `${path}.${key}`,
    );
    if (found !== undefined) return found;
  }
  return undefined;
}

function valueAt(root: unknown, path: string): unknown {
  const parts = path.match(/[^.[\]]+/g) ?? [];
  let value: unknown = root;
  for (const part of parts.slice(1)) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * Checks that a journal's header describes this search: same direction, same
 * strategy (including its space), except the strategy's `extendable` fields.
 *
 * @throws JournalMismatchError naming the first difference.
 *
 * @example
 * ```ts
 * checkJournalHeader(header, { direction: 'minimize', strategy: strategy.description }, strategy.extendable, 'search.jsonl');
 * ```
 */
export function checkJournalHeader(
  header: HeaderRecord,
  current: Omit<SearchDescription, 'id'>,
  extendable: readonly string[],
  path: string,
): void {
  const strip = (description: StrategyDescription) =>
    Object.fromEntries(Object.entries(description).filter(([key]) => !extendable.includes(key)));
  const recorded = { direction: header.search.direction, strategy: strip(header.search.strategy) };
  const mine = {
    direction: current.direction,
    strategy: strip(JSON.parse(JSON.stringify(current.strategy))),
  };
  const difference = firstDifference(recorded, mine, 'search');
  if (difference === undefined) return;
  throw new JournalMismatchError({
    functionName: 'runSearch',
    path,
    field: difference.replace(/^search\./, ''),
    recorded: describeJson(valueAt(recorded, difference)),
    current: describeJson(valueAt(mine, difference)),
  });
}
