import { InvalidArgumentError } from '@trainkit/core';
import { createRandom, deriveSeed } from '@trainkit/stats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectPartition } from './test-helpers';
import { validationSubsets } from './validation-subsets';

describe('validationSubsets', () => {
  it('covers the whole validation set once per rotation of ceil(N / m) evaluations (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 600 }),
        fc.nat(1000),
        (size, subsetSize, seed) => {
          const subsets = validationSubsets({ validation: size, subsetSize, every: 10, seed });
          const rotation = Math.ceil(size / subsetSize);
          expect(subsets.subsetsPerRotation).toBe(rotation);
          for (const r of [0, 1]) {
            const chunks = Array.from({ length: rotation }, (_, j) =>
              subsets.subset(r * rotation + j),
            );
            expectPartition(chunks, size);
            const lengths = chunks.map((c) => c.length);
            expect(Math.max(...lengths)).toBeLessThanOrEqual(subsetSize);
            expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('evaluates at steps every, 2 * every, ... and is a pure function of (seed, step)', () => {
    const options = { validation: 1000, subsetSize: 300, every: 100, seed: 7 };
    const subsets = validationSubsets(options);
    expect(subsets.subsetsPerRotation).toBe(4);
    expect(subsets.isEvaluationStep(0)).toBe(false);
    expect(subsets.isEvaluationStep(99)).toBe(false);
    expect(subsets.evaluationAt(100)).toBe(0);
    expect(subsets.evaluationAt(400)).toBe(3);
    expect(subsets.subsetAt(150)).toBeUndefined();
    const fromScratch = validationSubsets(options);
    expect(Array.from(subsets.subsetAt(700)!)).toEqual(Array.from(fromScratch.subsetAt(700)!));
    expect(Array.from(subsets.subsetAt(700)!)).toEqual(Array.from(subsets.subset(6)));
    // Steps 100..400 cover all 1000 samples in chunks of 250.
    const covered = [100, 200, 300, 400].map((step) => subsets.subsetAt(step)!);
    expect(covered.map((c) => c.length)).toEqual([250, 250, 250, 250]);
    expectPartition(covered, 1000);
  });

  it('reshuffles every rotation with deriveSeed(seed, rotation)', () => {
    const subsets = validationSubsets({ validation: 10, subsetSize: 5, every: 1, seed: 3 });
    const rotation1 = createRandom({ seed: deriveSeed(3, 1) }).shuffle(
      Int32Array.from({ length: 10 }, (_, i) => i),
    );
    expect(Array.from(subsets.subset(2))).toEqual(
      Array.from(rotation1.slice(0, 5)).sort((a, b) => a - b),
    );
    expect(Array.from(subsets.subset(0))).not.toEqual(Array.from(subsets.subset(2)));
  });

  it('maps positions to the given validation indices', () => {
    const validation = [100, 101, 102, 103, 104, 105, 106];
    const subsets = validationSubsets({ validation, subsetSize: 3, every: 5, seed: 0 });
    const all = [0, 1, 2].flatMap((e) => Array.from(subsets.subset(e)));
    expect(all.sort((a, b) => a - b)).toEqual(validation);
  });

  it('rejects an empty validation set and bad sizes', () => {
    expect(() => validationSubsets({ validation: 0, subsetSize: 3, every: 5, seed: 0 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => validationSubsets({ validation: [], subsetSize: 3, every: 5, seed: 0 })).toThrow(
      'validationSubsets: validation must be a non-empty array, got []. Pass a non-empty array of sample indices as validation.',
    );
    expect(() => validationSubsets({ validation: 10, subsetSize: 0, every: 5, seed: 0 })).toThrow(
      'validationSubsets: subsetSize must be an integer >= 1, got 0.',
    );
    expect(() =>
      validationSubsets({ validation: [1, -2], subsetSize: 1, every: 5, seed: 0 }),
    ).toThrow('validationSubsets: validation[1] must be a non-negative integer index, got -2.');
  });
});
