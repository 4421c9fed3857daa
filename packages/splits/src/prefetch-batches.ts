import { checkArguments } from '@trainkit/core';

/** Options of {@link prefetchBatches}. */
export interface PrefetchBatchesOptions<T> {
  /**
   * How many items may be loading or loaded ahead of the consumer, an integer
   * >= 1 (default 2). Up to `depth` loads run at the same time.
   */
  readonly depth?: number;
  /**
   * Frees an item that was loaded but will never be delivered (after
   * `return()`, a `break` out of `for await`, or an error). Pass
   * `(batch) => tf.dispose(batch)` for tensors.
   */
  readonly dispose?: (item: T) => void;
}

/** The iterator {@link prefetchBatches} returns: `for await` it, or call `next()` / `return()`. */
export interface PrefetchIterator<T> extends AsyncIterableIterator<T, undefined, undefined> {
  /** The next loaded item, in source order; rejects with the error of a failed load or source. */
  next(): Promise<IteratorResult<T, undefined>>;
  /**
   * Stops: pulls nothing more from the source, waits for loads in flight,
   * disposes every undelivered item, and calls the source iterator's
   * `return()`. Idempotent; `for await` calls it on `break` and `throw`.
   */
  return(): Promise<IteratorReturnResult<undefined>>;
  [Symbol.asyncIterator](): PrefetchIterator<T>;
}

type Settled<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown };

/**
 * A prefetching async iterator: loads the next `depth` items while the
 * consumer works on the current one, so data loading overlaps compute.
 *
 * Items are delivered in source order. Back-pressure: at most `depth` items
 * are loading or waiting at any time; the source is pulled only when there is
 * room. Errors propagate: a failing `load` (or source) rejects the `next()`
 * that would have delivered that item, after which the iterator is closed
 * (undelivered items disposed). Cancellation: `return()` (or `break` in
 * `for await`) stops the source and disposes what was loaded ahead.
 *
 * Overlap needs asynchronous loading (file or network reads, `await
 * tensor.data()`, a worker); a synchronous `load` still works, one item ahead.
 * `load` may be called up to `depth` times concurrently.
 *
 * @param source - The items to load, e.g. the index batches of {@link miniBatches}
 *   (any iterable or async iterable).
 * @param load - Turns a source item into a loaded item (may be async).
 * @param options - `depth`, `dispose`.
 * @returns A {@link PrefetchIterator}.
 *
 * @example
 * ```ts
 * const batches = miniBatches(train, { batchSize: 64, seed: 1, epoch });
 * for await (const batch of prefetchBatches(batches, (indices) => readSamples(indices), { depth: 2 })) {
 *   await trainStep(batch); // the next two batches load meanwhile
 * }
 * ```
 */
export function prefetchBatches<S, T>(
  source: Iterable<S> | AsyncIterable<S>,
  load: (item: S, index: number) => T | Promise<T>,
  options: PrefetchBatchesOptions<T> = {},
): PrefetchIterator<T> {
  const check = checkArguments('prefetchBatches');
  const iterable = source as Partial<Iterable<S> & AsyncIterable<S>> | null;
  const open =
    typeof iterable?.[Symbol.asyncIterator] === 'function'
      ? () => (iterable as AsyncIterable<S>)[Symbol.asyncIterator]()
      : typeof iterable?.[Symbol.iterator] === 'function'
        ? () => (iterable as Iterable<S>)[Symbol.iterator]()
        : check.fail(
            'source',
            source,
            'an iterable or async iterable',
            'Pass e.g. the array returned by miniBatches.',
          );
  check.callable('load', load);
  const depth = check.integer('depth', options.depth ?? 2, { min: 1 });
  const dispose = options.dispose;
  if (dispose !== undefined) check.callable('dispose', dispose);

  let iterator: Iterator<S> | AsyncIterator<S> | undefined;
  const queue: Promise<Settled<T>>[] = [];
  let index = 0;
  let sourceDone = false;
  let closed = false;
  let filling: Promise<void> = Promise.resolve();
  let pending: Promise<unknown> = Promise.resolve();

  const start = (item: S, i: number): Promise<Settled<T>> =>
    new Promise<T>((resolve) => resolve(load(item, i))).then(
      (value) => ({ ok: true, value }),
      (error: unknown) => ({ ok: false, error }),
    );

  const fill = (): Promise<void> => {
    filling = filling.then(async () => {
      while (!closed && !sourceDone && queue.length < depth) {
        let step: IteratorResult<S>;
        try {
          iterator ??= open();
          step = await iterator.next();
        } catch (error) {
          sourceDone = true;
          queue.push(Promise.resolve({ ok: false, error }));
          return;
        }
        if (step.done) {
          sourceDone = true;
          return;
        }
        queue.push(start(step.value, index++));
      }
    });
    return filling;
  };

  const close = async (): Promise<void> => {
    closed = true;
    await filling;
    const undelivered = queue.splice(0);
    for (const item of undelivered) {
      const settled = await item;
      if (settled.ok) dispose?.(settled.value);
    }
    if (!sourceDone) {
      sourceDone = true;
      await iterator?.return?.();
    }
  };

  const nextItem = async (): Promise<IteratorResult<T, undefined>> => {
    if (closed) return { done: true, value: undefined };
    await fill();
    const head = queue.shift();
    if (head === undefined) {
      closed = true;
      return { done: true, value: undefined };
    }
    void fill();
    const settled = await head;
    if (!settled.ok) {
      await close();
      throw settled.error;
    }
    return { done: false, value: settled.value };
  };

  // Calls are serialized: a second next() waits for the first.
  const serialize = <R>(task: () => Promise<R>): Promise<R> => {
    const result = pending.then(task);
    pending = result.catch(() => undefined);
    return result;
  };

  const prefetchIterator: PrefetchIterator<T> = {
    next: () => serialize(nextItem),
    return: () =>
      serialize(async () => {
        await close();
        return { done: true, value: undefined } as const;
      }),
    [Symbol.asyncIterator]: () => prefetchIterator,
  };
  return prefetchIterator;
}
