/**
 * Crash-safe checkpoints of named tensors plus a JSON state, shared by the
 * trainer, sanity and search. Framework-free: tensors are (name, dtype, shape,
 * typed array); converting from and to TensorFlow.js tensors is the caller's.
 */

import type { Dirent } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { checkArguments } from '../check-arguments';
import { crc32c } from '../crc32c';
import { StateRestoreError } from '../errors';
import {
  type CheckpointRestoreDetails,
  CheckpointRestoreError,
  CheckpointWriteError,
} from './checkpoint-errors';
import { isProcessAlive } from './process-alive';

/** Element types a checkpoint stores (little-endian). */
export type CheckpointDType = 'float32' | 'int32' | 'uint8';

/** The typed array of each {@link CheckpointDType}. */
export type CheckpointValues = Float32Array | Int32Array | Uint8Array;

/** One named tensor: its dtype, shape and values (row-major). */
export interface CheckpointTensor {
  /** Unique within a checkpoint, non-empty, e.g. `model/dense_1/kernel`. */
  readonly name: string;
  readonly dtype: CheckpointDType;
  /** Non-negative integers; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** `Float32Array` for float32, `Int32Array` for int32, `Uint8Array` for uint8; length = product of the shape. */
  readonly values: CheckpointValues;
}

/** What a checkpoint holds. */
export interface CheckpointContents<S = unknown> {
  /**
   * A JSON-safe value (objects, arrays, strings, booleans, null and finite
   * numbers; encode NaN and infinities yourself, e.g. with `encodeJsonNumber`).
   * Object properties whose value is `undefined` are dropped, as by `JSON.stringify`.
   */
  readonly state: S;
  readonly tensors: readonly CheckpointTensor[];
}

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions {
  /**
   * Complete checkpoints kept after this one is committed: the new one and the
   * `keep - 1` before it, so a damaged newest checkpoint can fall back. Default 2.
   */
  readonly keep?: number;
  /**
   * `fsync` the files and directories, so a committed checkpoint survives a
   * power loss or an OS crash, not only a killed process. Default true.
   */
  readonly sync?: boolean;
}

/** Where {@link saveCheckpoint} committed a checkpoint. */
export interface SavedCheckpoint {
  /** The generation number: one more than the newest before it. */
  readonly generation: number;
  /** The checkpoint's folder, `<directory>/ckpt-<generation, 12 digits>`. */
  readonly path: string;
  /** Bytes written (tensor file and manifest). */
  readonly bytes: number;
}

/** A complete checkpoint folder found by {@link listCheckpoints} (not yet verified). */
export interface CheckpointInfo {
  readonly generation: number;
  readonly path: string;
}

/** What {@link LoadCheckpointOptions.validate} receives: an intact checkpoint. */
export interface VerifiedCheckpoint {
  readonly generation: number;
  readonly path: string;
  /** The JSON state as it was saved, not yet validated. */
  readonly state: unknown;
  readonly tensors: readonly CheckpointTensor[];
}

/** Options of {@link loadCheckpoint}. */
export interface LoadCheckpointOptions<S> {
  /**
   * Checks (and converts) the state and the tensors of an intact checkpoint,
   * throwing a `StateRestoreError` for contents it cannot use. A rejected
   * checkpoint is skipped for the next older one, like a damaged one. Other
   * errors propagate unchanged.
   */
  readonly validate?: (checkpoint: VerifiedCheckpoint) => S;
  /**
   * Move a damaged checkpoint that is newer than the one restored out of the
   * way (to `corrupt-ckpt-<generation>-<time>`, kept for inspection), so the
   * next save and its pruning start from the restored one. Default true.
   */
  readonly quarantine?: boolean;
}

/** A checkpoint that {@link loadCheckpoint} skipped. */
export interface SkippedCheckpoint {
  readonly generation: number;
  readonly path: string;
  readonly error: CheckpointRestoreError;
  /** Where the damaged folder was moved, when it was. */
  readonly movedTo: string | undefined;
}

/** A restored checkpoint. */
export interface LoadedCheckpoint<S> {
  readonly generation: number;
  readonly path: string;
  /** ISO time the checkpoint was written. */
  readonly createdAt: string;
  /** The state (what `validate` returned, or the saved JSON without `validate`). */
  readonly state: S;
  /** The tensors, views into one buffer the caller owns. */
  readonly tensors: readonly CheckpointTensor[];
  /** Newer checkpoints that were damaged or rejected, newest first. */
  readonly skipped: readonly SkippedCheckpoint[];
  /**
   * One line for the console when a newer checkpoint was skipped ("... is
   * damaged (...); restored the previous checkpoint ... instead"), else `undefined`.
   */
  readonly fallbackMessage: string | undefined;
}

/** The `format` of a checkpoint manifest. */
export const checkpointFormat = 'trainkit.core.checkpoint';
/** The manifest version this release writes and reads. */
export const checkpointVersion = 1;

const manifestName = 'manifest.json';
const tensorFileName = 'tensors.bin';
const generationPrefix = 'ckpt-';
const generationDigits = 12;
const generationPattern = /^ckpt-(\d{12})$/;
const temporaryPattern = /^\.(?:tmp|trash)-ckpt-(\d{12})-(\d+)-[0-9a-f]+$/;
const corruptPattern = /^corrupt-ckpt-(\d{12})-/;
const checksumPattern = /,"checksum":"crc32c:([0-9a-f]{8})"\}\n?$/;
const alignment = 8;

const dtypes: Record<
  CheckpointDType,
  {
    readonly bytes: number;
    readonly array: typeof Float32Array | typeof Int32Array | typeof Uint8Array;
  }
> = {
  float32: { bytes: 4, array: Float32Array },
  int32: { bytes: 4, array: Int32Array },
  uint8: { bytes: 1, array: Uint8Array },
};

function hex(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

function generationName(generation: number): string {
  return `${generationPrefix}${String(generation).padStart(generationDigits, '0')}`;
}

function align(offset: number): number {
  return Math.ceil(offset / alignment) * alignment;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Runs a file-system operation of a save, turning its failure into a {@link CheckpointWriteError}. */
async function io<T>(operation: string, target: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (cause) {
    if (CheckpointWriteError.isInstance(cause)) throw cause;
    throw new CheckpointWriteError({
      functionName: 'saveCheckpoint',
      path: target,
      operation,
      code: errorCode(cause),
      cause,
    });
  }
}

interface TensorLayout {
  readonly name: string;
  readonly dtype: CheckpointDType;
  readonly shape: number[];
  readonly offset: number;
  readonly bytes: number;
}

function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const size of shape) count *= size;
  return count;
}

/** Validates the tensors of a save and places them in the tensor file. */
function layoutTensors(tensors: unknown): TensorLayout[] {
  const check = checkArguments('saveCheckpoint');
  if (!Array.isArray(tensors)) {
    check.fail('contents.tensors', tensors, 'an array of { name, dtype, shape, values }');
  }
  const names = new Set<string>();
  const layout: TensorLayout[] = [];
  let offset = 0;
  (tensors as unknown[]).forEach((tensor, i) => {
    const where = `contents.tensors[${i}]`;
    if (typeof tensor !== 'object' || tensor === null) {
      check.fail(where, tensor, 'an object { name, dtype, shape, values }');
    }
    const { name, dtype, shape, values } = tensor as Record<string, unknown>;
    if (typeof name !== 'string' || name.length === 0) {
      check.fail(`${where}.name`, name, 'a non-empty string');
    }
    if (names.has(name as string)) {
      check.fail(`${where}.name`, name, 'a name not used by an earlier tensor');
    }
    names.add(name as string);
    const kind = check.oneOf(`${where}.dtype`, dtype, Object.keys(dtypes) as CheckpointDType[]);
    if (!Array.isArray(shape)) check.fail(`${where}.shape`, shape, 'an array of sizes');
    (shape as unknown[]).forEach((size, d) => {
      check.integer(`${where}.shape[${d}]`, size, { min: 0 });
    });
    const spec = dtypes[kind];
    const count = elementCount(shape as number[]);
    // A tag check rather than instanceof, so typed arrays from other realms pass.
    if (
      (values as { [Symbol.toStringTag]?: unknown } | null)?.[Symbol.toStringTag] !==
      spec.array.name
    ) {
      check.fail(
        `${where}.values`,
        values,
        `a ${spec.array.name} (dtype ${kind})`,
        'Pass the typed array that matches the dtype.',
      );
    }
    if ((values as CheckpointValues).length !== count) {
      check.fail(
        `${where}.values.length`,
        (values as CheckpointValues).length,
        `${count} (the product of shape [${(shape as number[]).join(', ')}])`,
      );
    }
    offset = align(offset);
    layout.push({
      name: name as string,
      dtype: kind,
      shape: [...(shape as number[])],
      offset,
      bytes: count * spec.bytes,
    });
    offset += count * spec.bytes;
  });
  return layout;
}

/** Rejects values that `JSON.stringify` would silently change (NaN, functions, ...). */
function checkJsonSafe(value: unknown, where: string, depth = 0): void {
  const check = checkArguments('saveCheckpoint');
  if (depth > 200) check.fail(where, value, 'a JSON value nested less than 200 levels deep');
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) {
        check.fail(
          where,
          value,
          'a finite number',
          'Encode NaN and infinities, e.g. with encodeJsonNumber.',
        );
      }
      return;
    case 'object': {
      if (value === null) return;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) checkJsonSafe(value[i], `${where}[${i}]`, depth + 1);
        return;
      }
      if (ArrayBuffer.isView(value)) {
        check.fail(
          where,
          value,
          'a JSON value',
          'Store typed arrays as tensors, or convert them with Array.from.',
        );
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) {
        check.fail(
          where,
          value,
          'a plain object, array or primitive',
          'Convert it to plain JSON first.',
        );
      }
      for (const [key, item] of Object.entries(value)) {
        if (item !== undefined) checkJsonSafe(item, `${where}.${key}`, depth + 1);
      }
      return;
    }
    default:
      check.fail(
        where,
        value,
        'a JSON value (object, array, string, finite number, boolean or null)',
      );
  }
}

async function writeDurably(file: string, bytes: Uint8Array, sync: boolean): Promise<void> {
  const handle = await io('create', file, () => open(file, 'wx'));
  try {
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await io('write', file, () =>
        handle.write(bytes, written, bytes.length - written, written),
      );
      if (!(bytesWritten > 0)) {
        throw new CheckpointWriteError({
          functionName: 'saveCheckpoint',
          path: file,
          operation: 'write',
          code: undefined,
          cause: new Error(`write returned ${bytesWritten} at byte ${written}`),
        });
      }
      written += bytesWritten;
    }
    if (sync) await io('sync', file, () => handle.sync());
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** fsync a directory so that renames and new entries in it are durable (skipped where unsupported). */
async function syncDirectory(directory: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    // Windows cannot open directories; some file systems refuse fsync on them.
    const code = errorCode(error);
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'ENOTSUP') {
      throw new CheckpointWriteError({
        functionName: 'saveCheckpoint',
        path: directory,
        operation: 'sync',
        code,
        cause: error,
      });
    }
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Removes temporary and trash folders left by processes that no longer run (or by this one). */
async function removeStaleTemporaries(root: string, entries: readonly Dirent[]): Promise<void> {
  for (const entry of entries) {
    const match = temporaryPattern.exec(entry.name);
    if (match === null) continue;
    const pid = Number(match[2]);
    if (pid === process.pid || !isProcessAlive(pid)) {
      await rm(path.join(root, entry.name), { recursive: true, force: true }).catch(
        () => undefined,
      );
    }
  }
}

function generationsIn(entries: readonly Dirent[]): number[] {
  const found: number[] = [];
  for (const entry of entries) {
    const match = generationPattern.exec(entry.name);
    if (match !== null && entry.isDirectory()) found.push(Number(match[1]));
  }
  return found.sort((a, b) => b - a);
}

function highestGeneration(entries: readonly Dirent[]): number {
  let highest = 0;
  for (const entry of entries) {
    const match =
      generationPattern.exec(entry.name) ??
      corruptPattern.exec(entry.name) ??
      temporaryPattern.exec(entry.name);
    if (match !== null) highest = Math.max(highest, Number(match[1]));
  }
  return highest;
}

function randomSuffix(): string {
  return Math.floor(Math.random() * 0x100000000).toString(16);
}

/**
 * Saves a checkpoint: named tensors and a JSON state, atomically.
 *
 * Layout: `<directory>/ckpt-<generation>/` holds `tensors.bin` (every tensor's
 * little-endian bytes, each at an 8-byte aligned offset) and `manifest.json`
 * (format, version, generation, each tensor's name, dtype, shape, offset, byte
 * count and CRC32C, the tensor file's size and CRC32C, the state, and last the
 * CRC32C of the manifest itself).
 *
 * Commit protocol: both files are written into a temporary folder
 * `.tmp-ckpt-<generation>-<pid>-<random>`, fsynced, the folder fsynced, then
 * renamed to `ckpt-<generation>` in one step and the parent fsynced. A
 * checkpoint folder therefore exists only complete: a process killed at any
 * moment leaves the previous checkpoint as the newest complete one, plus at
 * most a temporary folder that the next save removes. After the commit, all but
 * the newest `keep` checkpoints are removed (each renamed away first, so a
 * half-deleted folder never looks like a checkpoint).
 *
 * One process may write a directory at a time (take a {@link lockDirectory}
 * lock); generation numbers grow by one per save.
 *
 * @param directory - The checkpoint directory (created if missing).
 * @param contents - `{ state, tensors }`; see {@link CheckpointContents}.
 * @param options - `keep` (default 2), `sync` (default true).
 * @returns The generation and folder committed, and the bytes written.
 * @throws InvalidArgumentError for bad contents, before anything is written.
 * @throws CheckpointWriteError when the disk refuses (full, read-only, no
 *   permission); nothing is committed and the temporary folder is removed.
 *
 * @example
 * ```ts
 * import { loadCheckpoint, saveCheckpoint } from '@trainkit/core/node';
 *
 * await saveCheckpoint('runs/a/checkpoints', {
 *   state: { epoch: 3, updates: 1266 },
 *   tensors: [{ name: 'w', dtype: 'float32', shape: [2, 2], values: new Float32Array([1, 2, 3, 4]) }],
 * });
 * const { state, tensors } = await loadCheckpoint('runs/a/checkpoints');
 * ```
 */
export async function saveCheckpoint(
  directory: string,
  contents: CheckpointContents,
  options: SaveCheckpointOptions = {},
): Promise<SavedCheckpoint> {
  const check = checkArguments('saveCheckpoint');
  if (typeof directory !== 'string' || directory.length === 0) {
    check.fail('directory', directory, 'a directory path');
  }
  if (typeof contents !== 'object' || contents === null) {
    check.fail('contents', contents, 'an object { state, tensors }');
  }
  if (typeof options !== 'object' || options === null) check.fail('options', options, 'an object');
  const keep = check.integer('keep', options.keep ?? 2, {
    min: 1,
    fix: 'Keep at least the new checkpoint; 2 also keeps a fallback.',
  });
  const sync = check.boolean('sync', options.sync ?? true);
  const layout = layoutTensors(contents.tensors);
  if (!('state' in contents)) check.fail('contents.state', undefined, 'a JSON value');
  checkJsonSafe(contents.state, 'contents.state');

  const last = layout[layout.length - 1];
  const total = last === undefined ? 0 : last.offset + last.bytes;
  const data = new Uint8Array(total);
  const entries = layout.map((entry, i) => {
    const values = contents.tensors[i]!.values;
    data.set(new Uint8Array(values.buffer, values.byteOffset, entry.bytes), entry.offset);
    return {
      name: entry.name,
      dtype: entry.dtype,
      shape: entry.shape,
      offset: entry.offset,
      bytes: entry.bytes,
      crc32c: hex(crc32c(data, entry.offset, entry.offset + entry.bytes)),
    };
  });

  const root = path.resolve(directory);
  await io('create the directory', root, () => mkdir(root, { recursive: true }));
  const existing = await io('list', root, () => readdir(root, { withFileTypes: true }));
  await removeStaleTemporaries(root, existing);
  const generation = highestGeneration(existing) + 1;
  const body = {
    format: checkpointFormat,
    version: checkpointVersion,
    generation,
    createdAt: new Date().toISOString(),
    byteOrder: 'little-endian',
    tensorFile: { name: tensorFileName, bytes: total, crc32c: hex(crc32c(data)) },
    tensors: entries,
    state: contents.state,
  };
  const prefix = JSON.stringify(body).slice(0, -1);
  const encoder = new TextEncoder();
  const manifest = encoder.encode(
    `${prefix},"checksum":"crc32c:${hex(crc32c(encoder.encode(prefix)))}"}\n`,
  );

  const temporary = path.join(
    root,
    `.tmp-${generationName(generation)}-${process.pid}-${randomSuffix()}`,
  );
  const final = path.join(root, generationName(generation));
  try {
    await io('create', temporary, () => mkdir(temporary));
    await writeDurably(path.join(temporary, tensorFileName), data, sync);
    await writeDurably(path.join(temporary, manifestName), manifest, sync);
    if (sync) await syncDirectory(temporary);
    await io('rename', temporary, () => rename(temporary, final));
  } catch (error) {
    await rm(temporary, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  if (sync) await syncDirectory(root);

  // Prune: keep the newest `keep` complete checkpoints. A failure here leaves an
  // extra old checkpoint (pruned by the next save); the new one is committed.
  const after = await readdir(root, { withFileTypes: true }).catch(() => []);
  for (const old of generationsIn(after).slice(keep)) {
    const trash = path.join(root, `.trash-${generationName(old)}-${process.pid}-${randomSuffix()}`);
    try {
      await rename(path.join(root, generationName(old)), trash);
      await rm(trash, { recursive: true, force: true });
    } catch {
      // Retried by the next save.
    }
  }
  return { generation, path: final, bytes: total + manifest.length };
}

/**
 * Lists the complete checkpoints in a directory, newest first, without reading
 * them. Temporary, trash and quarantined folders are not listed.
 *
 * @param directory - The checkpoint directory.
 * @returns `[]` when the directory is missing or holds no checkpoint.
 *
 * @example
 * ```ts
 * const [newest] = await listCheckpoints('runs/a/checkpoints');
 * ```
 */
export async function listCheckpoints(directory: string): Promise<CheckpointInfo[]> {
  const root = path.resolve(directory);
  let entries: Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return [];
    throw new CheckpointRestoreError({
      functionName: 'listCheckpoints',
      kind: 'unreadable',
      file: root,
      problem: `cannot be listed (${(error as Error).message}).`,
      fix: 'Check that the directory exists and that you may read it.',
      cause: error,
    });
  }
  return generationsIn(entries).map((generation) => ({
    generation,
    path: path.join(root, generationName(generation)),
  }));
}

type Fail = (
  details: Omit<CheckpointRestoreDetails, 'functionName' | 'kind' | 'fix'> & {
    kind?: CheckpointRestoreDetails['kind'];
    fix?: string;
  },
) => never;

const damagedFix =
  'The checkpoint was changed or damaged after it was written; restore it from a backup, or delete its folder to resume from an older checkpoint.';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readBytes(file: string, fail: Fail, expectedSize?: number): Promise<Uint8Array> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) fail({ file, problem: 'is not a regular file.' });
    size = info.size;
  } catch (error) {
    if (CheckpointRestoreError.isInstance(error)) throw error;
    const missing = errorCode(error) === 'ENOENT';
    return fail({
      file,
      kind: missing ? 'corrupt' : 'unreadable',
      problem: missing ? 'is missing.' : `cannot be read (${(error as Error).message}).`,
      ...(missing ? {} : { fix: 'Check the file permissions and the disk.' }),
      cause: error,
    });
  }
  if (expectedSize !== undefined && size !== expectedSize) {
    fail({
      file,
      problem: `has ${size} bytes but the manifest records ${expectedSize}${size < expectedSize ? ' (truncated)' : ''}.`,
    });
  }
  try {
    const buffer = await readFile(file);
    // Typed-array views need aligned offsets; small reads may come from Node's pool.
    return buffer.byteOffset % alignment === 0 ? buffer : new Uint8Array(buffer);
  } catch (error) {
    return fail({
      file,
      kind: 'unreadable',
      problem: `cannot be read (${(error as Error).message}).`,
      fix: 'Check the file permissions and the disk.',
      cause: error,
    });
  }
}

function field(
  value: unknown,
  where: string,
  test: (v: unknown) => boolean,
  expected: string,
  file: string,
  fail: Fail,
): void {
  if (!test(value)) {
    fail({
      file,
      field: where,
      problem: `must be ${expected}, got ${JSON.stringify(value) ?? String(value)}.`,
    });
  }
}

const isSize = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isHex = (v: unknown): boolean => typeof v === 'string' && /^[0-9a-f]{8}$/.test(v);

/** Reads and verifies one checkpoint folder completely. */
async function readGeneration(
  info: CheckpointInfo,
): Promise<VerifiedCheckpoint & { createdAt: string }> {
  const fail: Fail = (details) => {
    throw new CheckpointRestoreError({
      functionName: 'loadCheckpoint',
      kind: details.kind ?? 'corrupt',
      fix: details.fix ?? damagedFix,
      ...details,
    });
  };
  const manifestFile = path.join(info.path, manifestName);
  const bytes = await readBytes(manifestFile, fail);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    return fail({ file: manifestFile, problem: 'is not valid UTF-8 text.', cause });
  }
  const checksum = checksumPattern.exec(text);
  if (checksum === null) {
    fail({
      file: manifestFile,
      field: 'checksum',
      problem: 'is missing: the manifest is truncated or not a trainkit checkpoint manifest.',
    });
  }
  const prefixBytes = new TextEncoder().encode(text.slice(0, checksum!.index));
  const actual = hex(crc32c(prefixBytes));
  if (actual !== checksum![1]) {
    fail({
      file: manifestFile,
      field: 'checksum',
      problem: `the manifest's CRC32C is ${actual} but it records ${checksum![1]}: its content was changed.`,
    });
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (cause) {
    return fail({ file: manifestFile, problem: 'is not valid JSON.', cause });
  }
  if (!isRecord(manifest)) return fail({ file: manifestFile, problem: 'is not a JSON object.' });
  if (manifest.format !== checkpointFormat) {
    fail({
      file: manifestFile,
      field: 'format',
      kind: 'unsupported',
      problem: `must be "${checkpointFormat}", got ${JSON.stringify(manifest.format)}.`,
      fix: 'This folder was not written by saveCheckpoint; point to a trainkit checkpoint directory.',
    });
  }
  if (manifest.version !== checkpointVersion) {
    const newer = typeof manifest.version === 'number' && manifest.version > checkpointVersion;
    fail({
      file: manifestFile,
      field: 'version',
      kind: newer ? 'unsupported' : 'corrupt',
      problem: `is ${JSON.stringify(manifest.version)}; this release reads version ${checkpointVersion}.`,
      ...(newer
        ? { fix: 'It was written by a newer trainkit release: upgrade trainkit to read it.' }
        : {}),
    });
  }
  field(
    manifest.generation,
    'generation',
    (v) => v === info.generation,
    `${info.generation} (the folder's generation)`,
    manifestFile,
    fail,
  );
  field(
    manifest.createdAt,
    'createdAt',
    (v) => typeof v === 'string',
    'an ISO time string',
    manifestFile,
    fail,
  );
  field(
    manifest.byteOrder,
    'byteOrder',
    (v) => v === 'little-endian',
    '"little-endian"',
    manifestFile,
    fail,
  );
  if (!('state' in manifest)) fail({ file: manifestFile, field: 'state', problem: 'is missing.' });
  const tensorFile = manifest.tensorFile;
  if (!isRecord(tensorFile)) {
    return fail({
      file: manifestFile,
      field: 'tensorFile',
      problem: 'must be an object { name, bytes, crc32c }.',
    });
  }
  field(
    tensorFile.name,
    'tensorFile.name',
    (v) => v === tensorFileName,
    `"${tensorFileName}"`,
    manifestFile,
    fail,
  );
  field(tensorFile.bytes, 'tensorFile.bytes', isSize, 'a byte count', manifestFile, fail);
  field(tensorFile.crc32c, 'tensorFile.crc32c', isHex, 'an 8-digit hex CRC32C', manifestFile, fail);
  if (!Array.isArray(manifest.tensors)) {
    return fail({ file: manifestFile, field: 'tensors', problem: 'must be an array.' });
  }
  const names = new Set<string>();
  let expectedOffset = 0;
  const layout = manifest.tensors.map((entry: unknown, i: number) => {
    const where = `tensors[${i}]`;
    if (!isRecord(entry))
      return fail({ file: manifestFile, field: where, problem: 'must be an object.' });
    field(
      entry.name,
      `${where}.name`,
      (v) => typeof v === 'string' && v.length > 0 && !names.has(v),
      'a unique non-empty string',
      manifestFile,
      fail,
    );
    names.add(entry.name as string);
    field(
      entry.dtype,
      `${where}.dtype`,
      (v) => typeof v === 'string' && v in dtypes,
      `one of ${Object.keys(dtypes).join(', ')}`,
      manifestFile,
      fail,
    );
    field(
      entry.shape,
      `${where}.shape`,
      (v) => Array.isArray(v) && v.every(isSize),
      'an array of sizes',
      manifestFile,
      fail,
    );
    const spec = dtypes[entry.dtype as CheckpointDType];
    const count = elementCount(entry.shape as number[]);
    field(
      entry.bytes,
      `${where}.bytes`,
      (v) => v === count * spec.bytes,
      `${count * spec.bytes} (shape [${(entry.shape as number[]).join(', ')}] of ${String(entry.dtype)})`,
      manifestFile,
      fail,
    );
    expectedOffset = align(expectedOffset);
    field(
      entry.offset,
      `${where}.offset`,
      (v) => v === expectedOffset,
      `${expectedOffset} (right after the previous tensor, 8-byte aligned)`,
      manifestFile,
      fail,
    );
    field(entry.crc32c, `${where}.crc32c`, isHex, 'an 8-digit hex CRC32C', manifestFile, fail);
    expectedOffset += count * spec.bytes;
    return {
      name: entry.name as string,
      dtype: entry.dtype as CheckpointDType,
      shape: entry.shape as number[],
      offset: expectedOffset - count * spec.bytes,
      count,
      crc: entry.crc32c as string,
    };
  });
  field(
    tensorFile.bytes,
    'tensorFile.bytes',
    (v) => v === expectedOffset,
    `${expectedOffset} (the end of the last tensor)`,
    manifestFile,
    fail,
  );

  const dataFile = path.join(info.path, tensorFileName);
  const data = await readBytes(dataFile, fail, expectedOffset);
  const fileCrc = hex(crc32c(data));
  if (fileCrc !== tensorFile.crc32c) {
    // Name the damaged tensor when the damage is inside one.
    const damaged = layout.find(
      (t) => hex(crc32c(data, t.offset, t.offset + t.count * dtypes[t.dtype].bytes)) !== t.crc,
    );
    fail({
      file: dataFile,
      ...(damaged === undefined ? {} : { field: `tensor "${damaged.name}"` }),
      problem:
        damaged === undefined
          ? `its CRC32C is ${fileCrc} but the manifest records ${String(tensorFile.crc32c)} (damage between tensors).`
          : `fails its CRC32C check: the bytes ${damaged.offset}..${damaged.offset + damaged.count * dtypes[damaged.dtype].bytes} were changed.`,
    });
  }
  const tensors: CheckpointTensor[] = layout.map((t) => ({
    name: t.name,
    dtype: t.dtype,
    shape: t.shape,
    values: new dtypes[t.dtype].array(
      data.buffer as ArrayBuffer,
      data.byteOffset + t.offset,
      t.count,
    ),
  }));
  return {
    generation: info.generation,
    path: info.path,
    createdAt: manifest.createdAt as string,
    state: manifest.state,
    tensors,
  };
}

function asRestoreError(error: unknown, info: CheckpointInfo): CheckpointRestoreError | undefined {
  if (CheckpointRestoreError.isInstance(error)) return error;
  if (StateRestoreError.isInstance(error)) {
    return new CheckpointRestoreError({
      functionName: 'loadCheckpoint',
      kind: 'rejected',
      file: path.join(info.path, manifestName),
      problem: `its contents were rejected: ${error.message}`,
      fix: 'Resume with the settings and code version that wrote it, or start a new run.',
      cause: error,
    });
  }
  return undefined;
}

/**
 * Loads the newest intact checkpoint of a directory written by
 * {@link saveCheckpoint}.
 *
 * Every check runs before anything is returned: the manifest's own CRC32C,
 * its format and version, the generation against the folder name, every
 * tensor's dtype, shape, byte count and offset (the canonical layout), the
 * tensor file's size, and its CRC32C (naming the damaged tensor when it fails).
 * Then `options.validate` checks the contents. When the newest checkpoint fails
 * any check, the next older one is tried, and `fallbackMessage` says so; a
 * damaged newer folder is moved aside (`options.quarantine`).
 *
 * @param directory - The checkpoint directory.
 * @param options - `validate`, `quarantine` (default true).
 * @returns The checkpoint, its state (as `validate` returned it) and tensors,
 *   and what was skipped.
 * @throws CheckpointRestoreError (a `StateRestoreError`) naming the file, the
 *   field and the fix: kind `not-found` when there is no complete checkpoint;
 *   otherwise the newest checkpoint's problem (and the others', when every one fails).
 *
 * @example
 * ```ts
 * const checkpoint = await loadCheckpoint('runs/a/checkpoints', {
 *   validate: ({ state }) => parseMyState(state), // throws StateRestoreError when unusable
 * });
 * if (checkpoint.fallbackMessage) console.warn(checkpoint.fallbackMessage);
 * ```
 */
export async function loadCheckpoint<S = unknown>(
  directory: string,
  options: LoadCheckpointOptions<S> = {},
): Promise<LoadedCheckpoint<S>> {
  const check = checkArguments('loadCheckpoint');
  if (typeof directory !== 'string' || directory.length === 0) {
    check.fail('directory', directory, 'a directory path');
  }
  if (typeof options !== 'object' || options === null) check.fail('options', options, 'an object');
  const validate =
    options.validate === undefined
      ? undefined
      : check.callable<(checkpoint: VerifiedCheckpoint) => S>('validate', options.validate);
  const quarantine = check.boolean('quarantine', options.quarantine ?? true);
  const root = path.resolve(directory);
  const found = await listCheckpoints(root);
  if (found.length === 0) {
    throw new CheckpointRestoreError({
      functionName: 'loadCheckpoint',
      kind: 'not-found',
      file: root,
      problem: 'holds no complete checkpoint.',
      fix: 'Point to a directory written by saveCheckpoint, or start without resuming.',
    });
  }
  const problems: { info: CheckpointInfo; error: CheckpointRestoreError }[] = [];
  for (const info of found) {
    let verified: VerifiedCheckpoint & { createdAt: string };
    let state: S;
    try {
      verified = await readGeneration(info);
      state = validate === undefined ? (verified.state as S) : validate(verified);
    } catch (error) {
      const restoreError = asRestoreError(error, info);
      if (restoreError === undefined) throw error;
      problems.push({ info, error: restoreError });
      continue;
    }
    const skipped: SkippedCheckpoint[] = [];
    for (const { info: bad, error } of problems) {
      let movedTo: string | undefined;
      if (quarantine && error.kind === 'corrupt') {
        const target = path.join(
          root,
          `corrupt-${generationName(bad.generation)}-${new Date().toISOString().replace(/[:.]/g, '-')}`,
        );
        try {
          await rename(bad.path, target);
          movedTo = target;
        } catch {
          movedTo = undefined;
        }
      }
      skipped.push({ generation: bad.generation, path: bad.path, error, movedTo });
    }
    const fallbackMessage =
      skipped.length === 0
        ? undefined
        : `${skipped
            .map(
              (s) =>
                `checkpoint ${s.path} is ${s.error.kind === 'rejected' ? 'unusable' : 'damaged'} (${s.error.field === undefined ? '' : `${s.error.field}: `}${s.error.problem})${s.movedTo === undefined ? '' : `; moved to ${s.movedTo}`}`,
            )
            .join('; ')}; restored the previous checkpoint ${info.path} instead.`;
    return {
      generation: verified.generation,
      path: verified.path,
      createdAt: verified.createdAt,
      state,
      tensors: verified.tensors,
      skipped,
      fallbackMessage,
    };
  }
  const [newest, ...older] = problems;
  if (older.length === 0) throw newest!.error;
  throw new CheckpointRestoreError({
    functionName: 'loadCheckpoint',
    kind: newest!.error.kind,
    file: newest!.error.file,
    ...(newest!.error.field === undefined ? {} : { field: newest!.error.field }),
    problem: `${newest!.error.problem} No older checkpoint can be restored either: ${older
      .map(
        ({ info, error }) =>
          `${info.path}: ${error.field === undefined ? '' : `${error.field}: `}${error.problem.replace(/\.$/, '')}`,
      )
      .join('; ')}.`,
    fix: newest!.error.fix,
    cause: newest!.error,
  });
}
