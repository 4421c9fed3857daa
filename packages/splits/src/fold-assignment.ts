import type { Partition } from './partition';

/**
 * The fold of every sample: `foldOf[i]` in [0, k). Bytes when k <= 256
 * (a quarter of the memory of an index array, and the fast path of
 * {@link splitByFold}), int32 otherwise.
 *
 * @internal
 */
export interface FoldAssignment {
  readonly foldOf: Uint8Array | Int32Array;
  /** Number of samples in each fold (length k). */
  readonly sizes: Int32Array;
}

/**
 * A {@link FoldAssignment} from any per-sample fold array.
 *
 * @internal
 */
export function foldAssignment(foldOf: ArrayLike<number>, k: number): FoldAssignment {
  const compact = k <= 256 ? new Uint8Array(foldOf.length) : new Int32Array(foldOf.length);
  const sizes = new Int32Array(k);
  for (let i = 0; i < foldOf.length; i++) {
    const f = foldOf[i]!;
    compact[i] = f;
    sizes[f]! += 1;
  }
  return { foldOf: compact, sizes };
}

/**
 * A {@link FoldAssignment} from a partition (part p = fold p).
 *
 * @internal
 */
export function partitionAssignment(partition: Partition): FoldAssignment {
  const { order, offsets } = partition;
  const k = offsets.length - 1;
  const foldOf = k <= 256 ? new Uint8Array(order.length) : new Int32Array(order.length);
  const sizes = new Int32Array(k);
  for (let f = 0; f < k; f++) {
    sizes[f] = offsets[f + 1]! - offsets[f]!;
    for (let j = offsets[f]!; j < offsets[f + 1]!; j++) foldOf[order[j]!] = f;
  }
  return { foldOf, sizes };
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Tables of the 8-samples-at-a-time split: for a mask m of 8 samples (bit b
 * set when the sample in byte b of two consecutive 32-bit words belongs to
 * the set being written), `positions[8 m .. 8 m + count[m])` are the offsets
 * of those samples in ascending order. Byte b of a word holds sample b on a
 * little-endian platform and sample 3 - b on a big-endian one.
 *
 * @internal
 */
export function maskTables(isLittleEndian: boolean): {
  positions: Int32Array;
  count: Int32Array;
} {
  const positions = new Int32Array(256 * 8);
  const count = new Int32Array(256);
  for (let m = 0; m < 256; m++) {
    let c = 0;
    for (let offset = 0; offset < 8; offset++) {
      const bit = isLittleEndian ? offset : (offset & 4) | (3 - (offset & 3));
      if ((m >>> bit) & 1) positions[m * 8 + c++] = offset;
    }
    count[m] = c;
  }
  return { positions, count };
}

const tables = maskTables(littleEndian);

/**
 * Splits 0..n-1 into the samples of fold `fold` (validation) and all others
 * (train), both ascending: one pass over `foldOf`.
 *
 * For byte folds the pass reads 8 samples at a time as two 32-bit words:
 * `x = word ^ (fold * 0x01010101)` has a zero byte exactly where the sample
 * is in the fold; `((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x` sets the top bit of
 * every non-zero byte (no carry crosses bytes), and a multiplication by
 * 0x01020408 gathers those four bits into a nibble. The 8-bit mask indexes
 * {@link maskTables}: 8 unconditional stores of `base + positions[...]` to
 * each output, then each cursor advances by its count (the surplus stores are
 * overwritten by the next step). No branch depends on the data, and V8
 * compiles the loop to straight-line integer code; near the ends of the
 * outputs, where 8 stores could pass the end, a plain loop finishes.
 *
 * @internal
 */
export function splitByFold(
  foldOf: Uint8Array | Int32Array,
  fold: number,
  validationSize: number,
): { train: Int32Array; validation: Int32Array } {
  const n = foldOf.length;
  const train = new Int32Array(n - validationSize);
  const validation = new Int32Array(validationSize);
  let t = 0;
  let v = 0;
  let i = 0;
  if (foldOf instanceof Uint8Array && foldOf.byteOffset % 4 === 0) {
    const words = new Uint32Array(foldOf.buffer, foldOf.byteOffset, n >>> 2);
    const steps = n >>> 3;
    const { positions, count } = tables;
    const repeated = Math.imul(fold, 0x01010101);
    const lastTrain = train.length - 8;
    const lastValidation = validation.length - 8;
    let step = 0;
    for (; step < steps && t <= lastTrain && v <= lastValidation; step++) {
      const x0 = words[2 * step]! ^ repeated;
      const x1 = words[2 * step + 1]! ^ repeated;
      const nonZero0 = ((((x0 & 0x7f7f7f7f) + 0x7f7f7f7f) | x0) >>> 7) & 0x01010101;
      const nonZero1 = ((((x1 & 0x7f7f7f7f) + 0x7f7f7f7f) | x1) >>> 7) & 0x01010101;
      const trainMask =
        (Math.imul(nonZero0, 0x01020408) >>> 24) |
        ((Math.imul(nonZero1, 0x01020408) >>> 20) & 0xf0);
      const base = step << 3;
      const p = trainMask << 3;
      train[t] = base + positions[p]!;
      train[t + 1] = base + positions[p + 1]!;
      train[t + 2] = base + positions[p + 2]!;
      train[t + 3] = base + positions[p + 3]!;
      train[t + 4] = base + positions[p + 4]!;
      train[t + 5] = base + positions[p + 5]!;
      train[t + 6] = base + positions[p + 6]!;
      train[t + 7] = base + positions[p + 7]!;
      t += count[trainMask]!;
      const q = (trainMask ^ 0xff) << 3;
      validation[v] = base + positions[q]!;
      validation[v + 1] = base + positions[q + 1]!;
      validation[v + 2] = base + positions[q + 2]!;
      validation[v + 3] = base + positions[q + 3]!;
      validation[v + 4] = base + positions[q + 4]!;
      validation[v + 5] = base + positions[q + 5]!;
      validation[v + 6] = base + positions[q + 6]!;
      validation[v + 7] = base + positions[q + 7]!;
      v += 8 - count[trainMask]!;
    }
    i = step << 3;
  }
  for (; i < n; i++) {
    if (foldOf[i] === fold) validation[v++] = i;
    else train[t++] = i;
  }
  return { train, validation };
}
