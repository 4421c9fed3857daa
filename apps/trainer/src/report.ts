import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  curvesSvg,
  curvesTerminal,
  type Diagnosis,
  diagnose,
  formatDiagnosis,
} from '@trainkit/curves';
import {
  classificationReport,
  confusionMatrixToPng,
  confusionMatrixToSvg,
  confusionMatrixToText,
} from '@trainkit/metrics';
import { loadMnist, type MnistData } from '@trainkit/mnist';
import {
  estimateTimes,
  formatProfileReport,
  summarizeProfile,
  toChromeTrace,
} from '@trainkit/profiler';
import {
  configurationSettings,
  type MisclassifiedSample,
  sampleSchedule,
  writeConfiguration,
  writeEvaluation,
  writeHistory,
  writeMisclassified,
  writeProfile,
  writeResult,
  writeSchedule,
} from './artifacts';
import { BatchGatherer } from './data';
import { type Evaluation, evaluate, evaluationChunk } from './evaluate';
import { inputShape } from './model';
import type { Output } from './progress';
import { type Run, warmupIterations } from './run-setup';

const classNames = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Misclassified test images kept in `misclassified.json` (the most confident mistakes). */
export const misclassifiedKept = 24;

/** Training images the final model is evaluated on for the bias/variance analysis (the first of the training split). */
export const trainingEvaluationLimit = 10_000;

/**
 * The files `train` listed in its summary line before the report page
 * existed (the line keeps them; every artifact is in `artifactFiles`).
 */
export const reportFiles = {
  curves: 'curves.svg',
  history: 'history.json',
  trace: 'trace.json',
  confusionMatrix: 'confusion-matrix.svg',
  result: 'result.json',
} as const;

/**
 * Writes the artifacts known when a run starts: the configuration
 * (`options.json`) and the schedule's learning rate (and momentum) per update
 * (`schedule.json`), over the planned epochs or, with `--extend`, the longer
 * run (at the schedule's final value past its horizon).
 */
export async function writeStartArtifacts(run: Run): Promise<void> {
  await writeConfiguration(run.directory.path, {
    command: 'train',
    settings: configurationSettings(run.options as unknown as Record<string, unknown>),
  });
  const { schedules, plan, options } = run;
  const totalUpdates = Math.max(schedules.totalUpdates, plan.updatesPerEpoch * options.epochs);
  const horizon = schedules.totalUpdates;
  const at = (schedule: (step: number) => number) => (step: number) =>
    schedule(Math.min(step, Math.max(0, horizon - 1)));
  await writeSchedule(
    run.directory.path,
    sampleSchedule(
      options.schedule,
      totalUpdates,
      at(schedules.learningRate),
      schedules.momentum === undefined ? undefined : at(schedules.momentum),
    ),
  );
}

/** Writes the learning curves (SVG and JSON), the profile (JSON and trace), and returns the console lines with the diagnosis. */
export async function writeCurves(
  run: Run,
): Promise<{ lines: string[]; diagnosis: Diagnosis | undefined }> {
  const { history } = run.state;
  const lines: string[] = [];
  let diagnosis: Diagnosis | undefined;
  if (history.train.values.length >= 5) {
    diagnosis = diagnose(history);
    lines.push(
      '',
      curvesTerminal(history, { width: 72, height: 10, title: 'loss (train vs validation)' }),
    );
    lines.push('', 'Diagnosis:', formatDiagnosis(diagnosis));
    await writeFile(
      path.join(run.directory.path, reportFiles.curves),
      curvesSvg(history, { title: 'loss' }),
    );
  }
  await writeHistory(run.directory.path, history);
  const profile = run.profiler.state();
  if (profile.totals.iterations > 0) {
    await writeFile(
      path.join(run.directory.path, reportFiles.trace),
      JSON.stringify(toChromeTrace(profile)),
    );
    await writeProfile(run.directory.path, profile, { warmupIterations });
  }
  return { lines, diagnosis };
}

/** The profile summary for the console (phases, bottleneck, per-epoch estimate). */
export function profileLines(run: Run): string[] {
  const profile = run.profiler.state();
  if (profile.totals.iterations < 3) return [];
  return [
    '',
    formatProfileReport(summarizeProfile(profile, { warmupIterations }), {
      estimates: estimateTimes(profile, { iterationsPerEpoch: run.plan.microBatchesPerEpoch }),
    }),
  ];
}

/**
 * Evaluates the run's final model on the test file - opened once, here, at
 * the very end - and logs the result to the console lines, TensorBoard (the
 * validation run: `test_accuracy`, `test_loss`, the confusion matrix image)
 * and `confusion-matrix.svg`.
 */
export async function evaluateTestSet(run: Run, lines: string[]): Promise<Evaluation> {
  const test = await loadMnist({ split: 'test' });
  const result = evaluateAll(run, test);
  const step = run.state.updates;
  lines.push(
    '',
    `Test set (${test.count} images, opened once, at the end): loss ${result.loss.toFixed(4)}, accuracy ${(result.accuracy * 100).toFixed(2)}%`,
    '',
    classificationReport(result.matrix, { classNames, digits: 4 }),
    '',
    confusionMatrixToText(result.matrix, { classNames }),
  );
  run.writers.validation.scalar('test_accuracy', result.accuracy, step);
  run.writers.validation.scalar('test_loss', result.loss, step);
  run.writers.validation.image(
    'test_confusion_matrix',
    { png: confusionMatrixToPng(result.matrix, { classNames, title: 'test confusion matrix' }) },
    step,
  );
  await writeFile(
    path.join(run.directory.path, reportFiles.confusionMatrix),
    confusionMatrixToSvg(result.matrix, { classNames }),
  );
  await writeTestArtifacts(run.directory.path, run, test, result);
  return result;
}

/** The model of a run and its kind: all that evaluating it needs. */
export type EvaluatedModel = Pick<Run, 'model' | 'options'>;

/** Evaluates the model on every image of `data` (1,000-row chunks, inference mode). */
export function evaluateAll(run: EvaluatedModel, data: MnistData): Evaluation {
  const gatherer = new BatchGatherer(data, inputShape(run.options.model), evaluationChunk);
  const all = Int32Array.from({ length: data.count }, (_, i) => i);
  return evaluate(run.model, gatherer, all);
}

/**
 * Writes a test evaluation into a run directory: `evaluation.json` and
 * `misclassified.json` (the {@link misclassifiedKept} most confident mistakes).
 */
export async function writeTestArtifacts(
  directory: string,
  run: EvaluatedModel,
  test: MnistData,
  result: Evaluation,
): Promise<void> {
  await writeEvaluation(directory, {
    split: 'test',
    count: result.count,
    loss: result.loss,
    accuracy: result.accuracy,
    classNames,
    matrix: result.matrix,
  });
  await writeMisclassified(directory, {
    split: 'test',
    selection: 'most confident mistakes',
    total: result.count - Math.round(result.accuracy * result.count),
    width: 28,
    height: 28,
    classNames,
    samples: mostConfidentMistakes(run, test, misclassifiedKept),
  });
}

/**
 * The `keep` misclassified images the model was most sure of (highest
 * predicted probability; ties by index), with their probabilities and pixels:
 * one more inference pass over the set, in 1,000-row chunks inside `tf.tidy`.
 */
export function mostConfidentMistakes(
  run: EvaluatedModel,
  data: MnistData,
  keep: number,
): MisclassifiedSample[] {
  const gatherer = new BatchGatherer(data, inputShape(run.options.model), evaluationChunk);
  const found: {
    index: number;
    prediction: number;
    confidence: number;
    probabilities: number[];
  }[] = [];
  for (let start = 0; start < data.count; start += evaluationChunk) {
    const chunk = Int32Array.from(
      { length: Math.min(evaluationChunk, data.count - start) },
      (_, i) => start + i,
    );
    const { x, y } = gatherer.gather(chunk);
    const probabilities = tf.tidy(() =>
      tf.softmax(run.model.apply(x, { training: false }) as tf.Tensor2D),
    );
    const values = probabilities.dataSync() as Float32Array;
    tf.dispose([x, y, probabilities]);
    const classes = classNames.length;
    for (let row = 0; row < chunk.length; row++) {
      const p = values.subarray(row * classes, row * classes + classes);
      let prediction = 0;
      for (let c = 1; c < classes; c++) if (p[c]! > p[prediction]!) prediction = c;
      const index = start + row;
      if (prediction !== data.labels[index]) {
        found.push({ index, prediction, confidence: p[prediction]!, probabilities: Array.from(p) });
      }
    }
  }
  found.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
  return found.slice(0, keep).map((mistake) => {
    const pixels = data.images.subarray(mistake.index * 784, mistake.index * 784 + 784);
    return {
      index: mistake.index,
      label: data.labels[mistake.index]!,
      prediction: mistake.prediction,
      probabilities: mistake.probabilities,
      pixels: Array.from(pixels, (value) => Math.round(Math.min(1, Math.max(0, value)) * 255)),
    };
  });
}

/**
 * The final model's loss and accuracy on (the first
 * {@link trainingEvaluationLimit} images of) the training split, in inference
 * mode: the training error of the bias/variance analysis.
 */
export function evaluateTraining(run: Run): Evaluation {
  return evaluate(
    run.model,
    run.evaluationBatches,
    run.data.train.subarray(0, trainingEvaluationLimit),
  );
}

/**
 * Writes `result.json` through the artifacts module: the run's name, backend,
 * options, epochs, updates, training time, best epoch, the final model's
 * training-split evaluation and the test result.
 */
export async function writeRunResult(
  run: Run,
  backend: string,
  test: Evaluation | undefined,
  training: Evaluation | undefined,
): Promise<void> {
  const { state } = run;
  await writeResult(run.directory.path, {
    name: run.directory.name,
    backend,
    options: state.options as unknown as Record<string, unknown>,
    epochs: state.epoch,
    updates: state.updates,
    trainingSeconds: state.trainingMs / 1000,
    best: state.best,
    train:
      training === undefined
        ? null
        : { accuracy: training.accuracy, loss: training.loss, count: training.count },
    test: test === undefined ? null : { accuracy: test.accuracy, loss: test.loss },
  });
}

/** Puts the best epoch's weights into the model (the run's final model). */
export function useBestWeights(run: Run): void {
  if (run.best === undefined) return;
  const tensors = run.best.map((values, i) =>
    tf.tensor(values, run.model.weights[i]!.shape as number[], 'float32'),
  );
  run.model.setWeights(tensors);
  tf.dispose(tensors);
}

/** Prints lines through the output. */
export function printLines(output: Output, lines: readonly string[]): void {
  for (const line of lines) output.log(line);
}
