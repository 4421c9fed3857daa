export type {
  BiasVarianceFinding,
  BiasVarianceOptions,
  BiasVarianceProblem,
  BiasVarianceResult,
  ErrorLevels,
} from './bias-variance';
export { biasVariance, biasVarianceRemedies } from './bias-variance';
export type {
  CurvesChartData,
  CurvesChartOptions,
  CurvesSvgOptions,
  CurvesTerminalOptions,
} from './curves-chart';
export { curvesChartData, curvesSvg, curvesTerminal } from './curves-chart';
export type {
  CurveMeasurements,
  DiagnoseOptions,
  Diagnosis,
  IterationRange,
  Verdict,
  VerdictKind,
  VerdictSeverity,
  WindowTrend,
} from './diagnose';
export { defaultDiagnoseOptions, diagnose, verdictAdvice } from './diagnose';
export type { DownsampleMethod, DownsampleOptions } from './downsample';
export { downsample, lttbIndices, minMaxIndices } from './downsample';
export type {
  EarlyStopping,
  EarlyStoppingOptions,
  EarlyStoppingState,
  EarlyStoppingUpdate,
} from './early-stopping';
export { earlyStopping, restoreEarlyStoppingState } from './early-stopping';
export type { FormatDiagnosisOptions } from './format-diagnosis';
export { formatDiagnosis } from './format-diagnosis';
export type { CreateHistoryOptions, EpochRecord, Series, TrainingHistory } from './history';
export {
  createHistory,
  historyFromJson,
  historyToJson,
  recordEpoch,
  recordTraining,
  recordTrainingEvaluation,
  recordValidation,
} from './history';
export { normalCdf, normalQuantile } from './normal-distribution';
export { median, robustNoise } from './robust-statistics';
export type { Smoothing } from './smooth-series';
export { smoothSeries } from './smooth-series';
export type {
  BucketMedians,
  MannKendallResult,
  TheilSenResult,
  TrendDirection,
  TrendOnsetOptions,
  TrendOnsetResult,
  TrendTestOptions,
  TrendTestResult,
} from './trend-test';
export {
  bucketMedians,
  mannKendall,
  maxTrendPoints,
  theilSen,
  trendOnset,
  trendTest,
} from './trend-test';
