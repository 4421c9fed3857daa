import { checkArguments } from '@trainkit/core';
import { formatRate, runInDirectory } from '../command-run';
import { handleInterruptsWithAbort } from '../interrupt';
import { parseCommandOptions, trainOptionsHelp } from '../options';
import { parsePlantedBugs, plantableBugs } from '../planted-bugs';
import { consoleProgress, formatSeconds } from '../progress';
import { budgetSettings, type RecipeBudgetName, recipeBudgets } from '../recipe/budgets';
import { runRecipe, writeRecipeReport } from '../recipe/run-recipe';
import type { SearchExecutorChoice } from '../search-run';

/** The `recipe` command's one-line summary, for `trainkit help`. */
export const recipeSummary =
  'the whole training recipe in order, each step deciding the next, and its report';

const trainOptionsText = trainOptionsHelp;

const budgetLine = (name: RecipeBudgetName) => {
  const b = budgetSettings[name];
  return `  ${name.padEnd(9)} ${b.limit === undefined ? 'all 60,000' : b.limit.toLocaleString('en-US')} training images; coarse trials ${b.search.coarseEpochs} epochs, refined ${b.search.fineEpochs}, final ${b.finalEpochs}`;
};

export const recipeUsage = `Usage: trainkit recipe [options]

The training recipe, in order, each step's outcome deciding the next, into runs/<name>/:
  1  data and leakage checks (labels, input scale, duplicates across train/validation/test)
  2  start simple: the MLP first, and the time of one sanity pass (the debug cycle)
  3  initial loss and common mistakes (output/loss pairing, evaluation mode, stale gradients)
  4  overfit one sample, one batch, growing sets
     (--model cnn: the CNN's own pass once the MLP passed: add complexity one step at a time)
  5  learning-rate finder: range test + discrete test; the rates that work make the coarse grid
  6  coarse grid of learning rate x weight decay, a few epochs each, no decay
  7  refined grid around the best, trained longer without decay: the chosen configuration
  8  final training with the chosen configuration (warmup + cosine decay): runs/<name>/final/
  9  with --cv K: K-fold cross-validation of it
 10  the test set, opened once, at the very end (the guard is runs/<name>/test-guard.json)
A failing step stops the recipe with its advice (exit 4). Each step is recorded in recipe.json;
the report (report.html, report.md) is written at the end.

Recipe options
  --budget quick|standard|full   how much to spend (default quick):
${recipeBudgets.map(budgetLine).join('\n')}
  --cv K                       also cross-validate the chosen configuration on K folds (2..10)
  --workers N                  run the search's trials on N worker threads
  --plant BUG[,BUG]            plant a bug in what the checks see (${plantableBugs.join(', ')})
  --limit N, --epochs N        override the budget's training images and final epochs

Exit codes: 0 done, 4 a step failed (its advice is printed), 130 interrupted, 2 bad input,
1 internal error.

The training options (model, data, optimizer; --lr is the configured rate the discrete test judges):
${trainOptionsText}`;

const without = ['resume', 'extend', 'checkpoint-every', 'no-test', 'weight-decay', 'schedule'];

/**
 * `trainkit recipe [options]`: the whole recipe, step by step, and its report.
 *
 * @param argv - The arguments after the command name.
 * @returns The process exit code.
 */
export async function recipeCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(recipeUsage);
    return 0;
  }
  const command = 'trainkit recipe';
  const {
    options: parsed,
    explicit,
    extra,
  } = parseCommandOptions(argv, {
    command,
    values: ['budget', 'cv', 'workers', 'plant'],
    without,
  });
  const check = checkArguments(command);
  const budgetName = check.oneOf(
    '--budget',
    (extra.budget as string | undefined) ?? 'quick',
    recipeBudgets,
  );
  const budget = budgetSettings[budgetName];
  const cv =
    extra.cv === undefined
      ? undefined
      : check.integer('--cv', Number(extra.cv), {
          min: 2,
          max: 10,
          fix: 'E.g. --cv 5 (5-fold cross-validation).',
        });
  const workers =
    extra.workers === undefined
      ? undefined
      : check.integer('--workers', Number(extra.workers), { min: 1, max: 64 });
  const plants = parsePlantedBugs(command, extra.plant as string | undefined);
  const options = {
    ...parsed,
    limit: explicit.has('limit') ? parsed.limit : budget.limit,
  };
  const finalEpochs = explicit.has('epochs') ? parsed.epochs : budget.finalEpochs;
  const executor: SearchExecutorChoice =
    workers === undefined ? { kind: 'in-process' } : { kind: 'pool', workers };
  const output = consoleProgress(false);
  const progress = consoleProgress(options.progress);
  const interrupts = handleInterruptsWithAbort((line) => progress.warn(line));
  try {
    return await runInDirectory(
      'recipe',
      options,
      {
        budget: budgetName,
        finalEpochs,
        cv: cv ?? null,
        plant: plants.length === 0 ? null : plants.join(','),
        workers: workers ?? null,
      },
      output,
      async ({ directory, backend }, keep) => {
        keep();
        output.log(
          `recipe: ${directory.display(directory.path)}, budget ${budgetName} (${options.limit === undefined ? 'all 60,000' : options.limit} training images, model ${options.model}, ${options.optimizer}${cv === undefined ? '' : `, ${cv}-fold cross-validation`})`,
        );
        const outcome = await runRecipe(
          {
            options,
            budget,
            finalEpochs,
            cv,
            plants,
            executor,
            warmupExplicit: explicit.has('warmupSteps'),
          },
          {
            directory: directory.path,
            display: directory.display,
            backend: backend.backend,
            output,
            progress,
            stop: interrupts.stop,
            signal: interrupts.signal,
          },
        );
        const report = await writeRecipeReport(directory.path);
        output.log('');
        if (outcome.stoppedAt !== undefined) {
          output.log(
            `Recipe STOPPED at step '${outcome.stoppedAt}' after ${formatSeconds(outcome.seconds)}: fix what the advice above says, then run it again. Report: ${directory.display(report)}`,
          );
        } else {
          output.log(
            `Recipe done in ${formatSeconds(outcome.seconds)}: lr ${formatRate(outcome.chosen!.learningRate)}, weight decay ${formatRate(outcome.chosen!.weightDecay)}; validation accuracy ${((outcome.validationAccuracy ?? 0) * 100).toFixed(2)}%, test accuracy ${((outcome.testAccuracy ?? 0) * 100).toFixed(2)}% (the test set opened once).`,
          );
          output.log(
            `Report: ${directory.display(report)} (and report.md); steps: ${directory.display(directory.path)}/recipe.json; the final model: ${directory.display(directory.path)}/final/`,
          );
          output.log(`TensorBoard: tensorboard --logdir ${directory.display(directory.path)}`);
        }
        return outcome.exitCode;
      },
    );
  } finally {
    interrupts.dispose();
    progress.stop();
  }
}
