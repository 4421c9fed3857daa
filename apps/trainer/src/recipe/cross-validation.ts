import path from 'node:path';
import { loadMnist } from '@trainkit/mnist';
import { crossValidate, stratifiedKFold } from '@trainkit/splits';
import { type FoldRecord, writeCrossValidation } from '../artifacts';
import type { DataSplit } from '../data';
import { exitCodes, TrainerError } from '../errors';
import type { StopSignal } from '../interrupt';
import type { TrainOptions } from '../options';
import type { ProgressDisplay } from '../progress';
import { writeCurves } from '../report';
import { saveRunCheckpoint } from '../run-checkpoint';
import { openRunDirectory } from '../run-directory';
import { setupRun } from '../run-setup';
import { createRunState } from '../run-state';
import { trainEpochs } from '../training-loop';

/** One fold's outcome: the best epoch's full validation result on the held-out fold. */
export interface FoldOutcome {
  readonly accuracy: number;
  readonly loss: number;
  readonly trainSize: number;
  readonly validationSize: number;
}

/**
 * Trains `options` on one explicit split through the trainer's modules (run
 * directory and lock, run setup with the split, the training loop with its
 * checkpoints, the learning curves) into `<logdir>/<name>`, and returns the
 * best epoch's validation result (the model the run keeps). The test file is
 * never opened.
 */
export async function trainOnSplit(
  options: TrainOptions,
  split: DataSplit,
  where: { readonly logdir: string; readonly name: string },
  io: { readonly backend: string; readonly display: ProgressDisplay; readonly stop: StopSignal },
): Promise<FoldOutcome> {
  const runOptions: TrainOptions = {
    ...options,
    logdir: where.logdir,
    name: where.name,
    resume: false,
    extend: false,
    overwrite: true,
    test: false,
  };
  const directory = await openRunDirectory(runOptions, where.logdir, 'trainkit recipe');
  try {
    const state = createRunState(runOptions, where.name);
    const run = await setupRun(
      state,
      directory,
      io.backend,
      (line) => io.display.warn(line),
      split,
    );
    try {
      await saveRunCheckpoint(run);
      const outcome = await trainEpochs(run, { stop: io.stop, display: io.display });
      if (outcome.kind === 'interrupted') {
        throw new TrainerError('trainkit recipe: interrupted during cross-validation.', {
          exitCode: outcome.signal === 'SIGTERM' ? exitCodes.terminated : exitCodes.interrupted,
        });
      }
      if (outcome.kind === 'diverged' || state.best === null) {
        throw new TrainerError(
          `trainkit recipe: fold ${where.name} diverged at update ${outcome.kind === 'diverged' ? outcome.update : state.updates} with the chosen configuration (lr ${options.learningRate}).`,
          { exitCode: exitCodes.diverged },
        );
      }
      await writeCurves(run);
      return {
        accuracy: state.best.accuracy,
        loss: state.best.loss,
        trainSize: split.train.length,
        validationSize: split.validation.length,
      };
    } finally {
      await run.dispose();
    }
  } finally {
    await directory.release();
  }
}

/** What the cross-validation measured. */
export interface CrossValidationOutcome {
  readonly folds: readonly FoldRecord[];
  readonly mean: number;
  /** Sample standard deviation of the folds' accuracies. */
  readonly std: number;
}

/**
 * K-fold cross-validation of one configuration with @trainkit/splits'
 * stratified k-fold and its `crossValidate` driver: every image of the
 * training file (the first `--limit`) is held out once; each fold trains in
 * `<directory>/cv/fold-<i>`. Writes `cross-validation.json`.
 */
export async function runCrossValidation(
  options: TrainOptions,
  k: number,
  directory: string,
  io: {
    readonly backend: string;
    readonly display: ProgressDisplay;
    readonly stop: StopSignal;
    readonly onFold?: (fold: number, outcome: FoldOutcome) => void;
  },
): Promise<CrossValidationOutcome> {
  const data = await loadMnist({
    split: 'train',
    ...(options.limit === undefined ? {} : { limit: options.limit }),
  });
  const folds = stratifiedKFold(data.count, {
    k,
    labels: data.labels,
    shuffle: true,
    seed: options.seed,
  });
  const records: FoldRecord[] = [];
  const logdir = path.join(directory, 'cv');
  const result = await crossValidate(folds, async (fold, index) => {
    const outcome = await trainOnSplit(
      options,
      { train: fold.train, validation: fold.validation },
      { logdir, name: `fold-${index}` },
      io,
    );
    io.onFold?.(index, outcome);
    records[index] = {
      fold: index,
      trainSize: outcome.trainSize,
      validationSize: outcome.validationSize,
      accuracy: outcome.accuracy,
      loss: outcome.loss,
      directory: `cv/fold-${index}`,
    };
    return { accuracy: outcome.accuracy, loss: outcome.loss };
  });
  await writeCrossValidation(directory, {
    k,
    method: `stratified ${k}-fold over ${data.count} training images, seed ${options.seed}`,
    folds: records,
  });
  return { folds: records, mean: result.mean.accuracy, std: result.sampleStd.accuracy };
}
