import { checkArguments } from '@trainkit/core';
import { formatRate, runInDirectory } from '../command-run';
import { exitCodes, TrainerError } from '../errors';
import { handleInterruptsWithAbort } from '../interrupt';
import { parseCommandOptions, trainOptionsHelp } from '../options';
import { consoleProgress, formatSeconds } from '../progress';
import {
  defaultSearchPlan,
  defaultTrainerQueue,
  runTrainerSearch,
  type SearchExecutorChoice,
  type SearchPlan,
  searchTable,
  trainCommandFor,
} from '../search-run';
import { trialOptions } from '../search-trial';

/** The `search` command's one-line summary, for `trainkit help`. */
export const searchSummary =
  'coarse-to-fine search of learning rate x weight decay (in process, pool, BullMQ)';

const trainOptionsText = trainOptionsHelp;

const d = defaultSearchPlan;

export const searchUsage = `Usage: trainkit search [options]

A coarse-to-fine hyperparameter search (@trainkit/search): a coarse grid of learning rate x
weight decay trained for a few epochs, then a finer grid around the best trials trained longer,
without learning-rate decay (the recipe's way of comparing). Each trial is a 'train' run in
runs/<name>/trials/trial-<n>/ (its own checkpoints, curves and TensorBoard runs; the test set is
never opened); the search maximizes the best full-set validation accuracy, reported after every
epoch so that the median rule stops hopeless trials. The journal runs/<name>/journal.jsonl is
written before and after every event: after a crash (even SIGKILL) or Ctrl-C, run
'trainkit search --resume --name <name>' and finished trials are kept, interrupted ones resume
from their checkpoints. At the end: the sorted table, runs/<name>/search.json and the HParams
export (tensorboard --logdir runs/<name>/hparams; the trials' curves: --logdir runs/<name>/trials).

Search options
  --learning-rates X,Y,...     coarse learning rates (default ${d.learningRates.join(',')})
  --weight-decays X,Y,...      coarse weight decays (default ${d.weightDecays.join(',')}; 0 = off)
  --coarse-epochs N            epochs per coarse trial (default ${d.coarseEpochs})
  --fine-epochs N              epochs per refined trial (default ${d.fineEpochs})
  --top-k N                    refine around the N best coarse trials (default ${d.topK})
  --points N                   points per parameter around each (default ${d.points}; odd keeps the centre)
  --max-fine-trials N          at most N refined trials, best parents first (default: all)
  --no-fine                    the coarse grid only
  --lr-decay                   decay the learning rate (cosine) inside trials (default: constant)
  --pruner median|halving|none stop bad trials early (default median: Optuna's median rule)
Where trials run (one of)
  (default)                    in this process, one after the other
  --workers N                  a pool of N worker threads on this machine
  --redis URL                  BullMQ on Redis: start 'trainkit worker --redis URL' on any machines
  --queue NAME                 with --redis: the BullMQ queue (default trainkit-trainer)
Runs
  --name NAME --logdir DIR     the search directory runs/<name>/ (default name: the start time)
  --resume                     continue the search --name from its journal
  --overwrite                  start the search --name over

Exit codes: 0 done, 3 no trial finished (all failed), 130 interrupted (resume with --resume),
2 bad input, 1 internal error.

The shared training options of every trial (not --lr, --weight-decay, --epochs, --schedule):
${trainOptionsText}`;

const without = [
  'extend',
  'checkpoint-every',
  'no-test',
  'lr',
  'weight-decay',
  'epochs',
  'schedule',
];

function numberList(
  command: string,
  flag: string,
  text: string | undefined,
  fallback: readonly number[],
  min: number,
): number[] {
  if (text === undefined) return [...fallback];
  const check = checkArguments(command);
  const parts = text.split(',').map((part) => part.trim());
  const values = parts.map((part) => Number(part));
  values.forEach((value, i) => {
    if (
      parts[i] === '' ||
      Number.isNaN(value) ||
      !(value >= min) ||
      (min === 0 ? false : value === 0)
    ) {
      check.fail(
        `--${flag}`,
        text,
        `comma-separated numbers ${min === 0 ? '>= 0' : '> 0'}`,
        `E.g. --${flag} ${fallback.join(',')}.`,
      );
    }
  });
  if (new Set(values).size !== values.length) {
    check.fail(`--${flag}`, text, 'distinct values', 'List each value once.');
  }
  return values;
}

/** Reads the search flags. */
export function parseSearchPlan(
  command: string,
  extra: Readonly<Record<string, string | boolean | undefined>>,
  base: SearchPlan = defaultSearchPlan,
): { plan: SearchPlan; executor: SearchExecutorChoice } {
  const check = checkArguments(command);
  const integer = (flag: string, fallback: number, min: number, max: number): number => {
    const text = extra[flag] as string | undefined;
    if (text === undefined) return fallback;
    return check.integer(`--${flag}`, text.trim() === '' ? Number.NaN : Number(text), {
      min,
      max,
    });
  };
  const pruner = check.oneOf('--pruner', (extra.pruner as string | undefined) ?? base.pruner, [
    'median',
    'halving',
    'none',
  ] as const);
  const maxFine = extra['max-fine-trials'];
  const plan: SearchPlan = {
    learningRates: numberList(
      command,
      'learning-rates',
      extra['learning-rates'] as string | undefined,
      base.learningRates,
      Number.MIN_VALUE,
    ),
    weightDecays: numberList(
      command,
      'weight-decays',
      extra['weight-decays'] as string | undefined,
      base.weightDecays,
      0,
    ),
    coarseEpochs: integer('coarse-epochs', base.coarseEpochs, 1, 1000),
    fineEpochs: integer('fine-epochs', base.fineEpochs, 1, 1000),
    topK: integer('top-k', base.topK, 1, 100),
    points: integer('points', base.points, 1, 11),
    fine: extra['no-fine'] === true ? false : base.fine,
    decay: extra['lr-decay'] === true ? true : base.decay,
    pruner,
    ...(maxFine === undefined
      ? base.maxFineTrials === undefined
        ? {}
        : { maxFineTrials: base.maxFineTrials }
      : { maxFineTrials: integer('max-fine-trials', 0, 1, 10_000) }),
  };
  const workers = extra.workers as string | undefined;
  const redis = extra.redis as string | undefined;
  if (workers !== undefined && redis !== undefined) {
    check.fail(
      '--workers',
      workers,
      'not combined with --redis',
      'Choose one place for the trials: --workers N (this machine) or --redis URL (workers anywhere).',
    );
  }
  if (extra.queue !== undefined && redis === undefined) {
    check.fail(
      '--queue',
      extra.queue,
      'used with --redis',
      'E.g. --redis redis://127.0.0.1:6379 --queue mnist.',
    );
  }
  let executor: SearchExecutorChoice = { kind: 'in-process' };
  if (workers !== undefined) {
    executor = { kind: 'pool', workers: integer('workers', 1, 1, 64) };
  } else if (redis !== undefined) {
    if (!/^rediss?:\/\/[^\s]+$/.test(redis)) {
      check.fail(
        '--redis',
        redis,
        'a Redis URL',
        'E.g. --redis redis://127.0.0.1:6379 (or rediss://:password@host:6379).',
      );
    }
    const queue = (extra.queue as string | undefined) ?? defaultTrainerQueue;
    if (!/^[\w.-]+$/.test(queue)) {
      check.fail(
        '--queue',
        queue,
        'a name of letters, digits, ".", "-" and "_"',
        'E.g. --queue mnist-search.',
      );
    }
    executor = { kind: 'bullmq', redis, queue };
  }
  return { plan, executor };
}

/** The search flags that take a value and the boolean ones (the recipe takes some of them too). */
export const searchValueFlags = [
  'learning-rates',
  'weight-decays',
  'coarse-epochs',
  'fine-epochs',
  'top-k',
  'points',
  'max-fine-trials',
  'pruner',
  'workers',
  'redis',
  'queue',
] as const;

/**
 * `trainkit search [options]`: a coarse-to-fine search of learning rate and
 * weight decay, each trial a `train` run; resumable from its journal.
 *
 * @param argv - The arguments after the command name.
 * @returns The process exit code.
 */
export async function searchCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(searchUsage);
    return 0;
  }
  const command = 'trainkit search';
  const { options, extra } = parseCommandOptions(argv, {
    command,
    values: [...searchValueFlags],
    booleans: ['no-fine', 'lr-decay'],
    without,
  });
  if (options.resume && options.overwrite) {
    checkArguments(command).fail(
      '--overwrite',
      true,
      'not combined with --resume',
      'Use --resume to continue the search, or --overwrite to start it over.',
    );
  }
  const { plan, executor } = parseSearchPlan(command, extra);
  const output = consoleProgress(false);
  const interrupts = handleInterruptsWithAbort((line) => output.warn(line));
  try {
    return await runInDirectory(
      'search',
      options,
      {
        learningRates: plan.learningRates.join(','),
        weightDecays: plan.weightDecays.join(','),
        coarseEpochs: plan.coarseEpochs,
        fineEpochs: plan.fine ? plan.fineEpochs : null,
        topK: plan.topK,
        points: plan.points,
        learningRateDecay: plan.decay,
        pruner: plan.pruner,
        executor: executor.kind,
      },
      output,
      async ({ directory }, keep) => {
        const started = performance.now();
        output.log(
          `search: ${directory.display(directory.path)}${directory.resumed ? ' (resumed from its journal)' : ''}; trials ${executor.kind === 'in-process' ? 'in this process' : executor.kind === 'pool' ? `on ${executor.workers} worker threads` : `on BullMQ workers (queue ${executor.queue} at ${executor.redis.replace(/\/\/:[^@]*@/, '//:***@')}); start them with: trainkit worker --redis ${executor.redis.replace(/\/\/:[^@]*@/, '//:***@')}${executor.queue === defaultTrainerQueue ? '' : ` --queue ${executor.queue}`}`}`,
        );
        const outcome = await runTrainerSearch(options, plan, executor, directory.path, {
          output,
          signal: interrupts.signal,
          // Before the first trial is planned (e.g. Redis unreachable) nothing is kept.
          onStarted: keep,
        });
        const { result } = outcome;
        const seconds = (performance.now() - started) / 1000;
        output.log('');
        output.log(searchTable(result, 20));
        output.log('');
        if (!outcome.complete) {
          output.log(
            `Stopped after ${formatSeconds(seconds)}: ${result.counts.finished} trials finished. Continue with: trainkit search --resume --name ${directory.name}${options.logdir === 'runs' ? '' : ` --logdir ${options.logdir}`}`,
          );
          return interrupts.stop.signal === 'SIGTERM'
            ? exitCodes.terminated
            : exitCodes.interrupted;
        }
        const best = result.best;
        if (best === undefined) {
          throw new TrainerError(
            `trainkit search: no trial finished (${result.counts.failed} failed, ${result.counts.pruned} pruned): see the table above and the trials' directories in ${directory.display(directory.path)}/trials. Lower the learning rates (--learning-rates) or fix the first failure.`,
            { exitCode: exitCodes.diverged },
          );
        }
        const lr = best.config.learningRate as number;
        const wd = (best.config.weightDecay as number | undefined) ?? 0;
        const directoryOf = outcome.trialDirectories[String(best.trial)];
        output.log(
          `Best: trial ${best.trial}, lr ${formatRate(lr)}, weight decay ${formatRate(wd)}: validation accuracy ${((best.value ?? Number.NaN) * 100).toFixed(2)}%${directoryOf === undefined ? '' : ` (${directory.display(`${directory.path}/${directoryOf}`)})`}, ${result.trials.length} trials in ${formatSeconds(seconds)}.`,
        );
        output.log(
          // Exactly the best trial's settings (its epochs and schedule: constant unless the plan decays).
          `Train it: ${trainCommandFor(trialOptions(best.config, best.budget, directory.path, options.backend))}`,
        );
        output.log(
          `Files: ${directory.display(directory.path)}/ (search.json, journal.jsonl, hparams/, trials/). TensorBoard: tensorboard --logdir ${directory.display(directory.path)}/hparams (HParams), --logdir ${directory.display(directory.path)}/trials (curves)`,
        );
        return exitCodes.done;
      },
      'journal.jsonl',
    );
  } finally {
    interrupts.dispose();
  }
}
