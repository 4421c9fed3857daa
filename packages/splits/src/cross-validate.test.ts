import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { crossValidate } from './cross-validate';
import type { Fold } from './folds';
import { kFold } from './k-fold';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('crossValidate', () => {
  it('returns per-fold metrics, mean, population std (np.std) and sample std (ddof 1)', async () => {
    const folds = kFold(10, { k: 4 });
    const result = await crossValidate(folds, (fold) => ({
      size: fold.validation.length,
      first: fold.validation[0]!,
    }));
    expect(result.folds).toEqual([
      { size: 3, first: 0 },
      { size: 3, first: 3 },
      { size: 2, first: 6 },
      { size: 2, first: 8 },
    ]);
    // numpy: np.mean([3,3,2,2]) = 2.5, np.std = 0.5, np.std(ddof=1) = 0.5773502691896257
    expect(result.mean.size).toBe(2.5);
    expect(result.std.size).toBe(0.5);
    expect(result.sampleStd.size).toBeCloseTo(0.5773502691896257, 15);
    // np.mean([0,3,6,8]) = 4.25, np.std = 3.031088913245535, ddof=1: 3.5
    expect(result.mean.first).toBe(4.25);
    expect(result.std.first).toBeCloseTo(3.031088913245535, 14);
    expect(result.sampleStd.first).toBeCloseTo(3.5, 14);
  });

  it('runs folds one after the other by default', async () => {
    let running = 0;
    let maxRunning = 0;
    const order: number[] = [];
    await crossValidate(kFold(20, { k: 5 }), async (_fold, index) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await tick();
      order.push(index);
      running--;
      return { x: index };
    });
    expect(maxRunning).toBe(1);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('runs up to `concurrency` folds at once and keeps results in fold order', async () => {
    let running = 0;
    let maxRunning = 0;
    const ended: number[] = [];
    const result = await crossValidate(
      kFold(20, { k: 5 }),
      async (_fold, index) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        for (let i = 0; i < 5 - index; i++) await tick(); // later folds finish first
        running--;
        return { index };
      },
      { concurrency: 3, onFoldEnd: (_metrics, _fold, index) => ended.push(index) },
    );
    expect(maxRunning).toBe(3);
    expect(result.folds.map((m) => m.index)).toEqual([0, 1, 2, 3, 4]);
    expect(ended.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('propagates the first error and starts no new fold after it', async () => {
    const started: number[] = [];
    const failing = crossValidate(kFold(10, { k: 5 }), async (_fold, index) => {
      started.push(index);
      await tick();
      if (index === 1) throw new Error('fold 1 diverged');
      return { loss: index };
    });
    await expect(failing).rejects.toThrow('fold 1 diverged');
    expect(started).toEqual([0, 1]);
  });

  it('accepts plain arrays of folds, and one fold gives NaN sample std', async () => {
    const fold: Fold = {
      index: 0,
      repetition: 0,
      train: new Int32Array([1]),
      validation: new Int32Array([0]),
    };
    const result = await crossValidate([fold], () => ({ accuracy: 0.9 }));
    expect(result.std.accuracy).toBe(0);
    expect(result.sampleStd.accuracy).toBeNaN();
  });

  it('rejects inconsistent or non-numeric metrics, bad arguments and no folds', async () => {
    await expect(
      crossValidate(
        kFold(4, { k: 2 }),
        (_f, i): Record<string, number> => (i === 0 ? { a: 1 } : { b: 1 }),
      ),
    ).rejects.toThrow(
      'crossValidate: run (fold 1) must be to return the same metric names as the other folds (a), got {"b":1}. Return the same metrics from every fold.',
    );
    await expect(crossValidate(kFold(4, { k: 2 }), () => ({ a: '1' }) as never)).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(
      crossValidate(kFold(4, { k: 2 }), () => ({ a: 1 }), { concurrency: 0 }),
    ).rejects.toThrow('crossValidate: concurrency must be an integer >= 1, got 0.');
    await expect(crossValidate(42 as never, () => ({ a: 1 }))).rejects.toThrow(
      'crossValidate: folds must be an iterable of folds, got 42.',
    );
    await expect(crossValidate([], () => ({ a: 1 }))).rejects.toThrow(
      'crossValidate: folds must be a non-empty iterable of folds',
    );
  });
});
