// End-to-end: the real CLI in child processes on small real-MNIST slices.
// What a user sees (lines, exit codes, files) for runs that work and for every
// expected failure: bad flags, bad data settings, unusable --logdir, a run in
// use, an existing run, resuming a finished run, divergence.
import { execFileSync } from 'node:child_process';
import {
  chmod,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCheckpoint } from '@trainkit/core/node';
import { scalarSeries } from '@trainkit/tensorboard';
import { readRun } from '@trainkit/tensorboard/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cliScript,
  quickTrainArgs,
  runCli,
  startCli,
  withoutProfilerNotes,
} from './test-helpers/cli-process';
import { faultyDirectory, unmountFaultyDisks } from './test-helpers/faulty-disk';

/** Terminal control sequences (cursor moves, colours, line clears). */
const ansiEscape = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'trainkit-cli-'));
  await chmod(work, 0o755);
  await cliScript();
});
afterAll(async () => {
  unmountFaultyDisks();
  await rm(work, { recursive: true, force: true });
});

/** One line on stderr, no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = withoutProfilerNotes(stderr).split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^trainkit(?: train)?: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

/** `train --logdir <dir>/runs` refuses with exit 2 and one line matching `pattern`, and writes nothing in `dir`. */
async function expectLogdirRefused(
  dir: string,
  options: { env?: Record<string, string>; uid?: number; gid?: number },
  pattern: RegExp,
): Promise<void> {
  const result = await runCli(['train', ...quickTrainArgs, '--logdir', path.join(dir, 'runs')], {
    cwd: work,
    ...options,
  });
  expect(result.code).toBe(2);
  expectOneLine(result.stderr, pattern);
  expect(await readdir(dir)).toEqual([]);
}

describe('trainkit train (end to end)', () => {
  it('trains, writes the run directory, the report and TensorBoard runs, and prints paths relative to the user', async () => {
    const elsewhere = path.join(work, 'elsewhere');
    await mkdir(elsewhere);
    // As under `npm start`: the process runs elsewhere, npm passes the user's directory in INIT_CWD.
    const result = await runCli(['train', ...quickTrainArgs, '--name', 'first'], {
      cwd: elsewhere,
      env: { INIT_CWD: work },
    });
    expect(withoutProfilerNotes(result.stderr)).toBe('');
    expect(result.code).toBe(0);
    const run = path.join(work, 'runs', 'first');
    expect(result.stdout).toContain(
      'run: runs/first  (22 batches of 64, 22 updates per epoch; TensorBoard: tensorboard --logdir runs)',
    );
    expect(result.stdout).toMatch(
      /^epoch 1\/2 {2}train loss \d\.\d{4} {2}val loss \d\.\d{4} {2}val acc \d+\.\d\d% \(best\)/m,
    );
    expect(result.stdout).toMatch(/^epoch 2\/2 {2}train loss/m);
    expect(result.stdout).toContain(
      'Report: runs/first/ (confusion-matrix.svg, curves.svg, history.json, result.json, trace.json, checkpoints/)',
    );
    expect(result.stdout).toContain('TensorBoard: tensorboard --logdir runs');
    const summary = JSON.parse(await readFile(path.join(run, 'result.json'), 'utf8'));
    expect(summary.updates).toBe(44);
    expect(summary.test.accuracy).toBeGreaterThan(0.75);
    expect(summary.best.epoch).toBeGreaterThanOrEqual(1);
    expect(await readdir(run)).toEqual(
      expect.arrayContaining([
        'checkpoints',
        'confusion-matrix.svg',
        'curves.svg',
        'history.json',
        'result.json',
        'trace.json',
        'train',
        'validation',
      ]),
    );
    // TensorBoard: the full validation set at each epoch's last update, rotating subsets every 5 updates.
    const validation = scalarSeries((await readRun(path.join(run, 'validation'))).events);
    expect(validation.get('epoch_accuracy')!.map((p) => p.step)).toEqual([22, 44]);
    expect(validation.get('subset_loss')!.map((p) => p.step)).toEqual([
      5, 10, 15, 20, 25, 30, 35, 40,
    ]);
    expect(validation.get('test_accuracy')![0]!.value).toBeCloseTo(summary.test.accuracy, 6);
    const train = scalarSeries((await readRun(path.join(run, 'train'))).events);
    expect(train.get('batch_loss')!.map((p) => p.step)).toEqual(
      Array.from({ length: 44 }, (_, i) => i),
    );
    // The learning rate shown is the one of the update being made: not 0 at step 0 of the warmup.
    expect(train.get('learning_rate')![0]!.value).toBeGreaterThan(0);
    // The HParams session is the run directory (TensorBoard looks for <session>/validation).
    const session = (await readRun(run)).events.flatMap((e) => e.summaries.map((s) => s.tag));
    expect(session).toContain('_hparams_/session_start_info');
    expect(session).toContain('_hparams_/session_end_info');
    // The lock is gone.
    await expect(stat(path.join(run, '.lock'))).rejects.toThrow(/ENOENT/);
    // The learning curves hold the full-set validation at each epoch end too.
    const history = JSON.parse(await readFile(path.join(run, 'history.json'), 'utf8'));
    expect(history.validation.iterations).toEqual([5, 10, 15, 20, 22, 25, 30, 35, 40, 44]);
  });

  it('draws a live bar that fits a 60-column terminal, with a plain line per epoch above it', async () => {
    const dir = await mkdtemp(path.join(work, 'tty-'));
    const script = await cliScript();
    const command = `stty cols 60 rows 20; ${process.execPath} ${script} train ${quickTrainArgs.join(' ')} --no-test`;
    // `script` runs the trainer on a pseudo-terminal (util-linux).
    const output = execFileSync('script', ['-qfec', command, '/dev/null'], {
      cwd: dir,
      env: { ...process.env, INIT_CWD: dir },
      encoding: 'utf8',
    });
    const visible = output.replace(ansiEscape, '\n').split(/[\r\n]+/);
    const bars = visible.filter((line) => /^epoch \d\/2 \[/.test(line));
    expect(bars.length).toBeGreaterThan(0);
    for (const line of bars) expect(line.length).toBeLessThanOrEqual(59);
    expect(visible.filter((line) => /^epoch \d\/2 {2}train loss/.test(line))).toHaveLength(2);
    expect(output).toContain('Report: runs/');
  });

  it('never overwrites a run silently: a new name by default, an error for an existing --name, --overwrite to replace', async () => {
    const dir = path.join(work, 'names');
    await mkdir(dir);
    const args = ['train', ...quickTrainArgs, '--epochs', '1', '--no-test'];
    const [a, b] = [await runCli(args, { cwd: dir }), await runCli(args, { cwd: dir })];
    expect([a.code, b.code]).toEqual([0, 0]);
    const names = await readdir(path.join(dir, 'runs'));
    expect(names).toHaveLength(2);
    expect(names.every((name) => /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d(-\d+)?$/.test(name))).toBe(true);
    const again = await runCli([...args, '--name', names[0]!], { cwd: dir });
    expect(again.code).toBe(2);
    expectOneLine(
      again.stderr,
      new RegExp(
        `--name ${names[0]}: runs/${names[0]} already exists\\. Continue that run with --resume --name ${names[0]}, start it over with --overwrite, or choose another --name\\.`,
      ),
    );
    const overwritten = await runCli([...args, '--name', names[0]!, '--overwrite'], { cwd: dir });
    expect(overwritten.code).toBe(0);
  });

  it('refuses a second trainer on a run that is in use, and takes over the lock of a killed one', async () => {
    const dir = path.join(work, 'lock');
    await mkdir(dir);
    const first = await startCli(
      ['train', '--limit', '1500', '--epochs', '200', '--name', 'busy', '--no-test'],
      { cwd: dir },
    );
    await first.waitFor(/^run: /);
    const second = await runCli(['train', '--resume', '--name', 'busy'], { cwd: dir });
    expect(second.code).toBe(2);
    expectOneLine(
      second.stderr,
      new RegExp(
        `runs/busy is in use by trainkit train \\(pid ${first.child.pid}, since .*\\): two trainers must not write one run\\. Wait for it to finish or stop it\\.`,
      ),
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const resumed = await startCli(['train', '--resume', '--name', 'busy'], { cwd: dir });
    await resumed.waitFor(/^resume: runs\/busy at epoch \d+, batch \d+/);
    resumed.child.kill('SIGINT');
    expect((await resumed.exited).code).toBe(130);
  });

  it('resumes a run killed after its last checkpoint but before its result and report: writes them, exit 0', async () => {
    // What a SIGKILL between the final checkpoint and the report leaves: no result.json, no report.
    const cut = path.join(work, 'runs', 'cut');
    await cp(path.join(work, 'runs', 'first'), cut, { recursive: true });
    const original = JSON.parse(await readFile(path.join(cut, 'result.json'), 'utf8'));
    for (const file of ['result.json', 'report.html', 'report.md']) await rm(path.join(cut, file));
    const endRecords = async () =>
      (await readRun(cut)).events.filter((event) =>
        event.summaries.some((summary) => summary.tag === '_hparams_/session_end_info'),
      ).length;
    expect(await endRecords()).toBe(1);
    const resumed = await runCli(['train', '--resume', '--name', 'cut'], { cwd: work });
    expect(withoutProfilerNotes(resumed.stderr)).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('Report page: runs/cut/report.html');
    const result = JSON.parse(await readFile(path.join(cut, 'result.json'), 'utf8'));
    expect({ ...result, name: 'first', options: { ...result.options, name: 'first' } }).toEqual(
      original,
    );
    expect(await endRecords()).toBe(1);
    // Now it is complete: a further --resume has nothing to do.
    const again = await runCli(['train', '--resume', '--name', 'cut'], { cwd: work });
    expect(again.code).toBe(2);
    expectOneLine(again.stderr, /run cut already finished its 2 epochs/);
  });

  it("resumes a finished run only with --extend, which trains on at the schedule's final rate", async () => {
    const finished = await runCli(['train', '--resume', '--name', 'first'], { cwd: work });
    expect(finished.code).toBe(2);
    expectOneLine(
      finished.stderr,
      /run first already finished its 2 epochs \(best validation accuracy .*\): nothing to resume\. To train it longer: --resume --name first --extend --epochs 4 \(the extra epochs run at the schedule's final learning rate\)\./,
    );
    const changed = await runCli(['train', '--resume', '--name', 'first', '--lr', '0.1'], {
      cwd: work,
    });
    expect(changed.code).toBe(2);
    expectOneLine(
      changed.stderr,
      /--lr \(with --resume\) must be the run's own 0\.002, got 0\.1\. A resumed run keeps the settings it started with/,
    );
    const longer = await runCli(['train', '--resume', '--name', 'first', '--epochs', '3'], {
      cwd: work,
    });
    expect(longer.code).toBe(2);
    expectOneLine(
      longer.stderr,
      /--epochs \(with --resume\) must be the run's 2, got 3\. To train on to 3 epochs, add --extend/,
    );
    const extended = await runCli(
      ['train', '--resume', '--name', 'first', '--extend', '--epochs', '3'],
      { cwd: work },
    );
    expect(withoutProfilerNotes(extended.stderr)).toBe('');
    expect(extended.code).toBe(0);
    expect(extended.stdout).toMatch(/^epoch 3\/3 {2}train loss/m);
    const rates = scalarSeries(
      (await readRun(path.join(work, 'runs', 'first', 'train'))).events,
    ).get('learning_rate')!;
    expect(rates.map((p) => p.step)).toEqual(Array.from({ length: 66 }, (_, i) => i));
    const extra = rates.slice(44).map((p) => p.value);
    // Cosine to 1% of the peak, clamped beyond its horizon (update 43): no rebound, no re-stretch.
    expect(new Set(extra).size).toBe(1);
    expect(extra[0]).toBeCloseTo(2e-5, 9);
  });

  it.each([
    [
      ['--epochs', '-1'],
      /^trainkit train: --epochs must be an integer >= 1 and <= 10000, got -1\.$/,
    ],
    [
      ['--seed', '99999999999999999999'],
      /--seed must be an integer >= 0 and <= 9007199254740991, got 100000000000000000000\. Seeds are integers from 0 to 2\^53 - 1/,
    ],
    [
      ['--optimiser', 'adam'],
      /^trainkit: Unknown option '--optimiser'\. See 'trainkit train --help'\.$/,
    ],
    [
      ['--limit', '1000', '--validation-fraction', '0.001'],
      /--validation-fraction must be a fraction that leaves at least one image of every class on each side \(with 1000 images it leaves 1 for validation, none of class 0 in the validation set\), got 0\.001\. Use at least 0\.11 \(about 10 validation images of the rarest class\), or a larger --limit\./,
    ],
  ])('refuses %j with one clear line and exit code 2', async (args, message) => {
    const dir = await mkdtemp(path.join(work, 'flags-'));
    const result = await runCli(['train', ...args], { cwd: dir });
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, message);
    // Nothing was left behind.
    expect(await readdir(dir)).toEqual([]);
  });

  it.each([
    [['--', '--help'], /^Usage: trainkit train \[options\]/],
    [['--', 'recipe', '--help'], /^Usage: trainkit recipe /],
  ])(
    'skips a leading -- (npm start -- -- FLAGS, the older documented form): %j',
    async (args, usage) => {
      const result = await runCli(args, { cwd: work });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(usage);
    },
  );

  // A real bug (an untyped error) once training runs on wasm, whose Emscripten
  // module adds its own uncaughtException/unhandledRejection handlers that
  // rethrow (Node then prints a line of tf-backend-wasm.node.js, which looks
  // like a WebAssembly crash): the CLI's own message comes, with the stack, exit 1.
  it.each([
    ['thrown from a timer', 'throw new Error("planted bug (test)")'],
    ['a rejected promise', 'void Promise.reject(new Error("planted bug (test)"))'],
  ])(
    'reports an internal error (%s) as one "please report" message with the stack, exit 1',
    async (_, fault) => {
      const dir = await mkdtemp(path.join(work, 'internal-'));
      // Injected with --import: waits until the wasm backend has added its handlers.
      const planted = `const t = setInterval(() => { if (!process.listeners("uncaughtException").some((l) => String(l).includes("ExitStatus"))) return; clearInterval(t); ${fault}; }, 5);`;
      const result = await runCli(['train', '--limit', '600', '--epochs', '1', '--no-test'], {
        cwd: dir,
        env: { NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(planted)}` },
      });
      expect(result.code, result.stderr).toBe(1);
      const lines = result.stderr.split('\n');
      expect(lines[0]).toBe(
        'trainkit: internal error, please report it (https://github.com/trainkit/trainkit/issues) with this output:',
      );
      expect(lines[1]).toBe('Error: planted bug (test)');
      expect(lines[2]).toMatch(/^\s+at /);
      expect(result.stderr).not.toMatch(/tf-backend-wasm|throw ex/);
    },
  );

  it('reports divergence with the update, the cause and the fix, keeps the curves, exits 3', async () => {
    const dir = await mkdtemp(path.join(work, 'diverge-'));
    const result = await runCli(
      [
        'train',
        '--optimizer',
        'sgd',
        '--lr',
        '1e4',
        '--limit',
        '1000',
        '--batch-size',
        '32',
        '--epochs',
        '2',
        '--name',
        'hot',
      ],
      { cwd: dir },
    );
    expect(result.code).toBe(3);
    expectOneLine(
      result.stderr,
      /training diverged at update \d+: the loss or the gradients became NaN or infinite in the last 20 batches \(their updates were skipped\)\. Lower --lr \(it is 10000\), e\.g\. --lr 0\.001, or clip gradients with --clip-norm 1\. The curves so far are in runs\/hot; the last good checkpoint is kept\./,
    );
    expect(await readdir(path.join(dir, 'runs', 'hot'))).toEqual(
      expect.arrayContaining(['history.json', 'checkpoints']),
    );
  });

  describe('an unusable --logdir: a typed error naming --logdir, the path, the cause and the fix; nothing half-written', () => {
    it('is a file', async () => {
      const dir = await mkdtemp(path.join(work, 'file-'));
      await writeFile(path.join(dir, 'runs'), 'not a directory');
      const result = await runCli(['train', ...quickTrainArgs], { cwd: dir });
      expect(result.code).toBe(2);
      expectOneLine(
        result.stderr,
        /--logdir runs: cannot create runs \(ENOTDIR: a part of the path is a file, not a directory\)\. A file is in the way: --logdir must be a directory .* Nothing was written\./,
      );
      expect(await readFile(path.join(dir, 'runs'), 'utf8')).toBe('not a directory');
    });

    it('is under a file', async () => {
      const dir = await mkdtemp(path.join(work, 'under-'));
      await writeFile(path.join(dir, 'file'), 'x');
      const result = await runCli(['train', ...quickTrainArgs, '--logdir', 'file/runs'], {
        cwd: dir,
      });
      expect(result.code).toBe(2);
      expectOneLine(
        result.stderr,
        /--logdir file\/runs: cannot create file\/runs \(ENOTDIR: .*\)\. A file is in the way/,
      );
      expect(await readdir(dir)).toEqual(['file']);
    });

    it('is on a read-only file system', async () => {
      const { dir, env } = await faultyDirectory('EROFS', 1024, work);
      await expectLogdirRefused(
        dir,
        { env },
        /--logdir .*: cannot create .* \(EROFS: read-only file system\)\. The file system is read-only: choose a --logdir on a writable disk\. Nothing was written\./,
      );
    });

    it('has no write permission', async () => {
      const dir = await mkdtemp(path.join(work, 'perm-'));
      await chmod(dir, 0o555);
      // Root ignores permissions: run the trainer as an unprivileged user then.
      const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      await expectLogdirRefused(
        dir,
        asUser,
        /--logdir .*: cannot create .*runs \(EACCES: permission denied\)\. You may not write there: choose a --logdir you own, or fix its permissions\. Nothing was written\./,
      );
    });

    it('is on a full disk', async () => {
      // 256 KiB: room for the folders, not for the first checkpoint.
      const { dir, env } = await faultyDirectory('ENOSPC', 256, work);
      await expectLogdirRefused(
        dir,
        { env },
        /--logdir .*: cannot write .* \(ENOSPC: no space left on the device\)\. The disk is full: free some space, or choose a --logdir on another disk\. Nothing was kept\./,
      );
    });

    it('fills up during the run: names the newest intact checkpoint (not the first one)', async () => {
      // 10 MiB: room for the first few checkpoints of the MLP and the logs, not for the whole run.
      const { dir, env } = await faultyDirectory('ENOSPC', 10 * 1024, work, { fillsUp: true });
      const logdir = path.join(dir, 'runs');
      const result = await runCli(
        [
          'train',
          ...quickTrainArgs,
          '--checkpoint-every',
          '3',
          '--logdir',
          logdir,
          '--name',
          'full',
        ],
        { cwd: work, env },
      );
      expect(result.code).toBe(2);
      expectOneLine(
        result.stderr,
        /--logdir .*: cannot write .* \(ENOSPC: no space left on the device\)\. The disk is full: free some space, or choose a --logdir on another disk\. The last checkpoint \(update \d+ or earlier\) is intact: continue with trainkit train --resume --name full --logdir .*\.$/,
      );
      const updates = Number(result.stderr.match(/The last checkpoint \(update (\d+)/)![1]);
      // Not the first checkpoint's 0 (the count once never advanced past it).
      expect(updates).toBeGreaterThan(0);
      const { state } = await loadCheckpoint(path.join(logdir, 'full', 'checkpoints'));
      expect((state as { updates: number }).updates).toBe(updates);
    });
  });
});
