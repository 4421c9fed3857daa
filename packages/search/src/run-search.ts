import { type ArgumentChecker, checkArguments, formatValue } from '@trainkit/core';
import { JournalCorruptError } from './errors';
import type { Executor, Objective, RawOutcome, TrialTask } from './executor';
import { inProcessExecutor } from './executor';
import type { JournalRecord, JournalState } from './journal';
import {
  applyJournalRecord,
  checkJournalHeader,
  createJournalState,
  journalFormat,
  journalVersion,
} from './journal';
import type { JournalStore } from './journal-store';
import { memoryJournal } from './journal-store';
import type { PruneDecision, Pruner } from './pruner';
import { continueTrial, noPruner } from './pruner';
import type { SearchResult } from './results';
import { summarizeSearch } from './results';
import type { Strategy } from './strategy';
import type { Direction, TrialView } from './trial';
import { isTerminal } from './trial';

/** Options of {@link runSearch}. */
export interface RunSearchOptions {
  /** Which trials to run: {@link gridSearch}, {@link randomSearch}, {@link manualSearch}, {@link coarseToFine}. */
  readonly strategy: Strategy;
  /** Whether smaller (`minimize`) or larger (`maximize`) values are better. Required: never guessed. */
  readonly direction: Direction;
  /** The function to optimize, run in this process (shorthand for `executor: inProcessExecutor(objective)`). */
  readonly objective?: Objective;
  /** Where trials run; give either `objective` or `executor`. The caller closes an executor it passes. */
  readonly executor?: Executor;
  /** Early stopping of bad trials, e.g. {@link medianPruner}. Default: none. */
  readonly pruner?: Pruner;
  /** Where the search is recorded. Default: {@link memoryJournal} (not crash-safe). */
  readonly journal?: JournalStore;
  /** Each trial gets `<checkpointRoot>/trial-<n>` as `trial.checkpointDirectory`. */
  readonly checkpointRoot?: string;
  /**
   * A trial interrupted this many times (its process killed while it ran)
   * is recorded as failed instead of being run again. Default 3.
   */
  readonly maxAttempts?: number;
  /** Stops the search: no new trials start; running ones see `trial.signal` aborted. */
  readonly signal?: AbortSignal;
  /** How often to look at the journal while waiting for trials run by other processes. Default 500 ms. */
  readonly pollIntervalMs?: number;
  /** Called with every record this search appends (progress output). */
  readonly onRecord?: (record: JournalRecord) => void;
  /** Called with notes that are not records (a resumed journal, an ignored duplicate result). */
  readonly log?: (message: string) => void;
}

function randomSearchId(): string {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function nonFiniteName(value: number): string {
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

/**
 * Runs a hyperparameter search to the end (or until `signal` aborts) and
 * returns its results.
 *
 * Every event goes to the journal before the search acts on it, so a search
 * stopped at any moment (even by SIGKILL, with `fileJournal` from
 * `@trainkit/search/node`) resumes where it was when run again with the same
 * journal: finished, failed and pruned trials are not run again; trials that
 * were running are run again with `trial.attempt` increased (an objective can
 * resume them from `trial.checkpointDirectory`). A journal written by another
 * search (different space, strategy or direction) is refused with
 * {@link JournalMismatchError}.
 *
 * An objective that throws, returns a non-finite number or reports one
 * fails its trial (the error is recorded) and the search goes on. When the
 * pruner says stop, the trial is recorded as pruned at once.
 *
 * @param options - Strategy, direction, objective or executor, pruner, journal.
 * @returns The trials, ranked, with the best configuration.
 *
 * @example
 * ```ts
 * const result = await runSearch({
 *   strategy: gridSearch({ space: defineSpace({ x: uniform(-2, 2) }), pointsPerParameter: 9 }),
 *   direction: 'minimize',
 *   objective: (trial) => (trial.config.x as number) ** 2,
 * });
 * result.best?.config; // { x: 0 }
 * ```
 */
export async function runSearch(options: RunSearchOptions): Promise<SearchResult> {
  const check: ArgumentChecker = checkArguments('runSearch');
  if (typeof options !== 'object' || options === null) check.fail('options', options, 'an object');
  const strategy = options.strategy;
  if (typeof strategy !== 'object' || strategy === null || typeof strategy.plan !== 'function') {
    check.fail(
      'strategy',
      strategy,
      'a strategy',
      'Use gridSearch(), randomSearch(), manualSearch() or coarseToFine().',
    );
  }
  const direction = check.oneOf('direction', options.direction, ['minimize', 'maximize']);
  if ((options.objective === undefined) === (options.executor === undefined)) {
    check.fail(
      'objective',
      options.objective,
      'given exactly when the executor option is not',
      'Pass objective to run trials in this process, or executor (a worker pool, BullMQ).',
    );
  }
  const executor = options.executor ?? inProcessExecutor(options.objective!);
  const pruner = options.pruner ?? noPruner();
  const journal = options.journal ?? memoryJournal();
  const maxAttempts = check.integer('maxAttempts', options.maxAttempts ?? 3, { min: 1 });
  const pollIntervalMs = check.positive('pollIntervalMs', options.pollIntervalMs ?? 500);
  const onRecord = options.onRecord ?? (() => undefined);
  const log = options.log ?? (() => undefined);
  const outerSignal = options.signal;
  const controller = new AbortController();
  const abortListener = () => controller.abort(outerSignal?.reason);
  outerSignal?.addEventListener('abort', abortListener);
  if (outerSignal?.aborted) controller.abort(outerSignal.reason);
  const signal = controller.signal;

  const state: JournalState = createJournalState();
  const apply = (records: readonly JournalRecord[]) => {
    for (const record of records) applyJournalRecord(state, record, journal.path);
  };
  /** Applies and emits records this search appends. */
  const own = (records: JournalRecord[]): JournalRecord[] => {
    apply(records);
    return records;
  };
  const emit = (records: readonly JournalRecord[]) => {
    for (const record of records) onRecord(record);
  };
  const now = () => Date.now();

  // Open: header, or check it.
  const searchId = await journal.transact(state.recordCount, (fresh) => {
    apply(fresh);
    if (state.header === undefined) {
      // applyJournalRecord refuses a first record that is not the header; kept as a typed guard.
      if (state.recordCount > 0) {
        throw new JournalCorruptError({
          functionName: 'runSearch',
          path: journal.path,
          line: 1,
          reason: 'the first record must be the header',
        });
      }
      const header: JournalRecord = {
        op: 'header',
        format: journalFormat,
        version: journalVersion,
        search: { id: randomSearchId(), direction, strategy: strategy.description },
        time: now(),
      };
      return { append: own([header]), result: (header as { search: { id: string } }).search.id };
    }
    checkJournalHeader(
      state.header,
      { direction, strategy: strategy.description },
      strategy.extendable,
      journal.path,
    );
    const ended = state.trials.filter((t) => isTerminal(t.state)).length;
    log(
      `resuming ${journal.path}: ${state.trials.length} trials recorded, ${ended} ended, ${state.trials.length - ended} to run`,
    );
    return { append: [], result: state.header.search.id };
  });

  const inFlight = new Map<number, Promise<void>>();
  /** Trials this search ended at a report (pruned, or failed by a non-finite value) while their objective ran on. */
  const endedAtReport = new Set<number>();
  let planComplete = false;

  const taskFor = (trial: TrialView, attempt: number): TrialTask => ({
    searchId,
    trial: trial.trial,
    attempt,
    config: trial.config,
    stage: trial.stage,
    parent: trial.parent,
    reason: trial.reason,
    budget: trial.budget,
    checkpointDirectory:
      options.checkpointRoot === undefined
        ? undefined
        : `${options.checkpointRoot.replace(/[\\/]+$/, '')}/trial-${trial.trial}`,
  });

  const report = (trialNumber: number, value: number, step: number): Promise<PruneDecision> =>
    journal
      .transact<{ decision: PruneDecision; appended: JournalRecord[] }>(
        state.recordCount,
        (fresh) => {
          apply(fresh);
          const trial = state.trials[trialNumber]!;
          if (isTerminal(trial.state)) {
            return {
              append: [],
              result: {
                decision: {
                  prune: true,
                  reason: `trial ${trialNumber} has already ended (${trial.state})`,
                },
                appended: [],
              },
            };
          }
          const attempt = Math.max(1, trial.attempts);
          const reported: JournalRecord = {
            op: 'reported',
            trial: trialNumber,
            attempt,
            step,
            value,
            time: now(),
          };
          own([reported]);
          if (!Number.isFinite(value)) {
            const failed: JournalRecord = {
              op: 'failed',
              trial: trialNumber,
              attempt,
              error: {
                name: 'NonFiniteValueError',
                message: `the objective reported ${nonFiniteName(value)} at step ${step}`,
              },
              time: now(),
            };
            own([failed]);
            endedAtReport.add(trialNumber);
            return {
              append: [reported, failed],
              result: {
                decision: {
                  prune: true,
                  reason: `reported ${nonFiniteName(value)}: the trial failed`,
                },
                appended: [reported, failed],
              },
            };
          }
          const decision = pruner.decide({
            trial: state.trials[trialNumber]!,
            trials: state.trials,
            direction,
          });
          if (!decision.prune)
            return {
              append: [reported],
              result: { decision: continueTrial, appended: [reported] },
            };
          const pruned: JournalRecord = {
            op: 'pruned',
            trial: trialNumber,
            attempt,
            step,
            value,
            reason: decision.reason ?? 'the pruner stopped it',
            time: now(),
          };
          own([pruned]);
          endedAtReport.add(trialNumber);
          return { append: [reported, pruned], result: { decision, appended: [reported, pruned] } };
        },
      )
      .then(({ decision, appended }) => {
        emit(appended);
        return decision;
      });

  const started = (trialNumber: number, owner: string): Promise<number> =>
    journal
      .transact(state.recordCount, (fresh) => {
        apply(fresh);
        const trial = state.trials[trialNumber]!;
        if (isTerminal(trial.state))
          return { append: [], result: { attempt: trial.attempts, appended: [] } };
        const record: JournalRecord = {
          op: 'started',
          trial: trialNumber,
          attempt: trial.attempts + 1,
          owner,
          time: now(),
        };
        own([record]);
        return { append: [record], result: { attempt: record.attempt, appended: [record] } };
      })
      .then(({ attempt, appended }) => {
        emit(appended);
        return attempt;
      });

  const finish = async (trialNumber: number, attempt: number, outcome: RawOutcome) => {
    const appended = await journal.transact(state.recordCount, (fresh) => {
      apply(fresh);
      const trial = state.trials[trialNumber]!;
      if (isTerminal(trial.state)) {
        if (!endedAtReport.has(trialNumber)) {
          log(
            `trial ${trialNumber}: a second result arrived after the trial ${trial.state}; the first result is kept, the duplicate ignored`,
          );
        }
        return { append: [], result: [] as JournalRecord[] };
      }
      const base = {
        trial: trialNumber,
        attempt: Math.max(attempt, trial.attempts, 1),
        time: now(),
      };
      let record: JournalRecord;
      if (outcome.kind === 'threw') {
        if (outcome.pruned) {
          const last = trial.reports.at(-1);
          record = {
            op: 'pruned',
            ...base,
            step: last?.step,
            value: last?.value,
            reason: outcome.error.message,
          };
        } else {
          record = { op: 'failed', ...base, error: outcome.error };
        }
      } else if (typeof outcome.value !== 'number') {
        record = {
          op: 'failed',
          ...base,
          error: {
            name: 'InvalidObjectiveResultError',
            message: `the objective returned ${formatValue(outcome.value)}; it must return the final value as a number`,
          },
        };
      } else if (!Number.isFinite(outcome.value)) {
        record = {
          op: 'failed',
          ...base,
          error: {
            name: 'NonFiniteValueError',
            message: `the objective returned ${nonFiniteName(outcome.value)}`,
          },
        };
      } else {
        record = { op: 'finished', ...base, value: outcome.value };
      }
      return { append: own([record]), result: [record] };
    });
    emit(appended);
  };

  const launch = (trial: TrialView, attempt: number) => {
    const task = taskFor(trial, attempt);
    const hooks = {
      report: (value: number, step: number) => report(trial.trial, value, step),
      started: (owner: string) => started(trial.trial, owner),
    };
    const running = (async () => {
      let outcome: RawOutcome;
      try {
        outcome = await executor.run(task, hooks, signal);
      } catch (error) {
        if (signal.aborted) return;
        outcome = {
          kind: 'threw',
          error: {
            name: 'ExecutorError',
            message: `the executor could not run the trial: ${error instanceof Error ? error.message : String(error)}`,
          },
          pruned: false,
        };
      }
      // A trial interrupted by stopping the search stays unfinished, to run again on resume.
      if (signal.aborted && outcome.kind === 'threw') return;
      await finish(trial.trial, task.attempt, outcome);
    })();
    inFlight.set(
      trial.trial,
      running.finally(() => inFlight.delete(trial.trial)),
    );
  };

  /** Under the lock: create planned trials, fail worn-out ones, claim runnable ones. */
  const schedule = () =>
    journal.transact(state.recordCount, (fresh) => {
      apply(fresh);
      const append: JournalRecord[] = [];
      const plan = strategy.plan(state.trials, direction);
      planComplete = plan.complete;
      for (let n = state.trials.length; n < plan.proposals.length; n++) {
        const proposal = plan.proposals[n]!;
        append.push(
          ...own([
            {
              op: 'created',
              trial: n,
              config: proposal.config,
              stage: proposal.stage,
              parent: proposal.parent,
              reason: proposal.reason,
              budget: proposal.budget,
              time: now(),
            },
          ]),
        );
      }
      const claimed: { trial: TrialView; attempt: number }[] = [];
      let free = executor.concurrency - inFlight.size;
      for (const trial of state.trials) {
        if (free <= 0) break;
        if (isTerminal(trial.state) || inFlight.has(trial.trial)) continue;
        if (trial.state === 'running' && !executor.remote) {
          const orphan =
            trial.owner === journal.owner ||
            trial.owner === undefined ||
            !journal.isOwnerAlive(trial.owner);
          if (!orphan) continue; // another live process runs it
          if (trial.attempts >= maxAttempts) {
            append.push(
              ...own([
                {
                  op: 'failed',
                  trial: trial.trial,
                  attempt: trial.attempts,
                  error: {
                    name: 'InterruptedTooOftenError',
                    message: `the trial was interrupted ${trial.attempts} times (its process died while it ran); raise maxAttempts to keep retrying`,
                  },
                  time: now(),
                },
              ]),
            );
            continue;
          }
          log(`trial ${trial.trial}: attempt ${trial.attempts} was interrupted; running it again`);
        }
        if (executor.remote) {
          claimed.push({ trial, attempt: trial.attempts + 1 });
        } else {
          const record: JournalRecord = {
            op: 'started',
            trial: trial.trial,
            attempt: trial.attempts + 1,
            owner: journal.owner,
            time: now(),
          };
          append.push(...own([record]));
          claimed.push({ trial: state.trials[trial.trial]!, attempt: record.attempt });
        }
        free--;
      }
      return { append, result: { claimed, appended: append } };
    });

  try {
    for (;;) {
      if (signal.aborted) break;
      const { claimed, appended } = await schedule();
      emit(appended);
      for (const { trial, attempt } of claimed) launch(trial, attempt);
      if (inFlight.size > 0) {
        await Promise.race(inFlight.values());
        continue;
      }
      const allEnded = state.trials.every((t) => isTerminal(t.state));
      if (planComplete && allEnded) break;
      // Waiting for trials that other processes run (or for the next stage they unlock).
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollIntervalMs);
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
    }
    await Promise.all(inFlight.values());
  } finally {
    outerSignal?.removeEventListener('abort', abortListener);
    if (options.executor === undefined) await executor.close();
  }
  return summarizeSearch(state.trials, {
    searchId,
    direction,
    parameterNames: strategy.parameterNames,
  });
}
