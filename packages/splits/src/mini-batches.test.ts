import { InvalidArgumentError } from '@trainkit/core';
import { createRandom, deriveSeed } from '@trainkit/stats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchCount, miniBatches } from './mini-batches';

describe('miniBatches', () => {
  it('covers every sample once per epoch; keep-last / drop-last sizes (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 64 }),
        fc.boolean(),
        fc.nat(1000),
        fc.nat(50),
        (n, batchSize, dropLast, seed, epoch) => {
          fc.pre(!dropLast || n >= batchSize);
          const batches = miniBatches(n, { batchSize, seed, epoch, dropLast });
          expect(batches.length).toBe(batchCount(n, batchSize, { dropLast }));
          const seen = new Uint8Array(n);
          for (const batch of batches) for (const i of batch) seen[i]! += 1;
          const used = batches.reduce((sum, b) => sum + b.length, 0);
          expect(used).toBe(dropLast ? n - (n % batchSize) : n);
          expect(seen.every((count) => count <= 1)).toBe(true);
          for (const batch of batches.slice(0, -1)) expect(batch.length).toBe(batchSize);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("makes epoch e's order a pure function of (seed, e): Fisher-Yates with deriveSeed(seed, e)", () => {
    const epoch3 = miniBatches(10, { batchSize: 4, seed: 42, epoch: 3 });
    const expected = createRandom({ seed: deriveSeed(42, 3) }).shuffle(
      Array.from({ length: 10 }, (_, i) => i),
    );
    expect(epoch3.map((b) => Array.from(b))).toEqual([
      expected.slice(0, 4),
      expected.slice(4, 8),
      expected.slice(8),
    ]);
    // Resuming: recomputing epoch 3 later gives the same batches; other epochs differ.
    expect(miniBatches(10, { batchSize: 4, seed: 42, epoch: 3 })).toEqual(epoch3);
    expect(miniBatches(10, { batchSize: 4, seed: 42, epoch: 4 })).not.toEqual(epoch3);
  });

  it('batches given indices, drops the last batch, and keeps order without shuffle', () => {
    const train = Int32Array.from([10, 20, 30, 40, 50]);
    const kept = miniBatches(train, { batchSize: 2, shuffle: false });
    expect(kept.map((b) => Array.from(b))).toEqual([[10, 20], [30, 40], [50]]);
    const dropped = miniBatches(train, { batchSize: 2, shuffle: false, dropLast: true });
    expect(dropped.map((b) => Array.from(b))).toEqual([
      [10, 20],
      [30, 40],
    ]);
    const shuffled = miniBatches(train, { batchSize: 5, seed: 1 })[0]!;
    expect(Array.from(shuffled).sort((a, b) => a - b)).toEqual([10, 20, 30, 40, 50]);
    expect(Array.from(train)).toEqual([10, 20, 30, 40, 50]); // input untouched
  });

  it('rejects bad batch sizes, empty data, missing seeds and empty epochs', () => {
    expect(() => miniBatches(10, { batchSize: 0, seed: 1 })).toThrow(InvalidArgumentError);
    expect(() => miniBatches(10, { batchSize: 0, seed: 1 })).toThrow(
      'miniBatches: batchSize must be an integer >= 1, got 0.',
    );
    expect(() => miniBatches(0, { batchSize: 4, seed: 1 })).toThrow(
      'miniBatches: samples must be an integer >= 1 and <= 2147483647, got 0. Pass the number of samples (at least 1) or their indices.',
    );
    expect(() => miniBatches(10, { batchSize: 4 })).toThrow(
      'miniBatches: seed must be an integer, got undefined. Pass seed: <integer> so that every epoch order is reproducible.',
    );
    expect(() => miniBatches(3, { batchSize: 4, seed: 1, dropLast: true })).toThrow(
      'miniBatches: batchSize must be <= 3, the number of samples, when dropLast is true, got 4.',
    );
    expect(() => miniBatches([1, 2.5], { batchSize: 1, seed: 1 })).toThrow(
      'miniBatches: samples[1] must be a non-negative integer index, got 2.5.',
    );
  });
});
