import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32c } from '../crc32c';
import { InvalidArgumentError, StateRestoreError } from '../errors';
import {
  type CheckpointTensor,
  listCheckpoints,
  loadCheckpoint,
  saveCheckpoint,
} from './checkpoint';
import { CheckpointRestoreError } from './checkpoint-errors';

const scratch: string[] = [];
async function directory(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'trainkit-checkpoint-'));
  scratch.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

/** A small checkpoint: an Adam-like state with a bias-correction scalar. */
function smallContents(updates = 7) {
  const tensors: CheckpointTensor[] = [
    {
      name: 'model/w',
      dtype: 'float32',
      shape: [2, 3],
      values: new Float32Array([1, -2, 3.5, 0, -0, 1e-40]),
    },
    { name: 'optimizer/iter', dtype: 'int32', shape: [], values: new Int32Array([updates]) },
    {
      name: 'optimizer/bias_correction/accBeta1',
      dtype: 'float32',
      shape: [],
      values: new Float32Array([0.9 ** (updates + 1)]),
    },
    { name: 'mask', dtype: 'uint8', shape: [3], values: new Uint8Array([1, 0, 1]) },
  ];
  return { state: { epoch: 1, updates, note: 'héllo' }, tensors };
}

function bytesOf(values: ArrayBufferView): number[] {
  return Array.from(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

async function expectRestoreError(dir: string, pattern?: RegExp): Promise<CheckpointRestoreError> {
  const error = await loadCheckpoint(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(
    CheckpointRestoreError.isInstance(error),
    `no CheckpointRestoreError: ${String(error)}`,
  ).toBe(true);
  expect(StateRestoreError.isInstance(error)).toBe(true);
  if (pattern !== undefined) expect((error as Error).message).toMatch(pattern);
  return error as CheckpointRestoreError;
}

const manifestOf = (dir: string, generation = 1) =>
  path.join(dir, `ckpt-${String(generation).padStart(12, '0')}`, 'manifest.json');
const tensorFileOf = (dir: string, generation = 1) =>
  path.join(dir, `ckpt-${String(generation).padStart(12, '0')}`, 'tensors.bin');

/** The fields of a manifest the tests edit. */
interface ManifestBody {
  format: unknown;
  version: unknown;
  generation: unknown;
  state?: { epoch: unknown; updates: unknown };
  tensors: { name: unknown; offset: unknown; shape: unknown; dtype: unknown }[];
  tensorFile: { bytes: unknown; crc32c: unknown };
  checksum?: unknown;
}

/** Rewrites a manifest with an edited body and a correct checksum (a deliberate, consistent edit). */
async function rewriteManifest(file: string, edit: (body: ManifestBody) => void): Promise<void> {
  const text = await readFile(file, 'utf8');
  const body = JSON.parse(text) as ManifestBody;
  delete body.checksum;
  edit(body);
  const prefix = JSON.stringify(body).slice(0, -1);
  const crc = (crc32c(new TextEncoder().encode(prefix)) >>> 0).toString(16).padStart(8, '0');
  await writeFile(file, `${prefix},"checksum":"crc32c:${crc}"}\n`);
}

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trips tensors bit for bit and the state exactly', async () => {
    const dir = await directory();
    const nanWithPayload = new Float32Array(new Uint32Array([0x7fc01234]).buffer)[0]!;
    const big = new Float32Array(1000).map((_, i) => Math.fround(Math.sin(i) * 1e3));
    big[3] = Number.NaN;
    big[4] = nanWithPayload;
    big[5] = Number.NEGATIVE_INFINITY;
    big[6] = -0;
    const tensors: CheckpointTensor[] = [
      ...smallContents().tensors,
      { name: 'big', dtype: 'float32', shape: [10, 100], values: big },
      { name: 'empty', dtype: 'float32', shape: [0, 4], values: new Float32Array(0) },
      { name: 'odd', dtype: 'uint8', shape: [5], values: new Uint8Array([9, 8, 7, 6, 5]) },
      { name: 'after-odd', dtype: 'int32', shape: [2], values: new Int32Array([-1, 2 ** 31 - 1]) },
    ];
    const state = { nested: { list: [1, 'two', null, true, { x: -0.5 }] }, counter: 2 ** 53 - 1 };
    const saved = await saveCheckpoint(dir, { state, tensors });
    expect(saved.generation).toBe(1);
    const loaded = await loadCheckpoint(dir);
    expect(loaded.generation).toBe(1);
    expect(loaded.state).toEqual(state);
    expect(loaded.fallbackMessage).toBeUndefined();
    expect(loaded.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual(
      tensors.map((t) => [t.name, t.dtype, t.shape]),
    );
    loaded.tensors.forEach((tensor, i) => {
      expect(tensor.values.constructor).toBe(tensors[i]!.values.constructor);
      expect(bytesOf(tensor.values)).toEqual(bytesOf(tensors[i]!.values));
    });
  });

  it('numbers generations, keeps the newest `keep` and loads the newest', async () => {
    const dir = await directory();
    for (let i = 1; i <= 4; i++) {
      const saved = await saveCheckpoint(dir, smallContents(i), { keep: 2 });
      expect(saved.generation).toBe(i);
    }
    expect((await listCheckpoints(dir)).map((c) => c.generation)).toEqual([4, 3]);
    expect((await readdir(dir)).sort()).toEqual(['ckpt-000000000003', 'ckpt-000000000004']);
    const loaded = await loadCheckpoint(dir);
    expect(loaded.state).toEqual(smallContents(4).state);
  });

  it.each([
    [
      'a NaN in the state',
      { state: { loss: Number.NaN }, tensors: [] },
      'contents.state.loss must be a finite number',
    ],
    [
      'a typed array in the state',
      { state: { x: new Float32Array(2) }, tensors: [] },
      'contents.state.x must be a JSON value',
    ],
    [
      'a dtype/array mismatch',
      {
        state: {},
        tensors: [{ name: 'a', dtype: 'int32', shape: [1], values: new Float32Array(1) }],
      },
      'contents.tensors[0].values must be a Int32Array',
    ],
    [
      'a length that does not fit the shape',
      {
        state: {},
        tensors: [{ name: 'a', dtype: 'float32', shape: [2, 2], values: new Float32Array(3) }],
      },
      'contents.tensors[0].values.length must be 4',
    ],
    [
      'a duplicate name',
      {
        state: {},
        tensors: [
          { name: 'a', dtype: 'uint8', shape: [], values: new Uint8Array(1) },
          { name: 'a', dtype: 'uint8', shape: [], values: new Uint8Array(1) },
        ],
      },
      'contents.tensors[1].name must be a name not used by an earlier tensor',
    ],
    [
      'a negative size',
      {
        state: {},
        tensors: [{ name: 'a', dtype: 'uint8', shape: [-1], values: new Uint8Array(0) }],
      },
      'contents.tensors[0].shape[0] must be an integer >= 0',
    ],
  ])('rejects %s before writing anything', async (_name, contents, message) => {
    const dir = path.join(await directory(), 'not-created');
    await expect(saveCheckpoint(dir, contents as never)).rejects.toThrow(InvalidArgumentError);
    await expect(saveCheckpoint(dir, contents as never)).rejects.toThrow(message);
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
  });

  it('says there is no checkpoint, as a typed error', async () => {
    const dir = await directory();
    const error = await expectRestoreError(
      path.join(dir, 'missing'),
      /holds no complete checkpoint/,
    );
    expect(error.kind).toBe('not-found');
    await expectRestoreError(dir, /holds no complete checkpoint/);
  });
});

describe('corruption is detected', () => {
  it('flags every flipped byte of the manifest and the tensor file, and every truncation', async () => {
    const dir = await directory();
    await saveCheckpoint(dir, smallContents());
    let flipped = 0;
    for (const file of [manifestOf(dir), tensorFileOf(dir)]) {
      const original = await readFile(file);
      for (let i = 0; i < original.length; i++) {
        for (const mask of [0x01, 0x80]) {
          const bytes = Buffer.from(original);
          bytes[i]! ^= mask;
          await writeFile(file, bytes);
          await expectRestoreError(dir);
          flipped++;
        }
      }
      for (let length = 0; length < original.length; length++) {
        // A newline is all the manifest may lose: JSON readers do not need it.
        if (file.endsWith('.json') && length === original.length - 1) continue;
        await writeFile(file, original.subarray(0, length));
        await expectRestoreError(dir);
      }
      await writeFile(file, Buffer.concat([original, Buffer.from([0])]));
      await expectRestoreError(dir);
      await writeFile(file, original);
    }
    expect(flipped).toBeGreaterThan(1000);
    // Restored files load again: the checks flag changes, not the files themselves.
    expect((await loadCheckpoint(dir)).state).toEqual(smallContents().state);
  }, 60_000);

  it.each([
    [
      'the iteration counter in the state',
      (b: ManifestBody) => {
        b.state!.updates = 1073741953;
      },
    ],
    [
      'the epoch in the state',
      (b: ManifestBody) => {
        b.state!.epoch = 2;
      },
    ],
  ])('detects an edit of %s (checksum not updated)', async (_name, edit) => {
    const dir = await directory();
    await saveCheckpoint(dir, smallContents());
    const file = manifestOf(dir);
    const body = JSON.parse(await readFile(file, 'utf8'));
    edit(body);
    await writeFile(file, `${JSON.stringify(body)}\n`);
    const error = await expectRestoreError(dir, /manifest's CRC32C is [0-9a-f]{8} but it records/);
    expect(error.field).toBe('checksum');
    expect(error.file).toBe(file);
  });

  it('detects a changed Adam bias-correction value and names the tensor', async () => {
    const dir = await directory();
    await saveCheckpoint(dir, smallContents());
    const file = tensorFileOf(dir);
    const bytes = await readFile(file);
    // model/w takes bytes 0..24, iter 24..28, accBeta1 32..36 (8-byte aligned).
    new DataView(bytes.buffer, bytes.byteOffset).setFloat32(32, 0.5, true);
    await writeFile(file, bytes);
    const error = await expectRestoreError(
      dir,
      /fails its CRC32C check: the bytes 32\.\.36 were changed/,
    );
    expect(error.field).toBe('tensor "optimizer/bias_correction/accBeta1"');
    expect(error.file).toBe(file);
  });

  it.each([
    [
      'format',
      (b: ManifestBody) => {
        b.format = 'other';
      },
      /format: must be "trainkit.core.checkpoint"/,
      'unsupported',
    ],
    [
      'a newer version',
      (b: ManifestBody) => {
        b.version = 2;
      },
      /version: is 2; this release reads version 1\. It was written by a newer trainkit release/,
      'unsupported',
    ],
    [
      'the generation',
      (b: ManifestBody) => {
        b.generation = 9;
      },
      /generation: must be 1 \(the folder's generation\)/,
      'corrupt',
    ],
    [
      'an offset',
      (b: ManifestBody) => {
        b.tensors[1]!.offset = 28;
      },
      /tensors\[1\]\.offset: must be 24/,
      'corrupt',
    ],
    [
      'a shape',
      (b: ManifestBody) => {
        b.tensors[0]!.shape = [3, 3];
      },
      /tensors\[0\]\.bytes: must be 36 \(shape \[3, 3\] of float32\)/,
      'corrupt',
    ],
    [
      'a dtype',
      (b: ManifestBody) => {
        b.tensors[3]!.dtype = 'float64';
      },
      /tensors\[3\]\.dtype: must be one of float32, int32, uint8/,
      'corrupt',
    ],
    [
      'a tensor name',
      (b: ManifestBody) => {
        b.tensors[1]!.name = 'model/w';
      },
      /tensors\[1\]\.name: must be a unique non-empty string/,
      'corrupt',
    ],
    [
      'the tensor file size',
      (b: ManifestBody) => {
        b.tensorFile.bytes = 100;
      },
      /tensorFile\.bytes: must be 43 \(the end of the last tensor\)/,
      'corrupt',
    ],
    [
      'a missing state',
      (b: ManifestBody) => {
        delete b.state;
      },
      /state: is missing/,
      'corrupt',
    ],
    [
      'a tensor checksum',
      (b: ManifestBody) => {
        b.tensorFile.crc32c = '00000000';
      },
      /its CRC32C is [0-9a-f]{8} but the manifest records 00000000/,
      'corrupt',
    ],
  ])(
    'names the field when %s is edited consistently (checksum recomputed)',
    async (_name, edit, message, kind) => {
      const dir = await directory();
      await saveCheckpoint(dir, smallContents());
      await rewriteManifest(manifestOf(dir), edit);
      const error = await expectRestoreError(dir, message);
      expect(error.kind).toBe(kind);
    },
  );

  it('names a missing tensor file', async () => {
    const dir = await directory();
    await saveCheckpoint(dir, smallContents());
    await rm(tensorFileOf(dir));
    const error = await expectRestoreError(dir, /tensors\.bin: is missing\./);
    expect(error.file).toBe(tensorFileOf(dir));
  });
});

describe('fallback to the previous good checkpoint', () => {
  it('restores the previous checkpoint, says so, and moves the damaged one aside', async () => {
    const dir = await directory();
    await saveCheckpoint(dir, smallContents(1));
    await saveCheckpoint(dir, smallContents(2));
    const file = tensorFileOf(dir, 2);
    const bytes = await readFile(file);
    bytes[25]! ^= 0x10;
    await writeFile(file, bytes);
    const loaded = await loadCheckpoint(dir);
    expect(loaded.generation).toBe(1);
    expect(loaded.state).toEqual(smallContents(1).state);
    expect(loaded.skipped).toHaveLength(1);
    expect(loaded.fallbackMessage).toMatch(
      /checkpoint .*ckpt-000000000002 is damaged \(tensor "optimizer\/iter": fails its CRC32C check.*\); moved to .*corrupt-ckpt-000000000002-.*; restored the previous checkpoint .*ckpt-000000000001 instead\./,
    );
    // The next save continues after the damaged generation and prunes from the good one.
    const saved = await saveCheckpoint(dir, smallContents(3));
    expect(saved.generation).toBe(3);
    expect((await listCheckpoints(dir)).map((c) => c.generation)).toEqual([3, 1]);
    expect((await readdir(dir)).filter((name) => name.startsWith('corrupt-'))).toHaveLength(1);
  });

  it('falls back when validate rejects the newest, without moving it', async () => {
    const dir = await directory();
    await saveCheckpoint(dir, smallContents(1));
    await saveCheckpoint(dir, { ...smallContents(2), state: { epoch: 'two' } });
    const loaded = await loadCheckpoint(dir, {
      validate: ({ state }) => {
        const epoch = (state as { epoch: unknown }).epoch;
        if (typeof epoch !== 'number')
          throw new StateRestoreError(
            'myState',
            `epoch must be a number, got ${JSON.stringify(epoch)}.`,
          );
        return { epoch };
      },
    });
    expect(loaded.state).toEqual({ epoch: 1 });
    expect(loaded.skipped[0]!.error.kind).toBe('rejected');
    expect(loaded.skipped[0]!.movedTo).toBeUndefined();
    expect(loaded.fallbackMessage).toMatch(
      /is unusable \(its contents were rejected: myState: epoch must be a number, got "two"\.\)/,
    );
  });

  it('lets other errors of validate propagate (bugs are not corruption)', async () => {
    const dir = await directory();
    await saveCheckpoint(dir, smallContents(1));
    await expect(
      loadCheckpoint(dir, {
        validate: () => {
          throw new TypeError('a bug');
        },
      }),
    ).rejects.toThrow(TypeError);
  });

  it('reports every checkpoint when none can be restored', async () => {
    const dir = await directory();
    await saveCheckpoint(dir, smallContents(1));
    await saveCheckpoint(dir, smallContents(2));
    await writeFile(manifestOf(dir, 1), '{}');
    await writeFile(manifestOf(dir, 2), '');
    const error = await expectRestoreError(
      dir,
      /ckpt-000000000002\/manifest\.json: checksum: is missing.*No older checkpoint can be restored either: .*ckpt-000000000001: checksum: is missing/,
    );
    expect(error.kind).toBe('corrupt');
    // One sentence per problem: no doubled full stop where a problem ends the list.
    expect(error.message).not.toMatch(/\.\.(\s|$)/);
    // Nothing is moved when nothing could be restored.
    expect((await listCheckpoints(dir)).length).toBe(2);
  });
});

describe('interrupted saves', () => {
  it('ignores and removes temporary and trash folders of dead processes', async () => {
    const dir = await directory();
    await saveCheckpoint(dir, smallContents(1));
    // What a kill during a write, and during pruning, leaves behind.
    const dead = Number(
      execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']),
    );
    const temporary = path.join(dir, `.tmp-ckpt-000000000002-${dead}-abc`);
    await mkdir(temporary);
    await writeFile(path.join(temporary, 'tensors.bin'), 'partial');
    const trash = path.join(dir, `.trash-ckpt-000000000000-${dead}-abd`);
    await mkdir(trash);
    const alive = path.join(dir, `.tmp-ckpt-000000000002-${process.ppid}-abe`);
    await mkdir(alive);
    expect((await loadCheckpoint(dir)).generation).toBe(1);
    const saved = await saveCheckpoint(dir, smallContents(2));
    expect(saved.generation).toBe(3);
    const names = await readdir(dir);
    expect(names).not.toContain(path.basename(temporary));
    expect(names).not.toContain(path.basename(trash));
    expect(names).toContain(path.basename(alive)); // another live process's folder stays
  });

  it('loads the newest when a kill left three generations (before pruning)', async () => {
    const dir = await directory();
    for (let i = 1; i <= 3; i++) await saveCheckpoint(dir, smallContents(i), { keep: 3 });
    expect((await loadCheckpoint(dir)).generation).toBe(3);
    await saveCheckpoint(dir, smallContents(4));
    expect((await listCheckpoints(dir)).map((c) => c.generation)).toEqual([4, 3]);
  });
});
