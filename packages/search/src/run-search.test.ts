import { describe, expect, it } from 'vitest';
import { JournalMismatchError, TrialPrunedError } from './errors';
import { inProcessExecutor } from './executor';
import { gridSearch } from './grid-search';
import type { JournalRecord } from './journal';
import { encodeJournalRecord, parseJournal, replayJournal } from './journal';
import { memoryJournal } from './journal-store';
import { manualSearch } from './manual-search';
import { medianPruner } from './median-pruner';
import { randomSearch } from './random-search';
import { runSearch } from './run-search';
import { categorical, defineSpace, uniform } from './space';

const space = defineSpace({ x: categorical([0, 1, 2, 3, 4, 5]) });
const grid = gridSearch({ space });

function records(journal: { lines: readonly string[] }): JournalRecord[] {
  return parseJournal(journal.lines.join('')).records;
}

describe('runSearch', () => {
  it('runs every trial once and ranks them', async () => {
    const seen: number[] = [];
    const result = await runSearch({
      strategy: grid,
      direction: 'minimize',
      objective: (trial) => {
        seen.push(trial.config.x as number);
        return ((trial.config.x as number) - 3) ** 2;
      },
    });
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    expect(result.best?.config).toEqual({ x: 3 });
    expect(result.ranked.map((t) => t.config.x)).toEqual([3, 2, 4, 1, 5, 0]);
    expect(result.counts).toEqual({ created: 0, running: 0, finished: 6, failed: 0, pruned: 0 });
  });

  it('records throws, NaN and missing results as failed and goes on', async () => {
    const journal = memoryJournal();
    const result = await runSearch({
      strategy: grid,
      direction: 'maximize',
      journal,
      objective: async (trial) => {
        const x = trial.config.x as number;
        if (x === 1) throw new RangeError('diverged at epoch 2');
        if (x === 2) return Number.NaN;
        if (x === 3) return undefined;
        if (x === 4) {
          await trial.report(0.5, 0);
          await trial.report(Number.POSITIVE_INFINITY, 1);
          return 0.9;
        }
        return x;
      },
    });
    const byX = new Map(result.trials.map((t) => [t.config.x, t]));
    expect(byX.get(1)!.state).toBe('failed');
    expect(byX.get(1)!.error).toMatchObject({ name: 'RangeError', message: 'diverged at epoch 2' });
    expect(byX.get(2)!.error).toEqual({
      name: 'NonFiniteValueError',
      message: 'the objective returned NaN',
    });
    expect(byX.get(3)!.error?.message).toBe(
      'the objective returned undefined; it must return the final value as a number',
    );
    expect(byX.get(4)!.state).toBe('failed');
    expect(byX.get(4)!.error?.message).toBe('the objective reported Infinity at step 1');
    expect(result.best?.config).toEqual({ x: 5 });
    expect(result.counts.finished).toBe(2);
    // Exactly one outcome record per trial, and nothing after it.
    const all = records(journal);
    for (const trial of result.trials) {
      const mine = all.filter((r) => 'trial' in r && r.trial === trial.trial);
      const outcomes = mine.filter(
        (r) => r.op === 'finished' || r.op === 'failed' || r.op === 'pruned',
      );
      expect(outcomes).toHaveLength(1);
      expect(mine.at(-1)).toBe(outcomes[0]);
    }
  });

  it('prunes with the median rule at the step the hand-derived rule says, and the objective hears it', async () => {
    // Trials 0..4 (x = 0..4) finish with curve values 1 - 0.1 * step + 0.01 * x; trial 5 is far
    // worse. Median at step 0 of the finished ones: 1.02, trial 5 reports 2 -> pruned at step 0.
    const heard: number[] = [];
    const journal = memoryJournal();
    const result = await runSearch({
      strategy: grid,
      direction: 'minimize',
      pruner: medianPruner(),
      journal,
      objective: async (trial) => {
        const x = trial.config.x as number;
        let value = 0;
        for (let step = 0; step < 5; step++) {
          value = x === 5 ? 2 : 1 - 0.1 * step + 0.01 * x;
          const { prune } = await trial.report(value, step);
          if (prune) {
            heard.push(step);
            return value;
          }
        }
        return value;
      },
    });
    expect(heard).toEqual([0]);
    const pruned = result.trials[5]!;
    expect(pruned.state).toBe('pruned');
    expect(pruned.value).toBe(2);
    expect(pruned.error?.message).toBe(
      'best value 2 up to step 0 is worse than the median 1.02 of 5 finished trials at step 0',
    );
    expect(result.ranked.at(-1)!.trial).toBe(5);
    expect(records(journal).filter((r) => r.op === 'reported' && r.trial === 5)).toHaveLength(1);
  });

  it('treats TrialPrunedError as pruned, with the last report', async () => {
    const result = await runSearch({
      strategy: manualSearch({ space, configs: [{ x: 1 }] }),
      direction: 'minimize',
      objective: async (trial) => {
        await trial.report(0.7, 3);
        throw new TrialPrunedError('stopped by my own rule');
      },
    });
    expect(result.trials[0]).toMatchObject({
      state: 'pruned',
      value: 0.7,
      error: { message: 'stopped by my own rule' },
    });
  });

  it('resumes a journal: ended trials are not run again, an interrupted one runs again as attempt 2', async () => {
    // A journal left by a killed process: trials 0 and 1 ended, 2 was running.
    const first = memoryJournal();
    const controller = new AbortController();
    await runSearch({
      strategy: grid,
      direction: 'minimize',
      journal: first,
      signal: controller.signal,
      objective: async (trial) => {
        if (trial.trial === 2) {
          await trial.report(0.5, 0);
          controller.abort();
          throw new Error('killed');
        }
        return trial.trial;
      },
    });
    const before = replayJournal(records(first));
    expect(before.trials.map((t) => t.state)).toEqual([
      'finished',
      'finished',
      'running',
      'created',
      'created',
      'created',
    ]);

    const journal = memoryJournal({ lines: first.lines });
    const runs: [number, number, string | undefined][] = [];
    const result = await runSearch({
      strategy: grid,
      direction: 'minimize',
      journal,
      checkpointRoot: '/tmp/ckpt/',
      objective: (trial) => {
        runs.push([trial.trial, trial.attempt, trial.checkpointDirectory]);
        return trial.trial;
      },
    });
    expect(runs).toEqual([
      [2, 2, '/tmp/ckpt/trial-2'],
      [3, 1, '/tmp/ckpt/trial-3'],
      [4, 1, '/tmp/ckpt/trial-4'],
      [5, 1, '/tmp/ckpt/trial-5'],
    ]);
    expect(result.trials.map((t) => t.state)).toEqual(Array(6).fill('finished'));
    expect(result.trials[2]!.attempts).toBe(2);
    // The report of the interrupted attempt is kept (a checkpointed objective may continue from it).
    expect(result.trials[2]!.reports).toEqual([{ step: 0, value: 0.5 }]);
  });

  it('fails a trial interrupted maxAttempts times instead of retrying forever', async () => {
    const base = memoryJournal();
    await runSearch({
      strategy: manualSearch({ space, configs: [{ x: 1 }] }),
      direction: 'minimize',
      journal: base,
      objective: () => 1,
    });
    const lines = base.lines.slice(0, 2); // header + created
    for (let attempt = 1; attempt <= 2; attempt++) {
      lines.push(
        encodeJournalRecord({
          op: 'started',
          trial: 0,
          attempt,
          owner: `dead:${attempt}`,
          time: attempt,
        }),
      );
    }
    let calls = 0;
    const result = await runSearch({
      strategy: manualSearch({ space, configs: [{ x: 1 }] }),
      direction: 'minimize',
      journal: memoryJournal({ lines }),
      maxAttempts: 2,
      objective: () => {
        calls++;
        return 1;
      },
    });
    expect(calls).toBe(0);
    expect(result.trials[0]!.error?.name).toBe('InterruptedTooOftenError');
  });

  it('refuses a journal written by a different search and leaves it unchanged', async () => {
    const journal = memoryJournal();
    await runSearch({ strategy: grid, direction: 'minimize', journal, objective: () => 1 });
    const length = journal.lines.length;
    const other = gridSearch({ space: defineSpace({ x: categorical([0, 1, 2, 3, 4, 6]) }) });
    await expect(
      runSearch({ strategy: other, direction: 'minimize', journal, objective: () => 1 }),
    ).rejects.toSatisfy(
      (error: unknown) =>
        JournalMismatchError.isInstance(error) &&
        error.field === 'strategy.space.parameters[0].values[5]',
    );
    await expect(
      runSearch({ strategy: grid, direction: 'maximize', journal, objective: () => 1 }),
    ).rejects.toThrow('direction is "minimize" in the journal but "maximize" in this search');
    expect(journal.lines).toHaveLength(length);
  });

  it('extends a random search without re-running its first trials', async () => {
    const randomSpace = defineSpace({ x: uniform(0, 1) });
    const journal = memoryJournal();
    const first = await runSearch({
      strategy: randomSearch({ space: randomSpace, trials: 3, seed: 5 }),
      direction: 'minimize',
      journal,
      objective: (trial) => trial.config.x as number,
    });
    let calls = 0;
    const second = await runSearch({
      strategy: randomSearch({ space: randomSpace, trials: 5, seed: 5 }),
      direction: 'minimize',
      journal,
      objective: (trial) => {
        calls++;
        return trial.config.x as number;
      },
    });
    expect(calls).toBe(2);
    expect(second.trials.slice(0, 3).map((t) => t.config)).toEqual(
      first.trials.map((t) => t.config),
    );
  });

  it('runs up to `concurrency` trials at once in process', async () => {
    let running = 0;
    let peak = 0;
    await runSearch({
      strategy: grid,
      direction: 'minimize',
      executor: inProcessExecutor(
        async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 20));
          running--;
          return 1;
        },
        { concurrency: 3 },
      ),
    });
    expect(peak).toBe(3);
  });

  it('refuses bad options up front', async () => {
    await expect(
      runSearch({ strategy: grid, direction: 'lower' as never, objective: () => 1 }),
    ).rejects.toThrow("runSearch: direction must be one of 'minimize', 'maximize', got \"lower\".");
    await expect(runSearch({ strategy: grid, direction: 'minimize' })).rejects.toThrow(
      'runSearch: objective must be given exactly when the executor option is not',
    );
    await expect(
      runSearch({
        strategy: grid,
        direction: 'minimize',
        objective: async (trial) => {
          await trial.report(1, -1);
          return 1;
        },
      }).then((r) => r.trials[0]!.error?.message),
    ).resolves.toBe(
      'trial.report: step must be an integer >= 0, got -1. Report the epochs (or updates) completed so far, an integer >= 0.',
    );
  });
});
