// Crash safety of `trainkit train` with real processes and real signals: a
// run is killed (SIGKILL) and interrupted (Ctrl-C = SIGINT, and SIGTERM, once
// and twice) at
// random moments and resumed until it completes; it must end bit for bit where
// an uninterrupted run ends, with every TensorBoard step recorded exactly once.
// Then damaged checkpoints: a fallback to the previous one (said on the
// console), or exit 2 with the file and field named.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32c } from '@trainkit/core';
import { type CheckpointTensor, listCheckpoints, loadCheckpoint } from '@trainkit/core/node';
import { scalarSeries } from '@trainkit/tensorboard';
import { readRun } from '@trainkit/tensorboard/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliScript, runCli, startCli, withoutProfilerNotes } from './test-helpers/cli-process';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'trainkit-crash-'));
  await cliScript();
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

// A CNN (dropout masks must be reproduced too), accumulation over 2
// micro-batches with an odd number per epoch (a partial group at each epoch
// end), subset validation and a checkpoint every 4 updates.
const runArgs = [
  'train',
  '--model',
  'cnn',
  '--limit',
  '2000',
  '--epochs',
  '4',
  '--batch-size',
  '60',
  '--accumulate',
  '2',
  '--validate-every',
  '3',
  '--validation-subset',
  '40',
  '--checkpoint-every',
  '4',
  '--no-test',
];

async function tensorsOf(run: string): Promise<CheckpointTensor[]> {
  const { tensors } = await loadCheckpoint(path.join(run, 'checkpoints'));
  return tensors.filter((t) => t.name.startsWith('model/') || t.name.startsWith('best/'));
}

function bytes(tensor: CheckpointTensor): Buffer {
  return Buffer.from(tensor.values.buffer, tensor.values.byteOffset, tensor.values.byteLength);
}

/** Every scalar series of a TensorBoard run: tag -> [step, value] pairs in file order. */
async function scalars(run: string): Promise<Record<string, [number, number][]>> {
  const contents = await readRun(run);
  expect(contents.warnings).toEqual([]);
  return Object.fromEntries(
    [...scalarSeries(contents.events)].map(([tag, points]) => [
      tag,
      points.map((p) => [p.step, p.value]),
    ]),
  );
}

/** The manifest fields the tests edit. */
interface ManifestBody {
  checksum?: string;
  state: { updates: number };
  tensors: { name: string; offset: number; bytes: number; crc32c: string }[];
  tensorFile: { crc32c: string };
}

describe('trainkit train under SIGKILL, Ctrl-C and SIGTERM', () => {
  let straight: string;
  /** Seconds the uninterrupted run trained: kills are spread over that time. */
  let seconds: number;

  beforeAll(async () => {
    const result = await runCli([...runArgs, '--name', 'straight'], { cwd: work });
    expect(withoutProfilerNotes(result.stderr)).toBe('');
    expect(result.code).toBe(0);
    straight = path.join(work, 'runs', 'straight');
    seconds = JSON.parse(
      await readFile(path.join(straight, 'result.json'), 'utf8'),
    ).trainingSeconds;
  });

  it('resumes from the newest complete checkpoint after every kill and ends bit for bit like an uninterrupted run', async () => {
    const run = path.join(work, 'runs', 'killed');
    const landed: string[] = [];
    let started = false;
    let finished = false;
    let remaining = 1;
    for (let attempt = 0; attempt < 16 && !finished; attempt++) {
      // SIGTERM (what `kill`, systemd and container runtimes send) must behave
      // like Ctrl-C but exit 143; it comes second so every run of the test has one.
      const modes = ['sigint', 'sigterm', 'sigkill', 'double-sigint', 'sigkill', 'double-sigterm'];
      const mode = modes[attempt % modes.length]!;
      const args = started
        ? [...runArgs, '--resume', '--name', 'killed']
        : [...runArgs, '--name', 'killed', '--overwrite'];
      const child = await startCli(args, { cwd: work });
      try {
        await child.waitFor(/^run: runs\/killed/);
      } catch {
        // Ended before training started (refused resume of a run killed before its first checkpoint).
      }
      const before = (await listCheckpoints(path.join(run, 'checkpoints'))).length;
      started ||= before > 0;
      // Spread over the time the run still needs, so most kills land inside it.
      const delay = Math.random() * seconds * 1000 * Math.max(0.1, remaining);
      await new Promise((resolve) => setTimeout(resolve, delay));
      let signalledAt = performance.now();
      const signal = mode.endsWith('sigterm') ? 'SIGTERM' : 'SIGINT';
      if (mode === 'sigkill') child.child.kill('SIGKILL');
      else {
        child.child.kill(signal);
        signalledAt = performance.now();
        if (mode.startsWith('double-')) {
          await new Promise((resolve) => setTimeout(resolve, 30));
          child.child.kill(signal);
        }
      }
      const outcome = await child.exited;
      const stdout = child.stdout.join('\n');
      const stderr = child.stderr.join('\n');
      const name = signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM';
      if (outcome.code === 0) {
        // The run completed before the signal landed, or the signal came while the
        // result files and the report were written (and said so). A signal that promised
        // a stop must never be followed by a completed run.
        expect(stderr, stdout).not.toMatch(/then stopping|stopping before the report/);
        const announced = stderr.includes(
          `${name}: the training and the test evaluation are complete; finishing the report`,
        );
        finished = true;
        landed.push(
          `${mode} after the run completed${mode !== 'sigkill' && announced ? ' (announced: finishing the report)' : ''}`,
        );
        break;
      }
      if (
        outcome.signal === null &&
        outcome.code === 2 &&
        /already finished its 4 epochs .*: nothing to resume/.test(stderr)
      ) {
        // The previous interruption landed after the run had written its result and report
        // (e.g. a SIGKILL while the process released its lock): the run is complete.
        finished = true;
        landed.push('the previous interruption came after the run completed');
        break;
      }
      if (mode === 'sigkill') {
        expect(outcome.signal, `${stdout}\n${stderr}`).toBe('SIGKILL');
        landed.push('SIGKILL');
      } else {
        expect(outcome.code, `${stdout}\n${stderr}`).toBe(signal === 'SIGINT' ? 130 : 143);
        expect(stderr).toMatch(
          new RegExp(
            `${name}: (saving a checkpoint at the next batch, then stopping|stopping before the report \\(the training is complete and its checkpoint saved${mode.startsWith('double-') ? '|the training and the test evaluation are complete; finishing the report' : ''})`,
          ),
        );
        if (!mode.startsWith('double-')) {
          // Saved at the next batch, not at the epoch end.
          expect(stdout).toMatch(
            /^(Stopped: checkpoint saved at epoch \d, batch \d+ \(\d+ updates|Stopped after the last epoch \(its checkpoint is saved\), before the report)/m,
          );
          expect(performance.now() - signalledAt).toBeLessThan(5000);
        } else if (
          !stderr.includes(`${name} again: quitting now; the last checkpoint is intact.`)
        ) {
          // The first signal came after the last epoch, and the run stopped on its own (before
          // the report) within the 30 ms before the second one: it must say so.
          expect(stdout, stderr).toMatch(
            /^Stopped after the last epoch \(its checkpoint is saved\), before the report/m,
          );
        }
        landed.push(mode);
      }
      expect(stderr).not.toMatch(/\n\s+at /);
      const checkpoints = await listCheckpoints(path.join(run, 'checkpoints'));
      if (checkpoints.length > 0) {
        started = true;
        const state = (await loadCheckpoint(path.join(run, 'checkpoints'))).state as {
          epoch: number;
          batch: number;
          microBatches: number;
        };
        landed[landed.length - 1] += ` -> epoch ${state.epoch + 1} batch ${state.batch}`;
        remaining = 1 - state.microBatches / 120; // 4 epochs of 30 micro-batches
      }
    }
    if (!finished) {
      const last = await runCli([...runArgs, '--resume', '--name', 'killed'], { cwd: work });
      expect(withoutProfilerNotes(last.stderr)).toBe('');
      expect(last.code).toBe(0);
      landed.push('final resume');
    }
    const interruptions = landed.filter((entry) =>
      /^(sigint|sigterm|SIGKILL|double-sigint|double-sigterm)( ->|$)/.test(entry),
    ).length;
    console.log(`trainer kill test: ${interruptions} interruptions: ${landed.join('; ')}`);

    // The weights and the best epoch's weights, bit for bit.
    const [expected, actual] = [await tensorsOf(straight), await tensorsOf(run)];
    expect(actual.map((t) => t.name)).toEqual(expected.map((t) => t.name));
    const differing = expected
      .filter((t, i) => !bytes(t).equals(bytes(actual[i]!)))
      .map((t) => t.name);
    expect(differing).toEqual([]);
    // Every TensorBoard step exactly once, with the same values.
    for (const folder of ['train', 'validation']) {
      const [got, want] = [
        await scalars(path.join(run, folder)),
        await scalars(path.join(straight, folder)),
      ];
      expect(got).toEqual(want);
    }
    expect({
      ...JSON.parse(await readFile(path.join(run, 'history.json'), 'utf8')),
      name: 'straight',
    }).toEqual(JSON.parse(await readFile(path.join(straight, 'history.json'), 'utf8')));
  }, 400_000);

  it('falls back to the previous checkpoint when the newest is damaged, and says so', async () => {
    const run = path.join(work, 'runs', 'damaged');
    await cp(straight, run, { recursive: true });
    const [newest, previous] = await listCheckpoints(path.join(run, 'checkpoints'));
    const file = path.join(newest!.path, 'tensors.bin');
    const data = await readFile(file);
    data[100]! ^= 0x04;
    await writeFile(file, data);
    const result = await runCli(
      ['train', '--resume', '--name', 'damaged', '--extend', '--epochs', '5', '--no-test'],
      { cwd: work },
    );
    expect(result.code).toBe(0);
    expect(withoutProfilerNotes(result.stderr).split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^warning: checkpoint .*${path.basename(newest!.path)} is damaged \\(tensor "model/0": fails its CRC32C check: the bytes 0\\.\\.\\d+ were changed\\.\\); moved to .*corrupt-${path.basename(newest!.path)}-.*; restored the previous checkpoint .*${path.basename(previous!.path)} instead\\.$`,
        ),
      ),
    ]);
    expect(result.stdout).toMatch(/^epoch 5\/5 {2}train loss/m);
  });

  it('refuses a checkpoint whose counters were edited consistently (checksums recomputed), naming the field', async () => {
    const run = path.join(work, 'runs', 'edited');
    await cp(straight, run, { recursive: true });
    const hex = (value: number) => (value >>> 0).toString(16).padStart(8, '0');
    const rewrite = async (dir: string, edit: (body: ManifestBody, data: Buffer) => void) => {
      const manifestFile = path.join(dir, 'manifest.json');
      const body = JSON.parse(await readFile(manifestFile, 'utf8')) as ManifestBody;
      delete body.checksum;
      const data = await readFile(path.join(dir, 'tensors.bin'));
      edit(body, data);
      for (const tensor of body.tensors)
        tensor.crc32c = hex(crc32c(data, tensor.offset, tensor.offset + tensor.bytes));
      body.tensorFile.crc32c = hex(crc32c(data));
      await writeFile(path.join(dir, 'tensors.bin'), data);
      const prefix = JSON.stringify(body).slice(0, -1);
      await writeFile(
        manifestFile,
        `${prefix},"checksum":"crc32c:${hex(crc32c(new TextEncoder().encode(prefix)))}"}\n`,
      );
    };
    const [newest, previous] = await listCheckpoints(path.join(run, 'checkpoints'));
    // The newest: the iteration counter in the state (the report once showed "1073741953 updates").
    await rewrite(newest!.path, (body) => {
      body.state.updates = 1073741953;
    });
    // The previous: one of Adam's bias-correction products in the tensor file.
    await rewrite(previous!.path, (body, data) => {
      const tensor = body.tensors.find((t) => t.name.endsWith('bias_correction/accBeta1'))!;
      data.writeFloatLE(0.5, tensor.offset);
    });
    const result = await runCli(
      ['train', '--resume', '--name', 'edited', '--extend', '--epochs', '5'],
      { cwd: work },
    );
    expect(result.code).toBe(2);
    const lines = withoutProfilerNotes(result.stderr).split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^trainkit: loadCheckpoint: .*ckpt-\d+\/manifest\.json: its contents were rejected: trainkit train: checkpoint state field updates must be <= .*got 1073741953\..* No older checkpoint can be restored either: .*: its contents were rejected: .*bias_correction\/accBeta1 \(Adam's bias-correction product\) is 0\.5 but \d+ updates give /,
    );
  });
});
