// Assertions shared by the tests (not exported from the package).
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
