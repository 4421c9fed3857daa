import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadMnist, type MnistData } from '@trainkit/mnist';
import {
  createTestSplitGuard,
  guardTestSplit,
  type TestSplitGuardState,
  testSplitGuardFromJSON,
  testSplitGuardToJSON,
} from '@trainkit/sanity';
import { readResult, writeEvaluation, writeMisclassified, writeResult } from '../artifacts';
import { BatchGatherer } from '../data';
import { TrainerError } from '../errors';
import { type Evaluation, evaluate, evaluationChunk } from '../evaluate';
import { buildModel, inputShape } from '../model';
import { misclassifiedKept, mostConfidentMistakes } from '../report';
import { loadRunCheckpoint } from '../run-checkpoint';
import type { Run } from '../run-setup';

/** The file of the recipe's test-split guard (sanity's `trainkit.sanity.test-split-guard`). */
export const testGuardFile = 'test-guard.json';

const classNames = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/**
 * Writes the guard state atomically and synchronously (the guard's
 * `onChange` runs before the data is handed out, so an open is on disk
 * before anyone sees a test image).
 */
export function saveTestGuard(directory: string, state: TestSplitGuardState): void {
  const file = path.join(directory, testGuardFile);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(testSplitGuardToJSON(state), null, 2)}\n`);
  renameSync(temporary, file);
}

/** A closed guard for the test file, recognized by its fingerprint, saved in `directory`. */
export function createTestGuard(directory: string, fingerprint: string): TestSplitGuardState {
  const state = createTestSplitGuard({ fingerprint });
  saveTestGuard(directory, state);
  return state;
}

/**
 * Evaluates a finished run's final model (the best epoch's weights from its
 * newest checkpoint) on the test file, opened through the test-split guard
 * saved in `guardDirectory`: the first open is recorded before the data is
 * read, a second one throws `TestSplitOpenedError`. Writes the run's
 * `evaluation.json`, `misclassified.json` and the `test` field of its
 * `result.json` through artifacts.ts.
 *
 * @param runDirectory - The run (e.g. the recipe's `final/`).
 * @param guardDirectory - Where `test-guard.json` is.
 * @param reason - Why the test split is opened (kept in the guard).
 * @returns The test evaluation.
 */
export async function evaluateOnTest(
  runDirectory: string,
  guardDirectory: string,
  reason: string,
): Promise<Evaluation> {
  const loaded = await loadRunCheckpoint(path.join(runDirectory, 'checkpoints'));
  const { state, best, model: current } = loaded.state;
  const weights = best.length > 0 ? best : current;
  const { model } = buildModel(state.options.model, state.options.seed, state.options.dropout);
  try {
    const tensors = weights.map((t) => tf.tensor(t.values, [...t.shape], 'float32'));
    model.setWeights(tensors);
    tf.dispose(tensors);
    const guardState = testSplitGuardFromJSON(
      JSON.parse(readFileSync(path.join(guardDirectory, testGuardFile), 'utf8')),
    );
    const guard = guardTestSplit<Promise<MnistData>>(() => loadMnist({ split: 'test' }), {
      state: guardState,
      onChange: (next) => saveTestGuard(guardDirectory, next),
    });
    const test = await guard.open(reason);
    const gatherer = new BatchGatherer(test, inputShape(state.options.model), evaluationChunk);
    const all = Int32Array.from({ length: test.count }, (_, i) => i);
    const result = evaluate(model, gatherer, all);
    await writeEvaluation(runDirectory, {
      split: 'test',
      count: result.count,
      loss: result.loss,
      accuracy: result.accuracy,
      classNames,
      matrix: result.matrix,
    });
    // mostConfidentMistakes reads only the model and its kind.
    const mistakes = mostConfidentMistakes(
      { model, options: state.options } as unknown as Run,
      test,
      misclassifiedKept,
    );
    await writeMisclassified(runDirectory, {
      split: 'test',
      selection: 'most confident mistakes',
      total: result.count - Math.round(result.accuracy * result.count),
      width: 28,
      height: 28,
      classNames,
      samples: mistakes,
    });
    const recorded = await readResult(runDirectory);
    if (recorded === undefined) {
      throw new TrainerError(
        `trainkit recipe: ${runDirectory} has no result.json: the final training did not finish.`,
      );
    }
    await writeResult(runDirectory, {
      ...recorded,
      test: { accuracy: result.accuracy, loss: result.loss },
    });
    return result;
  } finally {
    model.dispose();
  }
}
