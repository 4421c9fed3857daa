import { type BulkSource, createRandom, type Random, xoshiroFrom } from '@trainkit/stats';
import type { EncodedLabels } from './encode-labels';
import type { FoldAssignment } from './fold-assignment';

/**
 * Fold ids of a dealt sequence: bytes for up to 256 folds, else int32.
 *
 * @internal
 */
export type FoldSequence = Uint8Array | Int32Array;

const wordsPerBlock = 4096;

/**
 * Bits per chunk of a 32-bit draw used for one fold digit in [0, k): 8 for
 * k <= 16, 16 for k <= 4096, otherwise 32 (one whole draw).
 *
 * @internal
 */
export function digitBits(k: number): 8 | 16 | 32 {
  return k <= 16 ? 8 : k <= 4096 ? 16 : 32;
}

/**
 * Fills `target[0..count)` with independent integers uniform in [0, k) from
 * the outputs of `source`.
 *
 * Each 32-bit output is cut into chunks of b = {@link digitBits}(k) bits,
 * least significant first. A chunk x becomes a digit by Lemire's
 * multiply-shift with rejection (D. Lemire, "Fast Random Integer Generation
 * in an Interval", ACM TOMACS 29(1), 2019): `m = x * k`; the chunk is
 * rejected when `m mod 2^b < 2^b mod k`, otherwise the digit is
 * `floor(m / 2^b)`. Exactly uniform; for k a power of two nothing is
 * rejected. With b = 8 one output gives up to 4 digits (k = 5: 1 chunk in
 * 256 rejected), so 10^7 samples need about 2.5 million outputs. For b = 32
 * the digit is `r mod k` of the first output `r >= 2^32 mod k`
 * (`pcg32_boundedrand_r`'s rule). Digits left over in the last output are
 * discarded.
 *
 * @internal
 */
export function fillFoldDigits(
  target: FoldSequence,
  count: number,
  k: number,
  source: BulkSource,
): void {
  const buffer = new Uint32Array(wordsPerBlock);
  const bits = digitBits(k);
  const threshold = bits === 8 ? 256 % k : bits === 16 ? 65536 % k : 4294967296 % k;
  let i = 0;
  let w = wordsPerBlock;
  if (bits === 8) {
    // Unrolled: 4 chunks per output, stored without a bounds test while 4 fit.
    while (i <= count - 4) {
      if (w === wordsPerBlock) {
        source.fill(buffer, wordsPerBlock);
        w = 0;
      }
      const x = buffer[w++]!;
      let m = (x & 0xff) * k;
      if ((m & 0xff) >= threshold) target[i++] = m >>> 8;
      m = ((x >>> 8) & 0xff) * k;
      if ((m & 0xff) >= threshold) target[i++] = m >>> 8;
      m = ((x >>> 16) & 0xff) * k;
      if ((m & 0xff) >= threshold) target[i++] = m >>> 8;
      m = (x >>> 24) * k;
      if ((m & 0xff) >= threshold) target[i++] = m >>> 8;
    }
  }
  const mask = bits === 32 ? 0 : (1 << bits) - 1;
  while (i < count) {
    if (w === wordsPerBlock) {
      source.fill(buffer, wordsPerBlock);
      w = 0;
    }
    let x = buffer[w++]!;
    if (bits === 32) {
      if (x >= threshold) target[i++] = x % k;
      continue;
    }
    for (let shift = 0; shift < 32 && i < count; shift += bits) {
      const m = (x & mask) * k;
      x >>>= bits;
      if ((m & mask) >= threshold) target[i++] = m >>> bits;
    }
  }
}

/**
 * Turns `sequence[start .. start + length)`, independent uniform fold
 * digits, into a uniformly random arrangement with exactly `targets[f]`
 * entries of each fold f (the targets sum to `length`).
 *
 * With `m_f` entries of fold f and `e_f = max(0, m_f - targets[f])` excess
 * ones, picking the excess by rejection (below) takes `T = sum over f of
 * sum over r < e_f of length / (m_f - r)` draws on average. When T <=
 * length (always for large classes and few folds: about k^1.5 sqrt(length)
 * draws), for each fold f in order with `e_f > 0`, `e_f` times: draw
 * positions `start + nextInt(length)` until one holds f, and overwrite it with
 * the next missing fold, taken in fold order (fold g with `m_g < targets[g]`
 * repeated `targets[g] - m_g` times). Otherwise (many folds with few entries
 * each, where rejection would be slow) the segment is rewritten as fold 0
 * repeated `targets[0]` times, then fold 1, ..., and shuffled by Fisher-Yates
 * ({@link Random.shuffle}'s draws), one draw per entry.
 *
 * Why the result is uniform: independent digits are exchangeable (their
 * distribution does not change when positions are permuted), also given
 * their counts, and the correction treats positions symmetrically (it picks
 * among the entries of a fold uniformly, whatever their positions; the
 * choice between the two methods depends only on the counts), so the result
 * is exchangeable too. All arrangements with the same fold counts are
 * permutations of each other, so an exchangeable distribution over them is
 * uniform.
 *
 * @internal
 */
export function correctFoldCounts(
  sequence: FoldSequence,
  start: number,
  length: number,
  targets: ArrayLike<number>,
  k: number,
  generator: Random,
): void {
  const counts = countFolds(sequence, start, length, k);
  if (expectedPickDraws(counts, targets, length) > length) {
    let j = start;
    for (let f = 0; f < k; f++) for (let r = 0; r < targets[f]!; r++) sequence[j++] = f;
    generator.shuffle(sequence.subarray(start, start + length));
    return;
  }
  let missingFold = 0;
  for (let f = 0; f < k; f++) {
    for (let excess = counts[f]! - targets[f]!; excess > 0; excess--) {
      let j: number;
      do j = start + generator.nextInt(length);
      while (sequence[j] !== f);
      while (counts[missingFold]! >= targets[missingFold]!) missingFold++;
      sequence[j] = missingFold;
      counts[missingFold]! += 1;
    }
  }
}

/**
 * Expected draws of the rejection picks (see {@link correctFoldCounts}),
 * summed until it exceeds `length`.
 */
function expectedPickDraws(counts: Int32Array, targets: ArrayLike<number>, length: number): number {
  let draws = 0;
  for (let f = 0; f < counts.length; f++) {
    for (let r = 0; r < counts[f]! - targets[f]!; r++) {
      draws += length / (counts[f]! - r);
      if (draws > length) return draws;
    }
  }
  return draws;
}

/** Entries of each fold in `sequence[start .. start + length)`. */
function countFolds(sequence: FoldSequence, start: number, length: number, k: number): Int32Array {
  // Four interleaved histograms: consecutive increments rarely hit the same
  // counter, so they do not wait for each other.
  const lanes = new Int32Array(4 * k);
  const end = start + length;
  let j = start;
  for (; j + 4 <= end; j += 4) {
    lanes[sequence[j]!]! += 1;
    lanes[k + sequence[j + 1]!]! += 1;
    lanes[2 * k + sequence[j + 2]!]! += 1;
    lanes[3 * k + sequence[j + 3]!]! += 1;
  }
  for (; j < end; j++) lanes[sequence[j]!]! += 1;
  const counts = new Int32Array(k);
  for (let f = 0; f < k; f++)
    counts[f] = lanes[f]! + lanes[k + f]! + lanes[2 * k + f]! + lanes[3 * k + f]!;
  return counts;
}

/**
 * Random assignment of 0..n-1 to k folds with the given per-class fold
 * sizes, every assignment with these sizes equally likely: the shuffle of
 * `kFold` and `stratifiedKFold` ("dealing" the folds class by class).
 *
 * Definition (so that results can be reproduced elsewhere):
 * 1. `digits` = xoshiro128** seeded with the first four outputs of
 *    PCG32(seed, stream 0) ({@link xoshiroFrom}); `picks` = PCG32(seed,
 *    stream 1).
 * 2. `sequence` = n fold digits from `digits` ({@link fillFoldDigits}).
 * 3. Class c (classes in order of first appearance) owns `sequence[s_c ..
 *    s_c + n_c)`, where `s_c` is the total size of the classes before it;
 *    {@link correctFoldCounts} with `picks` makes its fold counts equal to row
 *    c of `cells`, classes in order.
 * 4. The j-th member of class c (index order) goes to fold `sequence[s_c + j]`.
 *
 * Cost: n/4 xoshiro128** outputs (k <= 16), one sequential pass to write the digits,
 * one to count them, a few thousand picks for the correction (about
 * sqrt(n_c) per class), and one pass over the labels; no division and no
 * data-dependent branch per sample.
 *
 * @param classes - The encoded labels, or undefined for a single class.
 * @param cells - classes x k fold sizes, row-major (not modified).
 * @param k - Number of folds.
 * @param n - Number of samples.
 * @param seed - The seed (a safe integer in [0, 2^53)).
 * @internal
 */
export function dealFolds(
  classes: EncodedLabels | undefined,
  cells: Int32Array,
  k: number,
  n: number,
  seed: number,
): FoldAssignment {
  const digits = xoshiroFrom(createRandom({ seed, stream: 0 }));
  const picks = createRandom({ seed, stream: 1 });
  const sequence: FoldSequence = k <= 256 ? new Uint8Array(n) : new Int32Array(n);
  fillFoldDigits(sequence, n, k, digits);
  const classCount = cells.length / k;
  const starts = new Int32Array(classCount + 1);
  const sizes = new Int32Array(k);
  for (let c = 0; c < classCount; c++) {
    let size = 0;
    for (let f = 0; f < k; f++) {
      size += cells[c * k + f]!;
      sizes[f]! += cells[c * k + f]!;
    }
    starts[c + 1] = starts[c]! + size;
    correctFoldCounts(sequence, starts[c]!, size, cells.subarray(c * k, (c + 1) * k), k, picks);
  }
  if (classes === undefined || classCount === 1) return { foldOf: sequence, sizes };
  const foldOf: FoldSequence = k <= 256 ? new Uint8Array(n) : new Int32Array(n);
  const { keys, table } = classes;
  const next = starts.slice(0, classCount);
  for (let i = 0; i < n; i++) foldOf[i] = sequence[next[table[keys[i]!]!]!++]!;
  return { foldOf, sizes };
}
