// Entry `@trainkit/schedules/optimizer`: the optimizer setters alone. It needs
// only `@tensorflow/tfjs-core` (the `./tfjs` entry also loads tfjs-layers for
// the `model.fit` callbacks), so optimizer wrappers can depend on it.
export type { LearningRateTarget, MomentumTarget } from './learning-rate';
export { getLearningRate, getMomentum, setLearningRate, setMomentum } from './learning-rate';
