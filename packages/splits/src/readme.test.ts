// The README examples, as written (the package name resolves to the sources via the vitest
// alias and the tsconfig paths), with the results the README states asserted.
import { readFileSync } from 'node:fs';
import {
  crossValidate,
  kFold,
  miniBatches,
  prefetchBatches,
  splitSizes,
  stratifiedKFold,
  trainTestSplit,
  trainValidationTestSplit,
  validationSubsets,
} from '@trainkit/splits';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README examples', () => {
  it('80/10/10 stratified split', () => {
    // 550 samples of 10 classes: class c has 10 * (c + 1) samples.
    const labels = Int32Array.from(
      Array.from({ length: 10 }, (_, c) => new Array(10 * (c + 1)).fill(c)).flat(),
    );
    const { train, validation, test } = trainValidationTestSplit(labels.length, {
      ratios: [0.8, 0.1, 0.1],
      stratify: labels,
      seed: 42,
    });
    expect([train.length, validation.length, test.length]).toEqual([440, 55, 55]);
    const testCounts = new Array(10).fill(0);
    for (const i of test) testCounts[labels[i]!] += 1;
    expect(testCounts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(readme).toContain('[train.length, validation.length, test.length]; // [440, 55, 55]');
  });

  it('5-fold cross-validation driver', async () => {
    const n = 100;
    const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
    const folds = stratifiedKFold(n, { k: 5, labels, shuffle: true, seed: 0 });
    const result = await crossValidate(folds, async (fold) => {
      // Train on fold.train, evaluate on fold.validation; here a stand-in metric:
      const positives = fold.validation.filter((i) => labels[i] === 1).length;
      return { positiveRate: positives / fold.validation.length, size: fold.validation.length };
    });
    expect(result.folds.map((m) => m.size)).toEqual([20, 20, 20, 20, 20]);
    expect(result.mean.positiveRate).toBe(0.5);
    expect(result.std.positiveRate).toBe(0);
  });

  it('mini-batches with prefetch', async () => {
    const trainIndices = Int32Array.from({ length: 10 }, (_, i) => i * 10);
    const seen: number[] = [];
    for (let epoch = 0; epoch < 2; epoch++) {
      const batches = miniBatches(trainIndices, { batchSize: 4, seed: 7, epoch });
      const loaded = prefetchBatches(batches, async (indices) => Array.from(indices), { depth: 2 });
      for await (const batch of loaded) seen.push(batch.length);
    }
    expect(seen).toEqual([4, 4, 2, 4, 4, 2]);
    const again = miniBatches(trainIndices, { batchSize: 4, seed: 7, epoch: 1 });
    expect(again).toEqual(miniBatches(trainIndices, { batchSize: 4, seed: 7, epoch: 1 }));
  });

  it('validation subsets', () => {
    const subsets = validationSubsets({ validation: 1000, subsetSize: 300, every: 100, seed: 7 });
    expect(subsets.subsetsPerRotation).toBe(4);
    const sizes = [100, 200, 300, 400].map((step) => subsets.subsetAt(step)!.length);
    expect(sizes).toEqual([250, 250, 250, 250]);
    expect(subsets.subsetAt(150)).toBeUndefined();
  });

  it('rounding rules', () => {
    expect(Array.from(splitSizes(11, [0.8, 0.2]))).toEqual([9, 2]);
    const { train, test } = trainTestSplit(11, { testSize: 0.2, seed: 0 });
    expect([train.length, test.length]).toEqual([8, 3]);
    expect(Array.from(kFold(10, { k: 3 }).validationSizes)).toEqual([4, 3, 3]);
    expect(readme).toContain('splitSizes(11, [0.8, 0.2]); // Int32Array [9, 2]');
  });
});
