import {
  type ArgumentChecker,
  checkArguments,
  encodeJsonNumber,
  formatValue,
  stateEnvelope,
} from '@trainkit/core';
import { parseJournal, replayJournal } from './journal';
import type { Direction, TrialState, TrialView } from './trial';
import { compareValues, rankFinished } from './trial';

/** What a search found. */
export interface SearchResult {
  readonly searchId: string;
  readonly direction: Direction;
  /** Parameter names, the table's columns. */
  readonly parameterNames: readonly string[];
  /** Every trial by number. */
  readonly trials: readonly TrialView[];
  /**
   * The table order: finished trials best first, then pruned ones (by their
   * last value), then failed ones, then unfinished ones, each by trial number
   * on ties.
   */
  readonly ranked: readonly TrialView[];
  /** The best finished trial (its `config` is the best configuration), if any. */
  readonly best: TrialView | undefined;
  /** How many trials are in each state. */
  readonly counts: Readonly<Record<TrialState, number>>;
}

const stateOrder: Record<TrialState, number> = {
  finished: 0,
  pruned: 1,
  failed: 2,
  running: 3,
  created: 4,
};

/**
 * Ranks trials into a {@link SearchResult}.
 *
 * @param trials - The trials (e.g. `replayJournal(records).trials`).
 * @param options - The direction, the search id and the parameter names
 *   (default: every configuration key in order of first appearance).
 * @returns The result.
 *
 * @example
 * ```ts
 * const result = summarizeSearch(state.trials, { direction: 'minimize', searchId: 'abc' });
 * ```
 */
export function summarizeSearch(
  trials: readonly TrialView[],
  options: { direction: Direction; searchId: string; parameterNames?: readonly string[] },
): SearchResult {
  const direction = checkArguments('summarizeSearch').oneOf('direction', options.direction, [
    'minimize',
    'maximize',
  ]);
  const names = options.parameterNames ?? [
    ...new Set(trials.flatMap((t) => Object.keys(t.config))),
  ];
  const ranked = [...trials].sort((a, b) => {
    const byState = stateOrder[a.state] - stateOrder[b.state];
    if (byState !== 0) return byState;
    if (
      (a.state === 'finished' || a.state === 'pruned') &&
      a.value !== undefined &&
      b.value !== undefined &&
      Number.isFinite(a.value) &&
      Number.isFinite(b.value)
    ) {
      return compareValues(a.value, b.value, direction) || a.trial - b.trial;
    }
    if (a.value === undefined && b.value !== undefined) return 1;
    if (b.value === undefined && a.value !== undefined) return -1;
    return a.trial - b.trial;
  });
  const counts: Record<TrialState, number> = {
    created: 0,
    running: 0,
    finished: 0,
    failed: 0,
    pruned: 0,
  };
  for (const trial of trials) counts[trial.state]++;
  return Object.freeze({
    searchId: options.searchId,
    direction,
    parameterNames: Object.freeze([...names]),
    trials: Object.freeze([...trials]),
    ranked: Object.freeze(ranked),
    best: rankFinished(trials, direction)[0],
    counts: Object.freeze(counts),
  });
}

/**
 * Reads a journal's text into a {@link SearchResult} (a torn last line is
 * skipped).
 *
 * @example
 * ```ts
 * const result = searchResultFromJournal(readFileSync('search.jsonl', 'utf8'));
 * console.log(formatResultsTable(result));
 * ```
 */
export function searchResultFromJournal(text: string, path = '<records>'): SearchResult {
  const state = replayJournal(parseJournal(text, path).records, path);
  if (state.header === undefined) {
    return checkArguments('searchResultFromJournal').fail(
      'text',
      text,
      'a journal with a header record',
      'Pass the content of a journal written by runSearch.',
    );
  }
  return summarizeSearch(state.trials, {
    direction: state.header.search.direction,
    searchId: state.header.search.id,
  });
}

/** One row of the results table. */
export interface ResultRow {
  readonly rank: number;
  readonly trial: number;
  readonly stage: number;
  readonly parent: number | undefined;
  readonly state: TrialState;
  readonly value: number | undefined;
  /** The last reported step (how far it trained), if it reported. */
  readonly step: number | undefined;
  readonly attempts: number;
  readonly config: Readonly<Record<string, number | string | boolean | undefined>>;
  /** Why the strategy chose it, plus the error of a failed or pruned trial. */
  readonly note: string;
  /** Wall time from first start to end, in seconds. */
  readonly seconds: number | undefined;
}

/**
 * The table rows of a result, in `ranked` order.
 *
 * @example
 * ```ts
 * resultRows(result)[0]?.config; // the best configuration
 * ```
 */
export function resultRows(result: SearchResult): ResultRow[] {
  return result.ranked.map((trial, index) => ({
    rank: index + 1,
    trial: trial.trial,
    stage: trial.stage,
    parent: trial.parent,
    state: trial.state,
    value: trial.value,
    step: trial.reports.at(-1)?.step,
    attempts: trial.attempts,
    config: Object.fromEntries(result.parameterNames.map((name) => [name, trial.config[name]])),
    note:
      trial.error === undefined
        ? trial.reason
        : `${trial.reason}; ${trial.state === 'pruned' ? 'pruned' : trial.error.name}: ${trial.error.message}`,
    seconds:
      trial.startedAt !== undefined && trial.endedAt !== undefined
        ? (trial.endedAt - trial.startedAt) / 1000
        : undefined,
  }));
}

function formatNumber(value: number | undefined): string {
  if (value === undefined) return '-';
  if (!Number.isFinite(value)) return formatValue(value);
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e6))
    return value.toExponential(3);
  return String(Number(value.toPrecision(6)));
}

function formatCell(value: number | string | boolean | undefined): string {
  if (typeof value === 'number') return formatNumber(value);
  if (value === undefined) return '-';
  return String(value);
}

/** Options of {@link formatResultsTable}. */
export interface ResultsTableOptions {
  /** Show at most this many rows (the best ones). Default: all. */
  readonly limit?: number;
  /** Include the reason/error column. Default true. */
  readonly notes?: boolean;
}

/**
 * The results as an aligned text table, best first, with a summary line and
 * the best configuration.
 *
 * @example
 * ```ts
 * console.log(formatResultsTable(result, { limit: 10 }));
 * ```
 */
export function formatResultsTable(
  result: SearchResult,
  options: ResultsTableOptions = {},
): string {
  const check: ArgumentChecker = checkArguments('formatResultsTable');
  const limit =
    options.limit === undefined
      ? Number.POSITIVE_INFINITY
      : check.integer('limit', options.limit, { min: 1 });
  const notes = options.notes ?? true;
  const rows = resultRows(result).slice(0, limit);
  const header = [
    'rank',
    'trial',
    'stage',
    'parent',
    'state',
    'value',
    'step',
    ...result.parameterNames,
    ...(notes ? ['note'] : []),
  ];
  const body = rows.map((row) => [
    String(row.rank),
    String(row.trial),
    String(row.stage),
    row.parent === undefined ? '-' : String(row.parent),
    row.state,
    formatNumber(row.value),
    row.step === undefined ? '-' : String(row.step),
    ...result.parameterNames.map((name) => formatCell(row.config[name])),
    ...(notes ? [row.note] : []),
  ]);
  const widths = header.map((title, column) =>
    Math.max(
      title.length,
      ...body.map((cells) => (column === header.length - 1 && notes ? 0 : cells[column]!.length)),
    ),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 && notes ? cell : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  const { counts } = result;
  const summary = `${result.trials.length} trials (${direction(result)}): ${counts.finished} finished, ${counts.pruned} pruned, ${counts.failed} failed${counts.running + counts.created > 0 ? `, ${counts.running + counts.created} unfinished` : ''}`;
  const best =
    result.best === undefined
      ? 'best: none finished'
      : `best: trial ${result.best.trial}, value ${formatNumber(result.best.value)}, ${result.parameterNames
          .filter((name) => result.best!.config[name] !== undefined)
          .map((name) => `${name}=${formatCell(result.best!.config[name])}`)
          .join(' ')}`;
  return [summary, best, '', line(header), ...body.map(line)].join('\n');
}

function direction(result: SearchResult): string {
  return result.direction === 'minimize' ? 'lower is better' : 'higher is better';
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The results as CSV (RFC 4180: a header row, quoted cells where needed),
 * best first; numbers at full precision.
 *
 * @example
 * ```ts
 * writeFileSync('search.csv', formatResultsCsv(result));
 * ```
 */
export function formatResultsCsv(result: SearchResult): string {
  const header = [
    'rank',
    'trial',
    'stage',
    'parent',
    'state',
    'value',
    'step',
    'attempts',
    'seconds',
    ...result.parameterNames,
    'note',
  ];
  const rows = resultRows(result).map((row) => [
    String(row.rank),
    String(row.trial),
    String(row.stage),
    row.parent === undefined ? '' : String(row.parent),
    row.state,
    row.value === undefined ? '' : String(row.value),
    row.step === undefined ? '' : String(row.step),
    String(row.attempts),
    row.seconds === undefined ? '' : String(row.seconds),
    ...result.parameterNames.map((name) =>
      row.config[name] === undefined ? '' : String(row.config[name]),
    ),
    row.note,
  ]);
  return `${[header, ...rows].map((cells) => cells.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** The JSON form of a result (see {@link resultsToJson}). */
export interface SearchResultJson {
  readonly format: 'trainkit.search.results';
  readonly version: 1;
  readonly searchId: string;
  readonly direction: Direction;
  readonly parameterNames: readonly string[];
  readonly counts: Readonly<Record<TrialState, number>>;
  readonly best: {
    readonly trial: number;
    readonly value: number;
    readonly config: Readonly<Record<string, unknown>>;
  } | null;
  readonly rows: readonly Readonly<Record<string, unknown>>[];
}

/**
 * The results as plain JSON (non-finite values as the strings "NaN",
 * "Infinity"), best first, with every trial's reports, in trainkit's
 * versioned envelope (`format: 'trainkit.search.results'`, `version: 1`).
 *
 * @example
 * ```ts
 * writeFileSync('search.json', JSON.stringify(resultsToJson(result), null, 2));
 * ```
 */
export function resultsToJson(result: SearchResult): SearchResultJson {
  const byNumber = new Map(result.trials.map((t) => [t.trial, t]));
  return stateEnvelope('trainkit.search.results', 1, {
    searchId: result.searchId,
    direction: result.direction,
    parameterNames: result.parameterNames,
    counts: result.counts,
    best:
      result.best === undefined
        ? null
        : { trial: result.best.trial, value: result.best.value!, config: result.best.config },
    rows: resultRows(result).map((row) => {
      const trial = byNumber.get(row.trial)!;
      return {
        ...row,
        parent: row.parent ?? null,
        value: row.value === undefined ? null : encodeJsonNumber(row.value),
        step: row.step ?? null,
        seconds: row.seconds ?? null,
        reason: trial.reason,
        budget: trial.budget ?? null,
        error: trial.error ?? null,
        reports: trial.reports.map((r) => ({ step: r.step, value: encodeJsonNumber(r.value) })),
      };
    }),
  });
}
