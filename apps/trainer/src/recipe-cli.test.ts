// End-to-end: `trainkit recipe --budget quick` in a child process on real
// MNIST: every step in order, each decision feeding the next (the LR finder's
// rates are the coarse grid, the refined grid's best is the final training's
// configuration), the cross-validation, the test set opened once through the
// guard, the report; a planted bug stops the recipe at the data step; bad flags.
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testSplitGuardFromJSON } from '@trainkit/sanity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  readCrossValidation,
  readEvaluation,
  readLearningRateFinder,
  readRecipe,
  readResult,
  readSearch,
} from './artifacts';
import { cliScript, runCli, withoutProfilerNotes } from './test-helpers/cli-process';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'trainkit-recipe-'));
  await cliScript();
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

interface Row {
  trial: number;
  state: string;
  value: number | null;
  config: { learningRate: number; weightDecay: number };
}

describe('trainkit recipe (end to end)', () => {
  it('runs the quick recipe in order, each step deciding the next, and opens the test set once at the end', {
    timeout: 900_000,
  }, async () => {
    const result = await runCli(['recipe', '--budget', 'quick', '--cv', '2', '--name', 'quick'], {
      cwd: work,
    });
    expect(withoutProfilerNotes(result.stderr)).toBe('');
    expect(result.code, result.stdout).toBe(0);
    const directory = path.join(work, 'runs', 'quick');
    const recipe = await readRecipe(directory);
    expect(recipe?.budget).toBe('quick');
    expect(recipe?.stoppedAt).toBeNull();
    expect(recipe?.steps.map((step) => step.name)).toEqual([
      'data-checks',
      'start-simple',
      'initial-loss',
      'overfit',
      'lr-finder',
      'coarse-grid',
      'refined-grid',
      'final-training',
      'cross-validation',
      'test',
    ]);
    expect(recipe?.steps.filter((step) => step.status === 'fail')).toEqual([]);
    const step = (name: string) => recipe!.steps.find((s) => s.name === name)!;
    expect(step('start-simple').summary).toMatch(
      /one sanity pass .* takes [\d.]+m?s: that is the debug cycle/,
    );

    // The learning-rate finder decides the coarse grid ...
    const finder = await readLearningRateFinder(directory);
    const rates = step('lr-finder')
      .decision!.replace('coarse grid learning rates ', '')
      .split(', ')
      .map(Number);
    expect(rates.length).toBeGreaterThanOrEqual(2);
    expect(rates).toContain(Number(finder!.analysis.suggestion!.toPrecision(2)));
    const dropping = finder!
      .discrete!.filter((run) => run.verdict === 'drops')
      .map((run) => run.learningRate);
    for (const rate of rates) {
      expect(
        rate === Number(finder!.analysis.suggestion!.toPrecision(2)) || dropping.includes(rate),
      ).toBe(true);
    }
    // ... which is exactly what the coarse stage trained (x weight decay 1e-4, 0) ...
    const search = await readSearch(directory);
    const rows = search!.results.rows as unknown as (Row & {
      stage: number;
      parent: number | null;
    })[];
    const coarse = rows.filter((row) => row.stage === 1);
    expect([...new Set(coarse.map((row) => row.config.learningRate))].sort()).toEqual(
      [...rates].sort(),
    );
    expect(coarse).toHaveLength(rates.length * 2);
    // ... the refined stage is around the best coarse trial ...
    const bestCoarse = coarse
      .filter((row) => row.state === 'finished')
      .sort((a, b) => b.value! - a.value! || a.trial - b.trial)[0]!;
    const fine = rows.filter((row) => row.stage === 2);
    expect(fine.length).toBeGreaterThan(0);
    for (const row of fine) expect(row.parent).toBe(bestCoarse.trial);
    const fineRun = await readResult(
      path.join(directory, search!.trialDirectories[String(fine[0]!.trial)]!),
    );
    expect(fineRun?.epochs).toBe(3);
    expect(fineRun?.options.schedule).toBe('constant');
    // ... and its best is the configuration of the final training.
    const bestFine = fine
      .filter((row) => row.state === 'finished')
      .sort((a, b) => b.value! - a.value! || a.trial - b.trial)[0]!;
    const final = await readResult(path.join(directory, 'final'));
    expect(final?.options).toMatchObject({
      learningRate: bestFine.config.learningRate,
      weightDecay: bestFine.config.weightDecay,
      epochs: 4,
      schedule: 'cosine',
      limit: 4000,
      test: false,
    });
    expect(final!.options.warmupSteps as number).toBeLessThanOrEqual(final!.updates / 10);
    expect(step('refined-grid').decision).toContain(`(trial ${bestFine.trial})`);

    // Cross-validation of the chosen configuration on 2 stratified folds of the 4,000 images.
    const cv = await readCrossValidation(directory);
    expect(cv?.k).toBe(2);
    expect(cv?.folds.map((fold) => fold.validationSize).reduce((a, b) => a + b)).toBe(4000);
    for (const fold of cv!.folds) expect(fold.accuracy).toBeGreaterThan(0.7);

    // The test set: opened once, through the guard created by the first step, after everything else.
    const guard = testSplitGuardFromJSON(
      JSON.parse(await readFile(path.join(directory, 'test-guard.json'), 'utf8')),
    );
    expect(guard.openedAt).not.toBeNull();
    expect(guard.reason).toMatch(/final evaluation of final\//);
    expect(step('data-checks').decision).toContain(`fingerprint ${guard.fingerprint}`);
    const evaluation = await readEvaluation(directory);
    expect(evaluation?.split).toBe('test');
    expect(evaluation?.count).toBe(10_000);
    expect(evaluation!.accuracy).toBeGreaterThan(0.85);
    const copied = await readResult(directory);
    expect(copied?.test?.accuracy).toBe(evaluation!.accuracy);
    expect(step('test').summary).toContain(
      `test accuracy ${(evaluation!.accuracy * 100).toFixed(2)}%`,
    );
    const fromTest = Date.parse(guard.openedAt!);
    const cvEnd = (await stat(path.join(directory, 'cross-validation.json'))).mtimeMs;
    expect(fromTest).toBeGreaterThanOrEqual(Math.floor(cvEnd) - 1);

    // The report of the whole recipe.
    expect((await stat(path.join(directory, 'report.html'))).size).toBeGreaterThan(10_000);
    const seconds = Number(
      /^Recipe done in (?:(\d+)m)?([\d.]+)s/m
        .exec(result.stdout)
        ?.slice(1)
        .reduce((s, v, i) => s + (i === 0 ? Number(v ?? 0) * 60 : Number(v)), 0),
    );
    console.log(
      `recipe --budget quick --cv 2: ${seconds} s, test accuracy ${evaluation!.accuracy}`,
    );
  });

  it('stops at the failing step with its advice when a bug is planted, the test set still closed', async () => {
    const result = await runCli(
      ['recipe', '--plant', 'shifted-labels', '--limit', '1500', '--name', 'shifted'],
      { cwd: work },
    );
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(/^\[1\/10\] FAIL {2}Data and leakage checks/m);
    expect(result.stdout).toContain(
      '-> labels: The labels look shifted by one (1..10 instead of 0..9): subtract 1.',
    );
    expect(result.stdout).toMatch(/^Recipe STOPPED at step 'data-checks' after/m);
    const directory = path.join(work, 'runs', 'shifted');
    const recipe = await readRecipe(directory);
    expect(recipe?.stoppedAt).toBe('data-checks');
    expect(recipe?.steps).toHaveLength(1);
    const guard = testSplitGuardFromJSON(
      JSON.parse(await readFile(path.join(directory, 'test-guard.json'), 'utf8')),
    );
    expect(guard.openedAt).toBeNull();
    expect(await readdir(directory)).not.toContain('search');
    expect(await readdir(directory)).toContain('report.html');
  });

  it.each([
    [
      ['--budget', 'huge'],
      /^trainkit recipe: --budget must be one of 'quick', 'standard', 'full', got "huge"\.$/,
    ],
    [
      ['--cv', '1'],
      /^trainkit recipe: --cv must be an integer >= 2 and <= 10, got 1\. E\.g\. --cv 5/,
    ],
    [
      ['--weight-decay', '0.1'],
      /^trainkit: Unknown option '--weight-decay'\. See 'trainkit recipe --help'\.$/,
    ],
  ])('rejects %j with one line and exit 2', async (flags, message) => {
    const result = await runCli(['recipe', '--name', 'bad', ...flags], { cwd: work });
    expect(result.code).toBe(2);
    const lines = withoutProfilerNotes(result.stderr).split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });
});
