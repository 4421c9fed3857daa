import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-helpers/cli-process';
import { writeSyntheticRun } from './synthetic-run';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'trainkit-report-cli-'));
  await writeSyntheticRun(path.join(work, 'runs', 'base'), { name: 'base' });
  await writeSyntheticRun(path.join(work, 'runs', 'faster'), {
    name: 'faster',
    learningRate: 0.01,
  });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** One line on stderr naming the command, no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('trainkit report (CLI)', () => {
  it('writes the report of a run given by name and prints where it is, relative to the user', async () => {
    const result = await runCli(['report', 'base', '--human-error', '0.5%'], { cwd: work });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'Report: runs/base/report.html (Markdown: runs/base/report.md, 10 figures in runs/base/report-figures/)',
      'Sections (14): configuration, result, recipe, sanity, learning-curves, lr-finder, schedule, confusion-matrix, classification-report, bias-variance, misclassified, timings, search, cross-validation',
    ]);
    const html = await readFile(path.join(work, 'runs', 'base', 'report.html'), 'utf8');
    expect(html).toContain('<tr><td>human-level error (Bayes proxy)</td><td>0.50%</td></tr>');
  });

  it('takes a directory path, and without RUN the run that changed last; lists what is missing', async () => {
    const partial = path.join(work, 'elsewhere', 'partial');
    await mkdir(partial, { recursive: true });
    const source = await readFile(path.join(work, 'runs', 'base', 'history.json'), 'utf8');
    await writeFile(path.join(partial, 'history.json'), source);
    const byPath = await runCli(['report', 'elsewhere/partial'], { cwd: work });
    expect(byPath.code).toBe(0);
    expect(byPath.stdout).toContain('Report: elsewhere/partial/report.html');
    expect(byPath.stdout).toContain(
      'Not in this run (13): configuration, result, recipe, sanity, lr-finder, schedule, confusion-matrix, classification-report, bias-variance, misclassified, timings, search, cross-validation',
    );
    await writeSyntheticRun(path.join(work, 'runs', 'newest'), { name: 'newest' });
    const latest = await runCli(['report'], { cwd: work });
    expect(latest.code).toBe(0);
    expect(latest.stdout).toContain('Report: runs/newest/report.html');
  });

  it('refuses bad input with one line and exit code 2', async () => {
    const missing = await runCli(['report', 'nope'], { cwd: work });
    expect(missing.code).toBe(2);
    expectOneLine(
      missing.stderr,
      /^trainkit report: run 'nope' not found \(no directory nope nor runs\/nope\)\. Runs under --logdir runs: (?=.*base)(?=.*faster).*\.$/,
    );
    const human = await runCli(['report', 'base', '--human-error', '2'], { cwd: work });
    expect(human.code).toBe(2);
    expectOneLine(
      human.stderr,
      /^trainkit report: --human-error must be a fraction in \[0, 1\) or a percentage below 100%, got "2"\. E\.g\. --human-error 0\.002/,
    );
    const empty = await mkdtemp(path.join(work, 'empty-'));
    const none = await runCli(['report'], { cwd: empty });
    expect(none.code).toBe(2);
    expectOneLine(
      none.stderr,
      /^trainkit report: no run directory with artifacts under --logdir runs \(runs\)\. Train one first/,
    );
    const flag = await runCli(['report', 'base', '--human'], { cwd: work });
    expect(flag.code).toBe(2);
    expectOneLine(
      flag.stderr,
      /^trainkit: Unknown option '--human'\. See 'trainkit report --help'\.$/,
    );
    const notRun = await runCli(['report', 'elsewhere'], { cwd: work });
    expect(notRun.code).toBe(2);
    expectOneLine(notRun.stderr, /^trainkit report: elsewhere holds no run artifacts/);
    const corrupt = path.join(work, 'runs', 'corrupt');
    await writeSyntheticRun(corrupt, { name: 'corrupt' });
    await writeFile(path.join(corrupt, 'result.json'), '{');
    const warned = await runCli(['report', 'corrupt'], { cwd: work });
    expect(warned.code).toBe(0);
    expectOneLine(warned.stderr, /^warning: .*runs\/corrupt\/result\.json: is not valid JSON/);
    expect(warned.stdout).toContain('Not in this run (2): result, bias-variance');
  });
});

describe('trainkit compare (CLI)', () => {
  it('prints the differing settings and metrics and writes the page', async () => {
    const result = await runCli(['compare', 'base', 'faster'], { cwd: work });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Configuration: 1 setting differs (');
    expect(result.stdout).toContain('learningRate  0.003    0.01');
    // Under the runs directory (git-ignored), like every other output; nothing beside it.
    expect(result.stdout).toMatch(
      /\nPage: runs\/compare-base-vs-faster\/compare\.html \(Markdown: runs\/compare-base-vs-faster\/compare\.md\)$/,
    );
    const html = await readFile(
      path.join(work, 'runs', 'compare-base-vs-faster', 'compare.html'),
      'utf8',
    );
    expect(html).toContain('<tr><td>learningRate</td><td>0.003</td><td>0.01</td></tr>');
    expect((await readdir(work)).filter((name) => name.startsWith('compare'))).toEqual([]);
  });

  it('needs two runs that exist', async () => {
    const one = await runCli(['compare', 'base'], { cwd: work });
    expect(one.code).toBe(2);
    expectOneLine(
      one.stderr,
      /^trainkit compare: RUN RUN\.\.\. must be at least two runs, got "base"\. E\.g\. trainkit compare/,
    );
    const flag = await runCli(['compare', 'base', 'faster', '--output', 'x'], { cwd: work });
    expect(flag.code).toBe(2);
    expectOneLine(
      flag.stderr,
      /^trainkit: Unknown option '--output'\. See 'trainkit compare --help'\.$/,
    );
    const unknown = await runCli(['compare', 'base', 'ghost'], { cwd: work });
    expect(unknown.code).toBe(2);
    expectOneLine(unknown.stderr, /^trainkit compare: run 'ghost' not found/);
  });
});
