export type { LearningRateTarget, MomentumTarget } from './optimizer-hyperparameters';
export {
  getLearningRate,
  getMomentum,
  setLearningRate,
  setMomentum,
} from './optimizer-hyperparameters';
