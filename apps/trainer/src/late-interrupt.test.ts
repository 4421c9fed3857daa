// Ctrl-C after the last batch (issue 13): a SIGINT that arrives during the last
// epoch's end, the curves, the test evaluation or the report was once answered
// "saving a checkpoint at the next batch, then stopping", and the run then
// wrote its whole report and exited 0. Now it stops before the next reporting
// step with exit 130 (the last epoch's checkpoint kept; --resume writes the
// report), or, in the last moments (result files and report), says that it
// finishes the report. Real child processes, real signals.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliScript, runCli, startCli, withoutProfilerNotes } from './test-helpers/cli-process';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'trainkit-late-ctrl-c-'));
  await cliScript();
});
afterAll(() => rm(work, { recursive: true, force: true }));

const runArgs = ['train', '--limit', '3000', '--epochs', '1'];
const stoppedLine =
  /^Stopped after the last epoch \(its checkpoint is saved\), before the report\. Write it with: trainkit train --resume --name [\w-]+$/m;

async function testAccuracy(name: string): Promise<number> {
  const result = JSON.parse(await readFile(path.join(work, 'runs', name, 'result.json'), 'utf8'));
  return result.test.accuracy;
}

describe('trainkit train: Ctrl-C after the last batch', () => {
  it('stops before the report with exit 130, and --resume writes the report of the same model', async () => {
    const straight = await runCli([...runArgs, '--name', 'straight'], { cwd: work });
    expect(straight.code, straight.stderr).toBe(0);

    const child = await startCli([...runArgs, '--name', 'late'], { cwd: work });
    await child.waitFor(/^epoch 1\/1 /);
    child.child.kill('SIGINT');
    const outcome = await child.exited;
    const stdout = child.stdout.join('\n');
    const stderr = withoutProfilerNotes(child.stderr.join('\n'));
    expect(outcome.code, `${stdout}\n${stderr}`).toBe(130);
    expect(stderr.split('\n')).toEqual([
      'Ctrl-C: stopping before the report (the training is complete and its checkpoint saved; --resume writes the report) (Ctrl-C again quits at once).',
    ]);
    expect(stdout).toMatch(stoppedLine);
    expect(stdout).not.toMatch(/^Done in /m);
    const files = await readdir(path.join(work, 'runs', 'late'));
    expect(files).not.toContain('result.json');
    expect(files).not.toContain('report.md');

    const resumed = await runCli([...runArgs, '--resume', '--name', 'late'], { cwd: work });
    expect(withoutProfilerNotes(resumed.stderr)).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).not.toMatch(/^epoch /m);
    expect(resumed.stdout).toMatch(/^Done in .* test accuracy \d+\.\d\d%\.$/m);
    expect(await readdir(path.join(work, 'runs', 'late'))).toEqual(
      expect.arrayContaining(['result.json', 'report.md', 'report.html']),
    );
    expect(await testAccuracy('late')).toBe(await testAccuracy('straight'));
  }, 120_000);

  it('never promises a stop and then completes: at random moments after the last epoch, once and twice', async () => {
    const seen: string[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      const name = `random-${attempt}`;
      const double = attempt % 2 === 1;
      const child = await startCli([...runArgs, '--name', name], { cwd: work });
      await child.waitFor(/^epoch 1\/1 /);
      // The curves, the test set and the report take about a second here.
      const delay = Math.random() * 800;
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.child.kill('SIGINT');
      if (double) {
        await new Promise((resolve) => setTimeout(resolve, 30));
        child.child.kill('SIGINT');
      }
      const outcome = await child.exited;
      const stdout = child.stdout.join('\n');
      const stderr = withoutProfilerNotes(child.stderr.join('\n'));
      expect(stderr).not.toContain('then stopping');
      expect(stderr).not.toMatch(/\n\s+at /);
      if (outcome.code === 0) {
        // Ended before the signal, or it came while the result files and the report were written.
        expect([
          '',
          expect.stringMatching(
            /^Ctrl-C: the training and the test evaluation are complete; finishing the report/,
          ),
        ]).toContainEqual(stderr.split('\n')[0]);
        expect(stdout).toMatch(/^Done in /m);
        seen.push(`${Math.round(delay)} ms: completed${stderr === '' ? '' : ' (announced)'}`);
        continue;
      }
      expect(outcome.code, `${stdout}\n${stderr}`).toBe(130);
      if (double && stderr.includes('Ctrl-C again: quitting now')) {
        seen.push(`${Math.round(delay)} ms: quit at once`);
      } else {
        expect(stdout).toMatch(stoppedLine);
        seen.push(`${Math.round(delay)} ms: stopped before the report`);
      }
      const resumed = await runCli([...runArgs, '--resume', '--name', name], { cwd: work });
      expect(withoutProfilerNotes(resumed.stderr)).toBe('');
      expect(resumed.code).toBe(0);
      expect(await readdir(path.join(work, 'runs', name))).toContain('report.md');
    }
    console.log(`late Ctrl-C: ${seen.join('; ')}`);
  }, 200_000);
});
