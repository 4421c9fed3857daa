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
export type { LearningRateTarget, MomentumTarget } from './learning-rate';
export { getLearningRate, getMomentum, setLearningRate, setMomentum } from './learning-rate';
