import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  coarseToFine,
  type Executor,
  formatResultsTable,
  type JournalRecord,
  medianPruner,
  noPruner,
  type Pruner,
  resultsToJson,
  runSearch,
  type SearchResult,
  type Strategy,
  successiveHalvingPruner,
} from '@trainkit/search';
import {
  bullmqExecutor,
  fileJournal,
  workerPoolExecutor,
  writeSearchHParams,
} from '@trainkit/search/node';
import { writeSearch } from './artifacts';
import { formatRate } from './command-run';
import { defaultTrainOptions, flagName, type TrainOptions } from './options';
import type { Output } from './progress';
import {
  searchedParameters,
  searchParameters,
  sharedTrialSettings,
  trainTrial,
} from './search-trial';

/** What a trainer search tries and how. */
export interface SearchPlan {
  /** The coarse learning rates. Default 1e-1, 1e-2, 1e-3, 1e-4. */
  readonly learningRates: readonly number[];
  /** The coarse weight decays. Default 1e-4, 1e-5, 0. */
  readonly weightDecays: readonly number[];
  /** Epochs per coarse trial. */
  readonly coarseEpochs: number;
  /** Epochs per refined trial (trained longer). */
  readonly fineEpochs: number;
  /** Refine around this many of the best coarse trials. */
  readonly topK: number;
  /** Points per refined parameter. */
  readonly points: number;
  /** Run the refined stage (false: the coarse grid only). */
  readonly fine: boolean;
  /** Decay the learning rate inside trials (the recipe compares without decay). */
  readonly decay: boolean;
  /** Early stopping of bad trials. */
  readonly pruner: 'median' | 'halving' | 'none';
  /** The most refined trials (best parents first). Default: no limit. */
  readonly maxFineTrials?: number;
}

/**
 * The recipe's own search numbers (coarse trials of 3 epochs, refined ones of
 * 10, the 3 best refined, median pruning): `search`'s defaults and the `full`
 * recipe budget's search, which takes its learning rates from the finder.
 */
export const recipeSearchSettings: Omit<SearchPlan, 'learningRates'> = {
  weightDecays: [1e-4, 1e-5, 0],
  coarseEpochs: 3,
  fineEpochs: 10,
  topK: 3,
  points: 3,
  fine: true,
  decay: false,
  pruner: 'median',
};

/** The search defaults (the recipe's coarse grid; `search --help` lists them). */
export const defaultSearchPlan: SearchPlan = {
  learningRates: [1e-1, 1e-2, 1e-3, 1e-4],
  ...recipeSearchSettings,
};

/**
 * The BullMQ queue of `trainkit search --redis` and `trainkit worker` unless
 * `--queue`: not `trainkit-search` (the default of `trainkit-search
 * coordinator/worker`), so that the two never share a queue by default.
 */
export const defaultTrainerQueue = 'trainkit-trainer';

/** Where the trials run. */
export type SearchExecutorChoice =
  | { readonly kind: 'in-process' }
  | { readonly kind: 'pool'; readonly workers: number }
  | { readonly kind: 'bullmq'; readonly redis: string; readonly queue: string };

/** The metric every trainer search maximizes. */
export const searchMetric = 'validation accuracy';

/** The built objective module workers import (dist/search-objective.js beside the CLI). */
export function objectiveModulePath(): string {
  return fileURLToPath(new URL('./search-objective.js', import.meta.url));
}

/** A number as printed in a command: 3 significant digits when that is exact, else in full. */
function exactNumber(value: number): string {
  const short = formatRate(value);
  return Number(short) === value ? short : String(value);
}

/** The train settings a command must repeat (where a run goes and how it prints are not among them). */
const reproducedSettings = [
  'schedule',
  ...sharedTrialSettings,
] as const satisfies readonly (keyof TrainOptions)[];

/**
 * The `trainkit train` command that trains with exactly these options (a
 * search trial's, from `trialOptions`): the learning rate, weight decay and
 * epochs always, then every setting that decides the run's course and
 * differs from train's default, e.g. `--schedule constant` for a trial
 * trained without decay. Rates are printed in full unless 3 significant
 * digits are exact.
 *
 * @param options - The trial's training options.
 * @returns The command, e.g. `trainkit train --lr 0.003 --weight-decay 0 --epochs 10 --schedule constant`.
 */
export function trainCommandFor(options: TrainOptions): string {
  const flags = [
    `--lr ${exactNumber(options.learningRate)}`,
    `--weight-decay ${exactNumber(options.weightDecay)}`,
    `--epochs ${options.epochs}`,
  ];
  for (const key of reproducedSettings) {
    const value = options[key];
    if (value === undefined || value === defaultTrainOptions[key]) continue;
    flags.push(`${flagName(key)} ${typeof value === 'number' ? exactNumber(value) : value}`);
  }
  return `trainkit train ${flags.join(' ')}`;
}

/** The coarse-to-fine strategy and the pruner of a plan. */
export function searchStrategy(
  options: TrainOptions,
  plan: SearchPlan,
): { strategy: Strategy; pruner: Pruner } {
  const strategy = coarseToFine({
    parameters: searchParameters(options, plan),
    coarse: { epochs: plan.coarseEpochs, learningRateDecay: plan.decay },
    fine: plan.fine
      ? {
          epochs: plan.fineEpochs,
          learningRateDecay: plan.decay,
          topK: plan.topK,
          pointsPerParameter: plan.points,
          ...(plan.maxFineTrials === undefined ? {} : { maxTrials: plan.maxFineTrials }),
        }
      : [],
  });
  const pruner =
    plan.pruner === 'median'
      ? // Not after the first epoch: on small validation sets its accuracy is mostly noise.
        medianPruner({ startupTrials: 4, warmupSteps: 2 })
      : plan.pruner === 'halving'
        ? successiveHalvingPruner({ minResource: 1, reductionFactor: 3 })
        : noPruner();
  return { strategy, pruner };
}

/** The results table with only the searched parameters as columns (the shared settings are one line above it). */
export function searchTable(result: SearchResult, limit?: number): string {
  const shown = result.parameterNames.filter((name) =>
    (searchedParameters as readonly string[]).includes(name),
  );
  const shared = result.parameterNames
    .filter((name) => !shown.includes(name))
    .map((name) => `${name}=${result.trials[0]?.config[name]}`);
  const table = formatResultsTable(
    { ...result, parameterNames: shown },
    { ...(limit === undefined ? {} : { limit }), notes: false },
  );
  return shared.length === 0 ? table : `every trial: ${shared.join(' ')}\n${table}`;
}

/** One line per journal record worth showing while the search runs. */
function recordLine(record: JournalRecord): string | undefined {
  switch (record.op) {
    case 'created': {
      const lr = record.config.learningRate as number;
      const wd = record.config.weightDecay as number | undefined;
      return `trial ${record.trial} (stage ${record.stage}): lr ${formatRate(lr)}, weight decay ${wd === undefined ? 0 : formatRate(wd)}, ${record.budget?.epochs ?? '?'} epochs${record.budget?.learningRateDecay ? ' with decay' : ''}${record.parent === undefined ? '' : `, refined around trial ${record.parent}`}`;
    }
    case 'finished':
      return `trial ${record.trial}: finished, best validation accuracy ${(record.value * 100).toFixed(2)}%`;
    case 'failed':
      return `trial ${record.trial}: failed (${record.error.message.split('\n')[0]})`;
    case 'pruned':
      return undefined; // the trial says it
    default:
      return undefined;
  }
}

/** What {@link runTrainerSearch} returns. */
export interface SearchOutcome {
  readonly result: SearchResult;
  /** Trial run directories relative to the search directory (local ones). */
  readonly trialDirectories: Readonly<Record<string, string>>;
  /** False when the search stopped early (a signal): run it again to resume. */
  readonly complete: boolean;
}

/**
 * Runs a coarse-to-fine search of learning rate and weight decay, each trial
 * a `train` run in `<directory>/trials/trial-<n>` (or on a worker's machine
 * with BullMQ), maximizing the best full-set validation accuracy. The
 * journal `<directory>/journal.jsonl` makes it resumable: run it again with
 * the same directory and settings and finished trials are kept. At the end:
 * `search.json` (artifacts.ts) and the TensorBoard HParams export in
 * `<directory>/hparams` (`writeSearchHParams`).
 *
 * @param options - The shared training options.
 * @param plan - The grid and budgets.
 * @param executor - In process, a worker pool, or BullMQ.
 * @param directory - The search's directory.
 * @param io - Output and a stop signal.
 */
export async function runTrainerSearch(
  options: TrainOptions,
  plan: SearchPlan,
  executor: SearchExecutorChoice,
  directory: string,
  io: {
    readonly output: Output;
    readonly signal?: AbortSignal;
    /** Called once the first trial is planned (the search then has results worth keeping). */
    readonly onStarted?: () => void;
  },
): Promise<SearchOutcome> {
  const { strategy, pruner } = searchStrategy(options, plan);
  const { output } = io;
  const journal = await fileJournal(path.join(directory, 'journal.jsonl'), {
    log: (line) => output.warn(`journal: ${line}`),
  });
  let remote: Executor | undefined;
  let result: SearchResult;
  try {
    if (executor.kind === 'pool') {
      process.env.TRAINKIT_BACKEND = options.backend;
      remote = workerPoolExecutor({
        module: objectiveModulePath(),
        exportName: 'objective',
        size: executor.workers,
      });
    } else if (executor.kind === 'bullmq') {
      remote = await bullmqExecutor({
        redis: executor.redis,
        queue: executor.queue,
        // Jobs carry the objective's fingerprint: a worker of another search on this queue leaves them.
        objective: { module: objectiveModulePath(), exportName: 'objective' },
        log: (line) => output.log(`bullmq: ${line}`),
      });
    }
    result = await runSearch({
      strategy,
      direction: 'maximize',
      pruner,
      journal,
      checkpointRoot: path.join(directory, 'trials'),
      ...(remote === undefined
        ? { objective: (trial) => trainTrial(trial, { output, backend: options.backend }) }
        : { executor: remote }),
      ...(io.signal === undefined ? {} : { signal: io.signal }),
      onRecord: (record) => {
        if (record.op === 'created') io.onStarted?.();
        const line = recordLine(record);
        if (line !== undefined) output.log(line);
      },
      log: (line) => output.log(`search: ${line}`),
    });
  } finally {
    await remote?.close().catch(() => undefined);
    await journal.close();
  }
  const trialDirectories: Record<string, string> = {};
  for (const trial of result.trials) {
    const relative = `trials/trial-${trial.trial}`;
    const exists = await stat(path.join(directory, relative)).then(
      () => true,
      () => false,
    );
    if (exists) trialDirectories[String(trial.trial)] = relative;
  }
  await writeSearchHParams(result, path.join(directory, 'hparams'), {
    replace: true,
    metricName: searchMetric,
  });
  await writeSearch(directory, {
    results: resultsToJson(result),
    trialDirectories,
    metric: searchMetric,
  });
  const complete = result.trials.every(
    (trial) => trial.state !== 'created' && trial.state !== 'running',
  );
  return { result, trialDirectories, complete };
}
