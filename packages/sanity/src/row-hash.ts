import { checkArguments, ShapeMismatchError } from '@trainkit/core';

/** Rows of numbers: a flat typed array (or number array) of `rowCount * rowLength` values, row-major. */
export type RowData =
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | readonly number[];

/** Validates rows and returns how many there are. @internal */
export function rowCountOf(
  functionName: string,
  argument: string,
  data: RowData,
  rowLength: number,
): number {
  const check = checkArguments(functionName);
  const isList = Array.isArray(data) || (ArrayBuffer.isView(data) && !(data instanceof DataView));
  if (!isList) check.fail(argument, data, 'a typed array or an array of numbers');
  if (data.length % rowLength !== 0) {
    throw new ShapeMismatchError({
      functionName,
      argument: `${argument}.length`,
      expected: `a multiple of rowLength ${rowLength}`,
      actual: data.length,
      fix: 'Pass the rows flattened row-major and the number of values per row as rowLength.',
    });
  }
  return data.length / rowLength;
}

const float64Scratch = new Float64Array(1);
const float64Bits = new Uint32Array(float64Scratch.buffer);

function mix(hash: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let h = hash ^ k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(hash: number, length: number): number {
  let h = hash ^ length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A 64-bit content hash of every row (MurmurHash3's 32-bit mixing, run with
 * two seeds), as two 32-bit halves per row: `hashes[2 r]` and `hashes[2 r + 1]`.
 * Equal rows (by value, whatever the array type: `-0` equals `0`, every NaN
 * equals every NaN) have equal hashes; different rows collide with probability about 2^-64 per pair, and
 * {@link findDuplicateRows} confirms every match value by value anyway.
 *
 * @param data - The rows, flattened row-major.
 * @param rowLength - Values per row (e.g. 784 for MNIST).
 * @returns A Uint32Array of `2 * rowCount` words.
 * @throws ShapeMismatchError when `data.length` is not a multiple of `rowLength`.
 * @example
 * ```ts
 * const hashes = hashRows(images, 784); // 2 words per image
 * ```
 */
export function hashRows(data: RowData, rowLength: number): Uint32Array {
  const check = checkArguments('hashRows');
  check.integer('rowLength', rowLength, { min: 1 });
  const rows = rowCountOf('hashRows', 'data', data, rowLength);
  const out = new Uint32Array(2 * rows);
  for (let r = 0; r < rows; r++) {
    let a = 0x9747b28c;
    let b = 0x5bd1e995;
    const start = r * rowLength;
    for (let i = start; i < start + rowLength; i++) {
      // Hash the value as a float64, canonical: -0 as 0, every NaN alike, so that
      // equal values hash alike whatever the array type.
      const value = data[i]!;
      float64Scratch[0] = value === 0 ? 0 : Number.isNaN(value) ? Number.NaN : value;
      const low = float64Bits[0]!;
      const high = float64Bits[1]!;
      a = mix(mix(a, low), high);
      b = mix(mix(b, high ^ 0x2545f491), low);
    }
    out[2 * r] = finish(a, rowLength);
    out[2 * r + 1] = finish(b, rowLength * 3);
  }
  return out;
}

/** Do two rows hold the same values (`-0` equal to `0`, NaN equal to NaN)? @internal */
export function rowsEqual(
  a: RowData,
  rowA: number,
  b: RowData,
  rowB: number,
  rowLength: number,
): boolean {
  const startA = rowA * rowLength;
  const startB = rowB * rowLength;
  for (let i = 0; i < rowLength; i++) {
    const x = a[startA + i]!;
    const y = b[startB + i]!;
    if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) return false;
  }
  return true;
}

/**
 * A short fingerprint of a whole dataset: 16 hex digits that change when any
 * value, the row order or the row count changes. Used by the test-split guard
 * to recognize the data it guards.
 *
 * @param data - The rows, flattened row-major.
 * @param rowLength - Values per row.
 * @returns 16 lowercase hex digits.
 * @example
 * ```ts
 * fingerprintRows(testImages, 784); // e.g. '3f9a0c2e51d47b86'
 * ```
 */
export function fingerprintRows(data: RowData, rowLength: number): string {
  const hashes = hashRows(data, rowLength);
  let a = 0x12345678;
  let b = 0x6a09e667;
  for (let i = 0; i < hashes.length; i += 2) {
    a = mix(a, hashes[i]!);
    b = mix(b, hashes[i + 1]!);
  }
  const rows = hashes.length / 2;
  const hex = (value: number) => value.toString(16).padStart(8, '0');
  return hex(finish(a, rows)) + hex(finish(b, rows * 3 + rowLength));
}
