import { InvalidArgumentError, ShapeMismatchError } from '@trainkit/core';
import { createRandom } from '@trainkit/stats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupSplit, randomSplit, stratifiedSplit } from './ratio-split';
import { largestRemainder } from './split-sizes';
import { classCounts, expectPartition } from './test-helpers';

const ratiosArbitrary = fc
  .array(fc.integer({ min: 0, max: 100 }), { minLength: 2, maxLength: 4 })
  .filter((weights) => weights.some((w) => w > 0))
  .map((weights) => {
    const sum = weights.reduce((a, b) => a + b, 0);
    return weights.map((w) => w / sum);
  });

describe('randomSplit', () => {
  it.each([
    [100, [0.6, 0.2, 0.2], [60, 20, 20]],
    [1000, [0.8, 0.1, 0.1], [800, 100, 100]],
    [11, [0.8, 0.2], [9, 2]],
    [7, [0.5, 0.5], [4, 3]],
  ])('n = %i, ratios %j: sizes %j, a partition', (n, ratios, sizes) => {
    const parts = randomSplit(n, { ratios, seed: 1 });
    expect(parts.map((p) => p.length)).toEqual(sizes);
    expectPartition(parts, n);
  });

  it('is a partition with largest-remainder sizes for any n and ratios (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        ratiosArbitrary,
        fc.nat(1000),
        (n, ratios, seed) => {
          const sizes = largestRemainder(n, ratios);
          fc.pre(ratios.every((r, p) => r === 0 || sizes[p]! > 0));
          const parts = randomSplit(n, { ratios, seed });
          expect(parts.map((p) => p.length)).toEqual(Array.from(sizes));
          expectPartition(parts, n);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is deterministic by seed, uniform over samples, and contiguous without shuffle', () => {
    expect(randomSplit(50, { ratios: [0.5, 0.5], seed: 3 })).toEqual(
      randomSplit(50, { ratios: [0.5, 0.5], seed: 3 }),
    );
    expect(randomSplit(50, { ratios: [0.5, 0.5], seed: 3 })).not.toEqual(
      randomSplit(50, { ratios: [0.5, 0.5], seed: 4 }),
    );
    // Each sample lands in the 10% part about 10% of the time (1000 seeds, 20 samples).
    const hits = new Int32Array(20);
    for (let seed = 0; seed < 1000; seed++) {
      for (const i of randomSplit(20, { ratios: [0.9, 0.1], seed })[1]!) hits[i]! += 1;
    }
    for (const count of hits) expect(Math.abs(count - 100)).toBeLessThan(45); // > 4 sigma
    const blocks = randomSplit(10, { ratios: [0.6, 0.2, 0.2], shuffle: false });
    expect(blocks.map((b) => Array.from(b))).toEqual([
      [0, 1, 2, 3, 4, 5],
      [6, 7],
      [8, 9],
    ]);
  });

  it('rejects bad ratios, empty data, empty parts and a missing seed', () => {
    expect(() => randomSplit(10, { ratios: [0.7, 0.2], seed: 1 })).toThrow(InvalidArgumentError);
    expect(() => randomSplit(10, { ratios: [0.7, 0.2], seed: 1 })).toThrow(
      'randomSplit: ratios must be fractions summing to 1 (within 1e-9), their sum is 0.8999999999999999, got [0.7, 0.2].',
    );
    expect(() => randomSplit(10, { ratios: [1.1, -0.1], seed: 1 })).toThrow(
      'randomSplit: ratios[0] must be a finite number >= 0 and <= 1, got 1.1.',
    );
    expect(() => randomSplit(0, { ratios: [0.5, 0.5], seed: 1 })).toThrow(
      'randomSplit: n must be an integer >= 1 and <= 2147483647, got 0. Pass the number of samples (at least 1); the data is empty.',
    );
    expect(() => randomSplit(5, { ratios: [0.8, 0.1, 0.1], seed: 1 })).toThrow(
      'randomSplit: ratios must be large enough that every part with a positive ratio gets a sample of the 5 (sizes would be [4, 1, 0]), got [0.8, 0.1, 0.1]. Use more samples, larger ratios, or ratio 0 for a part that may stay empty.',
    );
    expect(() => randomSplit(5, { ratios: [0.5, 0.5] })).toThrow(
      'randomSplit: seed must be an integer, got undefined.',
    );
    expect(Array.from(randomSplit(5, { ratios: [1, 0], seed: 1 })[1]!)).toEqual([]);
  });
});

describe('stratifiedSplit', () => {
  it('keeps every class within one sample of exact and totals equal to the unstratified sizes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 3, maxLength: 300 }),
        ratiosArbitrary,
        fc.nat(1000),
        fc.boolean(),
        (labels, ratios, seed, shuffle) => {
          const n = labels.length;
          const sizes = largestRemainder(n, ratios);
          fc.pre(ratios.every((r, p) => r === 0 || sizes[p]! > 0));
          const parts = stratifiedSplit(n, { ratios, labels, seed, shuffle });
          expectPartition(parts, n);
          expect(parts.map((p) => p.length)).toEqual(Array.from(sizes));
          const totals = classCounts(
            labels,
            Array.from({ length: n }, (_, i) => i),
          );
          parts.forEach((part, p) => {
            const counts = classCounts(labels, part);
            for (const [label, total] of totals) {
              expect(Math.abs((counts.get(label) ?? 0) - ratios[p]! * total)).toBeLessThan(
                1 + 1e-9,
              );
            }
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('splits 80/10/10 of a 10-class imbalanced set exactly per class when counts allow', () => {
    const labels = new Int32Array(10_000);
    for (let i = 0; i < labels.length; i++) labels[i] = i % 100 < 50 ? 0 : 1 + (i % 9); // 5000 of class 0
    const [train, validation, test] = stratifiedSplit(labels.length, {
      ratios: [0.8, 0.1, 0.1],
      labels,
      seed: 1,
    });
    expect([train!.length, validation!.length, test!.length]).toEqual([8000, 1000, 1000]);
    expect(classCounts(labels, test!).get(0)).toBe(500);
  });

  it('accepts string labels and reports length mismatches', () => {
    const labels = ['cat', 'dog', 'cat', 'dog', 'cat', 'dog', 'cat', 'dog', 'cat', 'dog'];
    const [a, b] = stratifiedSplit(10, { ratios: [0.6, 0.4], labels, seed: 2 });
    expect(classCounts(labels, a!).get('cat')).toBe(3);
    expect(classCounts(labels, b!).get('dog')).toBe(2);
    expect(() => stratifiedSplit(11, { ratios: [0.5, 0.5], labels, seed: 1 })).toThrow(
      ShapeMismatchError,
    );
    expect(() => stratifiedSplit(11, { ratios: [0.5, 0.5], labels, seed: 1 })).toThrow(
      'stratifiedSplit: labels.length must have shape 11, got 10. Pass one label per sample (n = 11).',
    );
  });
});

describe('groupSplit', () => {
  it('keeps groups whole and sizes within the largest group of their targets (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 20, maxLength: 400 }),
        ratiosArbitrary,
        fc.nat(1000),
        (groups, ratios, seed) => {
          const n = groups.length;
          let parts: Int32Array[];
          try {
            parts = groupSplit(n, { ratios, groups, seed });
          } catch (error) {
            expect(InvalidArgumentError.isInstance(error)).toBe(true);
            return;
          }
          expectPartition(parts, n);
          const partOfGroup = new Map<number, number>();
          parts.forEach((part, p) => {
            for (const i of part) {
              expect(partOfGroup.get(groups[i]!) ?? p).toBe(p);
              partOfGroup.set(groups[i]!, p);
            }
          });
          const largestGroup = Math.max(
            ...classCounts(
              groups,
              Array.from({ length: n }, (_, i) => i),
            ).values(),
          );
          const targets = largestRemainder(n, ratios);
          parts.forEach((part, p) => {
            expect(Math.abs(part.length - targets[p]!)).toBeLessThanOrEqual(largestGroup);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('lays shuffled groups end to end and cuts at the midpoints (worked example)', () => {
    // 10 groups of 10 samples, 80/10/10: exactly 8, 1 and 1 groups per part.
    const groups = Int32Array.from({ length: 100 }, (_, i) => Math.floor(i / 10));
    const [train, validation, test] = groupSplit(100, { ratios: [0.8, 0.1, 0.1], groups, seed: 5 });
    expect([train!.length, validation!.length, test!.length]).toEqual([80, 10, 10]);
    // The group order is PCG32(seed 5).shuffle([0..9]): the last two groups are validation and test.
    const order = createRandom({ seed: 5 }).shuffle(Int32Array.from({ length: 10 }, (_, g) => g));
    expect(validation![0]).toBe(order[8]! * 10);
    expect(test![0]).toBe(order[9]! * 10);
  });

  it('rejects too few groups for the positive ratios', () => {
    const call = () =>
      groupSplit(6, { ratios: [0.5, 0.3, 0.2], groups: [1, 1, 1, 2, 2, 2], seed: 1 });
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(
      'groupSplit: groups must be numerous enough that every part with a positive ratio gets a group; part 2 (ratio 0.2) got none, got "2 distinct groups". Use more (smaller) groups, larger ratios, or ratio 0 for parts that may stay empty.',
    );
  });
});
