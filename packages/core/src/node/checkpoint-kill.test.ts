// SIGKILL at random moments: a real child process saves checkpoints in a loop
// and is killed at a random time, over and over on the same directory; after
// every kill the newest complete checkpoint must load, be at least as new as
// the last one the child reported committed, and hold exactly its contents.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpoint } from './checkpoint';
import { contentsFor } from './test-helpers/checkpoint-contents';

const size = 256 * 1024; // 1 MiB of float32 per checkpoint
let work: string;
let child: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'trainkit-checkpoint-kill-'));
  child = path.join(work, 'writer.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./test-helpers/checkpoint-writer.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: child,
    logLevel: 'silent',
  });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

interface KillOutcome {
  readonly lastReported: number;
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

function runAndKill(directory: string, delayMs: number): Promise<KillOutcome> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, [child, directory, String(size)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lastReported = 0;
    let stderr = '';
    let buffered = '';
    process_.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const match = /^(?:saved|resumed) (\d+)$/.exec(line);
        if (match !== null) lastReported = Number(match[1]);
        if (line.startsWith('ready') && timer === undefined) {
          timer = setTimeout(() => process_.kill('SIGKILL'), delayMs);
        }
      }
    });
    process_.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // The delay counts from "ready" (startup takes a varying, often long time on a busy machine).
    let timer: ReturnType<typeof setTimeout> | undefined;
    process_.on('error', reject);
    process_.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ lastReported, stderr, code, signal });
    });
  });
}

/** Where a kill landed, read from what it left in the directory. */
function classify(names: readonly string[]): string {
  if (names.some((name) => name.startsWith('.tmp-'))) return 'while writing a checkpoint';
  if (names.some((name) => name.startsWith('.trash-'))) return 'while pruning an old checkpoint';
  if (names.filter((name) => name.startsWith('ckpt-')).length > 2)
    return 'after a commit, before pruning';
  if (names.length === 0) return 'before the first save';
  return 'between saves';
}

describe('checkpoints under SIGKILL', () => {
  it('always resume from the newest complete checkpoint, bit for bit', async () => {
    const directory = path.join(work, 'run');
    const landed = new Map<string, number>();
    let previous = 0;
    // At least 30 kills, and on until the writer has committed more than 10 generations
    // across them (a loaded machine saves slowly: CI once reached 7 in 30 kills).
    let kills = 0;
    while (kills < 30 || (previous <= 10 && kills < 150)) {
      kills++;
      const delay = Math.floor(Math.random() * 300);
      const outcome = await runAndKill(directory, delay);
      expect(outcome.stderr).toBe('');
      expect(outcome.signal).toBe('SIGKILL');
      const names = await readdir(directory).catch(() => [] as string[]);
      const where = classify(names);
      landed.set(where, (landed.get(where) ?? 0) + 1);
      if (names.some((name) => name.startsWith('ckpt-'))) {
        const loaded = await loadCheckpoint<{ n: number; epoch: number }>(directory);
        const { n } = loaded.state;
        // The newest committed one, or the one being reported when the kill came.
        expect(n).toBeGreaterThanOrEqual(Math.max(outcome.lastReported, previous));
        expect(n).toBeLessThanOrEqual(outcome.lastReported + 1);
        expect(loaded.fallbackMessage).toBeUndefined();
        const expected = contentsFor(n, size);
        expect(loaded.state).toEqual(expected.state);
        expect(
          Buffer.compare(
            Buffer.from(
              loaded.tensors[0]!.values.buffer,
              loaded.tensors[0]!.values.byteOffset,
              size * 4,
            ),
            Buffer.from(expected.tensors[0]!.values.buffer),
          ),
        ).toBe(0);
        previous = n;
      }
    }
    // The distribution of the kills, for the README's record.
    console.log(
      `checkpoint kill test: ${kills} kills, last generation ${previous}; landed ${[...landed]
        .map(([where, count]) => `${where}: ${count}`)
        .join(', ')}`,
    );
    expect(previous).toBeGreaterThan(10);
  }, 600_000);
});
