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
import { readResult, writeResult } from '../artifacts';
import { TrainerError } from '../errors';
import type { Evaluation } from '../evaluate';
import { buildModel } from '../model';
import { evaluateAll, writeTestArtifacts } from '../report';
import { loadRunCheckpoint } from '../run-checkpoint';

/** The file of the recipe's test-split guard (sanity's `trainkit.sanity.test-split-guard`). */
export const testGuardFile = 'test-guard.json';

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
    const evaluated = { model, options: state.options };
    const result = evaluateAll(evaluated, test);
    await writeTestArtifacts(runDirectory, evaluated, test, result);
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
