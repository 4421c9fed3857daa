import { type ArgumentChecker, checkArguments } from '@trainkit/core';
import { TrialPrunedError } from './errors';
import type { PruneDecision } from './pruner';
import type { Config } from './space';
import type { TrialBudget, TrialError } from './trial';

/** One attempt of a trial, as an executor receives it (plain JSON, so it can travel). */
export interface TrialTask {
  /** The search's id (from the journal header). */
  readonly searchId: string;
  readonly trial: number;
  /** 1 on the first run; higher when the trial is run again after an interruption. */
  readonly attempt: number;
  readonly config: Config;
  readonly stage: number;
  readonly parent: number | undefined;
  readonly reason: string;
  readonly budget: TrialBudget | undefined;
  /** A directory for this trial's own checkpoints, the same on every attempt, if the search has one. */
  readonly checkpointDirectory: string | undefined;
}

/**
 * What an objective receives: the trial's configuration and a way to report
 * intermediate values (and hear whether to stop).
 */
export interface TrialContext {
  /** The trial number. */
  readonly trial: number;
  readonly config: Config;
  readonly stage: number;
  readonly parent: number | undefined;
  readonly budget: TrialBudget | undefined;
  /**
   * 1 on the first run. A trial interrupted by a crash or a lost worker runs
   * again with attempt 2, 3, ...: an objective that saved checkpoints in
   * `checkpointDirectory` can resume from them instead of starting over.
   */
  readonly attempt: number;
  /** This trial's checkpoint directory (same on every attempt), when the search has a checkpoint root. */
  readonly checkpointDirectory: string | undefined;
  /**
   * Records an intermediate value after `step` (epochs completed, or updates)
   * and asks the pruner. When the answer is `prune: true` the trial is
   * already recorded as pruned: return (any value) or throw
   * {@link TrialPrunedError}. Reporting NaN or an infinity fails the trial.
   */
  report(value: number, step: number): Promise<PruneDecision>;
  /** Aborted when the search is stopped; long objectives may check it. */
  readonly signal: AbortSignal;
}

/**
 * The function a search optimizes: train with `trial.config` and return the
 * final value (the validation loss, say). Throwing, or returning NaN, records
 * the trial as failed and the search goes on.
 */
export type Objective = (trial: TrialContext) => number | undefined | Promise<number | undefined>;

/** How an attempt ended, before the search interprets it. */
export type RawOutcome =
  | { readonly kind: 'returned'; readonly value: unknown }
  | { readonly kind: 'threw'; readonly error: TrialError; readonly pruned: boolean };

/** How an executor talks back to the search while a trial runs. */
export interface TrialHooks {
  /** An intermediate value; resolves with the pruner's decision. */
  report(value: number, step: number): Promise<PruneDecision>;
  /**
   * A remote executor says the attempt really started on `owner` (a worker);
   * resolves with the attempt number the journal gave it.
   */
  started(owner: string): Promise<number>;
}

/**
 * Runs trials for a search. The built-in ones: {@link inProcessExecutor}
 * (the default), and from `@trainkit/search/node` the worker pool
 * (`workerPoolExecutor`) and the distributed BullMQ executor
 * (`bullmqExecutor`).
 */
export interface Executor {
  /** How many trials it runs at once. */
  readonly concurrency: number;
  /**
   * True when trials run on remote workers that report their own start
   * (`hooks.started`): a resumed search then hands every unfinished trial
   * back to the executor (which finds the work already queued or done)
   * instead of judging owners.
   */
  readonly remote: boolean;
  /** Runs one attempt. Rejects only for infrastructure failures, never for the objective's errors. */
  run(task: TrialTask, hooks: TrialHooks, signal: AbortSignal): Promise<RawOutcome>;
  /** Stops workers and closes connections. */
  close(): Promise<void>;
}

/**
 * The journal's form of an error: name, message and stack.
 *
 * @example
 * ```ts
 * toTrialError(new RangeError('diverged')); // { name: 'RangeError', message: 'diverged', stack: '...' }
 * ```
 */
export function toTrialError(error: unknown): TrialError {
  if (error instanceof Error) {
    return error.stack === undefined
      ? { name: error.name, message: error.message }
      : { name: error.name, message: error.message, stack: error.stack };
  }
  return { name: 'Error', message: String(error) };
}

/**
 * Runs an objective in this thread on one task: the shared core of every
 * executor (worker threads and distributed workers run the same steps).
 *
 * @internal
 */
export async function runObjective(
  objective: Objective,
  task: TrialTask,
  hooks: Pick<TrialHooks, 'report'>,
  signal: AbortSignal,
): Promise<RawOutcome> {
  const context: TrialContext = Object.freeze({
    trial: task.trial,
    config: task.config,
    stage: task.stage,
    parent: task.parent,
    budget: task.budget,
    attempt: task.attempt,
    checkpointDirectory: task.checkpointDirectory,
    signal,
    report(value: number, step: number) {
      const check: ArgumentChecker = checkArguments('trial.report');
      if (typeof value !== 'number') check.fail('value', value, 'a number');
      check.integer('step', step, {
        min: 0,
        fix: 'Report the epochs (or updates) completed so far, an integer >= 0.',
      });
      return hooks.report(value, step);
    },
  });
  try {
    return { kind: 'returned', value: await objective(context) };
  } catch (error) {
    return {
      kind: 'threw',
      error: toTrialError(error),
      pruned: TrialPrunedError.isInstance(error),
    };
  }
}

/** Options of {@link inProcessExecutor}. */
export interface InProcessExecutorOptions {
  /**
   * Trials at once, default 1. More than 1 only helps objectives that wait
   * (I/O, a GPU, a remote service): JavaScript runs one at a time per thread;
   * use the worker pool for CPU-bound training.
   */
  readonly concurrency?: number;
}

/**
 * Runs trials in this process, one at a time by default: the embedded
 * default of {@link runSearch}, and the only executor in the browser.
 *
 * @param objective - The function to optimize.
 * @param options - `concurrency` (default 1).
 * @returns The executor.
 *
 * @example
 * ```ts
 * const executor = inProcessExecutor(async (trial) => train(trial.config));
 * ```
 */
export function inProcessExecutor(
  objective: Objective,
  options: InProcessExecutorOptions = {},
): Executor {
  const check: ArgumentChecker = checkArguments('inProcessExecutor');
  check.callable('objective', objective);
  const concurrency = check.integer('concurrency', options.concurrency ?? 1, { min: 1 });
  return Object.freeze({
    concurrency,
    remote: false,
    run: (task: TrialTask, hooks: TrialHooks, signal: AbortSignal) =>
      runObjective(objective, task, hooks, signal),
    close: async () => undefined,
  });
}
