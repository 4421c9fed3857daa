export type { CheckResult, CheckStatus, Measurement } from './check-result';
export { compareStatus, skippedResult, worstStatus } from './check-result';
export type { CheckDuplicatesOptions, DatasetSplits } from './duplicates';
export { checkDuplicates } from './duplicates';
export { formatNumber } from './format-number';
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
