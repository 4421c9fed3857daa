import type * as tf from '@tensorflow/tfjs-core';
import { checkArguments, ShapeMismatchError } from '@trainkit/core';

/** Throws unless `value` is a live tfjs tensor. */
export function checkTensor(functionName: string, argument: string, value: unknown): tf.Tensor {
  const t = value as Partial<tf.Tensor> | null;
  if (
    typeof t !== 'object' ||
    t === null ||
    !Array.isArray(t.shape) ||
    typeof t.dtype !== 'string' ||
    typeof t.data !== 'function'
  ) {
    return checkArguments(functionName).fail(argument, describeValue(value), 'a tf.Tensor');
  }
  if (t.isDisposed === true) {
    return checkArguments(functionName).fail(
      argument,
      'a disposed tensor',
      'a live tf.Tensor',
      'Do not dispose the tensor before the update has finished.',
    );
  }
  return value as tf.Tensor;
}

/** Throws a {@link ShapeMismatchError} unless the tensor has the given rank. */
export function checkRank(
  functionName: string,
  argument: string,
  tensor: tf.Tensor,
  rank: number,
  fix: string,
): void {
  if (tensor.rank !== rank) {
    throw new ShapeMismatchError({
      functionName,
      argument,
      expected: `rank ${rank}`,
      actual: `rank ${tensor.rank} [${tensor.shape.join(', ')}]`,
      fix,
    });
  }
}

/** Throws unless the tensor is int32 (class labels). */
export function checkInt32(functionName: string, argument: string, tensor: tf.Tensor): void {
  if (tensor.dtype !== 'int32') {
    checkArguments(functionName).fail(
      `${argument}.dtype`,
      tensor.dtype,
      "'int32'",
      `Cast class labels with tf.cast(${argument}, 'int32').`,
    );
  }
}

/** Throws unless the tensor has a numeric dtype (scores). */
export function checkNumeric(functionName: string, argument: string, tensor: tf.Tensor): void {
  if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
    checkArguments(functionName).fail(`${argument}.dtype`, tensor.dtype, "'float32' or 'int32'");
  }
}

function describeValue(value: unknown): unknown {
  if (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !ArrayBuffer.isView(value)
  ) {
    return Object.prototype.toString.call(value);
  }
  return value;
}

/** Throws the error for a device-side label outside [0, numClasses). */
export function failLabelRange(
  functionName: string,
  argument: string,
  value: number,
  numClasses: number,
): never {
  return checkArguments(functionName).fail(
    argument,
    `a tensor containing ${value}`,
    `class indices in [0, ${numClasses - 1}]`,
    'Labels must be integers 0..numClasses-1: check numClasses or remap the labels.',
  );
}

/** A checked weight: a tensor to read back, or an array used as is. */
export type CheckedWeights = { tensor: tf.Tensor } | { array: ArrayLike<number> } | undefined;

/** Validates `sampleWeight` for n samples (synchronously). */
export function checkSampleWeight(
  functionName: string,
  weights: unknown,
  n: number,
): CheckedWeights {
  if (weights === undefined) return undefined;
  if (Array.isArray(weights) || ArrayBuffer.isView(weights)) {
    const array = weights as ArrayLike<number>;
    if (array.length !== n) {
      throw new ShapeMismatchError({
        functionName,
        argument: 'sampleWeight',
        expected: [n],
        actual: [array.length],
      });
    }
    return { array };
  }
  const tensor = checkTensor(functionName, 'sampleWeight', weights);
  checkRank(functionName, 'sampleWeight', tensor, 1, 'Pass one weight per sample, shape [batch].');
  checkNumeric(functionName, 'sampleWeight', tensor);
  if (tensor.shape[0] !== n) {
    throw new ShapeMismatchError({
      functionName,
      argument: 'sampleWeight',
      expected: [n],
      actual: tensor.shape,
    });
  }
  return { tensor };
}

/** Reads a tensor back (one `await data()`) and disposes it, also when reading fails. */
export async function readBack(tensor: tf.Tensor): Promise<tf.TypedArray> {
  try {
    return await tensor.data();
  } finally {
    tensor.dispose();
  }
}

/**
 * The sample weights of a batch whose read-back holds them at `offset` when
 * they were a tensor; otherwise the array that was passed (or none).
 */
export function weightsAfterReadBack(
  weights: CheckedWeights,
  data: tf.TypedArray,
  offset: number,
  n: number,
): ArrayLike<number> | undefined {
  if (weights === undefined) return undefined;
  return 'tensor' in weights ? data.subarray(offset, offset + n) : weights.array;
}

/** Throws the error for scores that hold NaN (counted on the device). */
export function failNaNScores(functionName: string, fix: string): never {
  return checkArguments(functionName).fail('scores', 'a tensor containing NaN', 'free of NaN', fix);
}
