import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeMismatchError } from '@trainkit/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type ConfusionMatrixState,
  confusionMatrix,
  confusionMatrixToArray,
  createConfusionMatrix,
} from '../confusion-matrix';
import { close, loadSklearnFixture } from '../test-helpers';
import { createTopKAccuracy, topKAccuracy } from '../top-k-accuracy';
import {
  updateConfusionMatrixFromScores,
  updateConfusionMatrixFromTensors,
  updateTopKAccuracyFromScores,
} from './index';

const fixture = loadSklearnFixture();
const byName = (name: string) => fixture.cases.find((c) => c.name === name)!;

let tensorsBefore = 0;
beforeEach(() => {
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  // Every test disposes its own inputs; the helpers must not leak anything.
  expect(tf.memory().numTensors).toBe(tensorsBefore);
});

/** Deterministic pseudo-random scores with many ties (values on a 0.25 grid). */
function scoresFor(n: number, c: number, seed: number): Float32Array {
  const out = new Float32Array(n * c);
  let x = seed;
  for (let i = 0; i < out.length; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out[i] = Math.floor((x / 2147483648) * 8) / 4 - 1;
  }
  return out;
}

describe('updateConfusionMatrixFromTensors', () => {
  it.each([
    ['three-imbalanced (on-device bincount path)', 'three-imbalanced'],
    ['fifty-zipf (label read-back path, C² > 2N)', 'fifty-zipf'],
  ])('equals scikit-learn confusion_matrix: %s', async (_label, name) => {
    const c = byName(name);
    const state = createConfusionMatrix(c.numClasses);
    for (let start = 0; start < c.yTrue.length; start += 100) {
      const t = tf.tensor1d(c.yTrue.slice(start, start + 100), 'int32');
      const p = tf.tensor1d(c.yPred.slice(start, start + 100), 'int32');
      await updateConfusionMatrixFromTensors(state, t, p);
      tf.dispose([t, p]);
    }
    expect(confusionMatrixToArray(state)).toEqual(c.confusionMatrix.None);
  });

  it('weights as a tensor or an array equal scikit-learn with sample_weight', async () => {
    const c = byName('three-imbalanced-weighted');
    const t = tf.tensor1d(c.yTrue, 'int32');
    const p = tf.tensor1d(c.yPred, 'int32');
    const w = tf.tensor1d(c.sampleWeight!, 'float32');
    const fromTensor = await updateConfusionMatrixFromTensors(createConfusionMatrix(3), t, p, {
      sampleWeight: w,
    });
    const fromArray = await updateConfusionMatrixFromTensors(createConfusionMatrix(3), t, p, {
      sampleWeight: Float32Array.from(c.sampleWeight!),
    });
    tf.dispose([t, p, w]);
    // The tensor weights are float32: compare with the pure update on the same float32 values...
    const pure = confusionMatrix(c.yTrue, c.yPred, {
      numClasses: 3,
      sampleWeight: Float32Array.from(c.sampleWeight!),
    });
    expect(fromTensor.counts).toEqual(pure.counts);
    expect(fromArray.counts).toEqual(pure.counts);
    // ... and with scikit-learn's float64 weights within float32 rounding.
    confusionMatrixToArray(fromTensor).forEach((row, i) => {
      row.forEach((v, j) => {
        expect(close(v, c.confusionMatrix.None[i]![j]!, 1e-6)).toBe(true);
      });
    });
  });

  it('reads back once with data() and never with dataSync()', async () => {
    const dataSpy = vi.spyOn(tf.Tensor.prototype, 'data');
    const syncSpy = vi.spyOn(tf.Tensor.prototype, 'dataSync');
    const t = tf.tensor1d([0, 1, 2, 1, 0, 2, 2, 1], 'int32');
    const p = tf.tensor1d([0, 2, 2, 1, 0, 1, 2, 1], 'int32');
    const state = await updateConfusionMatrixFromTensors(createConfusionMatrix(3), t, p);
    tf.dispose([t, p]);
    expect(dataSpy).toHaveBeenCalledTimes(1);
    expect(syncSpy).not.toHaveBeenCalled();
    dataSpy.mockRestore();
    syncSpy.mockRestore();
    expect(confusionMatrixToArray(state)).toEqual([
      [2, 0, 0],
      [0, 2, 1],
      [0, 1, 2],
    ]);
  });

  it('rejects bad tensors with typed errors and leaves the state untouched', async () => {
    const state = confusionMatrix([0, 1], [1, 1], { numClasses: 3 });
    const before = Array.from(state.counts);
    const labels = tf.tensor1d([0, 1, 2, 1, 0, 2, 2, 1], 'int32');
    const outOfRange = tf.tensor1d([0, 1, 2, 3, 0, 2, 2, 1], 'int32');
    const negative = tf.tensor1d([0, -1], 'int32');
    const short = tf.tensor1d([0, 1], 'int32');
    const floats = tf.tensor1d([0, 1, 2, 1, 0, 2, 2, 1], 'float32');
    const matrix = tf.tensor2d([[0, 1]], [1, 2], 'int32');
    const badWeights = tf.tensor1d([1, -1], 'float32');
    const cases: [() => Promise<unknown>, new (...args: never[]) => Error, string][] = [
      [
        () => updateConfusionMatrixFromTensors(state, labels, outOfRange),
        InvalidArgumentError,
        'updateConfusionMatrixFromTensors: yPred must be class indices in [0, 2], got "a tensor containing 3". Labels must be integers 0..numClasses-1',
      ],
      [
        // Small batch, read-back path.
        () => updateConfusionMatrixFromTensors(state, short, negative),
        InvalidArgumentError,
        'updateConfusionMatrixFromTensors: yPred[1] must be an integer class index in [0, 2], got -1.',
      ],
      [
        () => updateConfusionMatrixFromTensors(state, labels, floats),
        InvalidArgumentError,
        "updateConfusionMatrixFromTensors: yPred.dtype must be 'int32', got \"float32\". Cast class labels with tf.cast(yPred, 'int32').",
      ],
      [
        () => updateConfusionMatrixFromTensors(state, matrix, short),
        ShapeMismatchError,
        'updateConfusionMatrixFromTensors: yTrue must have shape rank 1, got rank 2 [1, 2].',
      ],
      [
        () => updateConfusionMatrixFromTensors(state, labels, short),
        ShapeMismatchError,
        'updateConfusionMatrixFromTensors: yPred must have shape [8], got [2].',
      ],
      [
        () => updateConfusionMatrixFromTensors(state, short, short, { sampleWeight: badWeights }),
        InvalidArgumentError,
        'updateConfusionMatrixFromTensors: sampleWeight[1] must be a finite number >= 0, got -1.',
      ],
      [
        () => updateConfusionMatrixFromTensors(state, [0, 1] as unknown as tf.Tensor, short),
        InvalidArgumentError,
        'updateConfusionMatrixFromTensors: yTrue must be a tf.Tensor, got [0, 1].',
      ],
    ];
    for (const [call, errorClass, message] of cases) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(errorClass);
      expect((error as Error).message).toContain(message);
      expect(Array.from(state.counts)).toEqual(before);
    }
    const disposed = tf.tensor1d([0], 'int32');
    disposed.dispose();
    await expect(updateConfusionMatrixFromTensors(state, disposed, disposed)).rejects.toThrow(
      'updateConfusionMatrixFromTensors: yTrue must be a live tf.Tensor, got "a disposed tensor".',
    );
    tf.dispose([labels, outOfRange, negative, short, floats, matrix, badWeights]);
  });
});

describe('updateConfusionMatrixFromScores', () => {
  it('argmax on device equals the pure update of the argmax (ties to the lowest index)', async () => {
    for (const [n, c] of [
      [64, 4],
      [10, 12],
    ] as const) {
      const values = scoresFor(n, c, 11 + c);
      const labels = Array.from({ length: n }, (_, i) => (i * 7) % c);
      const expectedPred = Array.from({ length: n }, (_, i) => {
        const row = Array.from(values.subarray(i * c, i * c + c));
        return row.indexOf(Math.max(...row));
      });
      const scores = tf.tensor2d(values, [n, c]);
      const yTrue = tf.tensor1d(labels, 'int32');
      const oneHot = tf.oneHot(yTrue, c);
      const state = await updateConfusionMatrixFromScores(createConfusionMatrix(c), yTrue, scores);
      const fromOneHot = await updateConfusionMatrixFromScores(
        createConfusionMatrix(c),
        oneHot,
        scores,
      );
      tf.dispose([scores, yTrue, oneHot]);
      const expected = confusionMatrix(labels, expectedPred, { numClasses: c });
      expect(state.counts).toEqual(expected.counts);
      expect(fromOneHot.counts).toEqual(expected.counts);
    }
  });

  it('rejects NaN scores, wrong class count and wrong rank; state untouched', async () => {
    const state: ConfusionMatrixState = confusionMatrix([0], [0], { numClasses: 2 });
    const nanScores = tf.tensor2d([
      [0.1, Number.NaN],
      [0.3, 0.2],
    ]);
    const threeClasses = tf.tensor2d([[0.1, 0.2, 0.7]]);
    const flat = tf.tensor1d([0.1, 0.9]);
    const labels = tf.tensor1d([0, 1], 'int32');
    const one = tf.tensor1d([0], 'int32');
    await expect(updateConfusionMatrixFromScores(state, labels, nanScores)).rejects.toThrow(
      'updateConfusionMatrixFromScores: scores must be free of NaN, got "a tensor containing NaN".',
    );
    await expect(updateConfusionMatrixFromScores(state, one, threeClasses)).rejects.toThrow(
      ShapeMismatchError,
    );
    await expect(updateConfusionMatrixFromScores(state, one, threeClasses)).rejects.toThrow(
      'updateConfusionMatrixFromScores: scores must have shape [1, 2], got [1, 3]. The second dimension is the number of classes of the state.',
    );
    await expect(updateConfusionMatrixFromScores(state, labels, flat)).rejects.toThrow(
      'updateConfusionMatrixFromScores: scores must have shape rank 2, got rank 1 [2].',
    );
    expect(Array.from(state.counts)).toEqual([1, 0, 0, 0]);
    tf.dispose([nanScores, threeClasses, flat, labels, one]);
  });

  it('an empty batch changes nothing', async () => {
    const scores = tf.zeros([0, 3]);
    const labels = tf.zeros([0], 'int32');
    const state = await updateConfusionMatrixFromScores(createConfusionMatrix(3), labels, scores);
    tf.dispose([scores, labels]);
    expect(Array.from(state.counts)).toEqual(Array(9).fill(0));
  });
});

describe('updateTopKAccuracyFromScores', () => {
  it('equals scikit-learn top_k_accuracy_score on the fixture scores (ties included)', async () => {
    for (const c of fixture.cases.filter((x) => x.topK.length > 0)) {
      const { scores, results } = c.topK[0]!;
      const s = tf.tensor2d(scores);
      const y = tf.tensor1d(c.yTrue, 'int32');
      const w = c.sampleWeight ? tf.tensor1d(c.sampleWeight) : undefined;
      for (const r of results) {
        const state = createTopKAccuracy({ numClasses: c.numClasses, k: r.k });
        await updateTopKAccuracyFromScores(state, y, s, r.weighted && w ? { sampleWeight: w } : {});
        // Float32 scores keep the one-decimal ties; weights are float32 on the tensor path.
        expect(close(state.correct / state.total, r.normalized, r.weighted ? 1e-6 : 1e-12)).toBe(
          true,
        );
      }
      tf.dispose([s, y, ...(w ? [w] : [])]);
    }
  });

  it('equals the pure function on tie-heavy float32 scores, for every k', async () => {
    const n = 50;
    const c = 6;
    const values = scoresFor(n, c, 3);
    const labels = Array.from({ length: n }, (_, i) => (i * 5) % c);
    const s = tf.tensor2d(values, [n, c]);
    const y = tf.tensor1d(labels, 'int32');
    for (let k = 1; k <= c; k++) {
      const state = await updateTopKAccuracyFromScores(
        createTopKAccuracy({ numClasses: c, k }),
        y,
        s,
      );
      expect(state.correct).toBe(
        topKAccuracy(labels, values, { k, numClasses: c, normalize: false }),
      );
      expect(state.total).toBe(n);
    }
    tf.dispose([s, y]);
  });

  it('rejects out-of-range labels and NaN scores without counting', async () => {
    const state = createTopKAccuracy({ numClasses: 3, k: 2 });
    const s = tf.tensor2d([
      [0.1, 0.2, 0.7],
      [0.5, 0.4, 0.1],
    ]);
    const bad = tf.tensor1d([0, 3], 'int32');
    const nan = tf.tensor2d([
      [0.1, Number.NaN, 0.7],
      [0.5, 0.4, 0.1],
    ]);
    const good = tf.tensor1d([0, 1], 'int32');
    await expect(updateTopKAccuracyFromScores(state, bad, s)).rejects.toThrow(
      'updateTopKAccuracyFromScores: yTrue must be class indices in [0, 2], got "a tensor containing 3".',
    );
    await expect(updateTopKAccuracyFromScores(state, good, nan)).rejects.toThrow(
      'updateTopKAccuracyFromScores: scores must be free of NaN',
    );
    expect(state).toMatchObject({ correct: 0, total: 0 });
    tf.dispose([s, bad, nan, good]);
  });
});
