export type {
  CrossValidateOptions,
  CrossValidationResult,
  FoldMetrics,
} from './cross-validate';
export { crossValidate } from './cross-validate';
export type { Labels } from './encode-labels';
export type { Fold, Folds } from './folds';
export type { GroupKFoldOptions } from './group-k-fold';
export { groupKFold } from './group-k-fold';
export type { KFoldOptions, RepeatedKFoldOptions } from './k-fold';
export { kFold, repeatedKFold } from './k-fold';
export { leaveOneOut } from './leave-one-out';
export type { MiniBatchesOptions } from './mini-batches';
export { batchCount, miniBatches } from './mini-batches';
export type { PrefetchBatchesOptions, PrefetchIterator } from './prefetch-batches';
export { prefetchBatches } from './prefetch-batches';
export type { GroupSplitOptions, RandomSplitOptions, StratifiedSplitOptions } from './ratio-split';
export { groupSplit, randomSplit, stratifiedSplit } from './ratio-split';
export { splitSizes } from './split-sizes';
export type { RepeatedStratifiedKFoldOptions, StratifiedKFoldOptions } from './stratified-k-fold';
export { repeatedStratifiedKFold, stratifiedKFold } from './stratified-k-fold';
export type { TimeSeriesSplitOptions } from './time-series-split';
export { timeSeriesSplit } from './time-series-split';
export type { TrainTestSplit, TrainTestSplitOptions } from './train-test-split';
export { trainTestSplit } from './train-test-split';
export type {
  TrainValidationTestSplit,
  TrainValidationTestSplitOptions,
} from './train-validation-test-split';
export { trainValidationTestSplit } from './train-validation-test-split';
export type { ValidationSubsets, ValidationSubsetsOptions } from './validation-subsets';
export { validationSubsets } from './validation-subsets';
