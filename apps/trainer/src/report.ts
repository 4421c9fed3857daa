import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  curvesSvg,
  curvesTerminal,
  type Diagnosis,
  diagnose,
  formatDiagnosis,
  historyToJSON,
} from '@trainkit/curves';
import {
  classificationReport,
  confusionMatrixToPng,
  confusionMatrixToSvg,
  confusionMatrixToText,
} from '@trainkit/metrics';
import { loadMnist } from '@trainkit/mnist';
import {
  estimateTimes,
  formatProfileReport,
  summarizeProfile,
  toChromeTrace,
} from '@trainkit/profiler';
import { BatchGatherer } from './data';
import { type Evaluation, evaluate, evaluationChunk } from './evaluate';
import { inputShape } from './model';
import type { Output } from './progress';
import { type Run, warmupIterations } from './run-setup';

const classNames = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** The files a run's report writes into its directory. */
export const reportFiles = {
  curves: 'curves.svg',
  history: 'history.json',
  trace: 'trace.json',
  confusionMatrix: 'confusion-matrix.svg',
  result: 'result.json',
} as const;

/** Writes the learning curves (SVG and JSON) and the profile trace, and returns the console lines with the diagnosis. */
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
  await writeFile(
    path.join(run.directory.path, reportFiles.history),
    `${JSON.stringify(historyToJSON(history))}\n`,
  );
  const profile = run.profiler.state();
  if (profile.totals.iterations > 0) {
    await writeFile(
      path.join(run.directory.path, reportFiles.trace),
      JSON.stringify(toChromeTrace(profile)),
    );
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
  const gatherer = new BatchGatherer(test, inputShape(run.options.model), evaluationChunk);
  const all = Int32Array.from({ length: test.count }, (_, i) => i);
  const result = evaluate(run.model, gatherer, all);
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
  return result;
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
