import { parseArgs } from 'node:util';
import { checkArguments } from '@trainkit/core';
import { resolveRun, withCommand } from '../report/run-argument';
import { writeReport } from '../report/write-report';
import { displayPath, userDirectory } from '../run-directory';

/** The `report` command's one-line summary, for `trainkit help`. */
export const reportSummary = "write a run's report: a standalone HTML page and Markdown";

export const reportUsage = `Usage: trainkit report [RUN] [options]

Writes RUN's report from the artifacts in its directory: runs/<name>/report.html (one
standalone page: every figure inline, no network, no script) and report.md with its figures in
report-figures/. Sections: configuration, result, recipe steps, sanity checks, learning curves
with their diagnosis, learning-rate finder, schedule, confusion matrix (counts and
row-normalized), classification report, bias and variance, misclassified images, timings per
phase, hyperparameter search, cross-validation; a section whose artifacts are missing is a
one-line note. 'trainkit train' writes the report at the end of every run.

RUN is a run directory or a run name under --logdir (default: the run that changed last).

Options
  --logdir DIR                 where run directories are (default runs)
  --human-error X              human-level error for the bias/variance analysis, a fraction in
                               [0, 1) or a percentage such as 0.2% (default: not given; 0 is used
                               and the avoidable bias is an upper bound)
`;

/**
 * Parses `--human-error`: a fraction in [0, 1) (`0.002`) or a percentage (`0.2%`).
 *
 * @returns The fraction.
 */
export function parseHumanError(command: string, text: string): number {
  const isPercent = text.trim().endsWith('%');
  const value = Number(isPercent ? text.trim().slice(0, -1) : text);
  const fraction = isPercent ? value / 100 : value;
  if (text.trim() === '' || !Number.isFinite(fraction) || fraction < 0 || fraction >= 1) {
    checkArguments(command).fail(
      '--human-error',
      text,
      'a fraction in [0, 1) or a percentage below 100%',
      'E.g. --human-error 0.002 or --human-error 0.2% (the error rate of careful humans: the proxy for the Bayes error).',
    );
  }
  return fraction;
}

/**
 * `trainkit report [RUN] [--logdir DIR] [--human-error X]`: writes the run's
 * report page and Markdown and prints where they are.
 *
 * @param argv - The arguments after the command name.
 * @returns The process exit code.
 */
export async function reportCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(reportUsage);
    return 0;
  }
  const command = 'trainkit report';
  const { values, positionals } = withCommand('trainkit report', () =>
    parseArgs({
      args: [...argv],
      options: { logdir: { type: 'string' }, 'human-error': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (positionals.length > 1) {
    checkArguments(command).fail(
      'RUN',
      positionals.join(' '),
      'one run',
      'To put several runs side by side use trainkit compare RUN RUN...',
    );
  }
  const humanError =
    values['human-error'] === undefined
      ? undefined
      : parseHumanError(command, values['human-error']);
  const cwd = userDirectory();
  const directory = await resolveRun(command, positionals[0], values.logdir ?? 'runs', cwd);
  const written = await writeReport(directory, humanError === undefined ? {} : { humanError });
  for (const error of written.errors) process.stderr.write(`warning: ${error.message}\n`);
  const shown = written.sections.length;
  process.stdout.write(
    `Report: ${displayPath(cwd, written.html)} (Markdown: ${displayPath(cwd, written.markdown)}, ${written.figures.length} figures in ${displayPath(cwd, directory)}/report-figures/)\n` +
      `Sections (${shown}): ${written.sections.join(', ')}\n` +
      (written.omitted.length === 0
        ? ''
        : `Not in this run (${written.omitted.length}): ${written.omitted.map((o) => o.id).join(', ')}\n`),
  );
  return 0;
}
