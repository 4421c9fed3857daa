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
export type { LabelArray, WeightArray } from './labels';
export type { MetricFunction, MetricMetadata } from './metric-metadata';
export { defineMetric } from './metric-metadata';
