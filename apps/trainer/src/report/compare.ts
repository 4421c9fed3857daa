/**
 * `trainkit compare`: several runs side by side, to change one thing at a
 * time: the configuration keys that differ (only those), the learning curves
 * overlaid, the final metrics in columns.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TrainingHistory } from '@trainkit/curves';
import {
  type ConfigurationValue,
  crossValidationSummary,
  type ReadRunArtifacts,
  type RunArtifactError,
  readRunArtifacts,
  writeFileAtomic,
} from '../artifacts';
import {
  type Block,
  documentFigures,
  type OmittedSection,
  type ReportDocument,
  renderHtml,
  renderMarkdown,
  type Section,
} from './document';
import { formatMetric } from './figures';
import { configurationOf, learningCurvesSvg } from './sections';

/** One run of a comparison. */
export interface ComparedRun {
  /** The name shown (the run directory's name, made unique). */
  readonly name: string;
  readonly directory: string;
  readonly read: ReadRunArtifacts;
}

/** A configuration key whose value differs between the runs. */
export interface ConfigurationDifference {
  readonly key: string;
  /** One value per run; `undefined` where the run has no such key. */
  readonly values: readonly (ConfigurationValue | undefined)[];
}

/** A final metric of every run. */
export interface ComparedMetric {
  readonly name: string;
  /** One value per run; `undefined` where the run did not record it. */
  readonly values: readonly (number | undefined)[];
  readonly format: (value: number) => string;
  /** Which way is better, for marking the best run. */
  readonly better: 'higher' | 'lower' | 'none';
}

/** What {@link compareRuns} found. */
export interface Comparison {
  readonly runs: readonly ComparedRun[];
  /** Keys present in every run with identical values are left out. */
  readonly differences: readonly ConfigurationDifference[];
  /** How many configuration keys are equal in every run. */
  readonly sameKeys: number;
  readonly metrics: readonly ComparedMetric[];
  /** Runs without a configuration / result / history, named. */
  readonly notes: readonly string[];
  readonly errors: readonly RunArtifactError[];
}

const percent = (value: number) => `${(value * 100).toFixed(2)}%`;

function lastFinite(values: ArrayLike<number>): number | undefined {
  for (let i = values.length - 1; i >= 0; i--) if (Number.isFinite(values[i]!)) return values[i];
  return undefined;
}

/** Unique display names: the directory names, with the parent folder added where two are equal. */
function displayNames(directories: readonly string[]): string[] {
  const base = directories.map((d) => path.basename(path.resolve(d)));
  return base.map((name, i) =>
    base.filter((other) => other === name).length > 1
      ? `${path.basename(path.dirname(path.resolve(directories[i]!)))}/${name}`
      : name,
  );
}

/**
 * Reads the artifacts of several run directories and compares them: the
 * configuration keys whose values differ (a key missing from some run counts
 * as differing), and the final metrics (best validation accuracy and loss, its
 * epoch, test accuracy and loss, training-split accuracy, final training and
 * validation loss, updates, training time, cross-validation mean).
 */
export async function compareRuns(directories: readonly string[]): Promise<Comparison> {
  const names = displayNames(directories);
  const runs: ComparedRun[] = [];
  for (const [i, directory] of directories.entries()) {
    runs.push({ name: names[i]!, directory, read: await readRunArtifacts(directory) });
  }
  const notes: string[] = [];
  const configurations = runs.map((run) => {
    const configuration = configurationOf(run.read.artifacts);
    if (configuration === undefined)
      notes.push(`${run.name}: no configuration (options.json or result.json).`);
    return configuration === undefined
      ? undefined
      : { command: configuration.command, ...configuration.settings };
  });
  const keys: string[] = [];
  for (const configuration of configurations) {
    for (const key of Object.keys(configuration ?? {})) if (!keys.includes(key)) keys.push(key);
  }
  const differences: ConfigurationDifference[] = [];
  let sameKeys = 0;
  for (const key of keys) {
    const values = configurations.map((c) =>
      c === undefined || !(key in c) ? undefined : (c as Record<string, ConfigurationValue>)[key],
    );
    const first = values[0];
    if (values.every((v) => v !== undefined && v === first)) sameKeys++;
    else differences.push({ key, values });
  }
  for (const run of runs) {
    if (run.read.artifacts.result === undefined)
      notes.push(`${run.name}: no result.json (not finished?).`);
    if (run.read.artifacts.history === undefined)
      notes.push(`${run.name}: no history.json (no curves).`);
  }
  const metric = (
    name: string,
    better: ComparedMetric['better'],
    format: (value: number) => string,
    value: (run: ComparedRun) => number | undefined | null,
  ): ComparedMetric => ({
    name,
    better,
    format,
    values: runs.map((run) => value(run) ?? undefined),
  });
  const seconds = (value: number) => `${value.toFixed(1)} s`;
  const metrics = [
    metric(
      'best validation accuracy',
      'higher',
      percent,
      (r) => r.read.artifacts.result?.best?.accuracy,
    ),
    metric(
      'best validation loss',
      'lower',
      formatMetric,
      (r) => r.read.artifacts.result?.best?.loss,
    ),
    metric('best epoch', 'none', String, (r) => r.read.artifacts.result?.best?.epoch),
    metric('test accuracy', 'higher', percent, (r) => r.read.artifacts.result?.test?.accuracy),
    metric('test loss', 'lower', formatMetric, (r) => r.read.artifacts.result?.test?.loss),
    metric(
      'training-split accuracy',
      'higher',
      percent,
      (r) => r.read.artifacts.result?.train?.accuracy,
    ),
    metric('final training loss', 'lower', formatMetric, (r) => {
      const h = r.read.artifacts.history;
      return h === undefined ? undefined : lastFinite(h.train.values);
    }),
    metric('final validation loss', 'lower', formatMetric, (r) => {
      const h = r.read.artifacts.history;
      return h === undefined ? undefined : lastFinite(h.validation.values);
    }),
    metric('cross-validation accuracy (mean)', 'higher', percent, (r) => {
      const cv = r.read.artifacts.crossValidation;
      return cv === undefined ? undefined : crossValidationSummary(cv).mean;
    }),
    metric('optimizer updates', 'none', String, (r) => r.read.artifacts.result?.updates),
    metric('training time', 'lower', seconds, (r) => r.read.artifacts.result?.trainingSeconds),
  ].filter((m) => m.values.some((v) => v !== undefined));
  return {
    runs,
    differences,
    sameKeys,
    metrics,
    notes,
    errors: runs.flatMap((run) => Object.values(run.read.errors)),
  };
}

function valueText(value: ConfigurationValue | undefined): string {
  if (value === undefined) return '(absent)';
  if (value === null) return '—';
  return String(value);
}

/** The index of the best value of a metric (undefined when there is no "better" or a tie for best). */
export function bestRun(metric: ComparedMetric): number | undefined {
  if (metric.better === 'none') return undefined;
  let best: number | undefined;
  metric.values.forEach((value, i) => {
    if (value === undefined || !Number.isFinite(value)) return;
    const current = best === undefined ? undefined : metric.values[best]!;
    if (current === undefined || (metric.better === 'higher' ? value > current : value < current))
      best = i;
  });
  if (best === undefined) return undefined;
  const top = metric.values[best];
  return metric.values.filter((v) => v === top).length > 1 ? undefined : best;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)]
    .map((text) => text.trimEnd())
    .join('\n');
}

/** The comparison as text for a terminal: differing settings, then the metrics (the best marked with `*`). */
export function formatComparison(comparison: Comparison): string {
  const names = comparison.runs.map((r) => r.name);
  const out: string[] = [];
  if (comparison.differences.length === 0) {
    out.push(`Configuration: the ${comparison.sameKeys} settings are the same in every run.`);
  } else {
    out.push(
      `Configuration: ${comparison.differences.length} setting${comparison.differences.length === 1 ? '' : 's'} differ${comparison.differences.length === 1 ? 's' : ''} (${comparison.sameKeys} the same)${comparison.differences.length > 1 ? '; change one thing at a time to know what helped' : ''}:`,
      '',
      table(
        ['setting', ...names],
        comparison.differences.map((d) => [d.key, ...d.values.map(valueText)]),
      ),
    );
  }
  if (comparison.metrics.length > 0) {
    out.push(
      '',
      'Final metrics (* best):',
      '',
      table(
        ['metric', ...names],
        comparison.metrics.map((m) => {
          const best = bestRun(m);
          return [
            m.name,
            // Every value ends with two characters (' *' or spaces), so the numbers stay aligned.
            ...m.values.map(
              (v, i) => `${v === undefined ? '—' : m.format(v)}${i === best ? ' *' : '  '}`,
            ),
          ];
        }),
      ),
    );
  }
  for (const note of comparison.notes) out.push(`note: ${note}`);
  for (const error of comparison.errors) out.push(`warning: ${error.message}`);
  return out.join('\n');
}

/** The comparison as a report document (differences, overlaid curves, metrics). */
export function comparisonDocument(comparison: Comparison): ReportDocument {
  const names = comparison.runs.map((r) => r.name);
  const parts: (Section | OmittedSection)[] = [];
  parts.push({
    id: 'differences',
    title: 'Configuration differences',
    blocks:
      comparison.differences.length === 0
        ? [{ kind: 'text', text: `The ${comparison.sameKeys} settings are the same in every run.` }]
        : [
            {
              kind: 'text',
              text: `${comparison.differences.length} setting(s) differ; ${comparison.sameKeys} are the same in every run and not shown.`,
            },
            {
              kind: 'table',
              head: ['setting', ...names],
              rows: comparison.differences.map((d) => [d.key, ...d.values.map(valueText)]),
            },
          ],
  });
  const histories: TrainingHistory[] = [];
  for (const run of comparison.runs) {
    const history = run.read.artifacts.history;
    if (history !== undefined && history.train.values.length >= 2)
      histories.push({ ...history, name: run.name });
  }
  if (histories.length === 0) {
    parts.push({
      id: 'curves',
      title: 'Learning curves',
      note: 'no run has a history.json with curves.',
    });
  } else {
    const { svg, log } = learningCurvesSvg(
      histories,
      `loss: ${histories.map((h) => h.name).join(' vs ')}`,
    );
    parts.push({
      id: 'curves',
      title: 'Learning curves',
      blocks: [
        {
          kind: 'figures',
          figures: [
            {
              file: 'curves.svg',
              title: `Training (smoothed) and validation loss of each run by optimizer update${log ? ', log scale' : ''}.`,
              svg,
            },
          ],
        },
      ],
    });
  }
  const metricBlocks: Block[] = [
    {
      kind: 'table',
      head: ['metric', ...names],
      rows: comparison.metrics.map((m) => {
        const best = bestRun(m);
        return [
          m.name,
          ...m.values.map((v, i) =>
            v === undefined ? '—' : `${m.format(v)}${i === best ? ' (best)' : ''}`,
          ),
        ];
      }),
    },
  ];
  if (comparison.notes.length > 0 || comparison.errors.length > 0) {
    metricBlocks.push({
      kind: 'list',
      items: [...comparison.notes, ...comparison.errors.map((e) => e.message)],
    });
  }
  parts.push({ id: 'metrics', title: 'Final metrics', blocks: metricBlocks });
  return {
    title: `trainkit compare: ${names.join(' vs ')}`,
    subtitle: `${names.length} runs: ${comparison.runs.map((r) => r.directory).join(', ')}.`,
    parts,
  };
}

/**
 * Writes `compare.html` (standalone) and `compare.md` with its figures in
 * `compare-figures/` into `directory` (created if needed).
 */
export async function writeComparison(
  comparison: Comparison,
  directory: string,
): Promise<{ html: string; markdown: string }> {
  await mkdir(directory, { recursive: true });
  const document = comparisonDocument(comparison);
  const figures = path.join(directory, 'compare-figures');
  await rm(figures, { recursive: true, force: true });
  await mkdir(figures);
  for (const figure of documentFigures(document)) {
    await writeFile(path.join(figures, figure.file), figure.svg ?? figure.png ?? '');
  }
  const html = path.join(directory, 'compare.html');
  const markdown = path.join(directory, 'compare.md');
  await writeFileAtomic(html, renderHtml(document));
  await writeFileAtomic(markdown, renderMarkdown(document, 'compare-figures'));
  return { html, markdown };
}
