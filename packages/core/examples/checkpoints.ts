// Node only: an atomic, checksummed checkpoint under a directory lock.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint, lockDirectory, saveCheckpoint } from '@trainkit/core/node';

const run = await mkdtemp(join(tmpdir(), 'run-')); // e.g. runs/a
const lock = await lockDirectory(run, { purpose: 'my trainer' });
await saveCheckpoint(join(run, 'checkpoints'), {
  state: { epoch: 3, updates: 1266 },
  tensors: [{ name: 'w', dtype: 'float32', shape: [2, 2], values: new Float32Array([1, 2, 3, 4]) }],
});
const checkpoint = await loadCheckpoint(join(run, 'checkpoints'), {
  validate: ({ state }) => state as { epoch: number; updates: number }, // throw StateRestoreError to refuse
});
if (checkpoint.fallbackMessage !== undefined) console.warn(checkpoint.fallbackMessage);
console.log(checkpoint.state, checkpoint.tensors[0]?.values); // { epoch: 3, updates: 1266 } Float32Array(4) [ 1, 2, 3, 4 ]
await lock.release();
await rm(run, { recursive: true });
