export type {
  CoarseParameter,
  CoarseStageOptions,
  CoarseToFineOptions,
  FineStageOptions,
  RefineScale,
} from './coarse-to-fine';
export { coarseToFine, defaultCoarseParameters } from './coarse-to-fine';
export type {
  DistributedPeerMissingDetails,
  JournalCorruptDetails,
  JournalLockDetails,
  JournalMismatchDetails,
  ObjectiveLoadDetails,
  RedisUnreachableDetails,
} from './errors';
export {
  DistributedPeerMissingError,
  ExecutorClosedError,
  JournalCorruptError,
  JournalLockError,
  JournalMismatchError,
  ObjectiveLoadError,
  RedisUnreachableError,
  TrialPrunedError,
} from './errors';
export type {
  Executor,
  InProcessExecutorOptions,
  Objective,
  RawOutcome,
  TrialContext,
  TrialHooks,
  TrialTask,
} from './executor';
export { inProcessExecutor, toTrialError } from './executor';
export { gridPoints } from './grid-points';
export type { GridSearchOptions } from './grid-search';
export { gridConfigs, gridSearch } from './grid-search';
export type {
  CreatedRecord,
  FailedRecord,
  FinishedRecord,
  HeaderRecord,
  JournalOp,
  JournalRecord,
  JournalState,
  ParsedJournal,
  PrunedRecord,
  ReportedRecord,
  SearchDescription,
  StartedRecord,
} from './journal';
export {
  applyJournalRecord,
  checkJournalHeader,
  createJournalState,
  decodeJournalRecord,
  encodeJournalRecord,
  journalFormat,
  journalVersion,
  parseJournal,
  replayJournal,
} from './journal';
export type {
  JournalStore,
  JournalUpdate,
  MemoryJournal,
  MemoryJournalOptions,
} from './journal-store';
export { memoryJournal } from './journal-store';
export type { ManualSearchOptions } from './manual-search';
export { manualSearch } from './manual-search';
export type { MedianPrunerOptions, PercentilePrunerOptions } from './median-pruner';
export { medianPruner, percentilePruner } from './median-pruner';
export type { PruneDecision, PruneInput, Pruner, PrunerDescription } from './pruner';
export { nanPercentile, noPruner } from './pruner';
export type { RandomSearchOptions } from './random-search';
export { randomConfig, randomSearch, sampleConfig } from './random-search';
export type {
  ResultRow,
  ResultsTableOptions,
  SearchResult,
  SearchResultJson,
} from './results';
export {
  formatResultsCsv,
  formatResultsTable,
  resultRows,
  resultsToJson,
  searchResultFromJournal,
  summarizeSearch,
} from './results';
export type { RunSearchOptions } from './run-search';
export { runSearch } from './run-search';
export type {
  CategoricalParameter,
  Condition,
  Config,
  IntegerOptions,
  IntegerParameter,
  LogUniformParameter,
  NamedParameter,
  Parameter,
  ParameterOptions,
  ParameterValue,
  SearchSpace,
  UniformParameter,
} from './space';
export {
  categorical,
  checkConfig,
  configKey,
  defineSpace,
  integer,
  isActive,
  logUniform,
  uniform,
} from './space';
export type { Strategy, StrategyDescription, StrategyPlan } from './strategy';
export type { SuccessiveHalvingOptions } from './successive-halving-pruner';
export { successiveHalvingPruner } from './successive-halving-pruner';
export type {
  Direction,
  TrialBudget,
  TrialError,
  TrialProposal,
  TrialReport,
  TrialState,
  TrialView,
} from './trial';
export { isTerminal } from './trial';
