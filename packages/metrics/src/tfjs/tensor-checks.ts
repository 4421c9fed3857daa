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
