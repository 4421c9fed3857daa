import { checkArguments } from '@trainkit/core';
import { createRandom, type Random } from '@trainkit/stats';
import { encodeLabels, type Labels } from './encode-labels';
import { blockPartition, drawPartition, partitionOf, partsOf } from './partition';
import { checkOptions, checkSampleCount, checkSeed } from './split-arguments';
import { checkRatios, largestRemainder, stratifiedSizes } from './split-sizes';

/** Options of {@link randomSplit}. */
export interface RandomSplitOptions {
  /** Fraction of the samples in each part, each >= 0, summing to 1 within 1e-9, e.g. `[0.8, 0.1, 0.1]`. */
  readonly ratios: readonly number[];
  /** Seed of the shuffle; required unless `shuffle` is false. */
  readonly seed?: number;
  /** Assign samples to parts at random (default `true`); `false` gives contiguous blocks in index order. */
  readonly shuffle?: boolean;
}

/** Options of {@link stratifiedSplit}. */
export interface StratifiedSplitOptions extends RandomSplitOptions {
  /** Class label of each sample (length n). */
  readonly labels: Labels;
}

/** Options of {@link groupSplit}. */
export interface GroupSplitOptions extends RandomSplitOptions {
  /** Group id of each sample (length n); each group goes whole to one part. */
  readonly groups: Labels;
}

/**
 * Splits 0..n-1 into parts by ratios (train/validation/test, or any number of
 * parts), every index in exactly one part.
 *
 * Sizes follow the largest-remainder rule of {@link splitSizes}: each part
 * gets `floor(ratio * n)`, the leftover samples go to the largest fractional
 * remainders (ties to the earlier part). Which samples go where is a seeded
 * random choice: every sample, in index order, draws its part without
 * replacement from the part sizes still open (PCG32 with `seed`), so every
 * assignment with these sizes is equally likely. With `shuffle: false` the
 * parts are contiguous blocks in index order. Each part is returned in
 * ascending index order (shuffle batches with {@link miniBatches}).
 *
 * @param n - Number of samples, an integer >= 1.
 * @param options - `ratios`, `seed`, `shuffle`.
 * @returns One Int32Array of indices per ratio.
 * @throws InvalidArgumentError for negative ratios, ratios not summing to 1,
 *   a missing seed, or a part with a positive ratio that would be empty.
 *
 * @example
 * ```ts
 * const [train, validation, test] = randomSplit(1000, { ratios: [0.8, 0.1, 0.1], seed: 42 });
 * train.length; // 800
 * ```
 */
export function randomSplit(n: number, options: RandomSplitOptions): Int32Array[] {
  return randomSplitNamed('randomSplit', n, options);
}

/** {@link randomSplit} reporting errors as `name`. @internal */
export function randomSplitNamed(
  name: string,
  n: number,
  options: RandomSplitOptions,
): Int32Array[] {
  const { sizes, random } = prepare(name, n, options);
  const partition =
    random === undefined
      ? blockPartition(undefined, sizes, sizes.length, n)
      : drawPartition(undefined, sizes, sizes.length, n, random);
  return partsOf(partition);
}

/**
 * Stratified split by ratios: like {@link randomSplit}, and every class is
 * split in (nearly) the same proportions.
 *
 * Rounding rule: the part totals are exactly those of the unstratified
 * {@link splitSizes} (largest remainder over n). Per class c and part p the
 * count is `floor(ratio_p * n_c)` or that plus one (within one sample of
 * exact); the per-class extras go to the largest fractional remainders
 * (ties: earlier class, then earlier part) as long as both the class and the
 * part still miss samples, and any conflict left is resolved by moving extras
 * along augmenting paths, so that rows sum to the class sizes and columns to
 * the unstratified totals. The sizes depend only on the class counts; the
 * seed only picks which members (each sample draws its part without
 * replacement from its class's part counts still open; without `shuffle`
 * each class fills the parts in index order).
 *
 * A part smaller than the number of classes, or a class with fewer members
 * than parts, cannot hold every class: unlike {@link trainTestSplit}, which
 * refuses that like scikit-learn, this split accepts it (small validation
 * subsets are a use); check the parts' classes when every class must appear.
 *
 * @param n - Number of samples, an integer >= 1.
 * @param options - `ratios`, `labels`, `seed`, `shuffle`.
 * @returns One ascending Int32Array of indices per ratio.
 * @throws InvalidArgumentError for bad ratios or labels, ShapeMismatchError
 *   when `labels.length !== n`.
 *
 * @example
 * ```ts
 * const [train, validation, test] = stratifiedSplit(labels.length, {
 *   ratios: [0.8, 0.1, 0.1],
 *   labels,
 *   seed: 42,
 * });
 * ```
 */
export function stratifiedSplit(n: number, options: StratifiedSplitOptions): Int32Array[] {
  return stratifiedSplitNamed('stratifiedSplit', n, options);
}

/** {@link stratifiedSplit} reporting errors as `name`. @internal */
export function stratifiedSplitNamed(
  name: string,
  n: number,
  options: StratifiedSplitOptions,
  labelsArgument = 'labels',
): Int32Array[] {
  const { ratios, sizes, random } = prepare(name, n, options);
  const encoded = encodeLabels(name, labelsArgument, options.labels, n);
  return stratifiedPartition(encoded, ratios, sizes, random);
}

/** @internal */
export function stratifiedPartition(
  encoded: ReturnType<typeof encodeLabels>,
  ratios: readonly number[],
  sizes: Int32Array,
  random: Random | undefined,
): Int32Array[] {
  const parts = sizes.length;
  const cells = stratifiedSizes(encoded.counts, ratios, sizes);
  const n = encoded.keys.length;
  return partsOf(
    random === undefined
      ? blockPartition(encoded, cells, parts, n)
      : drawPartition(encoded, cells, parts, n, random),
  );
}

/**
 * Group-aware split by ratios: every group goes whole to one part, so no group
 * is shared between train, validation and test. Ratios refer to samples.
 *
 * Rule: the groups are shuffled (seeded; `shuffle: false` keeps their order of
 * first appearance) and laid end to end; a group goes to the part whose
 * target range (cumulative {@link splitSizes}) contains the group's midpoint.
 * A part's size therefore differs from its target by at most about the size
 * of the groups straddling its boundaries; with many small groups the sizes
 * are close to the ratios.
 *
 * @param n - Number of samples, an integer >= 1.
 * @param options - `ratios`, `groups`, `seed`, `shuffle`.
 * @returns One ascending Int32Array of indices per ratio.
 * @throws InvalidArgumentError when a part with a positive ratio would get no
 *   group (too few or too large groups), ShapeMismatchError when
 *   `groups.length !== n`.
 *
 * @example
 * ```ts
 * const [train, test] = groupSplit(groups.length, { ratios: [0.8, 0.2], groups, seed: 1 });
 * ```
 */
export function groupSplit(n: number, options: GroupSplitOptions): Int32Array[] {
  return groupSplitNamed('groupSplit', n, options);
}

/** {@link groupSplit} reporting errors as `name`. @internal */
export function groupSplitNamed(name: string, n: number, options: GroupSplitOptions): Int32Array[] {
  const { ratios, sizes, random } = prepare(name, n, options, false);
  const encoded = encodeLabels(name, 'groups', options.groups, n);
  const groupCount = encoded.classCount;
  const order = new Int32Array(groupCount);
  for (let g = 0; g < groupCount; g++) order[g] = g;
  if (random !== undefined) random.shuffle(order);
  const boundaries = new Float64Array(sizes.length + 1);
  for (let p = 0; p < sizes.length; p++) boundaries[p + 1] = boundaries[p]! + sizes[p]!;
  const partOfGroup = new Int32Array(groupCount);
  let position = 0;
  let part = 0;
  for (let j = 0; j < groupCount; j++) {
    const group = order[j]!;
    const size = encoded.counts[group]!;
    const midpoint = position + size / 2;
    while (part < sizes.length - 1 && midpoint >= boundaries[part + 1]!) part++;
    partOfGroup[group] = part;
    position += size;
  }
  const partOf = new Int32Array(n);
  const { keys, table } = encoded;
  for (let i = 0; i < n; i++) partOf[i] = partOfGroup[table[keys[i]!]!]!;
  const result = partsOf(partitionOf(partOf, sizes.length));
  for (let p = 0; p < result.length; p++) {
    if (ratios[p]! > 0 && result[p]!.length === 0) {
      checkArguments(name).fail(
        'groups',
        `${groupCount} distinct groups`,
        `numerous enough that every part with a positive ratio gets a group; part ${p} (ratio ${ratios[p]}) got none`,
        'Use more (smaller) groups, larger ratios, or ratio 0 for parts that may stay empty.',
      );
    }
  }
  return result;
}

interface Prepared {
  readonly ratios: number[];
  readonly sizes: Int32Array;
  readonly random: Random | undefined;
}

/** Validates n, ratios, seed and computes the largest-remainder sizes. @internal */
export function prepare(
  name: string,
  n: number,
  options: RandomSplitOptions,
  requireNonEmpty = true,
): Prepared {
  checkOptions(name, options, '{ ratios: [0.8, 0.1, 0.1], seed: 42 }');
  const samples = checkSampleCount(name, n, 1);
  const ratios = checkRatios(name, options.ratios);
  const shuffle = options.shuffle ?? true;
  if (typeof shuffle !== 'boolean') checkArguments(name).boolean('shuffle', shuffle);
  const random = shuffle ? createRandom({ seed: checkSeed(name, options.seed, true) }) : undefined;
  const sizes = largestRemainder(samples, ratios);
  if (requireNonEmpty) checkNonEmptyParts(name, samples, ratios, sizes);
  return { ratios, sizes, random };
}

/** @internal */
export function checkNonEmptyParts(
  name: string,
  n: number,
  ratios: readonly number[],
  sizes: Int32Array,
): void {
  for (let p = 0; p < sizes.length; p++) {
    if (ratios[p]! > 0 && sizes[p] === 0) {
      checkArguments(name).fail(
        'ratios',
        ratios,
        `large enough that every part with a positive ratio gets a sample of the ${n} (sizes would be [${Array.from(sizes).join(', ')}])`,
        'Use more samples, larger ratios, or ratio 0 for a part that may stay empty.',
      );
    }
  }
}
