export type { ConstantOptions } from './constant';
export { constant } from './constant';
export type { CosineDecayOptions } from './cosine-decay';
export { cosineDecay } from './cosine-decay';
export type { CosineDecayRestartsOptions } from './cosine-decay-restarts';
export { cosineDecayRestarts } from './cosine-decay-restarts';
export type { CyclicMomentumOptions, CyclicOptions } from './cyclic';
export { cyclic, cyclicMomentum } from './cyclic';
export type { PerEpochOptions } from './epochs';
export { epochsToSteps, perEpoch, stepsToEpochs } from './epochs';
export type { ExponentialDecayOptions } from './exponential-decay';
export { exponentialDecay } from './exponential-decay';
export type { InverseSqrtDecayOptions } from './inverse-sqrt-decay';
export { inverseSqrtDecay } from './inverse-sqrt-decay';
export type { InverseTimeDecayOptions } from './inverse-time-decay';
export { inverseTimeDecay } from './inverse-time-decay';
export { join } from './join';
export type { LinearOptions } from './linear';
export { linear } from './linear';
export type { MultiStepDecayOptions } from './multi-step-decay';
export { multiStepDecay } from './multi-step-decay';
export type { OneCycleMomentumOptions, OneCycleOptions } from './one-cycle';
export { oneCycle, oneCycleMomentum } from './one-cycle';
export type { PiecewiseConstantOptions } from './piecewise-constant';
export { piecewiseConstant } from './piecewise-constant';
export type { PolynomialDecayOptions } from './polynomial-decay';
export { polynomialDecay } from './polynomial-decay';
export type { PreviewScheduleOptions } from './preview';
export { previewSchedule } from './preview';
export type {
  ReduceOnPlateau,
  ReduceOnPlateauJSON,
  ReduceOnPlateauOptions,
  ReduceOnPlateauState,
} from './reduce-on-plateau';
export {
  reduceOnPlateau,
  reduceOnPlateauFromJSON,
  reduceOnPlateauToJSON,
} from './reduce-on-plateau';
export type { SampleOptions } from './sample';
export { sample } from './sample';
export type { Schedule } from './schedule';
export type { StepDecayOptions } from './step-decay';
export { stepDecay } from './step-decay';
export type { WarmupOptions } from './warmup';
export { warmup } from './warmup';
