import {
  constant,
  cosineDecay,
  oneCycle,
  oneCycleMomentum,
  type Schedule,
  stepDecay,
  warmup,
} from '@trainkit/schedules';
import type { TrainOptions } from './options';

/** The learning-rate schedule (and momentum schedule, for one-cycle) of a run, by update. */
export interface RunSchedules {
  readonly learningRate: Schedule;
  readonly momentum: Schedule | undefined;
  readonly totalUpdates: number;
}

/**
 * Builds the schedules for `totalUpdates` optimizer updates:
 * - `cosine`: linear warmup from peak/W to the peak over W updates (the first
 *   update is not a zero step), then cosine decay to 1% of the peak;
 * - `one-cycle`: PyTorch OneCycleLR defaults, with the momentum (Adam's beta1) cycle;
 * - `step`: warmup, then halve the rate every epoch;
 * - `constant`: the peak rate throughout.
 */
export function buildSchedules(
  options: Pick<TrainOptions, 'schedule' | 'learningRate' | 'warmupSteps' | 'optimizer'>,
  totalUpdates: number,
  updatesPerEpoch: number,
): RunSchedules {
  const peak = options.learningRate;
  const warm = Math.min(options.warmupSteps, Math.max(0, totalUpdates - 1));
  const withWarmup = (schedule: Schedule) =>
    warm > 0 ? warmup(schedule, { steps: warm, startValue: peak / warm }) : schedule;
  switch (options.schedule) {
    case 'constant':
      return { learningRate: constant({ value: peak }), momentum: undefined, totalUpdates };
    case 'cosine':
      return {
        learningRate: withWarmup(
          cosineDecay({
            initialValue: peak,
            decaySteps: Math.max(1, totalUpdates - warm),
            alpha: 0.01,
          }),
        ),
        momentum: undefined,
        totalUpdates,
      };
    case 'step':
      return {
        learningRate: withWarmup(
          stepDecay({ initialValue: peak, stepSize: Math.max(1, updatesPerEpoch), factor: 0.5 }),
        ),
        momentum: undefined,
        totalUpdates,
      };
    case 'one-cycle': {
      const cycle = { maxValue: peak, totalSteps: Math.max(2, totalUpdates) };
      const cycles = options.optimizer === 'sgd' ? undefined : oneCycleMomentum(cycle);
      return { learningRate: oneCycle(cycle), momentum: cycles, totalUpdates };
    }
  }
}
