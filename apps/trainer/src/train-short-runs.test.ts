// End-to-end (issue 13, "Errors the user must understand"): runs too short for
// the trainer's usual safeguards. Divergence inside a run of fewer micro-batches
// than the divergence window (it once ended "saveCheckpoint: contents.state.best.loss
// must be a finite number, got NaN", exit 2), skipped micro-batches in a run that
// completes (once not mentioned at all), and a --validation-fraction that rounds
// to no validation image (once stratifiedSplit's own message, naming no flag).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listCheckpoints, loadCheckpoint } from '@trainkit/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliScript, runCli, withoutProfilerNotes } from './test-helpers/cli-process';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'trainkit-short-runs-'));
  await cliScript();
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** `train --optimizer sgd --lr 1e4` (diverges within a few updates) on the first `limit` images, one epoch. */
function hotRun(limit: number, name: string) {
  return runCli(
    [
      'train',
      '--optimizer',
      'sgd',
      '--lr',
      '1e4',
      '--limit',
      String(limit),
      '--epochs',
      '1',
      '--no-test',
      '--name',
      name,
    ],
    { cwd: work },
  );
}

describe('trainkit train on short runs', () => {
  it('reports divergence found at the epoch end of a run shorter than the divergence window, exit 3, nothing NaN saved', async () => {
    // 900 training images: 8 micro-batches, fewer than the 20 of the window.
    const result = await hotRun(1000, 'hot');
    expect(result.code, result.stderr).toBe(3);
    const lines = withoutProfilerNotes(result.stderr).split('\n');
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^trainkit train: training diverged at update (\d+): epoch 1 ended with (validation|training) loss (NaN|-?Infinity) \((\d+) of 8 micro-batches skipped: their loss or gradients were NaN or infinite\)\. Lower --lr \(it is 10000\), e\.g\. --lr 0\.001, or clip gradients with --clip-norm 1\. The curves so far are in runs\/hot; the last good checkpoint is kept\.$/,
    );
    const [, updates, skipped] = lines[0]!.match(/update (\d+): .* \((\d+) of 8/)! as string[];
    expect(Number(updates) + Number(skipped)).toBe(8);
    const run = path.join(work, 'runs', 'hot');
    expect(await readdir(run)).toEqual(expect.arrayContaining(['history.json', 'report.md']));
    // The diverged epoch saved nothing: the newest checkpoint is the one before the first batch.
    expect(await listCheckpoints(path.join(run, 'checkpoints'))).toHaveLength(1);
    const { state } = await loadCheckpoint(path.join(run, 'checkpoints'));
    expect(state).toMatchObject({ updates: 0, epoch: 0, best: null });
  }, 120_000);

  it('says how many micro-batches were skipped when a run with skipped ones completes', async () => {
    // 1,800 training images: 15 micro-batches; some blow up, the losses stay finite.
    const result = await hotRun(2000, 'skipping');
    expect(result.code, result.stderr).toBe(0);
    const done = result.stdout.match(
      /^Done in .* of training: (\d+) updates \((\d+) of 15 micro-batches skipped: their loss or gradients were NaN or infinite\), best validation/m,
    );
    expect(done, result.stdout).not.toBeNull();
    // One update per kept micro-batch (no accumulation).
    expect(Number(done![1]) + Number(done![2])).toBe(15);
    expect(Number(done![2])).toBeGreaterThan(0);
  }, 120_000);

  it('refuses a --validation-fraction that rounds to too few validation images, naming the flag, --limit and the fix', async () => {
    const result = await runCli(
      ['train', '--limit', '100', '--validation-fraction', '0.005', '--no-test', '--name', 'tiny'],
      { cwd: work },
    );
    expect(result.code).toBe(2);
    expect(withoutProfilerNotes(result.stderr).split('\n')).toEqual([
      expect.stringMatching(
        /^trainkit train: --validation-fraction must be a fraction that leaves at least one image of every class on each side \(with 100 images \(--limit 100\) it leaves none for validation\), got 0\.005\. Use e\.g\. 0\.\d+ \(one validation image of the rarest class, which has \d+ images\), or a larger --limit\.$/,
      ),
    ]);
    expect(result.stdout).not.toMatch(/^run: /m);
  }, 120_000);
});
