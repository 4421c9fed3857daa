import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkArguments } from '@trainkit/core';
import { listCheckpoints } from '@trainkit/core/node';
import type { CoarseParameter, Config, TrialBudget, TrialContext } from '@trainkit/search';
import type { EpochSummary } from './epoch-end';
import { TrainerError } from './errors';
import type { StopSignal } from './interrupt';
import {
  type BackendChoice,
  defaultTrainOptions,
  type OptimizerKind,
  type TrainOptions,
} from './options';
import type { Output, ProgressDisplay } from './progress';
import { runTraining } from './run-training';

/** The parameters a trainer search varies (the recipe's coarse grid). */
export const searchedParameters = ['learningRate', 'weightDecay'] as const;

/**
 * The settings every trial of a search shares. They travel inside each
 * trial's configuration (as one-value parameters), so that a worker on
 * another machine trains exactly what the search asked for, and a resumed
 * search with other settings is refused by the journal (another search).
 */
export const sharedTrialSettings = [
  'model',
  'dropout',
  'limit',
  'validationFraction',
  'seed',
  'batchSize',
  'accumulate',
  'optimizer',
  'warmupSteps',
  'clipNorm',
  'validateEvery',
  'validationSubset',
] as const satisfies readonly (keyof TrainOptions)[];

/**
 * The coarse-to-fine parameters of a search: learning rate and weight decay
 * refined in log space, every shared setting as a fixed one-value parameter
 * (an unset `--limit` or `--clip-norm` is left out: the default).
 */
export function searchParameters(
  options: TrainOptions,
  grid: { readonly learningRates: readonly number[]; readonly weightDecays: readonly number[] },
): Record<string, CoarseParameter> {
  const parameters: Record<string, CoarseParameter> = {
    learningRate: { values: [...grid.learningRates], scale: 'log' },
    weightDecay: {
      values: [...grid.weightDecays],
      scale: grid.weightDecays.length > 1 ? 'log' : 'fixed',
    },
  };
  for (const key of sharedTrialSettings) {
    const value = options[key];
    if (value !== undefined) parameters[key] = { values: [value], scale: 'fixed' };
  }
  return parameters;
}

function fail(field: string, expected: string, value: unknown): never {
  return checkArguments('trainkit search trial').fail(
    `config.${field}`,
    value,
    expected,
    'The trial was queued by a search of another trainkit version; run the worker from the same version as the search.',
  );
}

/**
 * The training options of one trial: the shared settings and the searched
 * values from its configuration, the epochs of its budget, a constant
 * learning rate unless the budget asks for decay (then cosine with warmup),
 * no test set (a search never opens it), its run directory.
 *
 * @param config - The trial's configuration.
 * @param budget - The stage's budget (epochs, learning-rate decay).
 * @param directory - The trial's run directory (its checkpoint directory).
 * @param backend - The backend this machine uses.
 */
export function trialOptions(
  config: Config,
  budget: TrialBudget | undefined,
  directory: string,
  backend: BackendChoice,
): TrainOptions {
  // A trainer search puts every shared setting into each trial (limit and clipNorm only
  // when set). A trial without them was queued by another search on the same queue:
  // training MNIST with defaults would hand that search an accuracy as its value.
  for (const key of sharedTrialSettings) {
    if (key !== 'limit' && key !== 'clipNorm' && config[key] === undefined) {
      checkArguments('trainkit search trial').fail(
        `config.${key}`,
        undefined,
        "present: every trial of 'trainkit search' carries its shared settings",
        `This trial (configuration ${JSON.stringify(config)}) was queued by another search sharing this Redis queue, not by 'trainkit search'; give each search its own --queue (trainkit search --queue NAME and trainkit worker --queue NAME).`,
      );
    }
  }
  const number = (key: string, fallback?: number): number => {
    const value = config[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(key, 'a number', value);
    return value;
  };
  const integerOrUndefined = (key: string): number | undefined =>
    config[key] === undefined ? undefined : number(key);
  const model = config.model ?? defaultTrainOptions.model;
  if (model !== 'mlp' && model !== 'cnn') fail('model', "'mlp' or 'cnn'", model);
  const optimizer = config.optimizer ?? defaultTrainOptions.optimizer;
  if (!['adam', 'sgd', 'momentum', 'rmsprop'].includes(optimizer as string)) {
    fail('optimizer', 'adam, sgd, momentum or rmsprop', optimizer);
  }
  const learningRate = number('learningRate');
  if (!(learningRate > 0)) fail('learningRate', 'a number > 0', learningRate);
  const weightDecay = number('weightDecay', 0);
  if (!(weightDecay >= 0)) fail('weightDecay', 'a number >= 0', weightDecay);
  const d = defaultTrainOptions;
  const clipNorm = integerOrUndefined('clipNorm');
  const limit = integerOrUndefined('limit');
  return {
    ...d,
    model,
    dropout: number('dropout', d.dropout),
    ...(limit === undefined ? {} : { limit }),
    validationFraction: number('validationFraction', d.validationFraction),
    seed: number('seed', d.seed),
    batchSize: number('batchSize', d.batchSize),
    accumulate: number('accumulate', d.accumulate),
    optimizer: optimizer as OptimizerKind,
    warmupSteps: number('warmupSteps', d.warmupSteps),
    ...(clipNorm === undefined ? {} : { clipNorm }),
    validateEvery: number('validateEvery', d.validateEvery),
    validationSubset: number('validationSubset', d.validationSubset),
    learningRate,
    weightDecay,
    epochs: budget?.epochs ?? d.epochs,
    schedule: budget?.learningRateDecay === true ? 'cosine' : 'constant',
    backend,
    logdir: path.dirname(directory),
    name: path.basename(directory),
    resume: false,
    extend: false,
    overwrite: false,
    test: false,
    progress: false,
  };
}

/** How a trial talks to the world. */
export interface TrialIO {
  /** Lines worth showing (each epoch, warnings), already prefixed with the trial. */
  readonly output?: Output;
  /** The backend (default `auto`, or `TRAINKIT_BACKEND`). */
  readonly backend?: BackendChoice;
}

/** A display that keeps only the lines worth showing during a search. */
function trialDisplay(trial: number, output: Output | undefined): ProgressDisplay {
  const prefix = `trial ${trial}: `;
  return {
    live: false,
    log(line) {
      if (line.startsWith('epoch ') || line.startsWith('resume: ')) output?.log(prefix + line);
    },
    warn(line) {
      if (!line.startsWith('profiler: ')) output?.warn(prefix + line);
    },
    start() {},
    update() {},
    stop() {},
  };
}

/** The best validation accuracy of a finished trial run (its result.json), if it finished. */
async function finishedAccuracy(directory: string): Promise<number | undefined> {
  try {
    const json = JSON.parse(await readFile(path.join(directory, 'result.json'), 'utf8')) as {
      best?: { accuracy?: unknown } | null;
    };
    const accuracy = json.best?.accuracy;
    return typeof accuracy === 'number' ? accuracy : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Trains one trial through the trainer's own modules (`runTraining`: the same
 * run setup, step, evaluation, checkpoints and run directory as `train`) into
 * its run directory, `trial.checkpointDirectory`. After each epoch but the
 * last the full validation accuracy is reported (`trial.report(accuracy,
 * epoch)`); when the pruner says stop, the run stops there. A trial run again after
 * a crash (`attempt` > 1) resumes from its newest checkpoint; one whose run
 * had already finished returns its result without training.
 *
 * @param trial - The trial (configuration, budget, directory, report).
 * @param io - Where to print and which backend.
 * @returns The best full-set validation accuracy (the search maximizes it).
 * @throws When training fails (diverged: the trial is recorded as failed) or the search stops.
 */
export async function trainTrial(trial: TrialContext, io: TrialIO = {}): Promise<number> {
  const directory = trial.checkpointDirectory;
  if (directory === undefined) {
    throw new TrainerError(
      'trainkit search: a trial needs a run directory (the search gives each trial <checkpointRoot>/trial-<n>).',
    );
  }
  const backend =
    io.backend ?? (process.env.TRAINKIT_BACKEND as BackendChoice | undefined) ?? 'auto';
  const options = trialOptions(trial.config, trial.budget, directory, backend);
  const done = await finishedAccuracy(directory);
  if (done !== undefined) return done;
  const resume = (await listCheckpoints(path.join(directory, 'checkpoints')).catch(() => []))
    .length;
  const stop: StopSignal = { requested: false, signal: undefined };
  const onAbort = () => {
    stop.requested = true;
    stop.signal = 'SIGINT';
  };
  trial.signal.addEventListener('abort', onAbort);
  let pruned = false;
  let last = Number.NaN;
  const onEpoch = async (summary: EpochSummary) => {
    last = summary.validation.accuracy;
    // The last epoch is not reported: its value is the trial's result, and a
    // pruner asked there could only mark a finished trial as pruned.
    if (summary.epoch >= options.epochs) return;
    // Awaited before the next epoch: a pruned trial stops at once.
    const decision = await trial.report(summary.validation.accuracy, summary.epoch);
    if (decision.prune) {
      pruned = true;
      stop.requested = true;
      io.output?.log(
        `trial ${trial.trial}: pruned after epoch ${summary.epoch} (${decision.reason})`,
      );
    }
  };
  try {
    const result = await runTraining(
      { ...options, resume: resume > 0 },
      { display: trialDisplay(trial.trial, io.output), stop, onEpoch },
    );
    if (pruned) return last;
    if (trial.signal.aborted || result.outcome !== 'completed') {
      throw new TrainerError(
        `trainkit search: trial ${trial.trial} stopped (the search was interrupted); it resumes from its checkpoint with --resume.`,
      );
    }
    return result.best?.accuracy ?? Number.NaN;
  } finally {
    trial.signal.removeEventListener('abort', onAbort);
  }
}
