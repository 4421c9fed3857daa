import * as tf from '@tensorflow/tfjs-core';
import { type ArgumentChecker, checkArguments, ShapeMismatchError } from '@trainkit/core';

/** Numeric typed arrays accepted as host data. */
export type HostTypedArray =
  | Float32Array
  | Float64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint32Array
  | Uint16Array
  | Uint8Array
  | Uint8ClampedArray;

/**
 * Samples kept in host (JavaScript) memory: a flat typed array in row-major
 * order with its full shape, the first dimension being the sample count.
 */
export interface HostData {
  readonly values: HostTypedArray;
  /** Full shape `[n, ...sampleShape]`; the product must equal `values.length`. */
  readonly shape: readonly number[];
  /** Dtype of the batch tensor (default: `int32` for integer arrays, `float32` otherwise). */
  readonly dtype?: 'float32' | 'int32' | 'bool';
}

/** Where a batch is gathered from: a tensor (gathered on its device) or host data. */
export type BatchSource = tf.Tensor | HostData;

/** Batch tensors by name, the shape of the sources passed to {@link gatherBatch}. */
export type BatchTensors<K extends string> = { [Name in K]: tf.Tensor };

function isTensor(source: BatchSource): source is tf.Tensor {
  return source instanceof tf.Tensor;
}

function sampleCount(source: BatchSource): number {
  return isTensor(source) ? source.shape[0]! : source.shape[0]!;
}

/**
 * Gathers the rows `indices` of each source into batch tensors.
 *
 * Tensors are gathered on their device with `tf.gather` (no copy to
 * JavaScript); host data is copied row by row into a new typed array and
 * uploaded once. The index tensor created for `tf.gather` is disposed; the
 * returned batch tensors belong to the caller (dispose them after the step,
 * e.g. `tf.dispose(batch)`).
 *
 * @param sources - Tensors or {@link HostData} by name, all with the same
 *   number of samples (first dimension).
 * @param indices - Sample indices, e.g. one batch of {@link miniBatches}.
 * @returns One tensor per source, first dimension `indices.length`.
 * @throws ShapeMismatchError when the sources disagree on the sample count or a
 *   host array does not match its shape; InvalidArgumentError for an index out of range.
 *
 * @example
 * ```ts
 * const sources = { x: xTensor, y: { values: labels, shape: [labels.length], dtype: 'int32' } };
 * for (const indices of miniBatches(n, { batchSize: 32, seed: 0, epoch })) {
 *   const batch = gatherBatch(sources, indices);
 *   await model.trainOnBatch(batch.x, batch.y);
 *   tf.dispose(batch);
 * }
 * ```
 */
export function gatherBatch<K extends string>(
  sources: { readonly [Name in K]: BatchSource },
  indices: Int32Array | readonly number[],
): BatchTensors<K> {
  const name = 'gatherBatch';
  const check = checkArguments(name);
  const { names, n } = checkSourceSet(name, sources);
  const batchIndices =
    indices instanceof Int32Array
      ? indices
      : Int32Array.from(check.nonEmptyArray<number>('indices', indices));
  for (let i = 0; i < batchIndices.length; i++) {
    const index = batchIndices[i]!;
    if (
      index < 0 ||
      index >= n ||
      (!(indices instanceof Int32Array) && index !== (indices as readonly number[])[i])
    ) {
      check.fail(
        `indices[${i}]`,
        (indices as ArrayLike<number>)[i],
        `an integer in [0, ${n})`,
        `The sources hold ${n} samples.`,
      );
    }
  }
  const batch = {} as BatchTensors<K>;
  let indexTensor: tf.Tensor1D | undefined;
  try {
    for (const key of names) {
      const source = sources[key];
      if (isTensor(source)) {
        indexTensor ??= tf.tensor1d(batchIndices, 'int32');
        batch[key] = tf.gather(source, indexTensor);
      } else {
        batch[key] = gatherHost(source, batchIndices);
      }
    }
  } catch (error) {
    tf.dispose(Object.values(batch) as tf.Tensor[]);
    throw error;
  } finally {
    indexTensor?.dispose();
  }
  return batch;
}

function checkSources<K extends string>(
  name: string,
  sources: { readonly [Name in K]: BatchSource },
  names: K[],
): number {
  const check: ArgumentChecker = checkArguments(name);
  let n = -1;
  let first = '';
  for (const key of names) {
    const source = sources[key] as BatchSource | undefined;
    if (source === undefined || source === null || typeof source !== 'object') {
      check.fail(`sources.${key}`, source, 'a tensor or { values, shape }');
    }
    if (!isTensor(source)) {
      if (
        !ArrayBuffer.isView(source.values) ||
        !Array.isArray(source.shape) ||
        source.shape.length === 0
      ) {
        check.fail(`sources.${key}`, source, 'a tensor or { values: TypedArray, shape: [n, ...] }');
      }
      const size = source.shape.reduce((a, b) => a * b, 1);
      if (size !== source.values.length) {
        throw new ShapeMismatchError({
          functionName: name,
          argument: `sources.${key}.values.length`,
          expected: size,
          actual: source.values.length,
          fix: `shape [${source.shape.join(', ')}] needs ${size} values.`,
        });
      }
    } else if (source.rank === 0) {
      check.fail(`sources.${key}`, `a scalar tensor`, 'a tensor of rank >= 1 (samples first)');
    }
    const count = sampleCount(source);
    if (n === -1) {
      n = count;
      first = key;
    } else if (count !== n) {
      throw new ShapeMismatchError({
        functionName: name,
        argument: `sources.${key}.shape[0]`,
        expected: n,
        actual: count,
        fix: `Every source needs one row per sample (sources.${first} has ${n}).`,
      });
    }
  }
  return n;
}

function gatherHost(source: HostData, indices: Int32Array): tf.Tensor {
  const [n, ...sampleShape] = source.shape as number[];
  const rowLength = n === 0 ? 0 : source.values.length / n!;
  const dtype =
    source.dtype ??
    (source.values instanceof Float32Array || source.values instanceof Float64Array
      ? 'float32'
      : 'int32');
  const out =
    dtype === 'float32'
      ? new Float32Array(indices.length * rowLength)
      : dtype === 'int32'
        ? new Int32Array(indices.length * rowLength)
        : new Uint8Array(indices.length * rowLength);
  const values = source.values;
  if (rowLength === 1) {
    for (let i = 0; i < indices.length; i++) out[i] = values[indices[i]!]!;
  } else {
    for (let i = 0; i < indices.length; i++) {
      const from = indices[i]! * rowLength;
      if (out.constructor === values.constructor) {
        out.set((values as Float32Array).subarray(from, from + rowLength), i * rowLength);
      } else {
        for (let j = 0; j < rowLength; j++) out[i * rowLength + j] = values[from + j]!;
      }
    }
  }
  return tf.tensor(out, [indices.length, ...sampleShape], dtype);
}

/**
 * Checks the sources of a batch (a non-empty object of tensors or host data
 * with the same number of samples) and returns their names and sample count.
 * @internal
 */
export function checkSourceSet<K extends string>(
  functionName: string,
  sources: { readonly [Name in K]: BatchSource },
): { names: K[]; n: number } {
  const check = checkArguments(functionName);
  if (typeof sources !== 'object' || sources === null) {
    check.fail(
      'sources',
      sources,
      'an object of tensors or host data by name',
      'E.g. { x: xs, y: ys }.',
    );
  }
  const names = Object.keys(sources) as K[];
  if (names.length === 0)
    check.fail('sources', sources, 'a non-empty object', 'E.g. { x: xs, y: ys }.');
  return { names, n: checkSources(functionName, sources, names) };
}
