import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { StateRestoreError } from '@trainkit/core';

/** Where a tensor's values sit in `tensors.bin`. */
interface SavedTensor {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32';
  /** Byte offset in `tensors.bin`. */
  readonly offset: number;
}

interface Manifest<T> {
  readonly format: 'trainkit-checkpoint';
  readonly version: 1;
  readonly state: T;
  readonly groups: Record<string, SavedTensor[]>;
}

export interface NamedTensor {
  readonly name: string;
  readonly tensor: tf.Tensor;
}

const manifestFile = 'manifest.json';
const tensorFile = 'tensors.bin';

/**
 * Writes a checkpoint: a JSON `state` and named groups of tensors (model
 * weights, optimizer weights...). The checkpoint is written to a temporary
 * sibling folder and renamed into place, so `directory` always holds either
 * the previous complete checkpoint or the new complete one, never a mix.
 */
export async function saveCheckpoint<T>(
  directory: string,
  state: T,
  groups: Record<string, readonly NamedTensor[]>,
): Promise<void> {
  const chunks: Uint8Array[] = [];
  const saved: Record<string, SavedTensor[]> = {};
  let offset = 0;
  for (const [group, tensors] of Object.entries(groups)) {
    saved[group] = [];
    for (const { name, tensor } of tensors) {
      if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
        throw new StateRestoreError(
          'saveCheckpoint',
          `tensor ${name} has dtype ${tensor.dtype}; only float32 and int32 are saved.`,
        );
      }
      const values = (await tensor.data()) as Float32Array | Int32Array;
      const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      saved[group]!.push({ name, shape: [...tensor.shape], dtype: tensor.dtype, offset });
      chunks.push(bytes.slice());
      offset += bytes.byteLength;
    }
  }
  const manifest: Manifest<T> = { format: 'trainkit-checkpoint', version: 1, state, groups: saved };
  const parent = path.dirname(path.resolve(directory));
  await mkdir(parent, { recursive: true });
  const temporary = `${path.resolve(directory)}.tmp-${process.pid}`;
  const previous = `${path.resolve(directory)}.old-${process.pid}`;
  await rm(temporary, { recursive: true, force: true });
  try {
    await mkdir(temporary);
    await writeFile(path.join(temporary, tensorFile), Buffer.concat(chunks));
    await writeFile(path.join(temporary, manifestFile), `${JSON.stringify(manifest)}\n`);
    await rm(previous, { recursive: true, force: true });
    await rename(directory, previous).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rename(temporary, directory);
    await rm(previous, { recursive: true, force: true });
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
}

/** A loaded checkpoint; the caller owns (and disposes) the tensors. */
export interface LoadedCheckpoint<T> {
  readonly state: T;
  readonly groups: Record<string, NamedTensor[]>;
}

/** Reads a checkpoint written by {@link saveCheckpoint}, validating its layout. */
export async function loadCheckpoint<T>(directory: string): Promise<LoadedCheckpoint<T>> {
  let manifest: Manifest<T>;
  let bytes: Buffer;
  try {
    manifest = JSON.parse(await readFile(path.join(directory, manifestFile), 'utf8'));
    bytes = await readFile(path.join(directory, tensorFile));
  } catch (cause) {
    throw new StateRestoreError(
      'loadCheckpoint',
      `cannot read a checkpoint in ${directory}. Train without --resume first, or point --logdir at a run that has a checkpoint/ folder.`,
      { cause },
    );
  }
  if (manifest?.format !== 'trainkit-checkpoint' || manifest.version !== 1) {
    throw new StateRestoreError(
      'loadCheckpoint',
      `${directory} is not a trainkit checkpoint (version 1).`,
    );
  }
  const groups: Record<string, NamedTensor[]> = {};
  for (const [group, tensors] of Object.entries(manifest.groups)) {
    groups[group] = tensors.map(({ name, shape, dtype, offset }) => {
      const size = shape.reduce((a, b) => a * b, 1);
      if (offset + size * 4 > bytes.byteLength) {
        throw new StateRestoreError(
          'loadCheckpoint',
          `tensor ${name} lies beyond the end of ${tensorFile}; the checkpoint is damaged.`,
        );
      }
      const copy = bytes.subarray(offset, offset + size * 4);
      const aligned = new Uint8Array(copy).buffer;
      const values = dtype === 'int32' ? new Int32Array(aligned) : new Float32Array(aligned);
      return { name, tensor: tf.tensor(values, shape, dtype) };
    });
  }
  return { state: manifest.state, groups };
}
