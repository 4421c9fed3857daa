export type {
  EarlyStoppingCallback,
  EarlyStoppingCallbackOptions,
} from './early-stopping-callback';
export { earlyStoppingCallback } from './early-stopping-callback';
export type {
  HistoryCallback,
  HistoryCallbackOptions,
  TrainingSetEvaluation,
} from './history-callback';
export { historyCallback } from './history-callback';
