import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type RunArtifactError, readRunArtifacts, writeFileAtomic } from '../artifacts';
import {
  documentFigures,
  isOmitted,
  type ReportDocument,
  renderHtml,
  renderMarkdown,
} from './document';
import { buildSections, type ReportOptions } from './sections';

/** The report's files, relative to the run directory. */
export const reportPageFiles = {
  html: 'report.html',
  markdown: 'report.md',
  /** The Markdown's figures (the HTML has them inline). */
  figures: 'report-figures',
} as const;

/** What {@link writeReport} wrote. */
export interface WrittenReport {
  readonly html: string;
  readonly markdown: string;
  /** Figure files written for the Markdown. */
  readonly figures: readonly string[];
  /** Ids of the sections shown, in order. */
  readonly sections: readonly string[];
  /** Sections left out, with their one-line note. */
  readonly omitted: readonly { readonly id: string; readonly note: string }[];
  /** Artifacts that exist but could not be read (their sections carry the message). */
  readonly errors: readonly RunArtifactError[];
}

/**
 * Builds the report of a run directory from its artifacts (nothing is
 * recomputed from the model): the configuration, the result, each recipe
 * step, the sanity checks, the learning curves with their diagnosis, the
 * learning-rate finder, the schedule, the confusion matrix (counts and
 * row-normalized), the classification report, the bias/variance analysis,
 * the most confident mistakes, per-phase timings, the search and the
 * cross-validation; a section whose artifacts are missing is a one-line note.
 */
export async function buildReport(
  runDirectory: string,
  options: ReportOptions = {},
): Promise<{ document: ReportDocument; errors: RunArtifactError[] }> {
  const read = await readRunArtifacts(runDirectory);
  // The directory's name: a recipe's directory holds its final run's result (named after that run).
  const name = path.basename(path.resolve(runDirectory));
  const command = read.artifacts.configuration?.command ?? 'train';
  const parts = buildSections(read, options);
  const shown = parts.filter((p) => !isOmitted(p)).length;
  return {
    document: {
      title: `trainkit report: ${name}`,
      subtitle: `Run directory ${name} (trainkit ${command}); ${shown} of ${parts.length} sections, built from the run's artifacts.`,
      parts,
    },
    errors: Object.values(read.errors),
  };
}

/**
 * Writes `report.html` (standalone: inline SVG and CSS, PNGs as data URIs,
 * no script, no network) and `report.md` with its figures in
 * `report-figures/` into the run directory. `train` calls it at the end; so
 * does `trainkit report RUN` (and the recipe).
 *
 * @param runDirectory - The run directory.
 * @param options - `humanError` for the bias/variance analysis.
 * @returns The files written, the sections shown and omitted, the unreadable artifacts.
 */
export async function writeReport(
  runDirectory: string,
  options: ReportOptions = {},
): Promise<WrittenReport> {
  const info = await stat(runDirectory).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    throw Object.assign(new Error(`${runDirectory} is not a directory`), { code: 'ENOTDIR' });
  }
  const { document, errors } = await buildReport(runDirectory, options);
  const figuresDirectory = path.join(runDirectory, reportPageFiles.figures);
  await rm(figuresDirectory, { recursive: true, force: true });
  await mkdir(figuresDirectory);
  const figures = documentFigures(document);
  const written: string[] = [];
  for (const figure of figures) {
    const file = path.join(figuresDirectory, figure.file);
    await writeFile(file, figure.svg ?? figure.png ?? '');
    written.push(file);
  }
  const html = path.join(runDirectory, reportPageFiles.html);
  const markdown = path.join(runDirectory, reportPageFiles.markdown);
  await writeFileAtomic(html, renderHtml(document));
  await writeFileAtomic(markdown, renderMarkdown(document, reportPageFiles.figures));
  return {
    html,
    markdown,
    figures: written,
    sections: document.parts.filter((p) => !isOmitted(p)).map((p) => p.id),
    omitted: document.parts.filter(isOmitted).map((p) => ({ id: p.id, note: p.note })),
    errors,
  };
}
