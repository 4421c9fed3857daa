import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { prefetchBatches } from './prefetch-batches';

const tick = (ms = 1) => new Promise((resolve) => setTimeout(resolve, ms));

/** A loader that records when each item starts and finishes. */
function recordingLoader(delay = 2) {
  const started: number[] = [];
  const finished: number[] = [];
  const load = async (item: number, index: number) => {
    started.push(index);
    await tick(delay);
    finished.push(index);
    return item * 10;
  };
  return { started, finished, load };
}

describe('prefetchBatches', () => {
  it('delivers every item in order', async () => {
    const { load } = recordingLoader();
    const out: number[] = [];
    for await (const value of prefetchBatches([1, 2, 3, 4, 5], load, { depth: 3 })) out.push(value);
    expect(out).toEqual([10, 20, 30, 40, 50]);
  });

  it('loads ahead while the consumer works, never more than depth items ahead (back-pressure)', async () => {
    const { started, finished, load } = recordingLoader(1);
    const items = Array.from({ length: 12 }, (_, i) => i);
    let consumed = 0;
    for await (const _value of prefetchBatches(items, load, { depth: 3 })) {
      consumed++;
      await tick(5); // compute; loads of the next items overlap it
      expect(started.length - consumed).toBeLessThanOrEqual(3);
      // By the end of this compute step the next batches are ready (overlap).
      expect(finished.length).toBe(Math.min(consumed + 3, items.length));
    }
    expect(consumed).toBe(12);
  });

  it('pulls an async source lazily', async () => {
    let pulled = 0;
    async function* source() {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield i;
      }
    }
    const iterator = prefetchBatches(source(), (x) => x, { depth: 2 });
    expect(pulled).toBe(0);
    expect(await iterator.next()).toEqual({ done: false, value: 0 });
    await tick();
    expect(pulled).toBeLessThanOrEqual(3);
    await iterator.return();
  });

  it('propagates a load error in order and disposes items loaded ahead', async () => {
    const disposed: number[] = [];
    const iterator = prefetchBatches(
      [0, 1, 2, 3, 4],
      async (x) => {
        await tick();
        if (x === 1) throw new Error('cannot read batch 1');
        return x;
      },
      { depth: 3, dispose: (x) => disposed.push(x) },
    );
    expect(await iterator.next()).toEqual({ done: false, value: 0 });
    await expect(iterator.next()).rejects.toThrow('cannot read batch 1');
    expect(disposed.sort()).toEqual([2, 3, 4]); // the three items loaded ahead of item 1
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('propagates a synchronous load error and a source error', async () => {
    const sync = prefetchBatches([1], () => {
      throw new TypeError('bad');
    });
    await expect(sync.next()).rejects.toThrow(TypeError);
    function* broken() {
      yield 1;
      throw new Error('source failed');
    }
    const out: number[] = [];
    await expect(
      (async () => {
        for await (const x of prefetchBatches(broken(), (x) => x)) out.push(x);
      })(),
    ).rejects.toThrow('source failed');
    expect(out).toEqual([1]);
  });

  it('cancels with return(): stops the source, disposes undelivered items, is idempotent', async () => {
    const disposed: number[] = [];
    let sourceClosed = false;
    let pulled = 0;
    function* source() {
      try {
        for (let i = 0; ; i++) {
          pulled++;
          yield i;
        }
      } finally {
        sourceClosed = true;
      }
    }
    const got: number[] = [];
    for await (const x of prefetchBatches(source(), async (x) => x, {
      depth: 2,
      dispose: (x) => disposed.push(x),
    })) {
      got.push(x);
      if (x === 3) break;
    }
    expect(got).toEqual([0, 1, 2, 3]);
    expect(sourceClosed).toBe(true);
    expect(disposed.sort()).toEqual([4, 5]);
    expect(pulled).toBe(6);
    const iterator = prefetchBatches([1, 2], (x) => x);
    await iterator.return();
    expect(await iterator.return()).toEqual({ done: true, value: undefined });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('serializes concurrent next() calls', async () => {
    const { load } = recordingLoader();
    const iterator = prefetchBatches([1, 2, 3], load);
    const results = await Promise.all([
      iterator.next(),
      iterator.next(),
      iterator.next(),
      iterator.next(),
    ]);
    expect(results.map((r) => r.value)).toEqual([10, 20, 30, undefined]);
  });

  it('rejects bad arguments', () => {
    expect(() => prefetchBatches(5 as never, (x) => x)).toThrow(InvalidArgumentError);
    expect(() => prefetchBatches(5 as never, (x) => x)).toThrow(
      'prefetchBatches: source must be an iterable or async iterable, got 5. Pass e.g. the array returned by miniBatches.',
    );
    expect(() => prefetchBatches([1], (x) => x, { depth: 0 })).toThrow(
      'prefetchBatches: depth must be an integer >= 1, got 0.',
    );
    expect(() => prefetchBatches([1], 'load' as never)).toThrow(
      'prefetchBatches: load must be a function, got "load".',
    );
  });
});
