import { checkArguments } from '@trainkit/core';
import { createRandom, deriveSeed } from '@trainkit/stats';
import { checkOptions, maxSampleCount, toIndexArray } from './split-arguments';

/** Options of {@link miniBatches}. */
export interface MiniBatchesOptions {
  /** Samples per batch, an integer >= 1. */
  readonly batchSize: number;
  /** Seed of the run; the epoch's order uses `deriveSeed(seed, epoch)`. Required when shuffling. */
  readonly seed?: number;
  /** Epoch number, an integer >= 0 (default 0). */
  readonly epoch?: number;
  /** Drop the last, smaller batch (default `false`: keep it), like PyTorch's `drop_last`. */
  readonly dropLast?: boolean;
  /** Shuffle the samples each epoch (default `true`); `false` keeps the given order. */
  readonly shuffle?: boolean;
}

/**
 * Number of mini-batches in an epoch of `n` samples: `ceil(n / batchSize)`, or
 * `floor(n / batchSize)` with `dropLast`.
 *
 * @example
 * ```ts
 * batchCount(10, 4); // 3
 * batchCount(10, 4, { dropLast: true }); // 2
 * ```
 */
export function batchCount(
  n: number,
  batchSize: number,
  options: { readonly dropLast?: boolean } = {},
): number {
  const check = checkArguments('batchCount');
  check.integer('n', n, { min: 0 });
  check.integer('batchSize', batchSize, { min: 1 });
  return options.dropLast === true ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/**
 * Seeded mini-batches of sample indices for one epoch.
 *
 * The epoch's order is a Fisher-Yates shuffle with seed
 * `deriveSeed(seed, epoch)`: a pure function of `(seed, epoch)`, the same on
 * every platform, so resuming at epoch e, batch b is exact (recompute
 * `miniBatches(..., { epoch: e })[b]`; no generator state to restore). The
 * batches are consecutive `batchSize` slices of that order; the last one is
 * smaller unless `dropLast` drops it.
 *
 * @param samples - Number of samples n (indices 0..n-1) or the indices to
 *   batch (e.g. the `train` array of a split).
 * @param options - `batchSize`, `seed`, `epoch`, `dropLast`, `shuffle`.
 * @returns The batches, as views into one Int32Array holding the epoch's order.
 * @throws InvalidArgumentError for batchSize < 1, no samples, or `dropLast`
 *   with fewer samples than one batch (the epoch would be empty).
 *
 * @example
 * ```ts
 * const batches = miniBatches(train, { batchSize: 32, seed: 42, epoch: 3 });
 * for (const indices of batches) {
 *   // gather the samples `indices` and take one optimizer step
 * }
 * ```
 */
export function miniBatches(
  samples: number | ArrayLike<number>,
  options: MiniBatchesOptions,
): Int32Array[] {
  const name = 'miniBatches';
  const check = checkArguments(name);
  checkOptions(name, options, '{ batchSize: 32, seed: 42, epoch: 0 }');
  let order: Int32Array;
  if (typeof samples === 'number') {
    const n = check.integer('samples', samples, {
      min: 1,
      max: maxSampleCount,
      fix: 'Pass the number of samples (at least 1) or their indices.',
    });
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
  } else {
    order = toIndexArray(name, 'samples', samples);
  }
  const n = order.length;
  const batchSize = check.integer('batchSize', options.batchSize, { min: 1 });
  const dropLast = check.boolean('dropLast', options.dropLast ?? false);
  const shuffle = check.boolean('shuffle', options.shuffle ?? true);
  const epoch = check.integer('epoch', options.epoch ?? 0, { min: 0 });
  if (dropLast && n < batchSize) {
    check.fail(
      'batchSize',
      batchSize,
      `<= ${n}, the number of samples, when dropLast is true`,
      'Use a smaller batch or keep the last batch (dropLast: false); otherwise the epoch has no batch.',
    );
  }
  if (shuffle) {
    if (options.seed === undefined) {
      check.fail(
        'seed',
        options.seed,
        'an integer',
        'Pass seed: <integer> so that every epoch order is reproducible.',
      );
    }
    const seed = check.integer('seed', options.seed, { min: 0, max: 2 ** 53 - 1 });
    createRandom({ seed: deriveSeed(seed, epoch) }).shuffle(order);
  }
  const count = dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  const batches: Int32Array[] = [];
  for (let b = 0; b < count; b++) {
    batches.push(order.subarray(b * batchSize, Math.min((b + 1) * batchSize, n)));
  }
  return batches;
}
