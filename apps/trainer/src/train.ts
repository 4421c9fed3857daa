import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { AccumulatingOptimizer, registerAccumulatingOptimizer } from '@trainkit/accumulate';
import { formatBackendSelection, selectBackend } from '@trainkit/backend';
import { StateRestoreError } from '@trainkit/core';
import {
  createHistory,
  curvesSvg,
  curvesTerminal,
  type Diagnosis,
  diagnose,
  formatDiagnosis,
  historyFromJson,
  historyToJson,
  recordEpoch,
  recordTraining,
  recordValidation,
  type TrainingHistory,
} from '@trainkit/curves';
import {
  accuracy,
  type ConfusionMatrixState,
  classificationReport,
  confusionMatrixToPng,
  confusionMatrixToSvg,
  confusionMatrixToText,
  createConfusionMatrix,
} from '@trainkit/metrics';
import { updateConfusionMatrixFromScores } from '@trainkit/metrics/tfjs';
import { loadMnist, type MnistData } from '@trainkit/mnist';
import {
  createProfiler,
  estimateTimes,
  formatProfileReport,
  type Profiler,
  type ProfilerState,
  restoreProfiler,
  summarizeProfile,
  toChromeTrace,
} from '@trainkit/profiler';
import { setLearningRate, setMomentum } from '@trainkit/schedules/optimizer';
import { batchCount, miniBatches, stratifiedSplit } from '@trainkit/splits';
import { gatherBatch } from '@trainkit/splits/tfjs';
import { createSummaryWriter, createTrainValidationWriters } from '@trainkit/tensorboard/node';
import { loadCheckpoint, type NamedTensor, saveCheckpoint } from './checkpoint';
import { buildModel, inputShape } from './model';
import type { TrainOptions } from './options';
import { bar, formatSeconds, type Output } from './progress';
import { buildSchedules } from './schedule';

const classNames = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const phases = ['data', 'step', 'evaluation', 'logging', 'checkpoint'] as const;

/** What a run leaves behind, for the summary and for tests. */
export interface TrainResult {
  readonly backend: string;
  /** Epochs completed (including those of an earlier run when resuming). */
  readonly epochsCompleted: number;
  readonly updates: number;
  readonly validationAccuracy: number;
  readonly validationLoss: number;
  /** `undefined` when the test set was not evaluated (`--no-test`, or interrupted). */
  readonly testAccuracy: number | undefined;
  readonly interrupted: boolean;
  readonly diagnosis: Diagnosis | undefined;
  readonly history: TrainingHistory;
  readonly logdir: string;
}

/** The JSON part of a checkpoint. */
interface CheckpointState {
  readonly options: TrainOptions;
  /** The next epoch to run and the next batch inside it (batches are a pure function of seed and epoch). */
  readonly epoch: number;
  readonly batch: number;
  readonly history: string;
  readonly profiler: ProfilerState;
  /** Loss sum and sample count of the update being accumulated. */
  readonly pendingLoss: { readonly sum: number; readonly count: number };
}

/** Options a resumed run must share with the run that wrote the checkpoint. */
const fixedOnResume = [
  'model',
  'batchSize',
  'accumulate',
  'optimizer',
  'learningRate',
  'schedule',
  'warmupSteps',
  'clipNorm',
  'limit',
  'validationFraction',
  'seed',
] as const;

function makeInnerOptimizer(options: TrainOptions): tf.Optimizer {
  switch (options.optimizer) {
    case 'adam':
      return tf.train.adam(options.learningRate);
    case 'sgd':
      return tf.train.sgd(options.learningRate);
    case 'momentum':
      return tf.train.momentum(options.learningRate, 0.9);
    case 'rmsprop':
      return tf.train.rmsprop(options.learningRate, 0.9, 0.9);
  }
}

interface Split {
  readonly data: MnistData;
  readonly train: Int32Array;
  readonly validation: Int32Array;
}

async function loadSplit(options: TrainOptions): Promise<Split> {
  const data = await loadMnist({
    split: 'train',
    ...(options.limit === undefined ? {} : { limit: options.limit }),
  });
  const [train, validation] = stratifiedSplit(data.count, {
    ratios: [1 - options.validationFraction, options.validationFraction],
    labels: data.labels,
    seed: options.seed,
  }) as [Int32Array, Int32Array];
  return { data, train, validation };
}

function hostSources(data: MnistData, model: TrainOptions['model']) {
  return {
    x: { values: data.images, shape: [data.count, ...inputShape(model)] },
    y: { values: data.labels, shape: [data.count], dtype: 'int32' as const },
  };
}

/** Mean loss, accuracy and confusion matrix of `model` on `indices` (all samples when omitted). */
export async function evaluate(
  model: tfl.LayersModel,
  data: MnistData,
  kind: TrainOptions['model'],
  indices?: Int32Array,
): Promise<{ loss: number; accuracy: number; matrix: ConfusionMatrixState }> {
  const all = indices ?? Int32Array.from({ length: data.count }, (_, i) => i);
  const sources = hostSources(data, kind);
  const matrix = createConfusionMatrix(10);
  let lossSum = 0;
  for (let start = 0; start < all.length; start += 1000) {
    const batch = gatherBatch(sources, all.subarray(start, start + 1000));
    const logits = model.predict(batch.x) as tf.Tensor;
    const loss = tf.tidy(() =>
      tf.losses.softmaxCrossEntropy(
        tf.oneHot(batch.y as tf.Tensor1D, 10),
        logits,
        undefined,
        undefined,
        tf.Reduction.SUM,
      ),
    );
    lossSum += (await loss.data())[0]!;
    await updateConfusionMatrixFromScores(matrix, batch.y, logits);
    tf.dispose([batch.x, batch.y, logits, loss]);
  }
  return { loss: lossSum / all.length, accuracy: accuracy(matrix), matrix };
}

/**
 * Trains the reference model on MNIST with every trainkit package: backend
 * selection, a stratified split, seeded mini-batches, a learning-rate schedule
 * by update, gradient accumulation, streaming metrics, the profiler, learning
 * curves with a diagnosis, TensorBoard logs and checkpoints every epoch
 * (`--resume`). `stop` (Ctrl-C) saves a checkpoint at the current batch and
 * returns early.
 */
export async function train(
  requested: TrainOptions,
  output: Output,
  stop: { requested: boolean } = { requested: false },
): Promise<TrainResult> {
  const selection = await selectBackend({ backend: requested.backend });
  output.log(formatBackendSelection(selection));
  registerAccumulatingOptimizer();

  const logdir = path.resolve(requested.logdir);
  const checkpointDir = path.join(logdir, 'checkpoint');
  let resumed: Awaited<ReturnType<typeof loadCheckpoint<CheckpointState>>> | undefined;
  let options = requested;
  if (requested.resume) {
    resumed = await loadCheckpoint<CheckpointState>(checkpointDir);
    const saved = resumed.state.options;
    options = {
      ...requested,
      ...Object.fromEntries(fixedOnResume.map((key) => [key, saved[key]])),
    };
    output.log(
      `resume: the checkpoint's settings apply (${fixedOnResume.map((key) => `${key} ${String(saved[key])}`).join(', ')})`,
    );
  } else {
    await mkdir(logdir, { recursive: true });
  }

  const split = await loadSplit(options);
  const { data } = split;
  output.log(
    `data: MNIST ${data.count} training images -> ${split.train.length} train / ${split.validation.length} validation (stratified, seed ${options.seed}); test file held back`,
  );
  const microBatchesPerEpoch = batchCount(split.train.length, options.batchSize);
  const updatesPerEpoch = Math.ceil(microBatchesPerEpoch / options.accumulate);
  const schedules = buildSchedules(options, updatesPerEpoch * options.epochs, updatesPerEpoch);

  const model = buildModel(options.model, options.seed);
  const optimizer = new AccumulatingOptimizer(makeInnerOptimizer(options), {
    k: options.accumulate,
    ...(options.clipNorm === undefined ? {} : { clipNorm: options.clipNorm }),
  });
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);

  let history = createHistory({ name: path.basename(logdir) });
  let profiler: Profiler = createProfiler({ phases: [...phases], batchSize: options.batchSize });
  let startEpoch = 0;
  let startBatch = 0;
  let pendingLoss = { sum: 0, count: 0 };
  /** The optimizer step whose learning rate (and momentum) was last set. */
  let scheduledStep = -1;
  if (resumed !== undefined) {
    const { state, groups } = resumed;
    const weights = groups.model ?? [];
    if (weights.length !== model.weights.length) {
      throw new StateRestoreError(
        'trainkit train',
        `the checkpoint has ${weights.length} model tensors, the ${options.model} model ${model.weights.length}.`,
      );
    }
    model.setWeights(weights.map((weight) => weight.tensor));
    await optimizer.setWeights(groups.optimizer ?? []);
    tf.dispose(weights.map((weight) => weight.tensor));
    history = historyFromJson(state.history);
    profiler = restoreProfiler(state.profiler);
    startEpoch = state.epoch;
    startBatch = state.batch;
    pendingLoss = { ...state.pendingLoss };
    output.log(
      `resume: epoch ${startEpoch + 1}, batch ${startBatch}, ${optimizer.iterations} updates done (from ${checkpointDir})`,
    );
  }

  const writers = await createTrainValidationWriters(logdir);
  const root = await createSummaryWriter(logdir);
  const hparams = {
    model: options.model,
    optimizer: options.optimizer,
    learning_rate: options.learningRate,
    schedule: options.schedule,
    batch_size: options.batchSize,
    accumulate: options.accumulate,
    seed: options.seed,
  };
  if (resumed === undefined) {
    root.hparamsConfig({
      hparams: Object.keys(hparams).map((name) => ({ name })),
      metrics: [
        { tag: 'epoch_loss', group: 'validation' },
        { tag: 'epoch_accuracy', group: 'validation' },
        { tag: 'epoch_loss', group: 'train' },
      ],
    });
    root.hparams(hparams);
    root.text('config', `\`\`\`\n${JSON.stringify(options, null, 2)}\n\`\`\``, 0);
  }

  const save = async (epoch: number, batch: number) => {
    const modelWeights: NamedTensor[] = model.weights.map((weight, i) => ({
      name: `${i}:${weight.originalName}`,
      tensor: weight.read(),
    }));
    const optimizerWeights = await optimizer.getWeights();
    const state: CheckpointState = {
      options,
      epoch,
      batch,
      history: historyToJson(history),
      profiler: profiler.state(),
      pendingLoss,
    };
    // The wrapper owns what getWeights returns (live variables and a snapshot it frees later).
    await saveCheckpoint(checkpointDir, state, {
      model: modelWeights,
      optimizer: optimizerWeights,
    });
  };

  const sources = hostSources(data, options.model);
  const started = performance.now();
  let samplesSeen = 0;
  let interrupted = false;
  let last = { loss: Number.NaN, accuracy: Number.NaN };
  const onSignal = () => {
    stop.requested = true;
  };
  process.on('SIGINT', onSignal);
  try {
    for (let epoch = startEpoch; epoch < options.epochs; epoch++) {
      const batches = miniBatches(split.train, {
        batchSize: options.batchSize,
        seed: options.seed,
        epoch,
      });
      for (let b = epoch === startEpoch ? startBatch : 0; b < batches.length; b++) {
        if (stop.requested) {
          await save(epoch, b);
          interrupted = true;
          output.log(
            `\ninterrupted: checkpoint saved at epoch ${epoch + 1}, batch ${b}. Continue with --resume --logdir ${requested.logdir}`,
          );
          break;
        }
        profiler.phase('data');
        const indices = batches[b]!;
        const batch = gatherBatch(sources, indices);
        profiler.phase('step');
        const step = optimizer.iterations;
        const rate = schedules.learningRate(step);
        if (step !== scheduledStep) {
          // Once per update, not per micro-batch (SGD re-uploads its rate tensor on every set).
          setLearningRate(optimizer, rate);
          if (schedules.momentum !== undefined) setMomentum(optimizer, schedules.momentum(step));
          scheduledStep = step;
        }
        const { value, grads } = tf.variableGrads(
          () =>
            tf.losses.softmaxCrossEntropy(
              tf.oneHot(batch.y as tf.Tensor1D, 10),
              model.apply(batch.x, { training: true }) as tf.Tensor,
            ) as tf.Scalar,
          variables,
        );
        const endOfEpoch = b === batches.length - 1;
        const result = optimizer.accumulate(grads, { sampleCount: indices.length });
        if (endOfEpoch && !result.updated) optimizer.flush();
        const loss = (await value.data())[0]!;
        tf.dispose([value, grads, batch.x, batch.y]);
        profiler.phase('logging');
        pendingLoss.sum += loss * indices.length;
        pendingLoss.count += indices.length;
        if (optimizer.iterations > step) {
          // One update applied: record its sample-weighted mean loss at the update's step.
          const updateLoss = pendingLoss.sum / pendingLoss.count;
          recordTraining(history, step, updateLoss);
          if (step % 10 === 0) {
            writers.train.scalars({ batch_loss: updateLoss, learning_rate: rate }, step);
          }
          pendingLoss = { sum: 0, count: 0 };
        }
        samplesSeen += indices.length;
        profiler.endIteration(indices.length);
        if (b % 10 === 0 || endOfEpoch) {
          const seconds = (performance.now() - started) / 1000;
          output.progress(
            `epoch ${epoch + 1}/${options.epochs} ${bar((b + 1) / batches.length)} ${b + 1}/${batches.length} loss ${loss.toFixed(4)} lr ${rate.toExponential(2)} ${Math.round(samplesSeen / seconds)} samples/s`,
          );
        }
      }
      if (interrupted) break;

      profiler.beginIteration();
      profiler.phase('evaluation');
      const validation = await evaluate(model, data, options.model, split.validation);
      const trainLoss = history.train.values.slice(-updatesPerEpoch);
      const epochTrainLoss = trainLoss.reduce((a, b) => a + b, 0) / Math.max(1, trainLoss.length);
      profiler.phase('logging');
      const updates = optimizer.iterations;
      recordValidation(history, updates, validation.loss);
      recordEpoch(history, epoch, updates, {
        loss: epochTrainLoss,
        val_loss: validation.loss,
        val_accuracy: validation.accuracy,
      });
      writers.train.scalars({ epoch_loss: epochTrainLoss }, epoch + 1);
      writers.validation.scalars(
        { epoch_loss: validation.loss, epoch_accuracy: validation.accuracy },
        epoch + 1,
      );
      for (const weight of model.trainableWeights) {
        const values = await weight.read().data();
        writers.train.histogram(weight.originalName, values, epoch + 1);
      }
      last = { loss: validation.loss, accuracy: validation.accuracy };
      output.progress(
        `epoch ${epoch + 1}/${options.epochs} ${bar(1)} train loss ${epochTrainLoss.toFixed(4)} val loss ${validation.loss.toFixed(4)} val acc ${(validation.accuracy * 100).toFixed(2)}%`,
        true,
      );
      profiler.phase('checkpoint');
      await save(epoch + 1, 0);
      await Promise.all([writers.flush(), root.flush()]);
      profiler.endIteration(0);
    }
  } finally {
    process.off('SIGINT', onSignal);
  }

  if (!interrupted && Number.isNaN(last.accuracy)) {
    // Resumed a run whose epochs were all done: measure the model as it is.
    const validation = await evaluate(model, data, options.model, split.validation);
    last = { loss: validation.loss, accuracy: validation.accuracy };
  }

  // The report: curves and their diagnosis, timing, and the test set, opened once.
  let diagnosis: Diagnosis | undefined;
  let testAccuracy: number | undefined;
  const lines: string[] = [];
  if (history.train.values.length >= 5) {
    diagnosis = diagnose(history);
    lines.push(
      '',
      curvesTerminal(history, { width: 72, height: 10, title: 'loss (train vs validation)' }),
    );
    lines.push('', 'Diagnosis:', formatDiagnosis(diagnosis));
    await writeFile(path.join(logdir, 'curves.svg'), curvesSvg(history, { title: 'loss' }));
  }
  const profile = profiler.state();
  const report = summarizeProfile(profile, { warmupIterations: 2 });
  lines.push(
    '',
    formatProfileReport(report, {
      estimates: estimateTimes(profile, { iterationsPerEpoch: microBatchesPerEpoch }),
    }),
  );
  await writeFile(path.join(logdir, 'trace.json'), JSON.stringify(toChromeTrace(profile)));
  await writeFile(path.join(logdir, 'history.json'), historyToJson(history));

  if (!interrupted && options.test) {
    const test = await loadMnist({ split: 'test' });
    const result = await evaluate(model, test, options.model);
    testAccuracy = result.accuracy;
    lines.push(
      '',
      `Test set (${test.count} images, opened once): loss ${result.loss.toFixed(4)}, accuracy ${(result.accuracy * 100).toFixed(2)}%`,
      '',
      classificationReport(result.matrix, { classNames, digits: 4 }),
      '',
      confusionMatrixToText(result.matrix, { classNames }),
    );
    const png = confusionMatrixToPng(result.matrix, { classNames, title: 'test confusion matrix' });
    writers.validation.image('test_confusion_matrix', { png }, options.epochs);
    writers.validation.scalars(
      { test_accuracy: result.accuracy, test_loss: result.loss },
      options.epochs,
    );
    await writeFile(
      path.join(logdir, 'confusion-matrix.svg'),
      confusionMatrixToSvg(result.matrix, { classNames }),
    );
  }
  if (!interrupted) root.hparamsEnd({ status: 'success' });
  await Promise.all([writers.close(), root.close()]);
  const seconds = (performance.now() - started) / 1000;
  lines.push(
    '',
    interrupted
      ? `Stopped after ${formatSeconds(seconds)} and ${optimizer.iterations} updates; the checkpoint holds the exact position.`
      : `Done in ${formatSeconds(seconds)}: ${optimizer.iterations} updates, validation accuracy ${(last.accuracy * 100).toFixed(2)}%${testAccuracy === undefined ? '' : `, test accuracy ${(testAccuracy * 100).toFixed(2)}%`}.`,
    `Logs: tensorboard --logdir ${requested.logdir}   (curves.svg, confusion-matrix.svg, trace.json for Perfetto, checkpoint/)`,
  );
  for (const line of lines) output.log(line);

  const epochsCompleted = history.epochs.length;
  const updates = optimizer.iterations;
  model.dispose();
  optimizer.dispose();
  return {
    backend: selection.backend,
    epochsCompleted,
    updates,
    validationAccuracy: last.accuracy,
    validationLoss: last.loss,
    testAccuracy,
    interrupted,
    diagnosis,
    history,
    logdir,
  };
}
