// End-to-end: `trainkit search` (in process, worker pool, BullMQ with a real
// redis-server and a `trainkit worker` process) and its resume after SIGKILL,
// on a small real-MNIST slice with a grid where one learning rate obviously
// wins; plus bad flags, an unreachable Redis and a resumed search with other
// settings.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseJournal } from '@trainkit/search';
import { startRedis, type TestRedis } from '@trainkit/test-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResult, readSearch } from './artifacts';
import { cliScript, runCli, startCli, withoutProfilerNotes } from './test-helpers/cli-process';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'trainkit-search-'));
  await cliScript();
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** 1e-6 cannot learn anything in 2 epochs; 3e-3 reaches ~85%: the search must pick 3e-3. */
const grid = [
  '--limit',
  '1500',
  '--batch-size',
  '64',
  '--validate-every',
  '0',
  '--learning-rates',
  '1e-6,3e-3',
  '--weight-decays',
  '0',
  '--coarse-epochs',
  '2',
  '--no-fine',
];

/** Each trial's value (best validation accuracy), by trial number, from search.json. */
async function trialValues(name: string): Promise<Record<number, number>> {
  const record = await readSearch(path.join(work, 'runs', name));
  const values: Record<number, number> = {};
  for (const row of record!.results.rows as unknown as { trial: number; value: number }[]) {
    values[row.trial] = row.value;
  }
  return values;
}

let inProcess: Record<number, number>;

describe('trainkit search (end to end)', () => {
  it('picks the learning rate that obviously wins, each trial a train run, with search.json and HParams', async () => {
    const result = await runCli(['search', ...grid, '--name', 'grid'], { cwd: work });
    expect(withoutProfilerNotes(result.stderr)).toBe('');
    expect(result.code).toBe(0);
    const directory = path.join(work, 'runs', 'grid');
    const record = await readSearch(directory);
    expect(record?.metric).toBe('validation accuracy');
    expect(record?.results.direction).toBe('maximize');
    expect(record?.results.best?.config.learningRate).toBe(0.003);
    const rows = record!.results.rows as unknown as {
      rank: number;
      trial: number;
      state: string;
      value: number;
      config: Record<string, unknown>;
    }[];
    expect(rows.map((row) => [row.rank, row.config.learningRate, row.state])).toEqual([
      [1, 0.003, 'finished'],
      [2, 0.000001, 'finished'],
    ]);
    expect(rows[0]!.value).toBeGreaterThan(0.75);
    expect(rows[1]!.value).toBeLessThan(0.35);
    expect(record?.trialDirectories).toEqual({ '0': 'trials/trial-0', '1': 'trials/trial-1' });
    // Each trial is a train run of its own: the search's value is the run's best validation accuracy,
    // trained for the stage's budget (2 epochs) at a constant rate (no decay), never tested.
    for (const row of rows) {
      const run = await readResult(path.join(directory, 'trials', `trial-${row.trial}`));
      expect(run?.best?.accuracy).toBe(row.value);
      expect(run?.epochs).toBe(2);
      expect(run?.options).toMatchObject({
        learningRate: row.config.learningRate,
        weightDecay: 0,
        schedule: 'constant',
        limit: 1500,
        batchSize: 64,
        test: false,
      });
      expect(run?.test).toBeNull();
    }
    expect(
      (await readdir(path.join(directory, 'hparams'))).filter((f) => f.startsWith('trial-')).sort(),
    ).toEqual(['trial-0', 'trial-1']);
    // The table, sorted, with the searched parameters only.
    expect(result.stdout).toMatch(
      /^rank\s+trial\s+stage\s+parent\s+state\s+value\s+step\s+learningRate\s+weightDecay$/m,
    );
    // The step is the last reported epoch: the last epoch's value is the trial's result, not a report.
    expect(result.stdout).toMatch(/^1\s+1\s+1\s+-\s+finished\s+0\.\d+\s+1\s+0\.003\s+0$/m);
    expect(result.stdout).toContain('Best: trial 1, lr 0.003, weight decay 0: validation accuracy');
    expect(result.stdout).toContain(
      // The trial's exact settings: no decay inside trials (--schedule constant), validation at epoch ends.
      'Train it: trainkit train --lr 0.003 --weight-decay 0 --epochs 2 --schedule constant --limit 1500 --batch-size 64 --validate-every 0',
    );
    // One outcome per trial in the journal.
    const journal = parseJournal(await readFile(path.join(directory, 'journal.jsonl'), 'utf8'));
    expect(
      journal.records
        .filter((r) => r.op === 'finished')
        .map((r) => r.trial)
        .sort(),
    ).toEqual([0, 1]);
    inProcess = await trialValues('grid');
  });

  it('gives the same values on a pool of worker threads (each trial in its own TensorFlow.js)', async () => {
    const result = await runCli(['search', ...grid, '--name', 'pool', '--workers', '2'], {
      cwd: work,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('trials on 2 worker threads');
    expect(await trialValues('pool')).toEqual(inProcess);
  });

  it('runs the trials on a trainkit worker through BullMQ, with the same values', async () => {
    let redis: TestRedis | undefined;
    try {
      redis = await startRedis();
      const worker = await startCli(['worker', '--redis', redis.url, '--logdir', 'worker-runs'], {
        cwd: work,
      });
      // Not trainkit-search's default queue (trainkit-search coordinator/worker use that one).
      await worker.waitFor(/waiting for trials on queue trainkit-trainer /);
      const result = await runCli(['search', ...grid, '--name', 'remote', '--redis', redis.url], {
        cwd: work,
      });
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(await trialValues('remote')).toEqual(inProcess);
      // The trials ran on the worker's machine, into its own run directories.
      const [searchId] = await readdir(path.join(work, 'worker-runs', 'search-trials'));
      expect(
        (await readdir(path.join(work, 'worker-runs', 'search-trials', searchId!))).sort(),
      ).toEqual(['trial-0', 'trial-1']);
      expect(worker.stdout.join('\n')).toMatch(/trial 1: epoch 2\/2/);

      // Another search's coordinator (trainkit-search, its own module) on the trainer's queue:
      // the trainer worker leaves its trial in the queue instead of running (or failing) it.
      const searchPackage = path.dirname(
        createRequire(import.meta.url).resolve('@trainkit/search/package.json'),
      );
      const foreignModule = path.join(work, 'foreign-search.mjs');
      await writeFile(
        foreignModule,
        `import { categorical, defineSpace, manualSearch } from ${JSON.stringify(pathToFileURL(path.join(searchPackage, 'dist', 'index.js')).href)};
export const search = { strategy: manualSearch({ space: defineSpace({ x: categorical([5]) }), configs: [{ x: 5 }] }), direction: 'minimize' };
export function objective(trial) { return trial.config.x; }
`,
      );
      const seen = { stdout: worker.stdout.length, stderr: worker.stderr.length };
      const foreign = spawn(
        process.execPath,
        [
          path.join(searchPackage, 'dist', 'node', 'cli.js'),
          'coordinator',
          '--redis',
          redis.url,
          '--module',
          foreignModule,
          '--journal',
          path.join(work, 'foreign.jsonl'),
          '--queue',
          'trainkit-trainer',
        ],
        { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let foreignOutput = '';
      foreign.stderr.on('data', (data: Buffer) => {
        foreignOutput += data.toString();
      });
      try {
        await worker.waitFor(
          /left trial 0 of search \S+ on the queue: it needs foreign-search\.mjs#objective@/,
        );
        for (
          let waited = 0;
          !/worker \S+ left trial 0: it runs search-objective\.js#objective@/.test(foreignOutput);
          waited += 100
        ) {
          expect(waited, foreignOutput).toBeLessThan(20_000);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      } finally {
        foreign.kill('SIGKILL');
      }
      // Nothing of it ran on the trainer worker: no training, no failure (its trial was trial 0 too).
      const late = [
        ...worker.stdout.slice(seen.stdout),
        ...worker.stderr.slice(seen.stderr),
      ].filter((line) => /^trial \d+: |must be present/.test(line));
      expect(late).toEqual([]);
      worker.child.kill('SIGINT');
      const ended = await worker.exited;
      expect(ended.code).toBe(0);
      expect(worker.stdout.join('\n')).toMatch(/stopped \(SIGINT\)\.$/m);
    } finally {
      await redis?.stop();
    }
  });

  it('resumes after SIGKILL from its journal: finished trials kept, the killed one continued from its checkpoint', async () => {
    const first = await startCli(['search', ...grid, '--name', 'killed'], { cwd: work });
    await first.waitFor(/^trial 1: epoch 1\/2/);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const resumed = await runCli(['search', ...grid, '--name', 'killed', '--resume'], {
      cwd: work,
    });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('search: runs/killed (resumed from its journal)');
    expect(resumed.stdout).toMatch(/^trial 1: resume: .* at epoch 2, batch 0/m);
    expect(resumed.stdout).not.toMatch(/^trial 0: epoch/m);
    const journal = parseJournal(
      await readFile(path.join(work, 'runs', 'killed', 'journal.jsonl'), 'utf8'),
    );
    const started = journal.records.filter((r) => r.op === 'started');
    expect(started.map((r) => [r.trial, (r as { attempt: number }).attempt])).toEqual([
      [0, 1],
      [1, 1],
      [1, 2],
    ]);
    expect(journal.records.filter((r) => r.op === 'finished').map((r) => r.trial)).toEqual([0, 1]);
    // Resuming is exact: the same values as the uninterrupted search.
    expect(await trialValues('killed')).toEqual(inProcess);
  });

  it('refuses to resume with other settings (another search)', async () => {
    const result = await runCli(
      ['search', ...grid, '--learning-rates', '1e-2', '--name', 'grid', '--resume'],
      { cwd: work },
    );
    expect(result.code).toBe(2);
    expect(withoutProfilerNotes(result.stderr)).toMatch(
      /^trainkit: runSearch: .*journal\.jsonl was written by a different search: strategy\.parameters/,
    );
  });

  it.each([
    [
      ['--workers', '2', '--redis', 'redis://127.0.0.1:6379'],
      /^trainkit search: --workers must be not combined with --redis, got "2"\./,
    ],
    [
      ['--learning-rates', '0.1,fast'],
      /^trainkit search: --learning-rates must be comma-separated numbers > 0, got "0\.1,fast"\./,
    ],
    [['--lr', '0.1'], /^trainkit: Unknown option '--lr'\. See 'trainkit search --help'\.$/],
    [
      ['--resume', '--name', 'nothing-here'],
      /^trainkit search: --resume --name nothing-here: runs\/nothing-here has no journal\.jsonl/,
    ],
    [
      ['--redis', 'redis://127.0.0.1:9', '--name', 'unreachable'],
      /^trainkit: bullmqExecutor: Redis at redis:\/\/127\.0\.0\.1:9 did not answer within/,
    ],
  ])('rejects %j with one line and exit 2, leaving nothing behind', async (flags, message) => {
    const result = await runCli(['search', '--limit', '1000', ...flags], { cwd: work });
    expect(result.code).toBe(2);
    const lines = withoutProfilerNotes(result.stderr).split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(await readdir(path.join(work, 'runs'))).not.toContain('unreachable');
  });

  it('worker: --redis is required', async () => {
    const result = await runCli(['worker'], { cwd: work });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(
      /^trainkit worker: --redis must be a Redis URL, got "\(missing\)"\. E\.g\. --redis redis:\/\/127\.0\.0\.1:6379/,
    );
  });
});
