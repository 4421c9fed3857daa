import { checkArguments, ShapeMismatchError } from '@trainkit/core';

/**
 * Class labels or group ids, one per sample: numbers (any typed array or
 * number[]) or strings. Values are compared by identity (`===`); the order of
 * classes is the order of first appearance (as scikit-learn's
 * `StratifiedKFold` encodes them).
 */
export type Labels = ArrayLike<number> | ArrayLike<string>;

/**
 * Labels encoded as class codes 0..classCount-1 in order of first
 * appearance. The code of sample i is `table[keys[i]]`: for integer labels in
 * [0, 4096) `keys` is the caller's label array itself (no copy), otherwise it
 * holds per-sample codes and `table` is the identity.
 */
export interface EncodedLabels {
  readonly keys: ArrayLike<number>;
  readonly table: Int32Array;
  /** Number of distinct values. */
  readonly classCount: number;
  /** Members per class, indexed by code. */
  readonly counts: Int32Array;
  /** The original value of each code. */
  readonly values: readonly (number | string)[];
}

const denseTableLimit = 1 << 24;

const smallLimit = 4096;

/**
 * The common case of integer labels in [0, 4096): count them in one pass and
 * number the classes in order of first appearance with a dense table; the
 * labels themselves serve as keys (no per-sample code array). Returns
 * undefined as soon as a value is out of range.
 */
function encodeSmallIntegers(values: ArrayLike<number>): EncodedLabels | undefined {
  // Four interleaved histograms (lane i % 4): consecutive equal labels do not
  // wait for each other's increment. (v0 | v1 | v2 | v3) is in [0, 4096)
  // exactly when all four are (integer typed array values only).
  const lanes = new Int32Array(4 * smallLimit);
  const n = values.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v0 = values[i]!;
    const v1 = values[i + 1]!;
    const v2 = values[i + 2]!;
    const v3 = values[i + 3]!;
    if ((v0 | v1 | v2 | v3) >>> 0 >= smallLimit) return undefined;
    lanes[v0]! += 1;
    lanes[smallLimit + v1]! += 1;
    lanes[2 * smallLimit + v2]! += 1;
    lanes[3 * smallLimit + v3]! += 1;
  }
  for (; i < n; i++) {
    const value = values[i]!;
    if (!(value >= 0 && value < smallLimit)) return undefined;
    lanes[value]! += 1;
  }
  const valueCounts = new Int32Array(smallLimit);
  for (let v = 0; v < smallLimit; v++) {
    valueCounts[v] =
      lanes[v]! + lanes[smallLimit + v]! + lanes[2 * smallLimit + v]! + lanes[3 * smallLimit + v]!;
  }
  let distinct = 0;
  for (let v = 0; v < smallLimit; v++) if (valueCounts[v]! > 0) distinct++;
  // Scan until every distinct value has been seen once.
  const table = new Int32Array(smallLimit).fill(-1);
  const originals: number[] = [];
  for (let i = 0; originals.length < distinct; i++) {
    const value = values[i]!;
    if (table[value]! < 0) {
      table[value] = originals.length;
      originals.push(value);
    }
  }
  return {
    keys: values,
    table,
    classCount: distinct,
    counts: Int32Array.from(originals, (value) => valueCounts[value]!),
    values: originals,
  };
}

function isIntegerTypedArray(values: unknown): values is ArrayLike<number> {
  return (
    values instanceof Int32Array ||
    values instanceof Uint8Array ||
    values instanceof Int16Array ||
    values instanceof Uint16Array ||
    values instanceof Int8Array ||
    values instanceof Uint32Array ||
    values instanceof Uint8ClampedArray
  );
}

/**
 * Validates and encodes labels (or groups) for `n` samples.
 *
 * @internal
 */
export function encodeLabels(
  functionName: string,
  argument: string,
  labels: unknown,
  n: number,
): EncodedLabels {
  const check = checkArguments(functionName);
  const isList =
    Array.isArray(labels) || (ArrayBuffer.isView(labels) && !(labels instanceof DataView));
  if (!isList) {
    check.fail(
      argument,
      labels,
      'an array or typed array with one value per sample',
      `Pass ${argument} as an Int32Array, number[] or string[] of length ${n}.`,
    );
  }
  const values = labels as ArrayLike<unknown>;
  if (values.length !== n) {
    throw new ShapeMismatchError({
      functionName,
      argument: `${argument}.length`,
      expected: n,
      actual: values.length,
      fix: `Pass one ${argument === 'groups' ? 'group id' : 'label'} per sample (n = ${n}).`,
    });
  }
  // Fast path: integers in a compact range, looked up in a dense table.
  const integerTyped = isIntegerTypedArray(values);
  if (integerTyped) {
    const small = encodeSmallIntegers(values);
    if (small !== undefined) return small;
  }
  const codes = new Int32Array(n);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let integral = true;
  if (integerTyped) {
    // Always finite integers: only the range is needed.
    for (let i = 0; i < n; i++) {
      const value = values[i]!;
      if (value < min) min = value;
      if (value > max) max = value;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const value = values[i];
      if (typeof value === 'number') {
        if (!Number.isFinite(value)) {
          check.fail(
            `${argument}[${i}]`,
            value,
            'a finite number or a string',
            `Remove or relabel samples with a missing ${argument === 'groups' ? 'group' : 'label'}.`,
          );
        }
        if (value < min) min = value;
        if (value > max) max = value;
        if (integral && !Number.isInteger(value)) integral = false;
      } else if (typeof value !== 'string') {
        check.fail(`${argument}[${i}]`, value, 'a finite number or a string');
      } else {
        integral = false;
      }
    }
  }
  const originals: (number | string)[] = [];
  let counts: Int32Array;
  if (integral && n > 0 && max - min < Math.min(denseTableLimit, 4 * n + 1024)) {
    const table = new Int32Array(max - min + 1).fill(-1);
    const codeCounts = new Int32Array(max - min + 1);
    const numbers = values as ArrayLike<number>;
    for (let i = 0; i < n; i++) {
      const slot = numbers[i]! - min;
      let code = table[slot]!;
      if (code < 0) {
        code = originals.length;
        table[slot] = code;
        originals.push(numbers[i]!);
      }
      codes[i] = code;
      codeCounts[code]! += 1;
    }
    counts = codeCounts.slice(0, originals.length);
  } else {
    const map = new Map<unknown, number>();
    const codeCounts: number[] = [];
    for (let i = 0; i < n; i++) {
      const value = values[i];
      let code = map.get(value);
      if (code === undefined) {
        code = originals.length;
        map.set(value, code);
        originals.push(value as number | string);
        codeCounts.push(0);
      }
      codes[i] = code;
      codeCounts[code]! += 1;
    }
    counts = Int32Array.from(codeCounts);
  }
  const identity = new Int32Array(originals.length);
  for (let c = 0; c < identity.length; c++) identity[c] = c;
  return { keys: codes, table: identity, classCount: originals.length, counts, values: originals };
}
