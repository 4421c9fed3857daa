import {
  checkArguments,
  encodeJsonNumber,
  type JsonNumber,
  readStateEnvelope,
  stateEnvelope,
} from '@trainkit/core';
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

const FORMAT = 'trainkit.metrics.runningMean' as const;

/** Neumaier's improved Kahan–Babuška summation step; returns [sum, compensation]. */
export function neumaierAdd(sum: number, compensation: number, x: number): [number, number] {
  const t = sum + x;
  if (!Number.isFinite(t) || !Number.isFinite(x)) return [t, compensation];
  const c = Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
  return [t, compensation + c];
}

function assertState(
  functionName: string,
  state: unknown,
  argument = 'state',
): asserts state is RunningMeanState {
  if (
    typeof state !== 'object' ||
    state === null ||
    (state as RunningMeanState).kind !== 'runningMean'
  ) {
    checkArguments(functionName).fail(
      argument,
      state,
      'a running mean state',
      'Create one with createRunningMean().',
    );
  }
}

function checkValue(functionName: string, argument: string, value: unknown): number {
  if (typeof value !== 'number') {
    return checkArguments(functionName).fail(argument, value, 'a number');
  }
  return value;
}

function checkWeight(functionName: string, argument: string, weight: unknown): number {
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
  return {
    kind: 'runningMean',
    sum: 0,
    sumCompensation: 0,
    weight: 0,
    weightCompensation: 0,
    count: 0,
  };
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
  assertState(name, state);
  const v = checkValue(name, 'value', value);
  const w = checkWeight(name, 'weight', weight);
  addWeighted(state, v, w);
  return state;
}

function addWeighted(state: RunningMeanState, value: number, weight: number): void {
  state.count++;
  if (weight === 0) return;
  [state.sum, state.sumCompensation] = neumaierAdd(
    state.sum,
    state.sumCompensation,
    value * weight,
  );
  [state.weight, state.weightCompensation] = neumaierAdd(
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
  assertState('runningMeanValue', state);
  const weight = state.weight + state.weightCompensation;
  if (weight === 0) return Number.NaN;
  return (state.sum + state.sumCompensation) / weight;
}

/**
 * Adds the sums of `sources` into `target` (workers, folds), in place.
 *
 * @returns `target`.
 * @example
 * ```ts
 * mergeRunningMeans(total, workerA, workerB);
 * ```
 */
export function mergeRunningMeans(
  target: RunningMeanState,
  ...sources: readonly RunningMeanState[]
): RunningMeanState {
  const name = 'mergeRunningMeans';
  assertState(name, target, 'target');
  sources.forEach((source, i) => {
    assertState(name, source, `sources[${i}]`);
  });
  for (const source of sources) {
    [target.sum, target.sumCompensation] = neumaierAdd(
      target.sum,
      target.sumCompensation,
      source.sum,
    );
    [target.sum, target.sumCompensation] = neumaierAdd(
      target.sum,
      target.sumCompensation,
      source.sumCompensation,
    );
    [target.weight, target.weightCompensation] = neumaierAdd(
      target.weight,
      target.weightCompensation,
      source.weight,
    );
    [target.weight, target.weightCompensation] = neumaierAdd(
      target.weight,
      target.weightCompensation,
      source.weightCompensation,
    );
    target.count += source.count;
  }
  return target;
}

/**
 * Clears the state in place (start of a new epoch).
 *
 * @example
 * ```ts
 * resetRunningMean(trainLoss);
 * ```
 */
export function resetRunningMean(state: RunningMeanState): RunningMeanState {
  assertState('resetRunningMean', state);
  Object.assign(state, createRunningMean());
  return state;
}

/**
 * Serializes the state; `JSON.stringify` of the result and
 * {@link runningMeanFromJSON} restore it exactly (NaN and ±Infinity included).
 *
 * @example
 * ```ts
 * const saved = JSON.stringify(runningMeanToJSON(state));
 * ```
 */
export function runningMeanToJSON(state: RunningMeanState): RunningMeanJSON {
  assertState('runningMeanToJSON', state);
  return stateEnvelope(FORMAT, 1, {
    sum: encodeJsonNumber(state.sum),
    sumCompensation: encodeJsonNumber(state.sumCompensation),
    weight: encodeJsonNumber(state.weight),
    weightCompensation: encodeJsonNumber(state.weightCompensation),
    count: state.count,
  });
}

/**
 * Restores a state written by {@link runningMeanToJSON}.
 *
 * @throws StateRestoreError for a malformed state.
 * @example
 * ```ts
 * const state = runningMeanFromJSON(JSON.parse(saved));
 * ```
 */
export function runningMeanFromJSON(json: unknown): RunningMeanState {
  const read = readStateEnvelope('runningMeanFromJSON', json, {
    format: FORMAT,
    version: 1,
    writer: 'runningMeanToJSON',
  });
  const weight = read.jsonNumber('weight');
  if (!(weight >= 0) || weight === Number.POSITIVE_INFINITY) {
    read.fail('weight', 'a finite number >= 0', weight);
  }
  return {
    kind: 'runningMean',
    sum: read.jsonNumber('sum'),
    sumCompensation: read.jsonNumber('sumCompensation'),
    weight,
    weightCompensation: read.jsonNumber('weightCompensation'),
    count: read.count('count'),
  };
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
