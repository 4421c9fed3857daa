import { checkArguments } from '@trainkit/core';

/** Ratios may deviate from summing to 1 by at most this much. */
export const ratioSumTolerance = 1e-9;
/** Quotas within this distance below an integer count as that integer (float noise). */
const snapTolerance = 1e-9;

/**
 * Validates split ratios: at least two, each finite and >= 0, summing to 1
 * within 1e-9. Returns them normalized to sum exactly 1 (in floating point).
 *
 * @internal
 */
export function checkRatios(functionName: string, ratios: unknown): number[] {
  const check = checkArguments(functionName);
  const fix = 'Pass fractions that sum to 1, e.g. [0.8, 0.1, 0.1].';
  if (!Array.isArray(ratios) || ratios.length < 2) {
    check.fail('ratios', ratios, 'an array of at least 2 fractions', fix);
  }
  const list = ratios as unknown[];
  let sum = 0;
  for (let p = 0; p < list.length; p++) {
    check.number(`ratios[${p}]`, list[p], { min: 0, max: 1, fix });
    sum += list[p] as number;
  }
  if (!(Math.abs(sum - 1) <= ratioSumTolerance)) {
    check.fail(
      'ratios',
      list,
      `fractions summing to 1 (within ${ratioSumTolerance}), their sum is ${sum}`,
      fix,
    );
  }
  return (list as number[]).map((ratio) => ratio / sum);
}

/**
 * A fractional remainder rounded to 1e-9, so that remainders equal in exact
 * arithmetic (15/205 and 97/205 of 280 both leave 100/205) compare as ties
 * and go to the lower index whatever the float noise.
 */
function quantize(remainder: number): number {
  return Math.max(0, Math.round(remainder * 1e9));
}

/** floor(q), except that a q within 1e-9 below an integer counts as that integer. */
function snappedFloor(quota: number): number {
  const floor = Math.floor(quota);
  return quota - floor > 1 - snapTolerance ? floor + 1 : floor;
}

/**
 * Largest-remainder (Hamilton) apportionment of `n` items over `ratios`.
 *
 * Each part first gets `floor(ratio * n)`; the items left over (fewer than the
 * number of parts) go one each to the parts with the largest fractional
 * remainders `ratio * n - floor(ratio * n)`, ties to the lower part index.
 * Quotas within 1e-9 below an integer count as that integer, so that float
 * noise (0.7 * 10 = 7.000000000000001, 0.29 * 100 = 28.999999999999996) never
 * changes a size, and remainders are compared rounded to 1e-9 so that exact
 * ties stay ties. Each size is `floor` or `ceil` of its exact quota and the
 * sizes sum to `n`.
 *
 * This is the rounding rule of every ratio split in this package except
 * {@link trainTestSplit}, which reproduces scikit-learn's rule instead.
 *
 * @param n - Number of items, a non-negative integer.
 * @param ratios - Fractions, each >= 0, summing to 1 within 1e-9.
 * @returns The size of each part.
 *
 * @example
 * ```ts
 * splitSizes(11, [0.8, 0.2]); // Int32Array [9, 2]: quotas 8.8 and 2.2, remainder .8 wins
 * splitSizes(5, [0.8, 0.1, 0.1]); // Int32Array [4, 1, 0]: tie .5/.5 goes to the lower index
 * ```
 */
export function splitSizes(n: number, ratios: readonly number[]): Int32Array {
  checkArguments('splitSizes').integer('n', n, { min: 0 });
  return largestRemainder(n, checkRatios('splitSizes', ratios));
}

/** {@link splitSizes} without validation; `ratios` sum to 1. @internal */
export function largestRemainder(n: number, ratios: readonly number[]): Int32Array {
  const parts = ratios.length;
  const sizes = new Int32Array(parts);
  const remainders = new Float64Array(parts);
  let assigned = 0;
  for (let p = 0; p < parts; p++) {
    const quota = ratios[p]! * n;
    const base = Math.min(snappedFloor(quota), n);
    sizes[p] = base;
    assigned += base;
    remainders[p] = quantize(quota - base);
  }
  // More than n assigned can only come from snapping; take it back from the smallest remainders.
  while (assigned > n) {
    let pick = -1;
    for (let p = 0; p < parts; p++) {
      if (sizes[p]! > 0 && (pick < 0 || remainders[p]! < remainders[pick]!)) pick = p;
    }
    sizes[pick]! -= 1;
    remainders[pick] = 1e9;
    assigned -= 1;
  }
  const order = Array.from({ length: parts }, (_, p) => p).sort(
    (a, b) => remainders[b]! - remainders[a]! || a - b,
  );
  for (let extra = 0; assigned < n; extra++) {
    sizes[order[extra % parts]!]! += 1;
    assigned += 1;
  }
  return sizes;
}

/**
 * Per-class part sizes for a stratified split: a classCount x parts matrix
 * (row-major) whose row c sums to `counts[c]`, whose column p sums to
 * `targets[p]`, and whose every cell is `floor` or `ceil` of its exact quota
 * `ratios[p] * counts[c]`.
 *
 * Rule: every cell starts at `floor(quota)` (snapped like {@link splitSizes});
 * the missing items of each class then go to parts in order of decreasing
 * fractional remainder (ties: lower class, then lower part), as long as the
 * class and the part both still miss items, each cell receiving at most one;
 * what this greedy pass cannot place is placed by augmenting paths
 * (reassigning earlier extras), which always succeeds when the totals are
 * consistent. Deterministic: it depends only on the counts.
 *
 * @internal
 */
export function stratifiedSizes(
  counts: ArrayLike<number>,
  ratios: readonly number[],
  targets: ArrayLike<number>,
): Int32Array {
  const classes = counts.length;
  const parts = ratios.length;
  const cells = new Int32Array(classes * parts);
  const remainders = new Float64Array(classes * parts);
  const rowNeed = new Int32Array(classes);
  const columnNeed = new Int32Array(parts);
  for (let p = 0; p < parts; p++) columnNeed[p] = targets[p]!;
  for (let c = 0; c < classes; c++) {
    const count = counts[c]!;
    let assigned = 0;
    for (let p = 0; p < parts; p++) {
      const quota = ratios[p]! * count;
      const base = Math.min(snappedFloor(quota), count);
      cells[c * parts + p] = base;
      remainders[c * parts + p] = quantize(quota - base);
      assigned += base;
      columnNeed[p]! -= base;
    }
    rowNeed[c] = count - assigned;
  }
  // A snapped floor can overshoot a column by a few items; give them back.
  for (let p = 0; p < parts; p++) {
    for (let c = 0; columnNeed[p]! < 0 && c < classes; c++) {
      const cell = c * parts + p;
      if (cells[cell]! > 0) {
        cells[cell]! -= 1;
        columnNeed[p]! += 1;
        rowNeed[c]! += 1;
      }
    }
  }
  // extra[cell] = 1 when the cell got its ceiling.
  const extra = new Uint8Array(classes * parts);
  const allowed = (cell: number, pass: number) =>
    extra[cell] === 0 && (pass === 0 ? remainders[cell]! > 0 : true);
  const candidates = Array.from({ length: classes * parts }, (_, cell) => cell)
    .filter((cell) => remainders[cell]! > 0)
    .sort((a, b) => remainders[b]! - remainders[a]! || a - b);
  for (const cell of candidates) {
    const c = Math.floor(cell / parts);
    const p = cell - c * parts;
    if (rowNeed[c]! > 0 && columnNeed[p]! > 0) {
      extra[cell] = 1;
      rowNeed[c]! -= 1;
      columnNeed[p]! -= 1;
    }
  }
  // Augmenting paths for what the greedy pass left: row -> part (free cell) -> row (cell with extra) ...
  // reachedThrough[row]: the part through which the search reached `row`.
  const reachedThrough = new Int32Array(classes);
  for (let pass = 0; pass < 2; pass++) {
    for (let start = 0; start < classes; start++) {
      while (rowNeed[start]! > 0) {
        if (!augment(start, pass)) break;
      }
    }
  }
  for (let cell = 0; cell < extra.length; cell++) cells[cell]! += extra[cell]!;
  return cells;

  function augment(start: number, pass: number): boolean {
    const previousRow = new Int32Array(parts).fill(-1);
    const visitedRow = new Uint8Array(classes);
    visitedRow[start] = 1;
    const queue = [start];
    for (let head = 0; head < queue.length; head++) {
      const c = queue[head]!;
      for (let p = 0; p < parts; p++) {
        if (previousRow[p] !== -1 || !allowed(c * parts + p, pass)) continue;
        previousRow[p] = c;
        if (columnNeed[p]! > 0) {
          // Flip the path back to start.
          let part = p;
          let row = c;
          for (;;) {
            extra[row * parts + part] = 1;
            if (row === start) break;
            // row reached `part` through a column q where it held an extra; release it.
            const q = reachedThrough[row]!;
            extra[row * parts + q] = 0;
            part = q;
            row = previousRow[q]!;
          }
          rowNeed[start]! -= 1;
          columnNeed[p]! -= 1;
          return true;
        }
        for (let r = 0; r < classes; r++) {
          if (!visitedRow[r] && extra[r * parts + p] === 1) {
            visitedRow[r] = 1;
            reachedThrough[r] = p;
            queue.push(r);
          }
        }
      }
    }
    return false;
  }
}
