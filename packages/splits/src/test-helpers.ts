// Assertions shared by the tests (not exported from the package).

import { createRandom } from '@trainkit/stats';
import { expect } from 'vitest';
import type { Folds } from './folds';

/** Every index 0..n-1 appears in exactly one of `parts`, and each part is ascending. */
export function expectPartition(parts: readonly ArrayLike<number>[], n: number): void {
  const seen = new Uint8Array(n);
  let total = 0;
  for (const part of parts) {
    expectAscending(part);
    for (let i = 0; i < part.length; i++) {
      const index = part[i]!;
      if (!(index >= 0 && index < n && seen[index] === 0)) {
        expect.fail(`index ${index} is out of range or appears twice`);
      }
      seen[index] = 1;
    }
    total += part.length;
  }
  expect(total).toBe(n);
}

/** Strictly ascending. */
export function expectAscending(values: ArrayLike<number>): void {
  for (let i = 1; i < values.length; i++) {
    if (!(values[i - 1]! < values[i]!)) {
      expect.fail(`not ascending at ${i}: ${values[i - 1]} then ${values[i]}`);
    }
  }
}

/**
 * Each fold's train and validation are disjoint and together cover 0..n-1, and
 * the validation sets of each repetition partition 0..n-1.
 */
export function expectPartitionFolds(folds: Folds, k: number): void {
  const n = folds.sampleCount;
  const repetitions = folds.length / k;
  for (let r = 0; r < repetitions; r++) {
    const validations: Int32Array[] = [];
    for (let f = 0; f < k; f++) {
      const fold = folds.fold(r * k + f);
      expect(fold.index).toBe(r * k + f);
      expect(fold.repetition).toBe(r);
      expect(fold.validation.length).toBe(folds.validationSizes[r * k + f]);
      expectPartition([fold.train, fold.validation], n);
      validations.push(fold.validation);
    }
    expectPartition(validations, n);
  }
}

/** Number of occurrences of each value of `labels` among `indices`. */
export function classCounts(
  labels: ArrayLike<number | string>,
  indices: ArrayLike<number>,
): Map<number | string, number> {
  const counts = new Map<number | string, number>();
  for (let i = 0; i < indices.length; i++) {
    const label = labels[indices[i]!]!;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return counts;
}

/**
 * xoshiro128** written independently with BigInt arithmetic (the reference C
 * code's uint32_t operations), returning a function giving the next output.
 */
export function referenceXoshiro(state: readonly number[]): () => number {
  const mask = 0xffffffffn;
  const s = state.map((x) => BigInt(x) & mask);
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & mask;
  return () => {
    const result = (rotl((s[1]! * 5n) & mask, 7n) * 9n) & mask;
    const t = (s[1]! << 9n) & mask;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11n);
    return Number(result);
  };
}

/** The documented digit source: xoshiro128** seeded by four PCG32(seed, stream 0) outputs. */
export function referenceDigitSource(seed: number): () => number {
  const pcg = createRandom({ seed, stream: 0 });
  return referenceXoshiro([pcg.nextUint32(), pcg.nextUint32(), pcg.nextUint32(), pcg.nextUint32()]);
}

/**
 * The documented digit rule, written independently with plain arithmetic:
 * each output cut into b-bit chunks, least significant first; chunk x gives
 * floor(x * k / 2^b) unless (x * k) mod 2^b < 2^b mod k; for b = 32 the
 * output r gives r mod k unless r < 2^32 mod k.
 */
export function referenceDigits(count: number, k: number, next: () => number): number[] {
  const bits = k <= 16 ? 8 : k <= 4096 ? 16 : 32;
  const range = 2 ** bits;
  const digits: number[] = [];
  while (digits.length < count) {
    const x = next();
    for (let shift = 0; shift < 32 && digits.length < count; shift += bits) {
      const chunk = Math.floor(x / 2 ** shift) % range;
      const m = chunk * k;
      if (bits === 32) {
        if (chunk >= range % k) digits.push(chunk % k);
      } else if (m % range >= range % k) {
        digits.push(Math.floor(m / range));
      }
    }
  }
  return digits;
}

/** The documented dealing, written independently (arrays, no buffers). */
export function referenceDeal(
  labels: readonly number[],
  k: number,
  targetsOf: (classSize: number, classIndex: number, start: number) => number[],
  seed: number,
): number[] {
  const n = labels.length;
  const sequence = referenceDigits(n, k, referenceDigitSource(seed));
  const picks = createRandom({ seed, stream: 1 });
  const classes: number[] = [];
  for (const label of labels) if (!classes.includes(label)) classes.push(label);
  const members = classes.map((value) =>
    labels.flatMap((label, i) => (label === value ? [i] : [])),
  );
  let start = 0;
  const starts: number[] = [];
  members.forEach((indices, c) => {
    starts.push(start);
    const size = indices.length;
    const targets = targetsOf(size, c, start);
    const counts = new Array<number>(k).fill(0);
    for (let j = start; j < start + size; j++) counts[sequence[j]!]! += 1;
    // Expected rejection draws: sum of size / (m_f - r) over the excess entries.
    let expected = 0;
    for (let f = 0; f < k; f++) {
      for (let r = 0; r < counts[f]! - targets[f]!; r++) expected += size / (counts[f]! - r);
    }
    if (expected > size) {
      // Fold multiset in fold order, shuffled like Random.shuffle.
      const segment = targets.flatMap((count, f) => new Array<number>(count).fill(f));
      picks.shuffle(segment);
      sequence.splice(start, size, ...segment);
      start += size;
      return;
    }
    for (let f = 0; f < k; f++) {
      while (counts[f]! > targets[f]!) {
        let j = start + picks.nextInt(size);
        while (sequence[j] !== f) j = start + picks.nextInt(size);
        const missing = counts.findIndex((count, g) => count < targets[g]!);
        sequence[j] = missing;
        counts[f]! -= 1;
        counts[missing]! += 1;
      }
    }
    start += size;
  });
  const foldOf = new Array<number>(n);
  members.forEach((indices, c) => {
    indices.forEach((i, j) => {
      foldOf[i] = sequence[starts[c]! + j]!;
    });
  });
  return foldOf;
}
