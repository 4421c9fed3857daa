// Entry `@trainkit/schedules/optimizer`: the optimizer setters alone (they live
// in `@trainkit/core/tfjs`, shared with @trainkit/accumulate). It needs only
// `@tensorflow/tfjs-core` (the `./tfjs` entry also loads tfjs-layers for the
// `model.fit` callbacks).
export type { LearningRateTarget, MomentumTarget } from '@trainkit/core/tfjs';
export { getLearningRate, getMomentum, setLearningRate, setMomentum } from '@trainkit/core/tfjs';
