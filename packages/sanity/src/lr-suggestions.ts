import { checkArguments, ShapeMismatchError } from '@trainkit/core';
import { medianInPlace } from '@trainkit/stats';

/** A learning rate suggested by a rule, with the point of the curve it comes from. */
export interface LearningRateSuggestion {
  /** The suggested learning rate. */
  readonly learningRate: number;
  /** Index of the curve point the rule picked (for a rule that does not pick one point, the nearest point). */
  readonly index: number;
}

function checkCurve(
  functionName: string,
  learningRates: ArrayLike<number>,
  losses: ArrayLike<number>,
): void {
  const check = checkArguments(functionName);
  check.nonEmptyArray('learningRates', learningRates);
  check.nonEmptyArray('losses', losses);
  if (learningRates.length !== losses.length) {
    throw new ShapeMismatchError({
      functionName,
      argument: 'losses',
      expected: learningRates.length,
      actual: losses.length,
      fix: 'Pass one loss per learning rate.',
    });
  }
  for (let i = 0; i < learningRates.length; i++) {
    const lr = learningRates[i]!;
    if (!(lr > 0) || !Number.isFinite(lr) || (i > 0 && !(lr > learningRates[i - 1]!))) {
      check.fail(
        `learningRates[${i}]`,
        lr,
        'a positive finite number, larger than the previous one',
        'Pass the ramp in increasing order.',
      );
    }
  }
}

/** Options of the peers' rules, which look at a trimmed window of the smoothed curve. */
export interface PeerRuleOptions {
  /**
   * Points skipped at the start: fastai uses `num_it // 10` of the configured
   * iteration count. Default `floor(iterations / 10)` with `iterations` the
   * number of points.
   */
  readonly skipStart?: number;
  /** Points skipped at the end. Default 5 (fastai). */
  readonly skipEnd?: number;
}

/** The trimmed window fastai's suggestion functions see, cut at the first non-finite loss. */
function peerWindow(
  functionName: string,
  learningRates: ArrayLike<number>,
  smoothed: ArrayLike<number>,
  options: PeerRuleOptions,
): { start: number; end: number } {
  checkCurve(functionName, learningRates, smoothed);
  const check = checkArguments(functionName);
  const start = check.integer('skipStart', options.skipStart ?? Math.floor(smoothed.length / 10), {
    min: 0,
  });
  const skipEnd = check.integer('skipEnd', options.skipEnd ?? 5, { min: 0 });
  let end = smoothed.length - skipEnd;
  for (let i = start; i < end; i++) {
    if (!Number.isFinite(smoothed[i]!)) {
      end = i;
      break;
    }
  }
  return { start, end };
}

/**
 * fastai's default suggestion, `valley`: the longest strictly decreasing
 * subsequence of the smoothed losses (not necessarily contiguous, O(n²)),
 * and the point `start + floor(len/3) + floor(len/6)` of its span, "about
 * half-way down the valley". On the window fastai uses: after the first 10% of
 * the points and before the last 5, cut at the first non-finite loss.
 *
 * @param learningRates - The ramp, increasing.
 * @param smoothed - The smoothed losses (fastai: the debiased EMA, β = 0.98).
 * @param options - {@link PeerRuleOptions}
 * @returns The suggestion, or `undefined` when the window has fewer than 2 points.
 * @example
 * ```ts
 * const valley = valleySuggestion(result.learningRates, result.smoothed);
 * ```
 */
export function valleySuggestion(
  learningRates: ArrayLike<number>,
  smoothed: ArrayLike<number>,
  options: PeerRuleOptions = {},
): LearningRateSuggestion | undefined {
  const { start, end } = peerWindow('valleySuggestion', learningRates, smoothed, options);
  const n = end - start;
  if (n < 2) return undefined;
  const lds = new Int32Array(n).fill(1);
  let maxStart = 0;
  let maxEnd = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (smoothed[start + i]! < smoothed[start + j]! && lds[i]! < lds[j]! + 1)
        lds[i] = lds[j]! + 1;
      if (lds[maxEnd]! < lds[i]!) {
        maxEnd = i;
        maxStart = maxEnd - lds[maxEnd]!;
      }
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  const index = start + maxStart + Math.floor(sections) + Math.floor(sections / 2);
  return { learningRate: learningRates[index]!, index };
}

/**
 * The steepest-slope suggestion (fastai's `steep`): the learning rate where the
 * smoothed loss falls fastest against log(learning rate), i.e. the argmin of
 * `(loss[i+1] - loss[i]) / (ln lr[i+1] - ln lr[i])`, returning `lr[i]`. Same
 * window as {@link valleySuggestion}. Lightning's rule differs: it takes the
 * gradient against the linear learning rate.
 *
 * @param learningRates - The ramp, increasing.
 * @param smoothed - The smoothed losses.
 * @param options - {@link PeerRuleOptions}
 * @returns The suggestion, or `undefined` when the window has fewer than 2 points.
 * @example
 * ```ts
 * const steepest = steepestSuggestion(result.learningRates, result.smoothed);
 * ```
 */
export function steepestSuggestion(
  learningRates: ArrayLike<number>,
  smoothed: ArrayLike<number>,
  options: PeerRuleOptions = {},
): LearningRateSuggestion | undefined {
  const { start, end } = peerWindow('steepestSuggestion', learningRates, smoothed, options);
  if (end - start < 2) return undefined;
  let best = Number.POSITIVE_INFINITY;
  let index = start;
  for (let i = start; i + 1 < end; i++) {
    const slope =
      (smoothed[i + 1]! - smoothed[i]!) /
      (Math.log(learningRates[i + 1]!) - Math.log(learningRates[i]!));
    if (slope < best) {
      best = slope;
      index = i;
    }
  }
  return { learningRate: learningRates[index]!, index };
}

/**
 * fastai's `minimum` suggestion: the learning rate at the lowest smoothed loss,
 * divided by 10. Same window as {@link valleySuggestion}.
 *
 * @param learningRates - The ramp, increasing.
 * @param smoothed - The smoothed losses.
 * @param options - {@link PeerRuleOptions}
 * @returns The suggestion (`index` is the minimum's), or `undefined` for an empty window.
 * @example
 * ```ts
 * const minimum = minimumSuggestion(result.learningRates, result.smoothed);
 * ```
 */
export function minimumSuggestion(
  learningRates: ArrayLike<number>,
  smoothed: ArrayLike<number>,
  options: PeerRuleOptions = {},
): LearningRateSuggestion | undefined {
  const { start, end } = peerWindow('minimumSuggestion', learningRates, smoothed, options);
  if (end - start < 1) return undefined;
  let index = start;
  for (let i = start + 1; i < end; i++) if (smoothed[i]! < smoothed[index]!) index = i;
  return { learningRate: learningRates[index]! / 10, index };
}

/** Options of {@link descentSuggestion}. */
export interface DescentSuggestionOptions {
  /**
   * Half-width, in decades of learning rate, of the running median that
   * smooths the raw losses. Default 0.25 (a window of half a decade).
   */
  readonly halfWidth?: number;
  /** Fractions of the reference drop whose crossings are averaged. Default 0.2, 0.25, ..., 0.5. */
  readonly levels?: readonly number[];
  /**
   * The reference drop is the drop from the start level to the lowest smoothed
   * loss, capped at this fraction of the start level. Default 0.3: the levels
   * then lie within the first 15% of the fall, which every ramp reaches,
   * whereas how deep the loss gets depends on how long the ramp trains.
   */
  readonly maxDropFraction?: number;
  /** Fraction of the finite points (at least 5) whose median is the start level. Default 0.1. */
  readonly startFraction?: number;
  /**
   * The drop from the start level to the lowest smoothed loss must be at least
   * this fraction of the start level for a suggestion. Default 0.1.
   */
  readonly minRelativeDrop?: number;
}

/** What {@link descentSuggestion} measured, with the suggestion when the curve has a clear drop. */
export interface DescentSuggestion {
  /** The suggested learning rate; `undefined` when the loss does not drop clearly. */
  readonly learningRate: number | undefined;
  /** Index of the point whose learning rate is nearest to the suggestion (-1 without one). */
  readonly index: number;
  /** The running median of the raw losses over ±`halfWidth` decades (up to the first non-finite loss). */
  readonly curve: readonly number[];
  /** Median of the first `startFraction` of the raw losses. */
  readonly startLoss: number;
  /** The lowest value of `curve`. */
  readonly minimumLoss: number;
  /** The learning rate at the lowest value of `curve`. */
  readonly minimumLearningRate: number;
  /** `(startLoss - minimumLoss) / startLoss`. */
  readonly relativeDrop: number;
  /** The drop the levels are fractions of: `min(startLoss - minimumLoss, maxDropFraction * startLoss)`. */
  readonly referenceDrop: number;
  /** For each level f: the accumulated learning rate Σ lr up to the first point where `curve <= startLoss - f * referenceDrop`. */
  readonly accumulated: readonly number[];
}

/**
 * Steps a geometric ramp from 1e-7 to 10 over 100 iterations (the fastai
 * default) takes per e-fold: the reference that turns an accumulated learning
 * rate back into a learning rate, `1 / (1 - 10^(-8/99))` = 5.89.
 */
export const referenceRampSteps = 1 / (1 - 10 ** (-8 / 99));

/**
 * trainkit's range-test suggestion, designed to be stable across seeds and
 * ramp lengths (see the README for the measurements):
 *
 * 1. Smooth the raw losses with a running median over ±`halfWidth` decades of
 *    learning rate. Unlike the EMA, it has no lag, and its window covers the
 *    same learning rates whatever the iteration count (an EMA with β = 0.98
 *    lags about 50 iterations: 4 decades of a 100-iteration ramp, 1.3 of a
 *    300-iteration one).
 * 2. Start level = median of the first 10% of the raw losses; drop = start
 *    level - lowest smoothed loss. No suggestion if the drop is below 10% of
 *    the start level (a flat curve: nothing to read). The reference drop is
 *    the drop capped at 30% of the start level.
 * 3. For each level f in 0.2, 0.25, ..., 0.5: the first point where the
 *    smoothed loss has fallen by f of the reference drop, and the learning rate
 *    accumulated up to it, `Σ lr[j]`. How far the loss falls depends on the
 *    distance travelled, `Σ lr`, more than on the current rate while the
 *    steps are stable; a 300-iteration ramp spends three times as many steps
 *    per decade as a 100-iteration one, so on the learning-rate axis its
 *    curve falls about 3x earlier (the "100 vs 1000 iterations" complaints),
 *    while on the Σ lr axis both fall at the same place.
 * 4. Suggestion = geometric mean of those accumulated rates / 5.89
 *    ({@link referenceRampSteps}): the learning rate at that point of the
 *    default 100-iteration ramp from 1e-7 to 10.
 *
 * @param learningRates - The ramp, increasing.
 * @param losses - The raw (unsmoothed) loss of each iteration.
 * @param options - {@link DescentSuggestionOptions}
 * @returns The suggestion and what it was computed from.
 * @example
 * ```ts
 * const { learningRate } = descentSuggestion(result.learningRates, result.losses);
 * ```
 */
export function descentSuggestion(
  learningRates: ArrayLike<number>,
  losses: ArrayLike<number>,
  options: DescentSuggestionOptions = {},
): DescentSuggestion {
  const functionName = 'descentSuggestion';
  checkCurve(functionName, learningRates, losses);
  const check = checkArguments(functionName);
  const halfWidth = check.positive('halfWidth', options.halfWidth ?? 0.25);
  const levels = options.levels ?? [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5];
  check.nonEmptyArray('levels', levels);
  levels.forEach((level, i) => {
    check.number(`levels[${i}]`, level, { min: 0, max: 1, minInclusive: false });
  });
  const startFraction = check.number('startFraction', options.startFraction ?? 0.1, {
    min: 0,
    max: 0.5,
    minInclusive: false,
  });
  const minRelativeDrop = check.number('minRelativeDrop', options.minRelativeDrop ?? 0.1, {
    min: 0,
    max: 1,
  });
  const maxDropFraction = check.number('maxDropFraction', options.maxDropFraction ?? 0.3, {
    min: 0,
    minInclusive: false,
  });

  let n = 0;
  while (n < losses.length && Number.isFinite(losses[n]!)) n++;
  const logs = new Float64Array(n);
  for (let i = 0; i < n; i++) logs[i] = Math.log10(learningRates[i]!);
  const curve: number[] = [];
  const scratch = new Float64Array(n);
  let low = 0;
  let high = 0;
  for (let i = 0; i < n; i++) {
    while (logs[low]! < logs[i]! - halfWidth) low++;
    while (high + 1 < n && logs[high + 1]! <= logs[i]! + halfWidth) high++;
    const window = scratch.subarray(0, high - low + 1);
    for (let j = low; j <= high; j++) window[j - low] = losses[j]!;
    curve.push(medianInPlace(window));
  }
  const startCount = Math.min(n, Math.max(5, Math.floor(startFraction * n)));
  const startScratch = new Float64Array(startCount);
  for (let i = 0; i < startCount; i++) startScratch[i] = losses[i]!;
  const startLoss = medianInPlace(startScratch);
  let minimumIndex = 0;
  for (let i = 1; i < n; i++) if (curve[i]! < curve[minimumIndex]!) minimumIndex = i;
  const minimumLoss = n > 0 ? curve[minimumIndex]! : Number.NaN;
  const drop = startLoss - minimumLoss;
  const relativeDrop = drop / Math.abs(startLoss);
  const base = {
    curve,
    startLoss,
    minimumLoss,
    minimumLearningRate: n > 0 ? learningRates[minimumIndex]! : Number.NaN,
    relativeDrop,
  };
  const referenceDrop = Math.min(drop, maxDropFraction * Math.abs(startLoss));
  if (n < 5 || !(relativeDrop >= minRelativeDrop) || !(drop > 0)) {
    return { ...base, referenceDrop, learningRate: undefined, index: -1, accumulated: [] };
  }
  const accumulated: number[] = [];
  let logSum = 0;
  for (const level of levels) {
    const target = startLoss - level * referenceDrop;
    let sum = 0;
    for (let i = 0; i <= minimumIndex; i++) {
      sum += learningRates[i]!;
      if (curve[i]! <= target) break;
    }
    accumulated.push(sum);
    logSum += Math.log(sum);
  }
  const learningRate = Math.exp(logSum / levels.length) / referenceRampSteps;
  let index = 0;
  for (let i = 1; i < n; i++) {
    if (
      Math.abs(logs[i]! - Math.log10(learningRate)) <
      Math.abs(logs[index]! - Math.log10(learningRate))
    ) {
      index = i;
    }
  }
  return { ...base, referenceDrop, learningRate, index, accumulated };
}
