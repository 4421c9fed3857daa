export type { DiscreteLearningRateTestOptions } from './discrete-lr-test';
export { discreteLearningRateTest } from './discrete-lr-test';
export type {
  CheckEvaluationModeOptions,
  CheckTrainingLossAgreementOptions,
} from './evaluation-mode';
export { checkEvaluationMode, checkTrainingLossAgreement } from './evaluation-mode';
export type { CheckGradientFreshnessOptions } from './gradient-freshness';
export { checkGradientFreshness } from './gradient-freshness';
export type { CheckInitialLossOptions } from './initial-loss';
export { checkInitialLoss } from './initial-loss';
export type { CheckOutputLossPairingOptions } from './output-loss-pairing';
export { checkOutputLossPairing, probeLossInput } from './output-loss-pairing';
export type { OverfitLadderOptions } from './overfit-ladder';
export { overfitLadder } from './overfit-ladder';
export type { RangeTestOptions } from './range-test';
export { rangeTest } from './range-test';
export type { TrainingSnapshot, TrainingSnapshotOptions } from './snapshot';
export { trainingSnapshot } from './snapshot';
export type {
  RunSanityChecksOptions,
  SanityCheckName,
  SanityChecksReport,
} from './suite';
export { labelsFromTargets, runSanityChecks, sanityCheckNames } from './suite';
export type { CustomLoopTarget, SanityData, SanityTarget } from './target';
export type {
  ActivationOutput,
  TrainingMonitor,
  TrainingMonitorCallback,
  TrainingMonitorCallbackOptions,
  TrainingMonitorOptions,
} from './training-monitor';
export { trainingMonitor, trainingMonitorCallback } from './training-monitor';
