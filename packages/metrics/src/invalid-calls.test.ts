// Every public function of the pure entry, called wrongly: each call throws a typed trainkit
// error naming the function and the argument, and a state passed in is left unchanged.
import {
  InvalidArgumentError,
  ShapeMismatchError,
  StateRestoreError,
  TrainkitError,
} from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { describeInvalidCalls, type InvalidCall } from '../../../invalid-calls.shared';
import {
  accuracy,
  balancedAccuracy,
  classificationReport,
  cloneConfusionMatrix,
  cohenKappa,
  confusionMatrix,
  confusionMatrixFromJSON,
  confusionMatrixToArray,
  confusionMatrixToJSON,
  confusionMatrixToPng,
  confusionMatrixToSvg,
  confusionMatrixToText,
  createConfusionMatrix,
  createRunningMean,
  createTopKAccuracy,
  cumulativeMean,
  defineMetric,
  f1Score,
  fbetaScore,
  matthewsCorrelation,
  mergeConfusionMatrices,
  mergeRunningMeans,
  mergeTopKAccuracy,
  normalizeConfusionMatrix,
  precision,
  precisionRecallFscoreSupport,
  recall,
  resetConfusionMatrix,
  resetRunningMean,
  resetTopKAccuracy,
  runningMeanFromJSON,
  runningMeanToJSON,
  runningMeanValue,
  topKAccuracy,
  topKAccuracyFromJSON,
  topKAccuracyToJSON,
  topKAccuracyValue,
  updateConfusionMatrix,
  updateRunningMean,
  updateTopKAccuracy,
  weightedMean,
} from './index';

const matrix = () => confusionMatrix([0, 1, 2, 2], [0, 2, 2, 1]);
const topK = () =>
  updateTopKAccuracy(createTopKAccuracy({ numClasses: 3, k: 2 }), [0], [[0.5, 0.2, 0.3]]);
const mean = () => updateRunningMean(createRunningMean(), 0.5, 4);
const rows = [
  [0.1, 0.7, 0.2],
  [0.3, 0.3, 0.4],
];
const nul = null as never;

// [call, error class, message start]; each call gets fresh states.
const cases: InvalidCall[] = [
  [
    'createConfusionMatrix(NaN)',
    () => createConfusionMatrix(Number.NaN),
    InvalidArgumentError,
    'createConfusionMatrix: numClasses must be an integer >= 1 and <= 46340, got NaN.',
  ],
  [
    'createConfusionMatrix(46341)',
    () => createConfusionMatrix(46_341),
    InvalidArgumentError,
    'createConfusionMatrix: numClasses must be an integer >= 1 and <= 46340, got 46341.',
  ],
  [
    'confusionMatrix options null',
    () => confusionMatrix([0], [0], nul),
    InvalidArgumentError,
    'confusionMatrix: options must be an options object, got null.',
  ],
  [
    'confusionMatrix numClasses 0',
    () => confusionMatrix([0], [0], { numClasses: 0 }),
    InvalidArgumentError,
    'confusionMatrix: numClasses must be an integer >= 1',
  ],
  [
    'confusionMatrix label >= numClasses',
    () => confusionMatrix([0, 3], [0, 1], { numClasses: 3 }),
    InvalidArgumentError,
    'confusionMatrix: yTrue[1] must be an integer class index in [0, 2], got 3.',
  ],
  [
    'updateConfusionMatrix not a state',
    () => updateConfusionMatrix({} as never, [0], [0]),
    InvalidArgumentError,
    'updateConfusionMatrix: state must be a confusion matrix state, got {}.',
  ],
  [
    'updateConfusionMatrix options null',
    () => updateConfusionMatrix(createConfusionMatrix(2), [0], [0], nul),
    InvalidArgumentError,
    'updateConfusionMatrix: options must be an options object, got null.',
  ],
  [
    'updateConfusionMatrix strings',
    () => updateConfusionMatrix(createConfusionMatrix(2), '01' as never, '01' as never),
    InvalidArgumentError,
    'updateConfusionMatrix: yTrue must be an array or a numeric typed array, got "01".',
  ],
  [
    'mergeConfusionMatrices other classes',
    () => mergeConfusionMatrices(matrix(), createConfusionMatrix(2)),
    ShapeMismatchError,
    'mergeConfusionMatrices: sources[0].numClasses must have shape 3, got 2.',
  ],
  [
    'mergeConfusionMatrices not a state',
    () => mergeConfusionMatrices(matrix(), nul),
    InvalidArgumentError,
    'mergeConfusionMatrices: sources[0] must be a confusion matrix state, got null.',
  ],
  [
    'resetConfusionMatrix wrong counts length',
    () =>
      resetConfusionMatrix({ kind: 'confusionMatrix', numClasses: 2, counts: new Float64Array(3) }),
    InvalidArgumentError,
    'resetConfusionMatrix: state must be a confusion matrix state',
  ],
  [
    'cloneConfusionMatrix(undefined)',
    () => cloneConfusionMatrix(undefined as never),
    InvalidArgumentError,
    'cloneConfusionMatrix: state must be a confusion matrix state, got undefined.',
  ],
  [
    'confusionMatrixToJSON(topK state)',
    () => confusionMatrixToJSON(topK() as never),
    InvalidArgumentError,
    'confusionMatrixToJSON: state must be a confusion matrix state',
  ],
  [
    'confusionMatrixFromJSON(a top-k state)',
    () => confusionMatrixFromJSON(topKAccuracyToJSON(topK())),
    StateRestoreError,
    'confusionMatrixFromJSON: expected format "trainkit.metrics.confusionMatrix", got "trainkit.metrics.topKAccuracy".',
  ],
  [
    'normalizeConfusionMatrix bad mode',
    () => normalizeConfusionMatrix(matrix(), 'rows' as never),
    InvalidArgumentError,
    "normalizeConfusionMatrix: normalize must be one of 'true', 'pred', 'all', got \"rows\".",
  ],
  [
    'confusionMatrixToArray ragged matrix',
    () => confusionMatrixToArray([[1, 2], [3]]),
    ShapeMismatchError,
    'confusionMatrixToArray: matrix[1] must have shape [2], got [1].',
  ],
  [
    'confusionMatrixToArray negative count',
    () =>
      confusionMatrixToArray([
        [1, -2],
        [3, 4],
      ]),
    InvalidArgumentError,
    'confusionMatrixToArray: matrix[0][1] must be a finite number >= 0, got -2.',
  ],
  [
    'confusionMatrixToArray options null',
    () => confusionMatrixToArray(matrix(), nul),
    InvalidArgumentError,
    'confusionMatrixToArray: options must be an options object, got null.',
  ],
  [
    'accuracy(null)',
    () => accuracy(nul),
    InvalidArgumentError,
    'accuracy: matrix must be a confusion matrix state, got null.',
  ],
  [
    'precision options null',
    () => precision(matrix(), nul),
    InvalidArgumentError,
    'precision: options must be an options object, got null.',
  ],
  [
    'recall average unknown',
    () => recall(matrix(), { average: 'samples' as never }),
    InvalidArgumentError,
    "recall: average must be one of 'micro', 'macro', 'weighted', 'binary', got \"samples\".",
  ],
  [
    'f1Score options null',
    () => f1Score(matrix(), nul),
    InvalidArgumentError,
    'f1Score: options must be an options object, got null.',
  ],
  [
    'fbetaScore beta NaN',
    () => fbetaScore(matrix(), { beta: Number.NaN }),
    InvalidArgumentError,
    'fbetaScore: beta must be a finite number >= 0, got NaN.',
  ],
  [
    'precisionRecallFscoreSupport labels out of range',
    () => precisionRecallFscoreSupport(matrix(), { labels: [3], average: 'macro' }),
    InvalidArgumentError,
    'precisionRecallFscoreSupport: labels[0] must be an integer >= 0 and <= 2, got 3.',
  ],
  [
    'precisionRecallFscoreSupport options null',
    () => precisionRecallFscoreSupport(matrix(), nul),
    InvalidArgumentError,
    'precisionRecallFscoreSupport: options must be an options object, got null.',
  ],
  [
    'balancedAccuracy options null',
    () => balancedAccuracy(matrix(), nul),
    InvalidArgumentError,
    'balancedAccuracy: options must be an options object, got null.',
  ],
  [
    'cohenKappa weights unknown',
    () => cohenKappa(matrix(), { weights: 'cubic' as never }),
    InvalidArgumentError,
    "cohenKappa: weights must be one of 'linear', 'quadratic', got \"cubic\".",
  ],
  [
    'cohenKappa options null',
    () => cohenKappa(matrix(), nul),
    InvalidArgumentError,
    'cohenKappa: options must be an options object, got null.',
  ],
  [
    'matthewsCorrelation(non-square)',
    () => matthewsCorrelation([[1, 2, 3]]),
    ShapeMismatchError,
    'matthewsCorrelation: matrix[0] must have shape [1], got [3].',
  ],
  [
    'classificationReport options null',
    () => classificationReport(matrix(), nul),
    InvalidArgumentError,
    'classificationReport: options must be an options object, got null.',
  ],
  [
    'classificationReport digits 21',
    () => classificationReport(matrix(), { digits: 21 }),
    InvalidArgumentError,
    'classificationReport: digits must be an integer >= 0 and <= 20, got 21.',
  ],
  [
    'classificationReport classNames short',
    () => classificationReport(matrix(), { classNames: ['a'] }),
    InvalidArgumentError,
    'classificationReport: classNames must be an array of 3 strings (one per class), got ["a"].',
  ],
  [
    'confusionMatrixToText options null',
    () => confusionMatrixToText(matrix(), nul),
    InvalidArgumentError,
    'confusionMatrixToText: options must be an options object, got null.',
  ],
  [
    'confusionMatrixToSvg options null',
    () => confusionMatrixToSvg(matrix(), nul),
    InvalidArgumentError,
    'confusionMatrixToSvg: options must be an options object, got null.',
  ],
  [
    'confusionMatrixToSvg cellSize 0',
    () => confusionMatrixToSvg(matrix(), { cellSize: 0 }),
    InvalidArgumentError,
    'confusionMatrixToSvg: cellSize must be an integer >= 4 and <= 1000, got 0.',
  ],
  [
    'confusionMatrixToPng options null',
    () => confusionMatrixToPng(matrix(), nul),
    InvalidArgumentError,
    'confusionMatrixToPng: options must be an options object, got null.',
  ],
  [
    'createTopKAccuracy(null)',
    () => createTopKAccuracy(nul),
    InvalidArgumentError,
    'createTopKAccuracy: options must be an options object, got null.',
  ],
  [
    'createTopKAccuracy k > numClasses',
    () => createTopKAccuracy({ numClasses: 3, k: 4 }),
    InvalidArgumentError,
    'createTopKAccuracy: k must be an integer <= numClasses (3), got 4. k counts the best-scored classes; with k = numClasses every sample is a hit.',
  ],
  [
    'topKAccuracy k > numClasses (scikit-learn returns 1 with a warning)',
    () => topKAccuracy([0, 1], rows, { k: 4 }),
    InvalidArgumentError,
    'topKAccuracy: k must be an integer <= numClasses (3), got 4.',
  ],
  [
    'topKAccuracy bad label, named by the one-shot function',
    () => topKAccuracy([0, 3], rows),
    InvalidArgumentError,
    'topKAccuracy: yTrue[1] must be an integer class index in [0, 2], got 3.',
  ],
  [
    'topKAccuracy options null',
    () => topKAccuracy([0], [rows[0]!], nul),
    InvalidArgumentError,
    'topKAccuracy: options must be an options object, got null.',
  ],
  [
    'topKAccuracy normalize "yes"',
    () => topKAccuracy([0], [rows[0]!], { normalize: 'yes' as never }),
    InvalidArgumentError,
    'topKAccuracy: normalize must be true or false, got "yes".',
  ],
  [
    'updateTopKAccuracy options null',
    () => updateTopKAccuracy(topK(), [0], [rows[0]!], nul),
    InvalidArgumentError,
    'updateTopKAccuracy: options must be an options object, got null.',
  ],
  [
    'mergeTopKAccuracy other k',
    () => mergeTopKAccuracy(topK(), createTopKAccuracy({ numClasses: 3, k: 1 })),
    InvalidArgumentError,
    'mergeTopKAccuracy: sources[0] must be a state with numClasses 3 and k 2',
  ],
  [
    'resetTopKAccuracy(confusion matrix)',
    () => resetTopKAccuracy(matrix() as never),
    InvalidArgumentError,
    'resetTopKAccuracy: state must be a top-k accuracy state',
  ],
  [
    'topKAccuracyValue(null)',
    () => topKAccuracyValue(nul),
    InvalidArgumentError,
    'topKAccuracyValue: state must be a top-k accuracy state, got null.',
  ],
  [
    'topKAccuracyFromJSON k > numClasses',
    () => topKAccuracyFromJSON({ ...topKAccuracyToJSON(topK()), k: 4 }),
    StateRestoreError,
    'topKAccuracyFromJSON: k must be <= numClasses (3), got 4.',
  ],
  [
    'updateRunningMean weight Infinity',
    () => updateRunningMean(mean(), 1, Number.POSITIVE_INFINITY),
    InvalidArgumentError,
    'updateRunningMean: weight must be a finite number >= 0, got Infinity.',
  ],
  [
    'updateRunningMean not a state',
    () => updateRunningMean(nul, 1),
    InvalidArgumentError,
    'updateRunningMean: state must be a running mean state, got null.',
  ],
  [
    'mergeRunningMeans(topK)',
    () => mergeRunningMeans(mean(), topK() as never),
    InvalidArgumentError,
    'mergeRunningMeans: sources[0] must be a running mean state',
  ],
  [
    'resetRunningMean(undefined)',
    () => resetRunningMean(undefined as never),
    InvalidArgumentError,
    'resetRunningMean: state must be a running mean state, got undefined.',
  ],
  [
    'runningMeanValue({})',
    () => runningMeanValue({} as never),
    InvalidArgumentError,
    'runningMeanValue: state must be a running mean state, got {}.',
  ],
  [
    'runningMeanFromJSON count -1',
    () => runningMeanFromJSON({ ...runningMeanToJSON(mean()), count: -1 }),
    StateRestoreError,
    'runningMeanFromJSON: count must be an integer >= 0, got -1.',
  ],
  [
    'weightedMean values null',
    () => weightedMean(nul),
    InvalidArgumentError,
    'weightedMean: values must be an array or a numeric typed array, got null.',
  ],
  [
    'cumulativeMean value a string',
    () => cumulativeMean([1, '2'] as never),
    InvalidArgumentError,
    'cumulativeMean: values[1] must be a number, got "2".',
  ],
  [
    'defineMetric not a function',
    () =>
      defineMetric(3 as never, {
        metricName: 'x',
        higherIsBetter: true,
        lowerBound: 0,
        upperBound: 1,
      }),
    InvalidArgumentError,
    'defineMetric: metric must be a function, got 3.',
  ],
  [
    'defineMetric metadata missing',
    () => defineMetric(() => 1, undefined as never),
    InvalidArgumentError,
    'defineMetric: metadata must be an options object, got null.',
  ],
  [
    'defineMetric bounds reversed',
    () =>
      defineMetric(() => 1, {
        metricName: 'x',
        higherIsBetter: true,
        lowerBound: 1,
        upperBound: 0,
      }),
    InvalidArgumentError,
    'defineMetric: metadata.upperBound must be a finite number >= 1, got 0.',
  ],
  [
    'defineMetric higherIsBetter missing',
    () => defineMetric(() => 1, { metricName: 'x', lowerBound: 0, upperBound: 1 } as never),
    InvalidArgumentError,
    'defineMetric: metadata.higherIsBetter must be true or false, got undefined.',
  ],
];

describeInvalidCalls(cases);

describe('a rejected call leaves the state as it was', () => {
  const snapshots = {
    matrix: (s: ReturnType<typeof matrix>) => JSON.stringify(confusionMatrixToJSON(s)),
    topK: (s: ReturnType<typeof topK>) => JSON.stringify(topKAccuracyToJSON(s)),
    mean: (s: ReturnType<typeof mean>) => JSON.stringify(runningMeanToJSON(s)),
  };
  const calls: [string, 'matrix' | 'topK' | 'mean', (state: never) => unknown][] = [
    [
      'updateConfusionMatrix, a bad label at the end',
      'matrix',
      (s) => updateConfusionMatrix(s, [0, 1, 5], [0, 1, 1]),
    ],
    [
      'updateConfusionMatrix, a bad weight',
      'matrix',
      (s) => updateConfusionMatrix(s, [0, 1], [0, 1], { sampleWeight: [1, -1] }),
    ],
    [
      'updateConfusionMatrix, options null',
      'matrix',
      (s) => updateConfusionMatrix(s, [0], [0], nul),
    ],
    [
      'mergeConfusionMatrices, a bad second source',
      'matrix',
      (s) => mergeConfusionMatrices(s, matrix(), createConfusionMatrix(4)),
    ],
    [
      'updateTopKAccuracy, a NaN score in the last row',
      'topK',
      (s) => updateTopKAccuracy(s, [0, 1], [rows[0]!, [0, Number.NaN, 1]]),
    ],
    [
      'updateTopKAccuracy, options null',
      'topK',
      (s) => updateTopKAccuracy(s, [0], [rows[0]!], nul),
    ],
    [
      'mergeTopKAccuracy, other k',
      'topK',
      (s) => mergeTopKAccuracy(s, topK(), createTopKAccuracy({ numClasses: 3, k: 3 })),
    ],
    ['updateRunningMean, a negative weight', 'mean', (s) => updateRunningMean(s, 0.1, -1)],
    ['updateRunningMean, a string value', 'mean', (s) => updateRunningMean(s, '0.1' as never)],
    ['mergeRunningMeans, a bad source', 'mean', (s) => mergeRunningMeans(s, mean(), {} as never)],
  ];
  const make = { matrix, topK, mean };
  it.each(calls)('%s', (_name, kind, call) => {
    const state = make[kind]();
    const before = (snapshots[kind] as (s: never) => string)(state as never);
    expect(() => call(state as never)).toThrow(TrainkitError);
    expect((snapshots[kind] as (s: never) => string)(state as never)).toBe(before);
  });
});
