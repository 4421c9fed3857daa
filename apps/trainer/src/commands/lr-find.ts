import { checkArguments } from '@trainkit/core';
import { formatRate, runInDirectory } from '../command-run';
import { readConfigForUpdate, updateConfigFile } from '../config-file';
import { exitCodes } from '../errors';
import {
  discreteLines,
  findLearningRate,
  learningRateChart,
  writeLearningRateFiles,
} from '../lr-finder';
import { parseCommandOptions, trainOptionsHelp } from '../options';
import { consoleProgress, formatSeconds } from '../progress';
import { displayPath, userDirectory } from '../run-directory';
import { prepareSanity } from '../sanity-checks';

/** The `lr-find` command's one-line summary, for `trainkit help`. */
export const lrFindSummary = 'find a learning rate: range test + discrete test, plot, --apply';

const trainOptionsText = trainOptionsHelp;

export const lrFindUsage = `Usage: trainkit lr-find [options]

Finds a learning rate for the model, data and optimizer that 'trainkit train' would use with
the same options: the range test (the rate grows exponentially, one update per batch, until
the loss diverges; trainkit's suggestion beside fastai's valley and steepest slope) and the
discrete test (100 updates at each of 1e-1, 1e-2, 1e-3, 1e-4 and the configured --lr: does the
loss drop?). Both start from the same initial weights and leave nothing trained. Writes
runs/<name>/lr-finder.json and lr-finder.svg.

lr-find options
  --apply FILE                 write the suggestion into FILE as {"lr": ...} (other keys kept;
                               created if missing); then: trainkit train --config FILE
  --iterations N               range-test iterations (default 100)
  --start X --end X            first and last rate of the ramp (default 1e-7 and 10)
  --rows N                     training rows the tests draw batches from (default 2000)

Exit codes: 0 a rate was found, 4 neither test found one, 2 bad input, 1 internal error.

The training options (model, data, optimizer, --lr for the discrete test's configured rate):
${trainOptionsText}`;

const without = ['resume', 'extend', 'checkpoint-every', 'no-test'];

/**
 * `trainkit lr-find [options]`: the range test and the discrete test, the
 * plot, the suggestion, and `--apply FILE` to write it into a config file.
 *
 * @param argv - The arguments after the command name.
 * @returns The process exit code.
 */
export async function lrFindCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(lrFindUsage);
    return 0;
  }
  const command = 'trainkit lr-find';
  const { options, extra } = parseCommandOptions(argv, {
    command,
    values: ['apply', 'iterations', 'start', 'end', 'rows'],
    without,
  });
  const check = checkArguments(command);
  const number = (flag: string): number | undefined => {
    const text = extra[flag] as string | undefined;
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === '' || Number.isNaN(value)) check.fail(`--${flag}`, text, 'a number');
    return value;
  };
  const iterations = number('iterations');
  if (iterations !== undefined) {
    check.integer('--iterations', iterations, {
      min: 10,
      max: 10_000,
      fix: 'E.g. --iterations 100.',
    });
  }
  const start = number('start');
  const end = number('end');
  for (const [flag, value] of [
    ['--start', start],
    ['--end', end],
  ] as const) {
    if (value !== undefined) {
      check.number(flag, value, {
        min: 0,
        minInclusive: false,
        max: 1e3,
        fix: 'E.g. --start 1e-7 --end 10.',
      });
    }
  }
  if ((start ?? 1e-7) >= (end ?? 10)) {
    check.fail(
      '--start',
      start ?? 1e-7,
      `smaller than --end ${end ?? 10}`,
      'E.g. --start 1e-7 --end 10.',
    );
  }
  const rowsValue = number('rows');
  const rows =
    rowsValue === undefined
      ? 2000
      : check.integer('--rows', rowsValue, { min: 20, max: 60_000, fix: 'E.g. --rows 2000.' });
  const apply = extra.apply as string | undefined;
  if (apply !== undefined && apply.trim() === '') {
    check.fail('--apply', apply, 'a file name', 'E.g. --apply trainkit.json.');
  }
  // A file --apply cannot update is refused before anything runs.
  if (apply !== undefined) await readConfigForUpdate(command, apply, userDirectory());
  const output = consoleProgress(false);
  return runInDirectory(
    'lr-find',
    options,
    {
      iterations: iterations ?? 100,
      start: start ?? 1e-7,
      end: end ?? 10,
      rows,
      apply: apply ?? null,
    },
    output,
    async ({ directory }, keep) => {
      const started = performance.now();
      const setup = await prepareSanity(options, { rows });
      try {
        output.log(
          `range test: ${iterations ?? 100} updates from lr ${formatRate(start ?? 1e-7)} to ${formatRate(end ?? 10)} (${options.model}, ${options.optimizer}, batch ${Math.min(options.batchSize, setup.sample.x.shape[0]!)} from ${setup.sample.x.shape[0]} training rows); discrete test: 1e-1, 1e-2, 1e-3, 1e-4 and --lr ${formatRate(options.learningRate)}`,
        );
        const finding = await findLearningRate(setup, {
          ...(iterations === undefined ? {} : { iterations }),
          ...(start === undefined ? {} : { start }),
          ...(end === undefined ? {} : { end }),
        });
        let applied: number | undefined;
        const lines: string[] = [];
        if (finding.analysis !== undefined) {
          lines.push('', learningRateChart(finding.analysis));
        }
        lines.push('', `range test: ${finding.rangeResult.summary}`);
        lines.push(
          '',
          `discrete test: ${finding.discrete.result.summary}`,
          ...discreteLines(finding.discrete),
        );
        const cwd = userDirectory();
        if (finding.suggestion !== undefined) {
          const rate = Number(finding.suggestion.toPrecision(3));
          lines.push('', `Suggested learning rate: --lr ${rate} (from the ${finding.source})`);
          if (apply !== undefined) {
            const written = await updateConfigFile(command, apply, cwd, { lr: rate });
            applied = rate;
            lines.push(
              `Applied: "lr": ${rate} in ${displayPath(cwd, written.path)}; train with: trainkit train --config ${displayPath(cwd, written.path)}`,
            );
          }
        } else {
          lines.push(
            '',
            'No learning rate found: the loss never fell 10% in the range test and no rate of the discrete test made it drop.',
            ...finding.rangeResult.advice.map((advice) => `  -> ${advice}`),
            ...finding.discrete.result.advice.map((advice) => `  -> ${advice}`),
          );
          if (apply !== undefined) lines.push(`Nothing was written to ${apply}.`);
        }
        const files = await writeLearningRateFiles(directory.path, finding, {
          ...(applied === undefined ? {} : { applied }),
          title: `learning-rate range test (${options.model}, ${options.optimizer})`,
        });
        if (files.length > 0) keep();
        for (const line of lines) output.log(line);
        output.log(
          `Done in ${formatSeconds((performance.now() - started) / 1000)}: ${directory.display(directory.path)}/ (${['options.json', ...files].join(', ')})`,
        );
        return finding.suggestion === undefined ? exitCodes.checkFailed : exitCodes.done;
      } finally {
        setup.dispose();
      }
    },
  );
}
