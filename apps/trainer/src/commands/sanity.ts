import { checkArguments } from '@trainkit/core';
import { formatReport, rangeTestSvg, sanityReport } from '@trainkit/sanity';
import { writeFileAtomic, writeLearningRateFinder, writeSanity } from '../artifacts';
import { formatRate, runInDirectory } from '../command-run';
import { exitCodes } from '../errors';
import { parseCommandOptions, trainOptionsHelp } from '../options';
import { parsePlantedBugs, plantableBugs, plantedBugCatalogue } from '../planted-bugs';
import { consoleProgress, formatSeconds } from '../progress';
import {
  prepareSanity,
  runSanitySuite,
  type TrainerSanityCheck,
  trainerSanityChecks,
} from '../sanity-checks';

/** The `sanity` command's one-line summary, for `trainkit help`. */
export const sanitySummary = 'check the model, the data and the training step before training';

const trainOptionsText = trainOptionsHelp;

export const sanityUsage = `Usage: trainkit sanity [options]

Runs @trainkit/sanity's checks on the model and data that 'trainkit train' would use with the
same options, prints a table, saves runs/<name>/sanity.json, and exits 4 when a check fails.
In order: labels, input scale, duplicates across train/validation/test (content hashes; the
test images are hashed, never evaluated), initial loss, output/loss pairing, evaluation mode,
gradient freshness (the trainer's own step), overfit one sample / one batch / growing sets,
the discrete learning-rate test, and with --range-test the range test (runs/<name>/lr-finder.svg).

Sanity options
  --rows N                     training rows the model checks use (default 2000)
  --range-test                 also run the learning-rate range test
  --checks NAME[,NAME]         run only these checks (e.g. labels,input-scale,duplicates: the data
                               checks, a few seconds)
  --plant BUG[,BUG]            plant a bug to see the table catch it (the checks only), one of:
${plantableBugs.map((bug) => `                                 ${bug.padEnd(21)} ${plantedBugCatalogue[bug].does}`).join('\n')}

Exit codes: 0 no check failed (warnings allowed), 4 a check failed, 2 bad input, 1 internal error.

The training options (only those that decide the model, data and optimizer matter here):
${trainOptionsText}`;

const without = ['resume', 'extend', 'checkpoint-every', 'no-test'];

/**
 * `trainkit sanity [options]`: runs the sanity suite on the model and data
 * of the options and returns the exit code (4 when a check failed).
 *
 * @param argv - The arguments after the command name.
 * @returns The process exit code.
 */
export async function sanityCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(sanityUsage);
    return 0;
  }
  const command = 'trainkit sanity';
  const { options, extra } = parseCommandOptions(argv, {
    command,
    values: ['plant', 'rows', 'checks'],
    booleans: ['range-test'],
    without,
  });
  const check = checkArguments(command);
  const plants = parsePlantedBugs(command, extra.plant as string | undefined);
  const rows =
    extra.rows === undefined
      ? 2000
      : check.integer('--rows', Number(extra.rows), {
          min: 20,
          max: 60_000,
          fix: 'E.g. --rows 2000 (the model checks need a few thousand rows at most).',
        });
  const checksText = extra.checks as string | undefined;
  const checks =
    checksText === undefined
      ? undefined
      : checksText.split(',').map((name) => {
          const trimmed = name.trim();
          if (!(trainerSanityChecks as readonly string[]).includes(trimmed)) {
            check.fail(
              '--checks',
              checksText,
              `comma-separated names of ${trainerSanityChecks.join(', ')}`,
              'E.g. --checks labels,input-scale,duplicates (the data checks only).',
            );
          }
          return trimmed as TrainerSanityCheck;
        });
  const withRangeTest =
    extra['range-test'] === true || (checks?.includes('lr-range-test') ?? false);
  const output = consoleProgress(false);
  return runInDirectory(
    'sanity',
    options,
    {
      plant: plants.length === 0 ? null : plants.join(','),
      rows,
      rangeTest: withRangeTest,
      checks: checks === undefined ? null : checks.join(','),
    },
    output,
    async ({ directory }, keep) => {
      const started = performance.now();
      const setup = await prepareSanity(options, { rows, plants });
      try {
        const { data } = setup;
        output.log(
          `data: MNIST ${data.data.count} training images -> ${data.train.length} train / ${data.validation.length} validation (stratified, seed ${options.seed}); ${setup.test.count} test images hashed for the leakage check (not evaluated)`,
        );
        output.log(
          `model: ${options.model}, ${options.optimizer} lr ${formatRate(options.learningRate)}${options.weightDecay > 0 ? `, weight decay ${formatRate(options.weightDecay)}` : ''}, batch ${options.batchSize}${options.accumulate > 1 ? ` x ${options.accumulate}` : ''}; model checks on ${setup.sample.x.shape[0]} training rows`,
        );
        for (const bug of plants) {
          output.log(`planted bug: ${bug} (${plantedBugCatalogue[bug].does})`);
        }
        const outcome = await runSanitySuite(setup, {
          rangeTest: withRangeTest,
          ...(checks === undefined ? {} : { checks }),
          onResult: (result, seconds) =>
            output.log(
              `  ${result.name.padEnd(20)} ${result.status.padEnd(7)} ${formatSeconds(seconds)}`,
            ),
        });
        const report = sanityReport(outcome.results);
        await writeSanity(directory.path, report);
        keep();
        const files = ['sanity.json'];
        if (outcome.rangeTest !== undefined) {
          await writeLearningRateFinder(directory.path, {
            analysis: outcome.rangeTest,
            ...(outcome.discrete === undefined ? {} : { discrete: outcome.discrete.runs }),
            ...(outcome.discrete?.best === undefined
              ? {}
              : { discreteBest: outcome.discrete.best }),
          });
          await writeFileAtomic(
            `${directory.path}/lr-finder.svg`,
            rangeTestSvg(outcome.rangeTest, {
              title: `learning-rate range test (${options.model})`,
            }),
          );
          files.push('lr-finder.json', 'lr-finder.svg');
        }
        output.log('');
        output.log(formatReport(report, { order: 'run' }));
        output.log('');
        const seconds = (performance.now() - started) / 1000;
        output.log(
          `Sanity ${report.status === 'fail' ? 'FAILED' : 'passed'} in ${formatSeconds(seconds)} (${report.counts.fail} fail, ${report.counts.warn} warn, ${report.counts.pass} pass): ${directory.display(directory.path)}/ (${files.join(', ')})`,
        );
        return report.status === 'fail' ? exitCodes.checkFailed : exitCodes.done;
      } finally {
        setup.dispose();
      }
    },
  );
}
