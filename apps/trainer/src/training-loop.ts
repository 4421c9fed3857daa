import { miniBatches } from '@trainkit/splits';
import { type DivergedEpoch, type EpochSummary, endEpoch, validateSubset } from './epoch-end';
import type { StopSignal } from './interrupt';
import type { ProgressDisplay } from './progress';
import { formatSeconds } from './progress';
import { saveRunCheckpoint } from './run-checkpoint';
import type { Run } from './run-setup';
import { trainStep } from './train-step';

/** How the loop ended. */
export type LoopOutcome =
  | { readonly kind: 'completed' }
  | { readonly kind: 'interrupted'; readonly signal: 'SIGINT' | 'SIGTERM' }
  | {
      readonly kind: 'diverged';
      readonly update: number;
      /** The streak of consecutive micro-batches with a non-finite loss or gradients. */
      readonly microBatches: number;
      /** Set when an epoch's end found its training or validation loss not finite. */
      readonly epoch?: DivergedEpoch;
    };

/** What the loop reads besides the run. */
export interface LoopControls {
  readonly stop: StopSignal;
  readonly display: ProgressDisplay;
  /**
   * Called after each epoch's end (its checkpoint is committed); a returned
   * promise is awaited before the next epoch (the search asks its pruner there).
   */
  readonly onEpoch?: (summary: EpochSummary) => void | Promise<void>;
}

const loggingPhase = 3;
const checkpointPhase = 4;
/** Longest time between two yields to the event loop (signals, timers, background flushes run there). */
const yieldEveryMs = 100;
/** Longest time between two progress redraws. */
const displayEveryMs = 100;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The line printed at the end of each epoch (the only progress output without a terminal). */
export function formatEpochLine(summary: EpochSummary, epochs: number, seconds: number): string {
  return `epoch ${summary.epoch}/${epochs}  train loss ${summary.trainLoss.toFixed(4)}  val loss ${summary.validation.loss.toFixed(4)}  val acc ${(summary.validation.accuracy * 100).toFixed(2)}%${summary.best ? ' (best)' : ''}  ${formatSeconds(seconds)}`;
}

/**
 * Trains the run's remaining epochs, micro-batch by micro-batch, from the
 * position in its state (an epoch and a batch inside it), and returns how it
 * ended:
 *
 * - every `--validate-every` updates, a rotating validation subset; at each
 *   epoch end, the full validation set, logs and a checkpoint;
 * - a checkpoint also every `--checkpoint-every` updates or minutes (at a batch
 *   boundary; resuming is exact from any batch boundary);
 * - a stop request (Ctrl-C) is honoured at the next batch boundary: a
 *   checkpoint of the exact position, then `interrupted`;
 * - `diverged` when the last `max(20, 2k)` micro-batches (or every
 *   micro-batch of a shorter run) all had a non-finite loss or gradients
 *   (their updates skipped), or when an epoch ends with a NaN or infinite
 *   training or validation loss: nothing is saved over the last good
 *   checkpoint.
 *
 * Each micro-batch is one profiler iteration (phases data, step, logging, and
 * evaluation/checkpoint when they happen); an epoch's end is part of its last
 * iteration.
 */
export async function trainEpochs(run: Run, controls: LoopControls): Promise<LoopOutcome> {
  const { state, options, plan, profiler, writers } = run;
  const { stop, display } = controls;
  const total = options.epochs * plan.microBatchesPerEpoch;
  const sessionStart = performance.now();
  const trainingMsBefore = state.trainingMs;
  const microBatchesBefore = state.microBatches;
  // A run shorter than the window diverges when all of its micro-batches were skipped.
  const divergenceWindow = Math.min(Math.max(20, 2 * options.accumulate), total);
  let lastCheckpointMs = sessionStart;
  let lastCheckpointUpdates = state.updates;
  let nextYield = sessionStart + yieldEveryMs;
  let nextDisplay = 0;
  let epochStart = sessionStart;
  let samples = 0;
  let lastLoss = Number.NaN;
  const checkpointDue = (now: number): boolean =>
    options.checkpointEvery.unit === 'updates'
      ? state.updates - lastCheckpointUpdates >= options.checkpointEvery.every
      : now - lastCheckpointMs >= options.checkpointEvery.every * 60_000;

  display.start(total, state.microBatches);
  while (state.epoch < options.epochs) {
    const batches = miniBatches(run.data.train, {
      batchSize: options.batchSize,
      seed: options.seed,
      epoch: state.epoch,
    });
    let epochDone = false;
    while (!epochDone) {
      if (stop.requested) {
        state.trainingMs = trainingMsBefore + performance.now() - sessionStart;
        await saveRunCheckpoint(run);
        return { kind: 'interrupted', signal: stop.signal ?? 'SIGINT' };
      }
      const indices = batches[state.batch]!;
      const endOfEpoch = state.batch === batches.length - 1;
      const result = trainStep(run, indices, endOfEpoch);
      profiler.phase(loggingPhase);
      samples += indices.length;
      if (result.updated) {
        lastLoss = result.updateLoss;
        writers.train.scalar('batch_loss', result.updateLoss, result.updateStep);
        writers.train.scalar('learning_rate', result.learningRate, result.updateStep);
        validateSubset(run);
      }
      if (state.nonFiniteStreak >= divergenceWindow) {
        profiler.endIteration(indices.length);
        state.trainingMs = trainingMsBefore + performance.now() - sessionStart;
        return { kind: 'diverged', update: state.updates, microBatches: state.nonFiniteStreak };
      }
      let now = performance.now();
      if (endOfEpoch) {
        epochDone = true;
        state.trainingMs = trainingMsBefore + now - sessionStart;
        const summary = await endEpoch(run);
        if ('diverged' in summary) {
          profiler.endIteration(indices.length);
          return {
            kind: 'diverged',
            update: state.updates,
            microBatches: state.nonFiniteStreak,
            epoch: summary,
          };
        }
        now = performance.now();
        display.log(formatEpochLine(summary, options.epochs, (now - epochStart) / 1000));
        await controls.onEpoch?.(summary);
        epochStart = now;
        lastCheckpointMs = now;
        lastCheckpointUpdates = state.updates;
      } else if (checkpointDue(now)) {
        profiler.phase(checkpointPhase);
        state.trainingMs = trainingMsBefore + now - sessionStart;
        await saveRunCheckpoint(run);
        now = performance.now();
        lastCheckpointMs = now;
        lastCheckpointUpdates = state.updates;
      }
      profiler.endIteration(indices.length);
      if (now >= nextDisplay && display.live) {
        const sessionMs = now - sessionStart;
        const done = state.microBatches - microBatchesBefore;
        display.update(state.microBatches, {
          epoch: Math.min(state.epoch + 1, options.epochs),
          epochs: options.epochs,
          batch: endOfEpoch ? batches.length : state.batch,
          batches: batches.length,
          loss: lastLoss,
          learningRate: result.learningRate,
          samplesPerSecond: samples / (sessionMs / 1000),
          elapsedMs: trainingMsBefore + sessionMs,
          remainingMs: done === 0 ? Number.NaN : ((total - state.microBatches) * sessionMs) / done,
        });
        nextDisplay = now + displayEveryMs;
      }
      if (now >= nextYield) {
        await yieldToEventLoop();
        nextYield = performance.now() + yieldEveryMs;
      }
    }
  }
  state.trainingMs = trainingMsBefore + performance.now() - sessionStart;
  return { kind: 'completed' };
}
