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
  DiagnosisThresholds,
  IterationRange,
  TrainingSetup,
  Verdict,
  VerdictKind,
  VerdictSeverity,
  WindowTrend,
} from './diagnose';
export { defaultDiagnoseOptions, diagnose, verdictAdvice } from './diagnose';
export type {
  EarlyStopping,
  EarlyStoppingJSON,
  EarlyStoppingOptions,
  EarlyStoppingState,
  EarlyStoppingUpdate,
} from './early-stopping';
export { earlyStopping, earlyStoppingFromJSON, earlyStoppingToJSON } from './early-stopping';
export type { FormatDiagnosisOptions } from './format-diagnosis';
export { formatDiagnosis } from './format-diagnosis';
export type {
  CreateHistoryOptions,
  EpochRecord,
  HistoryJSON,
  Series,
  SeriesJSON,
  TrainingHistory,
} from './history';
export {
  createHistory,
  historyFromJSON,
  historyToJSON,
  recordEpoch,
  recordTraining,
  recordTrainingEvaluation,
  recordValidation,
} from './history';
