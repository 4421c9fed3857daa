export type { CheckResult, CheckStatus, Measurement } from './check-result';
export { compareStatus, skippedResult, worstStatus } from './check-result';
export type {
  DiscreteLearningRateOptions,
  LearningRateRun,
  LearningRateRunResult,
  LearningRateVerdict,
} from './discrete-lr-test';
export { judgeDiscreteLearningRates, judgeLearningRateRun } from './discrete-lr-test';
export type { CheckDuplicatesOptions, DatasetSplits } from './duplicates';
export { checkDuplicates } from './duplicates';
export type {
  EvaluationModeInput,
  EvaluationModeThresholds,
  TrainingLossAgreementInput,
} from './evaluation-mode';
export { judgeEvaluationMode, judgeTrainingLossAgreement } from './evaluation-mode';
export { formatNumber } from './format-number';
export type { GradientFreshnessInput } from './gradient-freshness';
export { judgeGradientFreshness } from './gradient-freshness';
export type { InitialLossInput, InitialLossThresholds, TaskKind } from './initial-loss';
export { defaultInitialLossThresholds, judgeInitialLoss } from './initial-loss';
export type { CheckInputScaleOptions } from './input-scale';
export { checkInputScale } from './input-scale';
export type { CheckLabelsOptions } from './labels';
export { checkLabels } from './labels';
export type {
  LearningRateRampOptions,
  RangeTestStopOptions,
  RangeTestStopReason,
  RangeTestTracker,
} from './lr-ramp';
export { defaultLearningRateRamp, learningRateRamp, rangeTestTracker } from './lr-ramp';
export type {
  AnalyzeRangeTestOptions,
  PeerSuggestions,
  RangeTestAnalysis,
  RangeTestCurve,
} from './lr-range-analysis';
export { analyzeRangeTest } from './lr-range-analysis';
export type { RangeTestSvgOptions } from './lr-range-svg';
export { rangeTestSvg } from './lr-range-svg';
export type {
  DescentSuggestion,
  DescentSuggestionOptions,
  LearningRateSuggestion,
  PeerRuleOptions,
} from './lr-suggestions';
export {
  descentSuggestion,
  minimumSuggestion,
  referenceRampSteps,
  steepestSuggestion,
  valleySuggestion,
} from './lr-suggestions';
export { defaultMonitorRules } from './monitor/default-rules';
export type {
  ActivationStats,
  GradientStats,
  MeasurementKind,
  MonitorMeasurements,
  UpdateStats,
  WeightStats,
} from './monitor/measurements';
export type { LossRecord, MonitorRule, RuleContext, RuleFinding } from './monitor/rule';
export { defineRule } from './monitor/rule';
export { dyingReluRule } from './monitor/rules/dying-relu';
export { explodingGradientsRule } from './monitor/rules/exploding-gradients';
export { lossDivergingRule } from './monitor/rules/loss-diverging';
export { lossNotDecreasingRule } from './monitor/rules/loss-not-decreasing';
export { nonFiniteRule } from './monitor/rules/non-finite';
export { poorInitializationRule } from './monitor/rules/poor-initialization';
export { saturatedActivationsRule } from './monitor/rules/saturated-activations';
export { tensorLeakRule } from './monitor/rules/tensor-leak';
export { updateRatioRule } from './monitor/rules/update-ratio';
export { vanishingGradientsRule } from './monitor/rules/vanishing-gradients';
export type {
  MonitorFinding,
  MonitorRunner,
  MonitorRunnerOptions,
  MonitorThresholds,
} from './monitor/runner';
export { createMonitorRunner } from './monitor/runner';
export type { LossInputKind, OutputLossPairingInput } from './output-loss-pairing';
export { judgeOutputLossPairing } from './output-loss-pairing';
export type {
  LadderRung,
  OverfitLadderContext,
  OverfitLadderThresholds,
} from './overfit-ladder';
export { judgeOverfitLadder } from './overfit-ladder';
export type {
  CheckResultJSON,
  FormatReportOptions,
  MeasurementJSON,
  SanityReport,
  SanityReportJSON,
} from './report';
export { formatReport, reportFromJSON, reportToJSON, sanityReport } from './report';
export type { RowData } from './row-hash';
export { fingerprintRows, hashRows } from './row-hash';
export type { TestSplitGuardJSON, TestSplitGuardState } from './test-split-guard';
export {
  createTestSplitGuard,
  guardTestSplit,
  openTestSplit,
  TestSplitOpenedError,
  testSplitGuardFromJSON,
  testSplitGuardToJSON,
} from './test-split-guard';
