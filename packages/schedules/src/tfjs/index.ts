export type { LearningRateTarget, MomentumTarget } from '@trainkit/core/tfjs';
export { getLearningRate, getMomentum, setLearningRate, setMomentum } from '@trainkit/core/tfjs';
export type {
  LearningRateSchedulerOptions,
  ReduceLearningRateOnPlateauCallback,
  ReduceLearningRateOnPlateauOptions,
} from './callbacks';
export {
  batchLearningRateScheduler,
  epochLearningRateScheduler,
  reduceLearningRateOnPlateau,
} from './callbacks';
