export type {
  AccumulationResult,
  AccumulationState,
  MicroBatchOptions,
  NamedTensor,
  NextMicroBatchOptions,
} from './accumulating-optimizer';
export { AccumulatingOptimizer } from './accumulating-optimizer';
export type {
  AccumulatingOptimizerOptions,
  AccumulationStepsSchedule,
  NonFiniteMode,
} from './accumulation-options';
export type { NonFiniteGradientDetails } from './errors';
export { NonFiniteGradientError } from './errors';
export { registerAccumulatingOptimizer } from './register';
