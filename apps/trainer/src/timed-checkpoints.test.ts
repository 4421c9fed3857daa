// `--checkpoint-every <time>` (issue 13: "checkpoint also every --checkpoint-every
// updates or minutes, still exact on resume"): a run checkpoints inside an epoch
// when the interval has passed, and a run killed (SIGKILL) right after such a
// checkpoint resumes from it and ends bit for bit like an uninterrupted run.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type CheckpointTensor, listCheckpoints, loadCheckpoint } from '@trainkit/core/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliScript, runCli, startCli, withoutProfilerNotes } from './test-helpers/cli-process';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'trainkit-timed-checkpoints-'));
  await cliScript();
});
afterAll(() => rm(work, { recursive: true, force: true }));

// 85 micro-batches per epoch, about a second per epoch here.
const runArgs = ['train', '--limit', '3000', '--epochs', '2', '--batch-size', '32', '--no-test'];

interface Position {
  epoch: number;
  batch: number;
  updates: number;
}

/** The newest complete checkpoint's generation and position, read without touching it (the run is writing). */
async function newest(run: string): Promise<{ generation: number; state: Position } | undefined> {
  const [first] = await listCheckpoints(path.join(run, 'checkpoints')).catch(() => []);
  if (first === undefined) return undefined;
  try {
    const manifest = JSON.parse(await readFile(path.join(first.path, 'manifest.json'), 'utf8'));
    return { generation: first.generation, state: manifest.state as Position };
  } catch {
    return undefined; // pruned meanwhile
  }
}

function bytes(tensor: CheckpointTensor): Buffer {
  return Buffer.from(tensor.values.buffer, tensor.values.byteOffset, tensor.values.byteLength);
}

it('--checkpoint-every 0.2s checkpoints inside an epoch, and a resume from such a checkpoint is exact', async () => {
  const straight = await runCli([...runArgs, '--name', 'straight'], { cwd: work });
  expect(straight.code, straight.stderr).toBe(0);

  const run = path.join(work, 'runs', 'timed');
  const child = await startCli([...runArgs, '--checkpoint-every', '0.2s', '--name', 'timed'], {
    cwd: work,
  });
  await child.waitFor(/^run: /);
  // Kill the run right after its first checkpoint inside the first epoch (not its start, not an epoch end).
  let seen: { generation: number; state: Position } | undefined;
  while (child.child.exitCode === null) {
    const found = await newest(run);
    if (found !== undefined && found.state.epoch === 0 && found.state.batch > 0) {
      child.child.kill('SIGKILL');
      seen = found;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const outcome = await child.exited;
  // A mid-epoch checkpoint was seen before the run ended (its output says why not otherwise).
  expect(seen?.state.epoch, child.stdout.join('\n')).toBe(0);
  expect(outcome.signal).toBe('SIGKILL');
  // Generation 1 is the checkpoint before the first batch; time made the next ones.
  expect(seen!.generation).toBeGreaterThan(1);
  expect(seen!.state.updates).toBe(seen!.state.batch);
  const loaded = await loadCheckpoint(path.join(run, 'checkpoints'));
  const killedAt = { generation: loaded.generation, state: loaded.state as Position };
  expect(killedAt.generation).toBeGreaterThanOrEqual(seen!.generation);
  expect(killedAt.state.epoch).toBe(0);
  expect(killedAt.state.batch).toBeGreaterThan(0);

  const resumed = await runCli([...runArgs, '--resume', '--name', 'timed'], { cwd: work });
  expect(withoutProfilerNotes(resumed.stderr)).toBe('');
  expect(resumed.code).toBe(0);
  expect(resumed.stdout).toContain(
    `resume: runs/timed at epoch 1, batch ${killedAt.state.batch}, ${killedAt.state.updates} updates`,
  );

  const tensors = async (name: string) =>
    (await loadCheckpoint(path.join(work, 'runs', name, 'checkpoints'))).tensors.filter(
      (t) => t.name.startsWith('model/') || t.name.startsWith('best/'),
    );
  const [expected, actual] = [await tensors('straight'), await tensors('timed')];
  expect(actual.map((t) => t.name)).toEqual(expected.map((t) => t.name));
  expect(expected.filter((t, i) => !bytes(t).equals(bytes(actual[i]!))).map((t) => t.name)).toEqual(
    [],
  );
  const history = async (name: string) =>
    JSON.parse(await readFile(path.join(work, 'runs', name, 'history.json'), 'utf8'));
  expect({ ...(await history('timed')), name: 'straight' }).toEqual(await history('straight'));
}, 120_000);
