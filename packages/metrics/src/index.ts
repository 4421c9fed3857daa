export type {
  Average,
  AveragedPrecisionRecallOptions,
  AveragedScores,
  BalancedAccuracyOptions,
  CohenKappaOptions,
  LabelSelection,
  PerClassScores,
  PrecisionRecallOptions,
  ScalarPrecisionRecallOptions,
  ZeroDivision,
} from './classification-metrics';
export {
  accuracy,
  balancedAccuracy,
  cohenKappa,
  f1Score,
  fbetaScore,
  matthewsCorrelation,
  precision,
  precisionRecallFscoreSupport,
  recall,
} from './classification-metrics';
export type { ClassificationReportOptions } from './classification-report';
export { classificationReport } from './classification-report';
export type {
  ConfusionMatrixInput,
  ConfusionMatrixJSON,
  ConfusionMatrixNormalization,
  ConfusionMatrixOptions,
  ConfusionMatrixState,
  ConfusionMatrixToArrayOptions,
  ConfusionMatrixUpdateOptions,
} from './confusion-matrix';
export {
  cloneConfusionMatrix,
  confusionMatrix,
  confusionMatrixFromJSON,
  confusionMatrixToArray,
  confusionMatrixToJSON,
  createConfusionMatrix,
  MAX_CLASSES,
  mergeConfusionMatrices,
  normalizeConfusionMatrix,
  resetConfusionMatrix,
  updateConfusionMatrix,
} from './confusion-matrix';
export type { ConfusionMatrixPngOptions } from './confusion-matrix-png';
export { confusionMatrixToPng } from './confusion-matrix-png';
export type { ConfusionMatrixSvgOptions } from './confusion-matrix-svg';
export { confusionMatrixToSvg } from './confusion-matrix-svg';
export { confusionMatrixToText } from './confusion-matrix-text';
export type { ConfusionMatrixDisplayOptions, ConfusionMatrixImageOptions } from './heatmap';
export type { LabelArray, WeightArray } from './labels';
export type { MetricFunction, MetricMetadata } from './metric-metadata';
export { defineMetric } from './metric-metadata';
export type { RunningMeanJSON, RunningMeanState } from './running-mean';
export {
  createRunningMean,
  cumulativeMean,
  mergeRunningMeans,
  resetRunningMean,
  runningMeanFromJSON,
  runningMeanToJSON,
  runningMeanValue,
  updateRunningMean,
  weightedMean,
} from './running-mean';
export type {
  ScoreMatrix,
  TopKAccuracyJSON,
  TopKAccuracyOptions,
  TopKAccuracyState,
  TopKAccuracyStateOptions,
  TopKAccuracyUpdateOptions,
} from './top-k-accuracy';
export {
  createTopKAccuracy,
  mergeTopKAccuracy,
  resetTopKAccuracy,
  topKAccuracy,
  topKAccuracyFromJSON,
  topKAccuracyToJSON,
  topKAccuracyValue,
  updateTopKAccuracy,
} from './top-k-accuracy';
