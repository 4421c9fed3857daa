import { describe, expect, it } from 'vitest';
import { JournalCorruptError, JournalMismatchError } from './errors';
import type { JournalRecord } from './journal';
import {
  checkJournalHeader,
  encodeJournalRecord,
  journalFormat,
  parseJournal,
  replayJournal,
} from './journal';

const header: JournalRecord = {
  op: 'header',
  format: journalFormat,
  version: 1,
  search: { id: 'abc', direction: 'minimize', strategy: { kind: 'grid', pointsPerParameter: 3 } },
  time: 1,
};

const records: JournalRecord[] = [
  header,
  {
    op: 'created',
    trial: 0,
    config: { lr: 0.01, optimizer: 'adam', nesterov: false },
    stage: 1,
    parent: undefined,
    reason: 'grid point 1 of 2',
    budget: { epochs: 3, learningRateDecay: false },
    time: 2,
  },
  {
    op: 'created',
    trial: 1,
    config: { lr: 0.1, optimizer: 'sgd', nesterov: true },
    stage: 2,
    parent: 0,
    reason: 'refined',
    budget: undefined,
    time: 3,
  },
  { op: 'started', trial: 0, attempt: 1, owner: 'host:1', time: 4 },
  { op: 'reported', trial: 0, attempt: 1, step: 1, value: 0.5, time: 5 },
  { op: 'reported', trial: 0, attempt: 1, step: 2, value: Number.NaN, time: 6 },
  { op: 'failed', trial: 0, attempt: 1, error: { name: 'Error', message: 'boom' }, time: 7 },
  { op: 'started', trial: 1, attempt: 1, owner: 'host:1', time: 8 },
  { op: 'pruned', trial: 1, attempt: 1, step: undefined, value: undefined, reason: 'r', time: 9 },
];
const text = records.map(encodeJournalRecord).join('');

describe('journal encoding', () => {
  it('is one JSON object per line and round-trips every record, NaN included', () => {
    expect(text.split('\n')).toHaveLength(records.length + 1);
    expect(encodeJournalRecord(records[4]!)).toBe(
      '{"op":"reported","trial":0,"attempt":1,"step":1,"value":0.5,"time":5}\n',
    );
    expect(encodeJournalRecord(records[5]!)).toContain('"value":"NaN"');
    // The header is trainkit's versioned envelope: format and version first.
    expect(encodeJournalRecord(header)).toBe(
      '{"format":"trainkit.search.journal","version":1,"op":"header","search":{"id":"abc","direction":"minimize","strategy":{"kind":"grid","pointsPerParameter":3}},"time":1}\n',
    );
    const parsed = parseJournal(text);
    expect(parsed.records).toEqual(records);
    expect(parsed.tornTail).toBeUndefined();
    expect(parsed.validLength).toBe(text.length);
  });
});

describe('parseJournal', () => {
  it('skips a torn last line and reports where the valid part ends', () => {
    const torn = `${text}{"op":"started","tri`;
    const parsed = parseJournal(torn);
    expect(parsed.records).toHaveLength(records.length);
    expect(parsed.tornTail).toBe('{"op":"started","tri');
    expect(parsed.validLength).toBe(text.length);
  });

  it('keeps a whole last record whose newline is missing', () => {
    const parsed = parseJournal(text.slice(0, -1));
    expect(parsed.records).toEqual(records);
    expect(parsed.missingNewline).toBe(true);
  });

  it('treats a last line that is JSON but not a record as torn', () => {
    const parsed = parseJournal(`${text}{"op":"started"}`);
    expect(parsed.tornTail).toBe('{"op":"started"}');
  });

  it('refuses a damaged line in the middle, naming its line number', () => {
    const lines = text.split('\n');
    lines[4] = lines[4]!.slice(0, 20);
    let error: unknown;
    try {
      parseJournal(lines.join('\n'), 'search.jsonl');
    } catch (caught) {
      error = caught;
    }
    expect(JournalCorruptError.isInstance(error)).toBe(true);
    expect((error as JournalCorruptError).line).toBe(5);
    expect((error as JournalCorruptError).message).toContain(
      'search.jsonl line 5 is not a valid journal record',
    );
  });

  it('refuses a complete line with a bad field, naming the field', () => {
    const bad = text.replace('"step":1,', '"step":-1,');
    expect(() => parseJournal(bad)).toThrow(
      'line 5 is not a valid journal record: "step" must be an integer >= 0, got -1',
    );
    expect(() => parseJournal(text.replace('"op":"pruned"', '"op":"paused"'))).toThrow(
      'unknown "op" "paused"',
    );
    expect(() => parseJournal(text.replace('"version":1', '"version":2'))).toThrow(
      'version 2 is newer',
    );
  });
});

describe('replayJournal', () => {
  it('rebuilds trial states, attempts and reports', () => {
    const state = replayJournal(records);
    expect(state.trials.map((t) => t.state)).toEqual(['failed', 'pruned']);
    expect(state.trials[0]!.reports.map((r) => r.step)).toEqual([1, 2]);
    expect(state.trials[0]!.error).toEqual({ name: 'Error', message: 'boom' });
    expect(state.trials[1]!.parent).toBe(0);
    expect(state.trials[1]!.stage).toBe(2);
  });

  it('keeps the first outcome of a trial and lists later ones as duplicates', () => {
    const extra: JournalRecord[] = [
      header,
      records[1]!,
      { op: 'started', trial: 0, attempt: 1, owner: 'a', time: 3 },
      { op: 'started', trial: 0, attempt: 2, owner: 'b', time: 4 },
      { op: 'reported', trial: 0, attempt: 2, step: 1, value: 0.3, time: 5 },
      { op: 'reported', trial: 0, attempt: 2, step: 1, value: 0.2, time: 5 },
      { op: 'finished', trial: 0, attempt: 2, value: 0.25, time: 6 },
      { op: 'finished', trial: 0, attempt: 1, value: 0.75, time: 7 },
      { op: 'reported', trial: 0, attempt: 1, step: 9, value: 0.1, time: 8 },
    ];
    const state = replayJournal(extra);
    expect(state.trials[0]!.value).toBe(0.25);
    expect(state.trials[0]!.attempts).toBe(2);
    expect(state.trials[0]!.reports).toEqual([{ step: 1, value: 0.2 }]);
    expect(state.duplicates.map((r) => r.op)).toEqual(['finished', 'reported']);
  });

  it('refuses records that cannot follow each other', () => {
    expect(() => replayJournal([records[1]!])).toThrow('the first record must be the header');
    expect(() => replayJournal([header, records[2]!])).toThrow(
      'trial 1 created out of sequence (expected trial 0)',
    );
    expect(() => replayJournal([header, records[3]!])).toThrow(
      '"started" for trial 0, which was never created',
    );
  });
});

describe('checkJournalHeader', () => {
  it('accepts the same search, and changes to extendable fields', () => {
    expect(() =>
      checkJournalHeader(
        header as never,
        { direction: 'minimize', strategy: { kind: 'grid', pointsPerParameter: 3 } },
        [],
        'j',
      ),
    ).not.toThrow();
    const random = {
      ...header,
      search: {
        ...(header as { search: object }).search,
        strategy: { kind: 'random', trials: 5, seed: 1 },
      },
    };
    expect(() =>
      checkJournalHeader(
        random as never,
        { direction: 'minimize', strategy: { kind: 'random', trials: 9, seed: 1 } },
        ['trials'],
        'j',
      ),
    ).not.toThrow();
  });

  it('names the first difference of a foreign journal', () => {
    let error: unknown;
    try {
      checkJournalHeader(
        header as never,
        { direction: 'minimize', strategy: { kind: 'grid', pointsPerParameter: 4 } },
        [],
        'search.jsonl',
      );
    } catch (caught) {
      error = caught;
    }
    expect(JournalMismatchError.isInstance(error)).toBe(true);
    expect((error as JournalMismatchError).field).toBe('strategy.pointsPerParameter');
    expect((error as JournalMismatchError).message).toBe(
      'runSearch: search.jsonl was written by a different search: strategy.pointsPerParameter is 3 in the journal but 4 in this search. Give this search its own journal path, or run the search that wrote the journal (same space, strategy and direction) to resume it.',
    );
    expect(() =>
      checkJournalHeader(
        header as never,
        { direction: 'maximize', strategy: { kind: 'grid', pointsPerParameter: 3 } },
        [],
        'j',
      ),
    ).toThrow('direction is "minimize" in the journal but "maximize" in this search');
  });
});
