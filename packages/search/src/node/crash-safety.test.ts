import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom } from '@trainkit/stats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalRecord } from '../journal';
import { parseJournal, replayJournal } from '../journal';
import { bundleForChild } from './test-helpers/bundle';
import { finalValue } from './test-helpers/crash-objective';

let script: string;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  script = await bundleForChild('src/node/test-helpers/crash-search.ts', 'crash-search');
});

afterAll(() => {
  for (const child of children) {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

function executionCount(workdir: string): number {
  try {
    return readFileSync(join(workdir, 'executions.log'), 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}

/**
 * Starts the search and kills its process group with SIGKILL: `afterTrialStartMs` after the
 * objective starts its next trial (so the kill lands inside a trial whatever the machine's
 * speed), or `afterMs` after the start (anywhere: while starting, between records, ...).
 */
function runChild(
  journal: string,
  workdir: string,
  kill?: { afterTrialStartMs?: number; afterMs?: number },
) {
  return new Promise<{
    code: number | null;
    signal: string | null;
    stdout: string;
    stderr: string;
  }>((resolve) => {
    const executions = executionCount(workdir);
    const child = spawn(process.execPath, [script, journal, workdir], { detached: true });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data) => {
      stdout += data;
    });
    child.stderr.on('data', (data) => {
      stderr += data;
    });
    const killNow = () => {
      if (child.exitCode === null && child.signalCode === null)
        process.kill(-child.pid!, 'SIGKILL');
    };
    const timers: ReturnType<typeof setTimeout>[] = [];
    if (kill?.afterMs !== undefined) timers.push(setTimeout(killNow, kill.afterMs));
    if (kill?.afterTrialStartMs !== undefined) {
      const delay = kill.afterTrialStartMs;
      const poll = setInterval(() => {
        if (executionCount(workdir) > executions) {
          clearInterval(poll);
          timers.push(setTimeout(killNow, delay));
        }
      }, 2);
      timers.push(poll);
    }
    child.on('exit', (code, signal) => {
      for (const timer of timers) clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('crash safety', () => {
  it('a search SIGKILLed at 10 random moments resumes to every trial finished exactly once', async () => {
    const workdir = mkdtempSync(join(tmpdir(), 'trainkit-crash-'));
    const journalPath = join(workdir, 'journal.jsonl');
    const random = createRandom({ seed: 20240611 });
    const kills: number[] = [];
    for (let i = 0; i < 10; i++) {
      // Seven kills 15-75 ms into a trial (a trial takes about 70 ms: four 10 ms epochs, each
      // with a report and a checkpoint), three at any moment 20-400 ms after the start.
      const kill =
        i % 3 === 2
          ? { afterMs: 20 + random.nextInt(380) }
          : { afterTrialStartMs: 15 + random.nextInt(60) };
      const run = await runChild(journalPath, workdir, kill);
      if (run.signal === 'SIGKILL') kills.push(i);
      else expect(run.code, run.stderr).toBe(0); // it may finish before the kill
    }
    expect(kills.length).toBeGreaterThanOrEqual(7);
    const last = await runChild(journalPath, workdir);
    expect(last.code, last.stderr).toBe(0);
    expect(JSON.parse(last.stdout)).toEqual({
      created: 0,
      running: 0,
      finished: 12,
      failed: 0,
      pruned: 0,
    });

    const records = parseJournal(readFileSync(journalPath, 'utf8'), journalPath).records;
    const state = replayJournal(records);
    expect(state.duplicates).toEqual([]);
    expect(state.trials).toHaveLength(12);
    for (const trial of state.trials) {
      const mine = records.filter(
        (r): r is Exclude<JournalRecord, { op: 'header' }> =>
          r.op !== 'header' && r.trial === trial.trial,
      );
      const outcomes = mine.filter(
        (r) => r.op === 'finished' || r.op === 'failed' || r.op === 'pruned',
      );
      // Finished exactly once, with the right value, and nothing after it (never run again).
      expect(outcomes.map((r) => r.op)).toEqual(['finished']);
      expect(mine.at(-1)).toBe(outcomes[0]);
      expect(trial.value).toBe(finalValue(trial.config.x as number));
      // Attempts are numbered 1, 2, ... without gaps.
      const attempts = mine
        .filter((r) => r.op === 'started')
        .map((r) => (r as { attempt: number }).attempt);
      expect(attempts).toEqual(attempts.map((_, i) => i + 1));
    }
    // Some kills interrupted running trials, which ran again.
    const rerun = state.trials.filter((t) => t.attempts > 1);
    expect(rerun.length).toBeGreaterThan(0);

    // The objective's own log: no trial ran after its finished record, and no attempt ran twice.
    const executions = readFileSync(join(workdir, 'executions.log'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => line.split(' ').map(Number) as [number, number, number, number]);
    const finishedAt = new Map(
      records
        .filter((r) => r.op === 'finished')
        .map((r) => [(r as { trial: number }).trial, r.time]),
    );
    for (const [trial, , , time] of executions)
      expect(time).toBeLessThanOrEqual(finishedAt.get(trial)!);
    const keys = executions.map(([trial, attempt]) => `${trial}/${attempt}`);
    expect(new Set(keys).size).toBe(keys.length);
    // A re-run attempt resumed from the trial's checkpoint when one had been written.
    expect(executions.some(([, attempt, fromStep]) => attempt > 1 && fromStep > 0)).toBe(true);
  }, 120_000);
});
