import {
  checkArguments,
  encodeJsonNumber,
  type JsonNumber,
  readStateEnvelope,
  type StateReader,
  stateEnvelope,
} from '@trainkit/core';
import {
  type CheckResult,
  type CheckStatus,
  compareStatus,
  type Measurement,
  worstStatus,
} from './check-result';
import { formatNumber } from './format-number';

/** Several check results together, as a suite produces them. */
export interface SanityReport {
  /** The worst status of the results (`pass` when there are none). */
  readonly status: CheckStatus;
  /** How many results have each status. */
  readonly counts: Readonly<Record<CheckStatus, number>>;
  /** The results in the order they ran. */
  readonly results: readonly CheckResult[];
}

/**
 * Collects check results into a report.
 *
 * @param results - Results of any checks.
 * @returns The report with its overall status and counts.
 * @example
 * ```ts
 * const report = sanityReport([checkLabels(labels, { classes: 10 }), checkInputScale(images)]);
 * console.log(formatReport(report));
 * ```
 */
export function sanityReport(results: readonly CheckResult[]): SanityReport {
  checkArguments('sanityReport');
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skipped: 0 };
  for (const result of results) counts[result.status]++;
  return {
    status: worstStatus(results.map((result) => result.status)),
    counts,
    results: [...results],
  };
}

function formatMeasurement(value: Measurement): string {
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return value.map(formatNumber).join(', ');
}

function formatTable(rows: readonly Readonly<Record<string, Measurement>>[]): string[] {
  const columns: string[] = [];
  for (const row of rows)
    for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  const cells = rows.map((row) =>
    columns.map((column) => (row[column] === undefined ? '' : formatMeasurement(row[column]!))),
  );
  const widths = columns.map((column, c) =>
    Math.max(column.length, ...cells.map((line) => line[c]!.length)),
  );
  const line = (values: readonly string[]) =>
    values.map((value, c) => value.padStart(widths[c]!)).join('  ');
  return [line(columns), ...cells.map(line)];
}

/** Options of {@link formatReport}. */
export interface FormatReportOptions {
  /** Also list the measurements of every result. Default `false` (only the summaries, advice and tables). */
  readonly measurements?: boolean;
  /** Order: `'severity'` (fail first) or `'run'` (as they ran). Default `'severity'`. */
  readonly order?: 'severity' | 'run';
}

/**
 * The report as plain text: a header with the counts, then one block per
 * check: `FAIL  name  summary`, its advice (`->` lines) and its table.
 *
 * @param report - A report, or a single result.
 * @param options - {@link FormatReportOptions}
 * @returns Lines joined with `\n`.
 * @example
 * ```ts
 * console.log(formatReport(sanityReport(results)));
 * // sanity: 1 fail, 0 warn, 3 pass
 * // FAIL  output-loss-pairing  ...
 * ```
 */
export function formatReport(
  report: SanityReport | CheckResult,
  options: FormatReportOptions = {},
): string {
  const check = checkArguments('formatReport');
  const order = check.oneOf('order', options.order ?? 'severity', ['severity', 'run'] as const);
  const full = 'results' in report ? report : sanityReport([report]);
  const results =
    order === 'run'
      ? full.results
      : [...full.results].sort((a, b) => compareStatus(b.status, a.status));
  const { counts } = full;
  const lines = [
    `sanity: ${counts.fail} fail, ${counts.warn} warn, ${counts.pass} pass${counts.skipped > 0 ? `, ${counts.skipped} skipped` : ''}`,
  ];
  const nameWidth = Math.max(0, ...results.map((result) => result.name.length));
  for (const result of results) {
    lines.push(
      `${result.status.toUpperCase().padEnd(7)} ${result.name.padEnd(nameWidth)}  ${result.summary}`,
    );
    const indent = ' '.repeat(8);
    for (const advice of result.advice) lines.push(`${indent}-> ${advice}`);
    if (options.measurements === true) {
      for (const [key, value] of Object.entries(result.measurements)) {
        lines.push(`${indent}${key}: ${formatMeasurement(value)}`);
      }
    }
    if (result.table !== undefined && result.table.length > 0) {
      for (const row of formatTable(result.table)) lines.push(`${indent}${row}`);
    }
  }
  return lines.join('\n');
}

/** A measurement as stored in JSON: numbers through the core JSON number codec. */
export type MeasurementJSON = JsonNumber | string | boolean | readonly JsonNumber[];

/** A {@link CheckResult} in JSON. */
export interface CheckResultJSON {
  readonly name: string;
  readonly status: CheckStatus;
  readonly summary: string;
  readonly measurements: Readonly<Record<string, MeasurementJSON>>;
  readonly advice: readonly string[];
  readonly reason?: string;
  readonly table?: readonly Readonly<Record<string, MeasurementJSON>>[];
}

/** The JSON envelope of a {@link SanityReport}. */
export interface SanityReportJSON {
  readonly format: 'trainkit.sanity.report';
  readonly version: 1;
  readonly status: CheckStatus;
  readonly results: readonly CheckResultJSON[];
}

const reportFormat = 'trainkit.sanity.report';
const reportVersion = 1;

function encodeMeasurement(value: Measurement): MeasurementJSON {
  if (typeof value === 'number') return encodeJsonNumber(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  return value.map(encodeJsonNumber);
}

function encodeRecord(
  record: Readonly<Record<string, Measurement>>,
): Record<string, MeasurementJSON> {
  const out: Record<string, MeasurementJSON> = {};
  for (const [key, value] of Object.entries(record)) out[key] = encodeMeasurement(value);
  return out;
}

/**
 * The report (or one result) as a JSON-safe envelope
 * `{ format: 'trainkit.sanity.report', version: 1, status, results }`;
 * NaN and infinities are kept as strings (core's JSON number codec).
 *
 * @param report - A report or a single result.
 * @returns An object for `JSON.stringify`.
 * @example
 * ```ts
 * writeFileSync('sanity.json', JSON.stringify(reportToJSON(report), null, 2));
 * ```
 */
export function reportToJSON(report: SanityReport | CheckResult): SanityReportJSON {
  const full = 'results' in report ? report : sanityReport([report]);
  return stateEnvelope(reportFormat, reportVersion, {
    status: full.status,
    results: full.results.map((result) => ({
      name: result.name,
      status: result.status,
      summary: result.summary,
      measurements: encodeRecord(result.measurements),
      advice: [...result.advice],
      ...(result.reason === undefined ? {} : { reason: result.reason }),
      ...(result.table === undefined ? {} : { table: result.table.map(encodeRecord) }),
    })),
  });
}

const statuses: readonly CheckStatus[] = ['pass', 'warn', 'fail', 'skipped'];

const encodedNumberStrings = new Set(['NaN', 'Infinity', '-Infinity', '-0']);

function decodeRecord(read: StateReader): Record<string, Measurement> {
  const out: Record<string, Measurement> = {};
  for (const [key, item] of Object.entries(read.record)) {
    if (typeof item === 'boolean') out[key] = item;
    else if (Array.isArray(item)) out[key] = read.jsonNumbers(key);
    else if (typeof item === 'string' && !encodedNumberStrings.has(item)) out[key] = item;
    else out[key] = read.jsonNumber(key);
  }
  return out;
}

/**
 * Restores a report from {@link reportToJSON}'s envelope (or its JSON text), validating every field.
 *
 * @param json - The parsed JSON.
 * @returns The report.
 * @throws StateRestoreError naming the field that is wrong.
 * @example
 * ```ts
 * const report = reportFromJSON(JSON.parse(readFileSync('sanity.json', 'utf8')));
 * ```
 */
export function reportFromJSON(json: unknown): SanityReport {
  const read = readStateEnvelope('reportFromJSON', json, {
    format: reportFormat,
    version: reportVersion,
    writer: 'reportToJSON',
  });
  const items = read.array('results');
  const results = items.map((item, i): CheckResult => {
    const entry = read.element('results', i, item);
    const advice = entry
      .array('advice')
      .map((text, j) =>
        typeof text === 'string' ? text : entry.fail(`advice[${j}]`, 'a string', text),
      );
    const table = entry.has('table')
      ? entry.array('table').map((row, r) => decodeRecord(entry.element('table', r, row)))
      : undefined;
    return {
      name: entry.string('name', { nonEmpty: true }),
      status: entry.oneOf('status', statuses),
      summary: entry.string('summary'),
      measurements: decodeRecord(entry.object('measurements')),
      advice,
      ...(entry.has('reason') ? { reason: entry.string('reason') } : {}),
      ...(table === undefined ? {} : { table }),
    };
  });
  const report = sanityReport(results);
  const status = read.oneOf('status', statuses);
  if (status !== report.status) {
    read.fail('status', `the worst status of the results ('${report.status}')`, status);
  }
  return report;
}
