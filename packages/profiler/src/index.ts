export type { ChromeTrace, ChromeTraceOptions, TraceEvent } from './chrome-trace';
export { toChromeTrace } from './chrome-trace';
export type { ProfilerUsageDetails } from './errors';
export { ProfilerUsageError } from './errors';
export type { EstimateTimesOptions, TimeEstimate, TimeEstimates } from './estimate-times';
export { estimateDuration, estimateTimes } from './estimate-times';
export { formatDuration } from './format-duration';
export type { FormatProfileReportOptions } from './format-profile-report';
export { formatProfileReport } from './format-profile-report';
export type { AdviceContext, BackendInUse, PhaseAdvice, PhaseCategory } from './phase-advice';
export { backendAdvice, phaseAdvice, phaseAdviceTable } from './phase-advice';
export type { ProfileJSON, SavedProfile } from './profile-json';
export { profileFromJSON, profileToJSON } from './profile-json';
export type {
  Profiler,
  ProfilerOptions,
  RestoreProfilerOptions,
  SlowIterationInfo,
} from './profiler';
export { createProfiler, restoreProfiler } from './profiler';
export type {
  ProfilerSettings,
  ProfilerState,
  ProfilerStateJSON,
  ProfilerTotals,
  RecordedIterations,
  RecordedMarks,
} from './profiler-state';
export {
  MarkCode,
  profilerStateFromJSON,
  profilerStateToJSON,
  validateProfilerState,
} from './profiler-state';
export type {
  Bottleneck,
  DurationStatistics,
  PhaseShareWarning,
  PhaseStatistics,
  ProfileReport,
  ProfileWarning,
  SlowIterationsWarning,
  SummarizeOptions,
} from './summarize-profile';
export { summarizeProfile } from './summarize-profile';
export type {
  IterationScalarsOptions,
  ProfileScalarsOptions,
  ScalarSink,
} from './tensorboard-scalars';
export { writeIterationScalars, writeProfileScalars } from './tensorboard-scalars';
export type { TrendEstimate, TrendEstimateOptions } from './trend-estimate';
export { estimateTimeToTrend } from './trend-estimate';
