import { checkArguments } from '@trainkit/core';
import { createRandom, deriveSeed } from '@trainkit/stats';
import { checkOptions, maxSampleCount, toIndexArray } from './split-arguments';

/** Options of {@link validationSubsets}. */
export interface ValidationSubsetsOptions {
  /**
   * The validation set: its size N (indices 0..N-1) or its indices (e.g. the
   * `validation` array of a split).
   */
  readonly validation: number | ArrayLike<number>;
  /** Largest subset to evaluate at once, an integer >= 1 (m). */
  readonly subsetSize: number;
  /** Evaluate after every `every` optimizer steps, an integer >= 1. */
  readonly every: number;
  /** Seed of the rotation order. */
  readonly seed: number;
}

/**
 * Which validation samples to evaluate when, for "validate every n steps on a
 * subset" (see {@link validationSubsets}). A pure description: any evaluation
 * can be recomputed from `(options, evaluation)` alone.
 */
export interface ValidationSubsets {
  /** Number of evaluations that together cover the validation set once: `ceil(N / subsetSize)`. */
  readonly subsetsPerRotation: number;
  /** Size N of the validation set. */
  readonly validationSize: number;
  /** True when `step > 0` and `step % every === 0`. */
  isEvaluationStep(step: number): boolean;
  /** The evaluation number (0, 1, 2, ...) at `step`, or undefined if `step` is not an evaluation step. */
  evaluationAt(step: number): number | undefined;
  /** The validation indices for evaluation `evaluation` (ascending). */
  subset(evaluation: number): Int32Array;
  /** The validation indices to evaluate at `step`, or undefined if `step` is not an evaluation step. */
  subsetAt(step: number): Int32Array | undefined;
}

/**
 * Rotating validation subsets: evaluating on a subset every `every` steps
 * instead of the whole validation set, while still covering all of it over
 * time.
 *
 * Steps follow trainkit's convention (optimizer updates applied so far, 0
 * before the first), so evaluation e (0-based) happens at step
 * `(e + 1) * every`. Evaluations are grouped in rotations of
 * `R = ceil(N / subsetSize)`: rotation r shuffles the validation set with seed
 * `deriveSeed(seed, r)` and cuts it into R consecutive chunks whose sizes
 * differ by at most one (`floor(N / R)` or `ceil(N / R)`, never more than
 * `subsetSize`); evaluation e uses chunk `e % R` of rotation `floor(e / R)`.
 * So any R consecutive evaluations starting at a rotation boundary see every
 * validation sample exactly once, each rotation in a new order, and the
 * subset at any step is a pure function of (seed, step).
 *
 * @param options - `validation`, `subsetSize`, `every`, `seed`.
 * @returns A {@link ValidationSubsets}.
 *
 * @example
 * ```ts
 * const subsets = validationSubsets({ validation: 1000, subsetSize: 300, every: 100, seed: 7 });
 * subsets.subsetsPerRotation; // 4 (chunks of 250)
 * for (let step = 1; step <= 800; step++) {
 *   // ... one optimizer update ...
 *   const indices = subsets.subsetAt(step); // defined at steps 100, 200, ...
 *   if (indices) evaluate(indices); // steps 100..400 cover all 1000 samples
 * }
 * ```
 */
export function validationSubsets(options: ValidationSubsetsOptions): ValidationSubsets {
  const name = 'validationSubsets';
  const check = checkArguments(name);
  checkOptions(name, options, '{ validation: 1000, subsetSize: 100, every: 50, seed: 0 }');
  let base: Int32Array;
  if (typeof options.validation === 'number') {
    const size = check.integer('validation', options.validation, {
      min: 1,
      max: maxSampleCount,
      fix: 'Pass the validation set size or its indices; it must not be empty.',
    });
    base = new Int32Array(size);
    for (let i = 0; i < size; i++) base[i] = i;
  } else {
    base = toIndexArray(name, 'validation', options.validation);
  }
  const size = base.length;
  const subsetSize = check.integer('subsetSize', options.subsetSize, { min: 1 });
  const every = check.integer('every', options.every, { min: 1 });
  const seed = check.integer('seed', options.seed, { min: 0, max: 2 ** 53 - 1 });
  const rotationLength = Math.ceil(size / Math.min(subsetSize, size));
  const chunk = Math.floor(size / rotationLength);
  const longer = size % rotationLength; // the first `longer` chunks have chunk + 1 items

  let cachedRotation = -1;
  let cachedOrder = base;
  const rotationOrder = (rotation: number): Int32Array => {
    if (rotation !== cachedRotation) {
      const order = base.slice();
      createRandom({ seed: deriveSeed(seed, rotation) }).shuffle(order.subarray(0, size));
      cachedOrder = order;
      cachedRotation = rotation;
    }
    return cachedOrder;
  };

  const subset = (evaluation: number): Int32Array => {
    check.integer('evaluation', evaluation, { min: 0 });
    const rotation = Math.floor(evaluation / rotationLength);
    const position = evaluation - rotation * rotationLength;
    const start = position * chunk + Math.min(position, longer);
    const end = start + chunk + (position < longer ? 1 : 0);
    return rotationOrder(rotation).slice(start, end).sort();
  };
  const evaluationAt = (step: number): number | undefined => {
    check.integer('step', step, { min: 0 });
    return step > 0 && step % every === 0 ? step / every - 1 : undefined;
  };
  return Object.freeze({
    subsetsPerRotation: rotationLength,
    validationSize: size,
    isEvaluationStep: (step: number) => evaluationAt(step) !== undefined,
    evaluationAt,
    subset,
    subsetAt(step: number) {
      const evaluation = evaluationAt(step);
      return evaluation === undefined ? undefined : subset(evaluation);
    },
  });
}
