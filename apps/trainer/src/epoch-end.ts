import { recordEpoch, recordValidation } from '@trainkit/curves';
import { createRunningMean, runningMeanValue } from '@trainkit/metrics';
import { type Evaluation, evaluate } from './evaluate';
import { saveRunCheckpoint } from './run-checkpoint';
import type { Run } from './run-setup';

const evaluationPhase = 2;
const loggingPhase = 3;
const checkpointPhase = 4;

/** What an epoch's end measured. */
export interface EpochSummary {
  /** 1-based epoch number. */
  readonly epoch: number;
  readonly updates: number;
  /** Sample-weighted mean of the epoch's micro-batch losses. */
  readonly trainLoss: number;
  readonly validation: Evaluation;
  /** This epoch is the best so far (its weights are kept as the run's model). */
  readonly best: boolean;
}

/**
 * Validates on a rotating subset when the step calls for it (every
 * `--validate-every` updates, not at an epoch's last update: the full set is
 * evaluated there), as the profiler phases `evaluation` and `logging` of the
 * current iteration. Returns the evaluation, or undefined.
 */
export function validateSubset(run: Run): Evaluation | undefined {
  const { state, subsets } = run;
  const step = state.updates;
  if (
    subsets === undefined ||
    !subsets.isEvaluationStep(step) ||
    state.batch >= run.plan.microBatchesPerEpoch
  ) {
    return undefined;
  }
  run.profiler.phase(evaluationPhase);
  const result = evaluate(run.model, run.evaluationBatches, subsets.subsetAt(step)!);
  run.profiler.phase(loggingPhase);
  const last = state.history.validation.iterations.at(-1);
  if (last === undefined || step > last) recordValidation(state.history, step, result.loss);
  run.writers.validation.scalar('subset_loss', result.loss, step);
  run.writers.validation.scalar('subset_accuracy', result.accuracy, step);
  return result;
}

/** An epoch whose training or validation loss is not a finite number: nothing of it is recorded or saved. */
export interface DivergedEpoch {
  readonly diverged: true;
  /** 1-based epoch number. */
  readonly epoch: number;
  readonly updates: number;
  /** NaN when every micro-batch of the epoch was skipped. */
  readonly trainLoss: number;
  readonly validationLoss: number;
}

/**
 * The end of an epoch, as phases of its last iteration (not an iteration of
 * its own): the full validation set (`evaluation`), the history, TensorBoard
 * scalars and weight histograms and the best model (`logging`), then a
 * checkpoint (`checkpoint`). The state moves to the next epoch before the
 * checkpoint, so a resume starts there. An epoch whose training loss (over
 * its kept micro-batches) or validation loss is NaN or infinite has diverged:
 * it returns a {@link DivergedEpoch} before recording or saving anything, so
 * the last good checkpoint stays the newest and no NaN reaches `best`.
 */
export async function endEpoch(run: Run): Promise<EpochSummary | DivergedEpoch> {
  const { state, profiler, writers } = run;
  profiler.phase(evaluationPhase);
  const validation = evaluate(run.model, run.evaluationBatches, run.data.validation);
  profiler.phase(loggingPhase);
  const updates = state.updates;
  const trainLoss = runningMeanValue(state.epochLoss);
  if (!Number.isFinite(trainLoss) || !Number.isFinite(validation.loss)) {
    return {
      diverged: true,
      epoch: state.epoch + 1,
      updates,
      trainLoss,
      validationLoss: validation.loss,
    };
  }
  const last = state.history.validation.iterations.at(-1);
  if (last === undefined || updates > last)
    recordValidation(state.history, updates, validation.loss);
  recordEpoch(state.history, state.epoch, updates, {
    loss: trainLoss,
    val_loss: validation.loss,
    val_accuracy: validation.accuracy,
  });
  writers.train.scalar('epoch_loss', trainLoss, updates);
  writers.validation.scalar('epoch_loss', validation.loss, updates);
  writers.validation.scalar('epoch_accuracy', validation.accuracy, updates);
  for (const weight of run.model.trainableWeights) {
    writers.train.histogram(weight.originalName, weight.read().dataSync() as Float32Array, updates);
  }
  const best = state.best === null || validation.accuracy > state.best.accuracy;
  if (best) {
    state.best = {
      epoch: state.epoch + 1,
      updates,
      accuracy: validation.accuracy,
      loss: validation.loss,
    };
    run.best = run.model.weights.map((weight) =>
      Float32Array.from(weight.read().dataSync() as Float32Array),
    );
  }
  const epoch = state.epoch + 1;
  state.epoch = epoch;
  state.batch = 0;
  state.epochLoss = createRunningMean();
  profiler.phase(checkpointPhase);
  await saveRunCheckpoint(run);
  return { epoch, updates, trainLoss, validation, best };
}
