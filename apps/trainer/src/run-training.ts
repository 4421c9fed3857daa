import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { registerAccumulatingOptimizer } from '@trainkit/accumulate';
import { formatBackendSelection, selectBackend } from '@trainkit/backend';
import { checkArguments, StateRestoreError } from '@trainkit/core';
import { CheckpointWriteError } from '@trainkit/core/node';
import type { Diagnosis, TrainingHistory } from '@trainkit/curves';
import { readResult } from './artifacts';
import type { EpochSummary } from './epoch-end';
import { exitCodes, fileSystemFix, fileSystemReason, TrainerError } from './errors';
import { rewindEventFiles } from './event-files';
import type { StopSignal } from './interrupt';
import { fixedOnResume, flagName, type TrainOptions } from './options';
import type { ProgressDisplay } from './progress';
import { formatSeconds } from './progress';
import {
  evaluateTestSet,
  evaluateTraining,
  printLines,
  profileLines,
  reportFiles,
  useBestWeights,
  writeCurves,
  writeRunResult,
  writeStartArtifacts,
} from './report';
import { reportPageFiles, writeReport } from './report/write-report';
import {
  lastCommittedUpdates,
  loadRunCheckpoint,
  type RunCheckpoint,
  restoreRun,
  saveRunCheckpoint,
} from './run-checkpoint';
import { openRunDirectory, type RunDirectory, userDirectory } from './run-directory';
import { type Run, setupRun } from './run-setup';
import { createRunState, type RunState } from './run-state';
import { trainEpochs } from './training-loop';

/** How `train` is connected to the world. */
export interface TrainIO {
  readonly display: ProgressDisplay;
  readonly stop: StopSignal;
  /** The user's directory, for relative paths (default: INIT_CWD or the cwd). */
  readonly cwd?: string;
  /** Options the user gave explicitly (checked against a resumed run's settings). */
  readonly explicit?: ReadonlySet<keyof TrainOptions>;
  /** Called after each epoch's end, its checkpoint committed; a promise is awaited (the search asks its pruner). */
  readonly onEpoch?: (summary: EpochSummary) => void | Promise<void>;
}

/** What a run did, for the summary, the exit code and tests. */
export interface TrainResult {
  readonly outcome: 'completed' | 'interrupted' | 'diverged';
  readonly exitCode: number;
  readonly backend: string;
  readonly directory: string;
  readonly name: string;
  readonly epochsCompleted: number;
  readonly updates: number;
  /** The best epoch's full-set validation result (the model the run hands over). */
  readonly best: RunState['best'];
  /** `undefined` when the test set was not evaluated (`--no-test`, or the run did not complete). */
  readonly testAccuracy: number | undefined;
  readonly history: TrainingHistory;
  readonly diagnosis: Diagnosis | undefined;
}

/** The hyperparameters a run shows in TensorBoard's HParams dashboard. */
function hparamsOf(options: TrainOptions): Record<string, number | string> {
  return {
    model: options.model,
    optimizer: options.optimizer,
    learning_rate: options.learningRate,
    weight_decay: options.weightDecay,
    schedule: options.schedule,
    batch_size: options.batchSize,
    accumulate: options.accumulate,
    epochs: options.epochs,
    dropout: options.model === 'cnn' ? options.dropout : 0,
    warmup_steps: options.warmupSteps,
    seed: options.seed,
  };
}

/**
 * The state a resumed run continues with: the checkpoint's settings, the
 * flags that may change (backend, progress, test, checkpoint interval), and
 * `--extend --epochs N` to train beyond the planned epochs. A flag that would
 * change the run's course is refused.
 */
function resumeState(
  saved: RunState,
  requested: TrainOptions,
  explicit: ReadonlySet<keyof TrainOptions>,
  runName: string,
  reported: boolean,
): RunState {
  const check = checkArguments('trainkit train');
  for (const key of fixedOnResume) {
    if (explicit.has(key) && requested[key] !== saved.options[key]) {
      check.fail(
        `${flagName(key)} (with --resume)`,
        requested[key],
        `the run's own ${String(saved.options[key])}`,
        'A resumed run keeps the settings it started with (they decide its exact course); start a new run with --name to change them.',
      );
    }
  }
  let epochs = saved.options.epochs;
  if (explicit.has('epochs') && requested.epochs !== saved.options.epochs) {
    if (!requested.extend || requested.epochs < saved.options.epochs) {
      check.fail(
        '--epochs (with --resume)',
        requested.epochs,
        `the run's ${saved.options.epochs}`,
        requested.extend
          ? '--extend only adds epochs.'
          : `To train on to ${requested.epochs} epochs, add --extend: the extra epochs run at the schedule's final learning rate (the schedule is not stretched).`,
      );
    }
    epochs = requested.epochs;
  } else if (requested.extend) {
    check.fail(
      '--extend',
      true,
      `used with --epochs greater than the run's ${saved.options.epochs}`,
      `E.g. --resume --extend --epochs ${saved.options.epochs + 2}.`,
    );
  }
  // A run killed after its last checkpoint but before its result and report resumes to write them.
  if (saved.finished && epochs === saved.options.epochs && reported) {
    throw new TrainerError(
      `trainkit train: run ${runName} already finished its ${epochs} epochs${saved.best === null ? '' : ` (best validation accuracy ${(saved.best.accuracy * 100).toFixed(2)}% at epoch ${saved.best.epoch})`}: nothing to resume. To train it longer: --resume --name ${runName} --extend --epochs ${epochs + 2} (the extra epochs run at the schedule's final learning rate).`,
    );
  }
  return {
    ...saved,
    options: {
      ...saved.options,
      epochs,
      backend: requested.backend,
      progress: requested.progress,
      test: requested.test,
      checkpointEvery: requested.checkpointEvery,
      name: runName,
    },
    finished: saved.finished && epochs === saved.options.epochs,
  };
}

/** Turns a file-system failure of a running run into a message naming --logdir. */
function writeFailure(
  error: unknown,
  directory: RunDirectory,
  options: TrainOptions,
  updates: number | undefined,
): unknown {
  const isWrite =
    CheckpointWriteError.isInstance(error) ||
    (error as { name?: string } | null)?.name === 'EventWriteError' ||
    typeof (error as { code?: unknown } | null)?.code === 'string';
  if (!isWrite || TrainerError.isInstance(error)) return error;
  const target = (error as { path?: string }).path ?? directory.path;
  const code = (error as { code?: string }).code;
  const resume =
    updates === undefined
      ? 'Nothing was kept.'
      : `The last checkpoint (update ${updates} or earlier) is intact: continue with trainkit train --resume --name ${directory.name}${options.logdir === 'runs' ? '' : ` --logdir ${options.logdir}`}.`;
  return new TrainerError(
    `trainkit train: --logdir ${options.logdir}: cannot write ${directory.display(target)} (${fileSystemReason(error)}). ${fileSystemFix(code)} ${resume}`,
    { cause: error },
  );
}

/**
 * Trains the reference model on MNIST with every trainkit package - the whole
 * `trainkit train`: opens (or resumes) the run directory under its lock,
 * selects the backend, sets the run up, trains epoch by epoch with checkpoints,
 * and reports (curves and diagnosis, profile, the test set opened once at the
 * end with the best epoch's weights, TensorBoard, files).
 *
 * @param options - The parsed options.
 * @param io - The display, the stop signal, the user's directory.
 * @returns What happened; `exitCode` is what the CLI exits with.
 * @throws TrainerError, InvalidArgumentError, StateRestoreError, IdxFormatError for expected failures.
 */
export async function runTraining(options: TrainOptions, io: TrainIO): Promise<TrainResult> {
  const { display, stop } = io;
  const cwd = io.cwd ?? userDirectory();
  const directory = await openRunDirectory(options, cwd);
  let run: Run | undefined;
  let committedUpdates: number | undefined;
  try {
    const selection = await selectBackend({ backend: options.backend });
    display.log(formatBackendSelection(selection));
    registerAccumulatingOptimizer();

    let state: RunState;
    let checkpoint: RunCheckpoint | undefined;
    if (directory.resumed) {
      const loaded = await loadRunCheckpoint(directory.checkpoints);
      if (loaded.fallbackMessage !== undefined) display.warn(`warning: ${loaded.fallbackMessage}`);
      checkpoint = loaded.state;
      committedUpdates = checkpoint.state.updates;
      const reported =
        (await readResult(directory.path).catch(() => undefined)) !== undefined &&
        (await stat(path.join(directory.path, reportPageFiles.markdown)).catch(() => undefined)) !==
          undefined;
      state = resumeState(
        checkpoint.state,
        options,
        io.explicit ?? new Set(),
        directory.name,
        reported,
      );
      const rewound = await rewindEventFiles(directory.path, state.eventFiles);
      display.log(
        `resume: ${directory.display(directory.path)} at epoch ${state.epoch + 1}, batch ${state.batch}, ${state.updates} updates (checkpoint ${loaded.generation}${rewound.truncated + rewound.removed > 0 ? `; TensorBoard files rewound to it: ${rewound.truncated} cut, ${rewound.removed} removed` : ''})`,
      );
      if (rewound.shorter.length > 0) {
        display.warn(
          `warning: event files shorter than at the checkpoint (records lost): ${rewound.shorter.join(', ')}`,
        );
      }
    } else {
      state = createRunState({ ...options, name: directory.name }, directory.name);
    }

    run = await setupRun(state, directory, selection.backend, (message) => display.warn(message));
    const { plan } = run;
    if (checkpoint !== undefined) {
      await restoreRun(run, checkpoint);
    } else {
      run.writers.session.hparams(hparamsOf(state.options));
      run.writers.session.text(
        'config',
        `\`\`\`\n${JSON.stringify(state.options, null, 2)}\n\`\`\``,
        0,
      );
      // A checkpoint before the first batch: from here on, a resume is always possible.
      await saveRunCheckpoint(run);
      committedUpdates = 0;
    }
    await writeStartArtifacts(run);
    display.log(
      `data: MNIST ${run.data.data.count} training images -> ${plan.trainSize} train / ${plan.validationSize} validation (stratified, seed ${state.options.seed}); the test file is opened once, at the end`,
    );
    display.log(
      `run: ${directory.display(directory.path)}  (${plan.microBatchesPerEpoch} batches of ${state.options.batchSize}, ${plan.updatesPerEpoch} updates per epoch; TensorBoard: tensorboard --logdir ${directory.display(directory.root)})`,
    );

    stop.stage = 'training';
    const outcome =
      state.epoch < state.options.epochs
        ? await trainEpochs(run, {
            stop,
            display,
            ...(io.onEpoch === undefined ? {} : { onEpoch: io.onEpoch }),
          })
        : ({ kind: 'completed' } as const);
    display.stop();
    if (outcome.kind === 'completed') stop.stage = 'finishing';
    /**
     * A stop asked for after the last epoch's checkpoint: the curves, the test
     * set and the report run on --resume (checked between those steps, so a
     * Ctrl-C there is honoured within one step, not after the whole report).
     */
    const stoppedAfterTraining = (): TrainResult | undefined => {
      if (!stop.requested) return undefined;
      display.log(
        `Stopped after the last epoch (its checkpoint is saved), before the report. Write it with: trainkit train --resume --name ${directory.name}${options.logdir === 'runs' ? '' : ` --logdir ${options.logdir}`}`,
      );
      return finish(
        'interrupted',
        stop.signal === 'SIGTERM' ? exitCodes.terminated : exitCodes.interrupted,
        undefined,
      );
    };
    if (outcome.kind === 'completed') {
      // Let a signal that arrived during the last epoch's end be seen.
      await new Promise((resolve) => setImmediate(resolve));
      const stopped = stoppedAfterTraining();
      if (stopped !== undefined) return stopped;
    }
    if (outcome.kind === 'interrupted') {
      display.log(
        `Stopped: checkpoint saved at epoch ${state.epoch + 1}, batch ${state.batch} (${state.updates} updates, ${formatSeconds(state.trainingMs / 1000)} of training). Continue with: trainkit train --resume --name ${directory.name}${options.logdir === 'runs' ? '' : ` --logdir ${options.logdir}`}`,
      );
      return finish(
        'interrupted',
        outcome.signal === 'SIGTERM' ? exitCodes.terminated : exitCodes.interrupted,
        undefined,
      );
    }

    const { lines, diagnosis } = await writeCurves(run);
    lines.push(...profileLines(run));
    if (outcome.kind === 'diverged') {
      run.writers.session.hparamsEnd({ status: 'failure' });
      await run.writers.flush();
      // The report of a diverged run shows its curves so far (best effort: the error below matters more).
      await writeReport(directory.path).catch(() => undefined);
      printLines(display, lines);
      const lower = state.options.learningRate > 1e-3 ? 1e-3 : state.options.learningRate / 10;
      const at = outcome.epoch;
      const cause =
        at === undefined
          ? `the loss or the gradients became NaN or infinite in the last ${outcome.microBatches} batches (their updates were skipped)`
          : `epoch ${at.epoch} ended with ${Number.isFinite(at.trainLoss) ? `validation loss ${at.validationLoss}` : `training loss ${at.trainLoss}`}${skippedNote()}`;
      throw new TrainerError(
        `trainkit train: training diverged at update ${outcome.update}: ${cause}. Lower --lr (it is ${state.options.learningRate}), e.g. --lr ${lower}${state.options.clipNorm === undefined ? ', or clip gradients with --clip-norm 1' : ''}. The curves so far are in ${directory.display(directory.path)}; the last good checkpoint is kept.`,
        { exitCode: exitCodes.diverged },
      );
    }

    const stoppedBeforeTest = stoppedAfterTraining();
    if (stoppedBeforeTest !== undefined) return stoppedBeforeTest;
    useBestWeights(run);
    const test = state.options.test ? await evaluateTestSet(run, lines) : undefined;
    const testAccuracy = test?.accuracy;
    // The test records are written after the last checkpoint: a resume rewinds and rewrites them.
    const stoppedAfterTest = stoppedAfterTraining();
    if (stoppedAfterTest !== undefined) return stoppedAfterTest;
    stop.stage = 'done';
    // A finished run resumed for its report already has its end record (rewound to the checkpoint).
    if (!state.finished) run.writers.session.hparamsEnd({ status: 'success' });
    state.finished = true;
    await saveRunCheckpoint(run);
    const best = state.best;
    await writeRunResult(run, selection.backend, test, evaluateTraining(run));
    const page = await writeReport(directory.path);
    lines.push(
      '',
      `Done in ${formatSeconds(state.trainingMs / 1000)} of training: ${state.updates} updates${skippedNote()}${best === null ? '' : `, best validation accuracy ${(best.accuracy * 100).toFixed(2)}% at epoch ${best.epoch} (the model kept)`}${testAccuracy === undefined ? '' : `, test accuracy ${(testAccuracy * 100).toFixed(2)}%`}.`,
      `Report: ${directory.display(directory.path)}/ (${(await readdir(directory.path))
        .filter((name) => (Object.values(reportFiles) as string[]).includes(name))
        .sort()
        .join(', ')}, checkpoints/)`,
      `Report page: ${directory.display(page.html)} (Markdown: ${directory.display(page.markdown)}; trainkit report ${directory.name} rewrites it)`,
      `TensorBoard: tensorboard --logdir ${directory.display(directory.root)}`,
    );
    printLines(display, lines);
    return finish('completed', exitCodes.done, testAccuracy, diagnosis);

    /** ` (N of M micro-batches skipped: ...)` when any micro-batch was dropped, else ''. */
    function skippedNote(): string {
      return state.skippedMicroBatches === 0
        ? ''
        : ` (${state.skippedMicroBatches} of ${state.microBatches} micro-batches skipped: their loss or gradients were NaN or infinite)`;
    }

    function finish(
      outcomeKind: TrainResult['outcome'],
      exitCode: number,
      test: number | undefined,
      diagnosisResult?: Diagnosis,
    ): TrainResult {
      return {
        outcome: outcomeKind,
        exitCode,
        backend: selection.backend,
        directory: directory.path,
        name: directory.name,
        epochsCompleted: state.history.epochs.length,
        updates: state.updates,
        best: state.best,
        testAccuracy: test,
        history: state.history,
        diagnosis: diagnosisResult,
      };
    }
  } catch (error) {
    display.stop();
    // The newest checkpoint this session committed (epoch ends, --checkpoint-every, Ctrl-C), else the resumed one.
    if (run !== undefined) committedUpdates = lastCommittedUpdates(run) ?? committedUpdates;
    if (committedUpdates === undefined && !directory.resumed) {
      // Failed before the run's first checkpoint: leave nothing half-written.
      await run?.dispose();
      run = undefined;
      await directory.discard();
    }
    if (StateRestoreError.isInstance(error)) throw error;
    throw writeFailure(error, directory, options, committedUpdates);
  } finally {
    await run?.dispose();
    await directory.release();
  }
}
