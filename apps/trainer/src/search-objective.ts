// The objective module that search workers load (a worker thread of
// `trainkit search --workers N`, or `trainkit worker --redis URL` on any
// machine): built to dist/search-objective.js beside the CLI.
import '@tensorflow/tfjs-layers'; // its Node build registers every gradient
import type { TrialContext } from '@trainkit/search';
import { consoleProgress } from './progress';
import { trainTrial } from './search-trial';

/**
 * Trains one trial of a trainer search (see `trainTrial`) and returns its
 * best validation accuracy. The backend comes from `TRAINKIT_BACKEND`
 * (set by `trainkit worker --backend`), default `auto`.
 *
 * @param trial - The trial.
 * @returns The best full-set validation accuracy.
 */
export function objective(trial: TrialContext): Promise<number> {
  return trainTrial(trial, { output: consoleProgress(false) });
}
