// End-to-end: `trainkit sanity` and `trainkit lr-find` in child processes on
// small real-MNIST slices: the table, the exit codes, the artifacts, planted
// bugs flagged by the checks that should catch them, --apply feeding
// `train --config`, and bad flags / data / config files.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfiguration, readLearningRateFinder, readResult, readSanity } from './artifacts';
import { plantableBugs, plantedBugCatalogue } from './planted-bugs';
import { cliScript, runCli, withoutProfilerNotes } from './test-helpers/cli-process';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'trainkit-sanity-'));
  await cliScript();
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

// Batches of 32 keep the discrete test (500 updates) and the ladder cheap.
const slice = ['--limit', '1500', '--rows', '400', '--batch-size', '32'];

/** The status column of each check in the printed table (`PASS    labels ...`). */
function tableStatuses(stdout: string): Record<string, string> {
  const statuses: Record<string, string> = {};
  for (const match of stdout.matchAll(/^(PASS|WARN|FAIL|SKIP)\s+([a-z-]+)\s/gm)) {
    statuses[match[2]!] = match[1]!;
  }
  return statuses;
}

/** One line on stderr naming the command, no stack. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = withoutProfilerNotes(stderr).split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('trainkit sanity (end to end)', () => {
  it('passes every check on the healthy model and data, and saves the report', async () => {
    const result = await runCli(['sanity', ...slice, '--name', 'healthy'], { cwd: work });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const statuses = tableStatuses(result.stdout);
    expect(statuses).toEqual({
      labels: 'PASS',
      'input-scale': 'PASS',
      duplicates: 'PASS',
      'initial-loss': 'PASS',
      'output-loss-pairing': 'PASS',
      'evaluation-mode': 'PASS',
      'gradient-freshness': 'PASS',
      'overfit-ladder': 'PASS',
      'discrete-lr-test': 'PASS',
    });
    expect(result.stdout).toContain(
      'data: MNIST 1500 training images -> 1350 train / 150 validation (stratified, seed 42); 10000 test images hashed for the leakage check (not evaluated)',
    );
    expect(result.stdout).toMatch(
      /^Sanity passed in .* \(0 fail, 0 warn, 9 pass\): runs\/healthy\/ \(sanity\.json\)$/m,
    );
    const report = await readSanity(path.join(work, 'runs', 'healthy'));
    expect(report?.status).toBe('pass');
    expect(report?.results.map((r) => r.name)).toEqual(Object.keys(statuses));
    // The duplicates check really compared the splits: every training row, the 10,000 test rows.
    const duplicates = report!.results.find((r) => r.name === 'duplicates')!;
    expect(duplicates.measurements.trainRows).toBe(1350);
    expect(duplicates.measurements.testInTrain).toBe(0);
    const configuration = await readConfiguration(path.join(work, 'runs', 'healthy'));
    expect(configuration?.command).toBe('sanity');
    expect(configuration?.settings.limit).toBe(1500);
  });

  it('passes the healthy CNN (dropout 0.5): a new dropout mask each update, the same one for a repeated step', async () => {
    // With one dropout mask for every update, half the hidden units never trained and the
    // ladder failed to memorize 4 or 10 examples on every seed (a false positive that would
    // stop `recipe --model cnn` at its overfit step); freshness needs the repeat deterministic.
    const result = await runCli(
      [
        'sanity',
        '--model',
        'cnn',
        '--limit',
        '1500',
        '--rows',
        '100',
        '--checks',
        'evaluation-mode,gradient-freshness,overfit-ladder',
        '--name',
        'healthy-cnn',
      ],
      { cwd: work },
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(tableStatuses(result.stdout)).toEqual({
      'evaluation-mode': 'PASS',
      'gradient-freshness': 'PASS',
      'overfit-ladder': 'PASS',
    });
  });

  it('flags every planted bug with the check the catalogue names, and exits 4', async () => {
    const result = await runCli(
      ['sanity', ...slice, '--name', 'planted', '--plant', plantableBugs.join(',')],
      { cwd: work },
    );
    expect(result.code, result.stdout + result.stderr).toBe(4);
    const statuses = tableStatuses(result.stdout);
    for (const bug of plantableBugs) {
      expect(statuses[plantedBugCatalogue[bug].caughtBy], bug).toBe('FAIL');
      expect(result.stdout).toContain(`planted bug: ${bug} (`);
    }
    expect(result.stdout).toContain(
      '5 of 10000 test rows are also in the training split (test row 0 = training row',
    );
    expect(result.stdout).toContain(
      'The labels look shifted by one (1..10 instead of 0..9): subtract 1.',
    );
    expect(result.stdout).toContain('These look like raw 0..255 pixels: divide by 255');
    expect(result.stdout).toMatch(
      /the outputs are probabilities .* but the loss applies softmax itself/,
    );
    expect(result.stdout).toMatch(/^Sanity FAILED in /m);
    const report = await readSanity(path.join(work, 'runs', 'planted'));
    expect(report?.status).toBe('fail');
    const failed = report!.results.filter((r) => r.status === 'fail').map((r) => r.name);
    for (const bug of plantableBugs) expect(failed).toContain(plantedBugCatalogue[bug].caughtBy);
  });

  it('runs only the data checks with --checks, and flags only the leak when test rows are planted', async () => {
    const result = await runCli(
      [
        'sanity',
        ...slice,
        '--name',
        'leak',
        '--plant',
        'duplicated-test-rows',
        '--checks',
        'labels,input-scale,duplicates',
      ],
      { cwd: work },
    );
    expect(result.code).toBe(4);
    expect(tableStatuses(result.stdout)).toEqual({
      labels: 'PASS',
      'input-scale': 'PASS',
      duplicates: 'FAIL',
    });
    expect((await readSanity(path.join(work, 'runs', 'leak')))?.results).toHaveLength(3);
  });

  it.each([
    [
      ['--plant', 'typo'],
      /^trainkit sanity: --plant must be one of softmax-before-loss, unnormalized-inputs, duplicated-test-rows, shifted-labels, stale-gradients, got "typo"\. Separate several with commas/,
    ],
    [['--rows', '5'], /^trainkit sanity: --rows must be an integer >= 20 and <= 60000, got 5\./],
    [['--resume'], /^trainkit: Unknown option '--resume'\. See 'trainkit sanity --help'\.$/],
    [
      ['--limit', '200', '--validation-fraction', '0.01'],
      /^trainkit train: --validation-fraction must be a fraction that leaves at least one image of every class on each side/,
    ],
  ])('rejects %j with one line and exit 2, leaving nothing behind', async (flags, message) => {
    const result = await runCli(['sanity', '--name', 'bad', ...flags], { cwd: work });
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, message);
    expect(await readdir(path.join(work, 'runs'))).not.toContain('bad');
  });
});

describe('trainkit lr-find (end to end)', () => {
  it('suggests a rate from the range test, writes it with --apply, and train --config uses it', async () => {
    const config = path.join(work, 'trainkit.json');
    await writeFile(config, `${JSON.stringify({ 'batch-size': 64 })}\n`);
    const result = await runCli(
      [
        'lr-find',
        '--limit',
        '1500',
        '--rows',
        '600',
        '--batch-size',
        '32',
        '--name',
        'lr',
        '--apply',
        'trainkit.json',
      ],
      { cwd: work },
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const suggested = /^Suggested learning rate: --lr ([\d.e-]+) \(from the range test\)$/m.exec(
      result.stdout,
    );
    expect(suggested, result.stdout).not.toBeNull();
    const rate = Number(suggested![1]);
    expect(result.stdout).toContain(
      `Applied: "lr": ${rate} in trainkit.json; train with: trainkit train --config trainkit.json`,
    );
    expect(result.stdout).toContain('range test: loss vs log10(learning rate)');
    // The other key of the config file is kept.
    expect(JSON.parse(await readFile(config, 'utf8'))).toEqual({ 'batch-size': 64, lr: rate });
    const record = await readLearningRateFinder(path.join(work, 'runs', 'lr'));
    expect(record?.applied).toBe(rate);
    expect(Number(record!.analysis.suggestion!.toPrecision(3))).toBe(rate);
    // The discrete test ran 1e-1..1e-4 and the configured rate, and picked a dropping one.
    expect(record?.discrete?.map((run) => run.learningRate)).toEqual([
      0.1, 0.01, 0.001, 0.0001, 0.002,
    ]);
    expect(record?.discrete?.find((run) => run.learningRate === record.discreteBest)?.verdict).toBe(
      'drops',
    );
    const svg = await readFile(path.join(work, 'runs', 'lr', 'lr-finder.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);

    const trained = await runCli(
      [
        'train',
        '--config',
        'trainkit.json',
        '--limit',
        '1000',
        '--epochs',
        '1',
        '--no-test',
        '--name',
        'configured',
      ],
      { cwd: work },
    );
    expect(trained.code, trained.stderr).toBe(0);
    const run = await readResult(path.join(work, 'runs', 'configured'));
    expect(run?.options.learningRate).toBe(rate);
    expect(run?.options.batchSize).toBe(64);
  });

  it.each([
    ['not json', '{ "lr": ', /^trainkit train: --config broken\.json: not valid JSON \(/],
    [
      'an unknown key',
      '{ "lrr": 0.1 }',
      /^trainkit train: --config broken\.json: unknown key "lrr"\. Keys are the flag names without "--": /,
    ],
    [
      'a bad value',
      '{ "lr": -1 }',
      /^trainkit train: --lr \(in --config broken\.json\) must be a finite number > 0/,
    ],
  ])('refuses a config file with %s, naming the file', async (_, text, message) => {
    await writeFile(path.join(work, 'broken.json'), text);
    const result = await runCli(['train', '--config', 'broken.json', '--name', 'never'], {
      cwd: work,
    });
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, message);
  });

  it('refuses to --apply into a file that is not a JSON object, and leaves it as it was', async () => {
    await writeFile(path.join(work, 'notes.json'), 'hello');
    const result = await runCli(
      [
        'lr-find',
        '--limit',
        '1000',
        '--rows',
        '200',
        '--iterations',
        '20',
        '--name',
        'apply-bad',
        '--apply',
        'notes.json',
      ],
      { cwd: work },
    );
    expect(result.code).toBe(2);
    expectOneLine(
      result.stderr,
      /^trainkit lr-find: --apply notes\.json: the file exists but is not valid JSON .*nothing was written/,
    );
    expect(await readFile(path.join(work, 'notes.json'), 'utf8')).toBe('hello');
  });

  it('rejects --start above --end', async () => {
    const result = await runCli(['lr-find', '--start', '1', '--end', '0.1'], { cwd: work });
    expect(result.code).toBe(2);
    expectOneLine(
      result.stderr,
      /^trainkit lr-find: --start must be smaller than --end 0\.1, got 1\./,
    );
  });
});
