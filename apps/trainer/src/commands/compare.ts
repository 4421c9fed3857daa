import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkArguments } from '@trainkit/core';
import { compareRuns, formatComparison, writeComparison } from '../report/compare';
import { resolveRun, withCommand } from '../report/run-argument';
import { displayPath, userDirectory } from '../run-directory';

/** The `compare` command's one-line summary, for `trainkit help`. */
export const compareSummary =
  'compare runs: the settings that differ, the curves, the final metrics';

export const compareUsage = `Usage: trainkit compare RUN RUN... [options]

Puts runs side by side (change one thing at a time): the configuration settings that differ
(only those), the final metrics (best validation accuracy and loss, test accuracy and loss,
training-split accuracy, final losses, updates, training time; the best marked), printed here,
and a page with the learning curves overlaid: <out>/compare.html (standalone) and compare.md,
by default under the runs directory (runs/compare-<run>-vs-<run>/); the last line says where.

RUN is a run directory or a run name under --logdir.

Options
  --logdir DIR                 where run directories are (default runs)
  --out DIR                    where compare.html and compare.md go
                               (default <logdir>/compare-<run>-vs-<run>)
`;

/**
 * `trainkit compare RUN RUN... [--logdir DIR] [--out DIR]`: prints the
 * differences and metrics and writes the comparison page.
 *
 * @param argv - The arguments after the command name.
 * @returns The process exit code.
 */
export async function compareCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(compareUsage);
    return 0;
  }
  const command = 'trainkit compare';
  const { values, positionals } = withCommand('trainkit compare', () =>
    parseArgs({
      args: [...argv],
      options: { logdir: { type: 'string' }, out: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (positionals.length < 2) {
    checkArguments(command).fail(
      'RUN RUN...',
      positionals.join(' '),
      'at least two runs',
      'E.g. trainkit compare lr-1e-3 lr-3e-3 (run names under --logdir, or run directories).',
    );
  }
  const cwd = userDirectory();
  const logdir = values.logdir ?? 'runs';
  const directories: string[] = [];
  for (const run of positionals) directories.push(await resolveRun(command, run, logdir, cwd));
  const comparison = await compareRuns(directories);
  const slug = comparison.runs
    .map((r) => r.name.replace(/[^A-Za-z0-9._-]+/g, '_'))
    .join('-vs-')
    .slice(0, 120);
  const out =
    values.out === undefined
      ? path.join(path.resolve(cwd, logdir), `compare-${slug}`)
      : path.resolve(cwd, values.out);
  const written = await writeComparison(comparison, out);
  process.stdout.write(
    `${formatComparison(comparison)}\n\nPage: ${displayPath(cwd, written.html)} (Markdown: ${displayPath(cwd, written.markdown)})\n`,
  );
  return 0;
}
