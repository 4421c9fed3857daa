import { checkArguments, ShapeMismatchError } from '@trainkit/core';

/**
 * Class labels or group ids, one per sample: numbers (any typed array or
 * number[]) or strings. Values are compared by identity (`===`); the order of
 * classes is the order of first appearance (as scikit-learn's
 * `StratifiedKFold` encodes them).
 */
export type Labels = ArrayLike<number> | ArrayLike<string>;

/** Labels encoded as dense class codes 0..classCount-1 in order of first appearance. */
export interface EncodedLabels {
  /** The code of each sample. */
  readonly codes: Int32Array;
  /** Number of distinct values. */
  readonly classCount: number;
  /** Members per class, indexed by code. */
  readonly counts: Int32Array;
  /** The original value of each code. */
  readonly values: readonly (number | string)[];
}

/** Labels sorted by class: `order[offsets[c] .. offsets[c + 1])` are the members of class c, ascending. */
export interface ClassOrder {
  readonly order: Int32Array;
  readonly offsets: Int32Array;
}

const denseTableLimit = 1 << 24;

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
  const codes = new Int32Array(n);
  // Fast path: integers in a compact range, looked up in a dense table.
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let integral = true;
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
  const originals: (number | string)[] = [];
  let counts: number[] = [];
  if (integral && n > 0 && max - min < Math.min(denseTableLimit, 4 * n + 1024)) {
    const table = new Int32Array(max - min + 1).fill(-1);
    const numbers = values as ArrayLike<number>;
    for (let i = 0; i < n; i++) {
      const slot = numbers[i]! - min;
      let code = table[slot]!;
      if (code < 0) {
        code = originals.length;
        table[slot] = code;
        originals.push(numbers[i]!);
        counts.push(0);
      }
      codes[i] = code;
      counts[code]! += 1;
    }
  } else {
    const map = new Map<unknown, number>();
    counts = [];
    for (let i = 0; i < n; i++) {
      const value = values[i];
      let code = map.get(value);
      if (code === undefined) {
        code = originals.length;
        map.set(value, code);
        originals.push(value as number | string);
        counts.push(0);
      }
      codes[i] = code;
      counts[code]! += 1;
    }
  }
  return {
    codes,
    classCount: originals.length,
    counts: Int32Array.from(counts),
    values: originals,
  };
}

/**
 * Counting sort of sample indices by class code; stable, so each class's
 * members stay in ascending index order.
 *
 * @internal
 */
export function sortByClass(encoded: EncodedLabels): ClassOrder {
  const { codes, classCount, counts } = encoded;
  const offsets = new Int32Array(classCount + 1);
  for (let c = 0; c < classCount; c++) offsets[c + 1] = offsets[c]! + counts[c]!;
  const cursor = offsets.slice(0, classCount);
  const order = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    order[cursor[code]!] = i;
    cursor[code]! += 1;
  }
  return { order, offsets };
}

/**
 * Collects, for each part 0..partCount-1, the indices i with `partOf[i] === part`
 * in ascending order.
 *
 * @internal
 */
export function collectParts(
  partOf: Int32Array,
  partCount: number,
  sizes?: ArrayLike<number>,
): Int32Array[] {
  let partSizes = sizes;
  if (partSizes === undefined) {
    const counted = new Int32Array(partCount);
    for (let i = 0; i < partOf.length; i++) counted[partOf[i]!]! += 1;
    partSizes = counted;
  }
  const parts = Array.from({ length: partCount }, (_, p) => new Int32Array(partSizes[p]!));
  const cursor = new Int32Array(partCount);
  for (let i = 0; i < partOf.length; i++) {
    const part = partOf[i]!;
    parts[part]![cursor[part]!] = i;
    cursor[part]! += 1;
  }
  return parts;
}
