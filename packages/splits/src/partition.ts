import { DrawBuffer, type Random } from '@trainkit/stats';
import type { EncodedLabels } from './encode-labels';

/**
 * Samples grouped by part: `order[offsets[p] .. offsets[p + 1])` are the
 * samples of part p, in ascending index order.
 *
 * @internal
 */
export interface Partition {
  readonly order: Int32Array;
  readonly offsets: Int32Array;
}

// For a single class: every index maps (through `i & 0`) to key 0, class 0.
const singleClassKeys = new Int32Array(1);
const singleClassTable = new Int32Array(1);

function columnOffsets(cells: Int32Array, parts: number): Int32Array {
  const offsets = new Int32Array(parts + 1);
  for (let cell = 0; cell < cells.length; cell++) offsets[(cell % parts) + 1]! += cells[cell]!;
  for (let p = 0; p < parts; p++) offsets[p + 1]! += offsets[p]!;
  return offsets;
}

/**
 * Random partition with given per-class part sizes, by drawing without
 * replacement in index order: sample i of class c goes to part p
 * with probability `open[c][p] / sum_q open[c][q]`, where `open` starts at
 * `cells` and loses one per sample drawn. Concretely: `r = nextInt(sum_q
 * open[c][q])`, then p is the first part whose cumulative open count exceeds
 * r. Every arrangement with the given sizes is equally likely (an urn emptied
 * one ball at a time), and the single pass reads and writes memory
 * sequentially, which makes splits of 10^7 samples fast.
 *
 * @param classes - The encoded labels, or undefined for a single class.
 * @param cells - classes x parts sizes, row-major (not modified).
 * @param parts - Number of parts.
 * @param n - Number of samples.
 * @param random - The generator (advanced by one `nextInt` per sample, plus rejections).
 * @internal
 */
export function drawPartition(
  classes: EncodedLabels | undefined,
  cells: Int32Array,
  parts: number,
  n: number,
  random: Random,
): Partition {
  const open = cells.slice();
  const classCount = open.length / parts;
  const left = new Int32Array(classCount);
  for (let c = 0; c < classCount; c++) {
    for (let p = 0; p < parts; p++) left[c]! += open[c * parts + p]!;
  }
  const offsets = columnOffsets(cells, parts);
  const cursors = offsets.slice(0, parts);
  const order = new Int32Array(n);
  // Buffered PCG32 draws, consumed exactly like Random.nextInt (see DrawBuffer).
  const draws = new DrawBuffer(random);
  // Sample i's class is table[keys[i]]; one class: keys all 0 via a zero table.
  const keys = classes === undefined ? singleClassKeys : classes.keys;
  const table = classes === undefined ? singleClassTable : classes.table;
  const keyMask = classes === undefined ? 0 : -1;
  for (let i = 0; i < n; i++) {
    const c = table[keys[i & keyMask]!]!;
    const base = c * parts;
    const bound = left[c]!;
    let r = draws.bounded(bound, n - i);
    let p = 0;
    while (r >= open[base + p]!) {
      r -= open[base + p]!;
      p++;
    }
    open[base + p]! -= 1;
    left[c] = bound - 1;
    order[cursors[p]!] = i;
    cursors[p]! += 1;
  }
  return { order, offsets };
}

/**
 * Deterministic partition with given per-class part sizes: each class's
 * members, in index order, fill part 0, then part 1, and so on.
 *
 * @internal
 */
export function blockPartition(
  classes: EncodedLabels | undefined,
  cells: Int32Array,
  parts: number,
  n: number,
): Partition {
  const classCount = cells.length / parts;
  const part = new Int32Array(classCount);
  const leftInBlock = new Int32Array(classCount);
  for (let c = 0; c < classCount; c++) leftInBlock[c] = cells[c * parts]!;
  const keys = classes === undefined ? singleClassKeys : classes.keys;
  const table = classes === undefined ? singleClassTable : classes.table;
  const keyMask = classes === undefined ? 0 : -1;
  const offsets = columnOffsets(cells, parts);
  const cursors = offsets.slice(0, parts);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = table[keys[i & keyMask]!]!;
    while (leftInBlock[c] === 0) {
      part[c]! += 1;
      leftInBlock[c] = cells[c * parts + part[c]!]!;
    }
    leftInBlock[c]! -= 1;
    const p = part[c]!;
    order[cursors[p]!] = i;
    cursors[p]! += 1;
  }
  return { order, offsets };
}

/**
 * Partition from a part per sample.
 *
 * @internal
 */
export function partitionOf(partOf: Int32Array, parts: number): Partition {
  const offsets = new Int32Array(parts + 1);
  for (let i = 0; i < partOf.length; i++) offsets[partOf[i]! + 1]! += 1;
  for (let p = 0; p < parts; p++) offsets[p + 1]! += offsets[p]!;
  const cursors = offsets.slice(0, parts);
  const order = new Int32Array(partOf.length);
  for (let i = 0; i < partOf.length; i++) {
    const p = partOf[i]!;
    order[cursors[p]!] = i;
    cursors[p]! += 1;
  }
  return { order, offsets };
}

/**
 * The parts of a partition as separate (copied) arrays.
 *
 * @internal
 */
export function partsOf(partition: Partition): Int32Array[] {
  const { order, offsets } = partition;
  return Array.from({ length: offsets.length - 1 }, (_, p) =>
    order.slice(offsets[p]!, offsets[p + 1]!),
  );
}
