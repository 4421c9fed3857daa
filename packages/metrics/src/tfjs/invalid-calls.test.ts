// The tfjs entry called wrongly: typed errors (the promise rejects), nothing counted, no
// tensor left behind.
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeMismatchError, TrainkitError } from '@trainkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confusionMatrixToJSON, createConfusionMatrix } from '../confusion-matrix';
import { createTopKAccuracy, topKAccuracyToJSON } from '../top-k-accuracy';
import {
  updateConfusionMatrixFromScores,
  updateConfusionMatrixFromTensors,
  updateTopKAccuracyFromScores,
} from './index';

const nul = null as never;
let labels: tf.Tensor1D;
let floatLabels: tf.Tensor1D;
let scores: tf.Tensor2D;
let nanScores: tf.Tensor2D;
let outOfRange: tf.Tensor1D;
beforeAll(() => {
  labels = tf.tensor1d([0, 2], 'int32');
  floatLabels = tf.tensor1d([0, 2], 'float32');
  scores = tf.tensor2d([
    [0.7, 0.2, 0.1],
    [0.1, 0.3, 0.6],
  ]);
  nanScores = tf.tensor2d([
    [0.7, 0.2, 0.1],
    [0.1, Number.NaN, 0.6],
  ]);
  outOfRange = tf.tensor1d([0, 3], 'int32');
});
afterAll(() => tf.dispose([labels, floatLabels, scores, nanScores, outOfRange]));

type Kind = 'matrix' | 'topK';
const make = {
  matrix: () => createConfusionMatrix(3),
  topK: () => createTopKAccuracy({ numClasses: 3, k: 1 }),
};
const snapshot = (kind: Kind, state: unknown) =>
  JSON.stringify(
    kind === 'matrix' ? confusionMatrixToJSON(state as never) : topKAccuracyToJSON(state as never),
  );

const cases: [
  string,
  Kind,
  (state: never) => Promise<unknown>,
  typeof InvalidArgumentError | typeof ShapeMismatchError,
  string,
][] = [
  [
    'FromTensors: not a state',
    'matrix',
    () => updateConfusionMatrixFromTensors({} as never, labels, labels),
    InvalidArgumentError,
    'updateConfusionMatrixFromTensors: state must be a confusion matrix state, got {}.',
  ],
  [
    'FromTensors: options null',
    'matrix',
    (s) => updateConfusionMatrixFromTensors(s, labels, labels, nul),
    InvalidArgumentError,
    'updateConfusionMatrixFromTensors: options must be an options object, got null.',
  ],
  [
    'FromTensors: a number array for yTrue',
    'matrix',
    (s) => updateConfusionMatrixFromTensors(s, [0, 1] as never, labels),
    InvalidArgumentError,
    'updateConfusionMatrixFromTensors: yTrue must be a tf.Tensor, got [0, 1].',
  ],
  [
    'FromTensors: float32 labels',
    'matrix',
    (s) => updateConfusionMatrixFromTensors(s, floatLabels, labels),
    InvalidArgumentError,
    'updateConfusionMatrixFromTensors: yTrue.dtype must be \'int32\', got "float32".',
  ],
  [
    'FromTensors: scores instead of labels',
    'matrix',
    (s) => updateConfusionMatrixFromTensors(s, labels, scores),
    ShapeMismatchError,
    'updateConfusionMatrixFromTensors: yPred must have shape rank 1, got rank 2 [2, 3].',
  ],
  [
    'FromTensors: a label out of range',
    'matrix',
    (s) => updateConfusionMatrixFromTensors(s, labels, outOfRange),
    InvalidArgumentError,
    'updateConfusionMatrixFromTensors: yPred[1] must be an integer class index in [0, 2], got 3.',
  ],
  [
    'FromScores: options null',
    'matrix',
    (s) => updateConfusionMatrixFromScores(s, labels, scores, nul),
    InvalidArgumentError,
    'updateConfusionMatrixFromScores: options must be an options object, got null.',
  ],
  [
    'FromScores: NaN scores',
    'matrix',
    (s) => updateConfusionMatrixFromScores(s, labels, nanScores),
    InvalidArgumentError,
    'updateConfusionMatrixFromScores: scores must be free of NaN, got "a tensor containing NaN".',
  ],
  [
    'FromScores: too few weights',
    'matrix',
    (s) => updateConfusionMatrixFromScores(s, labels, scores, { sampleWeight: [1] }),
    ShapeMismatchError,
    'updateConfusionMatrixFromScores: sampleWeight must have shape [2], got [1].',
  ],
  [
    'TopK: options null',
    'topK',
    (s) => updateTopKAccuracyFromScores(s, labels, scores, nul),
    InvalidArgumentError,
    'updateTopKAccuracyFromScores: options must be an options object, got null.',
  ],
  [
    'TopK: a confusion matrix state',
    'topK',
    () => updateTopKAccuracyFromScores(createConfusionMatrix(3) as never, labels, scores),
    InvalidArgumentError,
    'updateTopKAccuracyFromScores: state must be a top-k accuracy state',
  ],
  [
    'TopK: a label out of range',
    'topK',
    (s) => updateTopKAccuracyFromScores(s, outOfRange, scores),
    InvalidArgumentError,
    'updateTopKAccuracyFromScores: yTrue must be class indices in [0, 2], got "a tensor containing 3".',
  ],
  [
    'TopK: a negative weight',
    'topK',
    (s) => updateTopKAccuracyFromScores(s, labels, scores, { sampleWeight: [1, -1] }),
    InvalidArgumentError,
    'updateTopKAccuracyFromScores: sampleWeight[1] must be a finite number >= 0, got -1.',
  ],
];

describe('tfjs entry: invalid calls reject with typed errors and change nothing', () => {
  it.each(cases)('%s', async (_name, kind, call, errorClass, message) => {
    const state = make[kind]();
    const before = snapshot(kind, state);
    const tensors = tf.memory().numTensors;
    let caught: unknown;
    try {
      await call(state as never);
    } catch (error) {
      caught = error;
    }
    expect(TrainkitError.isInstance(caught), String(caught)).toBe(true);
    expect(caught).toBeInstanceOf(errorClass);
    expect((caught as Error).message.startsWith(message), (caught as Error).message).toBe(true);
    expect(snapshot(kind, state)).toBe(before);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
