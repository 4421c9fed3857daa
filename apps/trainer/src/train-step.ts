import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { allFinite, fusedSoftmaxCrossEntropy } from '@trainkit/backend';
import { recordTraining } from '@trainkit/curves';
import { resetRunningMean, runningMeanValue, updateRunningMean } from '@trainkit/metrics';
import { setLearningRate, setMomentum } from '@trainkit/schedules/optimizer';
import { deriveSeed } from '@trainkit/stats';
import type { Run } from './run-setup';
import { curveInterval } from './run-state';

/** What one micro-batch did. */
export interface StepResult {
  /** The micro-batch's mean loss (NaN or infinite when it diverged). */
  readonly loss: number;
  /** An optimizer update was applied (the micro-batch completed a group, or the epoch ended). */
  readonly updated: boolean;
  /** The micro-batch was dropped because a gradient was not finite. */
  readonly skipped: boolean;
  /** The learning rate of the update this micro-batch belongs to. */
  readonly learningRate: number;
  /** The finished update's loss (sample-weighted over its micro-batches), when `updated`. */
  readonly updateLoss: number;
  /** The step of the finished update (updates applied before it), when `updated`. */
  readonly updateStep: number;
}

/**
 * The training loss of a batch: the mean softmax cross-entropy of the model's
 * logits, computed in training mode (dropout on), against one-hot targets.
 * Every command trains with this loss (the sanity checks too). It is
 * `fusedSoftmaxCrossEntropy` (@trainkit/backend): on the WebAssembly backend
 * the kernels of `tf.losses.softmaxCrossEntropy` in one dispatch each way,
 * elsewhere that function itself; the same values and gradients bit for bit.
 *
 * @param model - The model (outputs logits).
 * @param x - The inputs.
 * @param targets - One-hot targets `[n, 10]`.
 * @returns The mean loss.
 */
export function batchLoss(model: tfl.LayersModel, x: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return fusedSoftmaxCrossEntropy<tf.Tensor, tf.Scalar>(
    targets,
    model.apply(x, { training: true }) as tf.Tensor,
  );
}

/**
 * The loss of a micro-batch and its gradients with respect to `variables`,
 * plus L2 weight decay when `weightDecay > 0`: `weightDecay * w` added to
 * each variable's gradient (PyTorch's `weight_decay` of SGD and Adam), so the
 * returned loss stays the data loss. The caller disposes both.
 *
 * @param model - The model.
 * @param variables - Its trainable variables.
 * @param x - The inputs.
 * @param targets - One-hot targets.
 * @param weightDecay - The L2 coefficient (0: none).
 * @returns The loss and the gradients by variable name.
 */
export function batchGradients(
  model: tfl.LayersModel,
  variables: readonly tf.Variable[],
  x: tf.Tensor,
  targets: tf.Tensor,
  weightDecay: number,
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const { value, grads } = tf.variableGrads(
    () => batchLoss(model, x, targets),
    variables as tf.Variable[],
  );
  if (weightDecay > 0) {
    for (const variable of variables) {
      const gradient = grads[variable.name];
      if (gradient === undefined) continue;
      grads[variable.name] = tf.tidy(() => tf.add(gradient, tf.mul(variable, weightDecay)));
      gradient.dispose();
    }
  }
  return { value, grads };
}

const dataPhase = 0;
const stepPhase = 1;

/**
 * Trains one micro-batch: sets the learning rate (and momentum) when a new
 * update starts, seeds the dropout masks from the run's position, computes the
 * loss and gradients, and hands them to the accumulating optimizer, which
 * applies an update when the group is complete (or at the end of the epoch).
 * The run's state advances by one micro-batch; every tenth of an epoch (at
 * least every 10 updates, and at an epoch's last update) a point is added to the training curve: the sample-weighted mean
 * loss of the micro-batches since the previous point, at the update's step.
 *
 * Every command trains through this function. It allocates no host memory of
 * its own on the WebAssembly backend and does not await.
 *
 * @param run - The run.
 * @param indices - The micro-batch's sample indices.
 * @param endOfEpoch - The last micro-batch of the epoch: apply a partial group.
 */
export function trainStep(run: Run, indices: Int32Array, endOfEpoch: boolean): StepResult {
  const { state, optimizer, profiler } = run;
  const step = state.updates;
  const learningRate = run.schedules.learningRate(step);
  if (run.scheduledUpdate !== step) {
    // Once per update (SGD uploads a new rate tensor on every set).
    setLearningRate(optimizer, learningRate);
    if (run.schedules.momentum !== undefined) setMomentum(optimizer, run.schedules.momentum(step));
    run.scheduledUpdate = step;
  }
  if (run.dropout.length > 0) {
    const seed = deriveSeed(state.options.seed, state.microBatches);
    for (const layer of run.dropout) layer.seed = seed;
  }
  profiler.phase(dataPhase);
  const { x, y } = run.trainBatches.gather(indices);
  profiler.phase(stepPhase);
  const targets = tf.oneHot(y, 10);
  const { value, grads } = batchGradients(
    run.model,
    run.variables,
    x,
    targets,
    state.options.weightDecay,
  );
  // A micro-batch with a NaN or infinite gradient is dropped, as if it never came (the
  // accumulating optimizer's 'skip', checked here in one pass: the run's optimizer propagates).
  const result = allFinite(grads)
    ? optimizer.accumulate(grads, { sampleCount: indices.length })
    : { updated: false, skipped: true };
  const flushed = endOfEpoch && !result.updated ? optimizer.flush() : undefined;
  const loss = value.dataSync()[0]!;
  tf.dispose([value, x, y, targets]);
  tf.dispose(grads);

  state.microBatches++;
  state.batch++;
  if (!result.skipped) {
    updateRunningMean(state.updateLoss, loss, indices.length);
    updateRunningMean(state.epochLoss, loss, indices.length);
    updateRunningMean(state.curveLoss, loss, indices.length);
  }
  state.nonFiniteStreak = result.skipped || !Number.isFinite(loss) ? state.nonFiniteStreak + 1 : 0;
  if (result.skipped) state.skippedMicroBatches++;
  const updated = result.updated || flushed?.updated === true;
  let updateLoss = Number.NaN;
  if (updated) {
    updateLoss = runningMeanValue(state.updateLoss);
    resetRunningMean(state.updateLoss);
    state.updates = optimizer.iterations;
    if (state.updates % curveInterval(run.plan.updatesPerEpoch) === 0 || endOfEpoch) {
      recordTraining(state.history, step, runningMeanValue(state.curveLoss));
      resetRunningMean(state.curveLoss);
    }
  }
  return { loss, updated, skipped: result.skipped, learningRate, updateLoss, updateStep: step };
}
