import { checkArguments, type JsonNumber } from '@trainkit/core';
import { compensatedAdd, defineStreamingState, stateField } from '@trainkit/stats';
import { assertArrayLike, checkSameLength } from './labels';

/**
 * A sample-weighted running mean, e.g. of minibatch losses weighted by batch
 * size: "the training error is the average minibatch error" over an epoch.
 *
 * Sums use Neumaier's compensated summation, so millions of updates keep
 * full double precision. A non-finite value (a NaN or infinite loss) with a
 * non-zero weight makes the mean non-finite, as it should (divergence must
 * be visible); a zero weight contributes nothing, even a NaN value.
 */
export interface RunningMeanState {
  readonly kind: 'runningMean';
  /** Σ weight·value (compensated: the exact sum is `sum + sumCompensation`). */
  sum: number;
  sumCompensation: number;
  /** Σ weight (compensated like `sum`). */
  weight: number;
  weightCompensation: number;
  /** Number of updates. */
  count: number;
}

/** The serialized form written by {@link runningMeanToJSON}. */
export interface RunningMeanJSON {
  readonly format: 'trainkit.metrics.runningMean';
  readonly version: 1;
  readonly sum: JsonNumber;
  readonly sumCompensation: JsonNumber;
  readonly weight: JsonNumber;
  readonly weightCompensation: JsonNumber;
  readonly count: number;
}

/**
 * The running mean as a streaming state (torchmetrics' `MeanMetric`: a
 * weighted sum and a weight, reduced by addition; here with Neumaier
 * compensation): reset, merge and JSON come from the definition.
 */
const runningMeanState = defineStreamingState<RunningMeanState, never, RunningMeanJSON>(
  'trainkit.metrics.runningMean',
  {
    description: 'a running mean state',
    mergeName: 'mergeRunningMeans',
    parameters: {},
    fields: {
      sum: stateField.compensatedSum('sumCompensation'),
      sumCompensation: stateField.compensation(),
      weight: stateField.compensatedSum('weightCompensation'),
      weightCompensation: stateField.compensation(),
      count: stateField.count(),
    },
    // The total weight is a sum of finite weights >= 0.
    validate: (state, read) => {
      if (!(state.weight >= 0) || state.weight === Number.POSITIVE_INFINITY) {
        read.fail('weight', 'a finite number >= 0', state.weight);
      }
    },
  },
);

function checkValue(functionName: string, argument: string, value: unknown): number {
  if (typeof value !== 'number') {
    return checkArguments(functionName).fail(argument, value, 'a number');
  }
  return value;
}

function checkWeight(functionName: string, argument: string, weight: unknown): number {
  // The checker is built only for a bad weight: this runs once per minibatch.
  if (typeof weight === 'number' && weight >= 0 && weight < Number.POSITIVE_INFINITY) {
    return weight;
  }
  return checkArguments(functionName).nonNegative(
    argument,
    weight,
    'Use the number of samples in the minibatch (or 1 for an unweighted mean).',
  );
}

/**
 * Creates an empty running mean.
 *
 * @example
 * ```ts
 * const trainLoss = createRunningMean();
 * for (const batch of epoch) updateRunningMean(trainLoss, batch.loss, batch.size);
 * runningMeanValue(trainLoss); // the epoch's training loss
 * ```
 */
export function createRunningMean(): RunningMeanState {
  return runningMeanState.create('createRunningMean', {});
}

/**
 * Adds one value with a weight (default 1), in place.
 *
 * @param state - The running mean (mutated and returned).
 * @param value - Any number; NaN/±Infinity propagate to the mean when the weight is > 0.
 * @param weight - A finite number >= 0, e.g. the minibatch size. Default 1.
 * @returns `state`.
 * @throws InvalidArgumentError for a non-number value or a negative / non-finite weight
 *   (the state is unchanged).
 *
 * @example
 * ```ts
 * updateRunningMean(state, 0.31, 64);
 * ```
 */
export function updateRunningMean(
  state: RunningMeanState,
  value: number,
  weight = 1,
): RunningMeanState {
  const name = 'updateRunningMean';
  runningMeanState.assert(name, state);
  const v = checkValue(name, 'value', value);
  const w = checkWeight(name, 'weight', weight);
  addWeighted(state, v, w);
  return state;
}

function addWeighted(state: RunningMeanState, value: number, weight: number): void {
  state.count++;
  if (weight === 0) return;
  [state.sum, state.sumCompensation] = compensatedAdd(
    state.sum,
    state.sumCompensation,
    value * weight,
  );
  [state.weight, state.weightCompensation] = compensatedAdd(
    state.weight,
    state.weightCompensation,
    weight,
  );
}

/**
 * The weighted mean so far: Σ w·x / Σ w. NaN before any weight (no data).
 *
 * @example
 * ```ts
 * runningMeanValue(state);
 * ```
 */
export function runningMeanValue(state: RunningMeanState): number {
  runningMeanState.assert('runningMeanValue', state);
  const weight = state.weight + state.weightCompensation;
  if (weight === 0) return Number.NaN;
  return (state.sum + state.sumCompensation) / weight;
}

function checkSeries(
  functionName: string,
  values: unknown,
  weights: unknown,
): { values: ArrayLike<number>; weights: ArrayLike<number> | undefined } {
  assertArrayLike(functionName, 'values', values);
  for (let i = 0; i < values.length; i++) checkValue(functionName, `values[${i}]`, values[i]);
  if (weights === undefined) return { values, weights: undefined };
  assertArrayLike(functionName, 'weights', weights);
  checkSameLength(functionName, 'weights', weights.length, values.length);
  for (let i = 0; i < weights.length; i++) checkWeight(functionName, `weights[${i}]`, weights[i]);
  return { values, weights };
}

/**
 * The weighted mean of a series, Σ w·x / Σ w (compensated summation), the
 * functional form of the running mean. NaN for an empty series or zero total weight.
 *
 * @param values - The values, e.g. minibatch losses.
 * @param weights - Optional weights >= 0 (e.g. minibatch sizes). Default all 1.
 *
 * @example
 * ```ts
 * weightedMean([0.5, 0.3], [64, 32]); // (0.5·64 + 0.3·32) / 96 = 0.4333…
 * ```
 */
export function weightedMean(values: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const checked = checkSeries('weightedMean', values, weights);
  const state = createRunningMean();
  for (let i = 0; i < checked.values.length; i++) {
    addWeighted(state, checked.values[i]!, checked.weights === undefined ? 1 : checked.weights[i]!);
  }
  return runningMeanValue(state);
}

/**
 * The running (cumulative) weighted mean after each point: `out[i]` is the
 * mean of `values[0..i]`, exactly what {@link runningMeanValue} reports after
 * the same updates. Before any weight the entry is NaN.
 *
 * @param values - The series.
 * @param weights - Optional weights >= 0. Default all 1.
 * @returns A new Float64Array of the same length.
 *
 * @example
 * ```ts
 * cumulativeMean([1, 2, 3, 4]); // Float64Array [1, 1.5, 2, 2.5]
 * ```
 */
export function cumulativeMean(
  values: ArrayLike<number>,
  weights?: ArrayLike<number>,
): Float64Array {
  const checked = checkSeries('cumulativeMean', values, weights);
  const state = createRunningMean();
  const out = new Float64Array(checked.values.length);
  for (let i = 0; i < out.length; i++) {
    addWeighted(state, checked.values[i]!, checked.weights === undefined ? 1 : checked.weights[i]!);
    out[i] = runningMeanValue(state);
  }
  return out;
}

// The generic operations, bound to their public names (see the definition above).

/**
 * Adds the sums of `sources` into `target` (workers, folds), in place, with
 * the same compensated summation.
 *
 * @param target - The running mean that receives the sums (mutated and returned).
 * @param sources - Other running means.
 * @returns `target`.
 * @example
 * ```ts
 * mergeRunningMeans(total, workerA, workerB);
 * ```
 */
export const mergeRunningMeans = runningMeanState.merge;

/**
 * Clears the state in place (start of a new epoch).
 *
 * @param state - The running mean (mutated and returned).
 * @returns `state`.
 * @example
 * ```ts
 * resetRunningMean(trainLoss);
 * ```
 */
export const resetRunningMean = runningMeanState.reset;

/**
 * Serializes the state; `JSON.stringify` of the result and
 * {@link runningMeanFromJSON} restore it exactly (NaN and ±Infinity included).
 *
 * @param state - The running mean.
 * @returns The envelope `{ format: 'trainkit.metrics.runningMean', version: 1, sum, ... }`.
 * @example
 * ```ts
 * const saved = JSON.stringify(runningMeanToJSON(state));
 * ```
 */
export const runningMeanToJSON = runningMeanState.toJSON;

/**
 * Restores a state written by {@link runningMeanToJSON}.
 *
 * @param json - What {@link runningMeanToJSON} returned (or its JSON text).
 * @returns The state.
 * @throws StateRestoreError for a malformed state.
 * @example
 * ```ts
 * const state = runningMeanFromJSON(JSON.parse(saved));
 * ```
 */
export const runningMeanFromJSON = runningMeanState.fromJSON;
