import {
  checkArguments,
  encodeJsonNumber,
  type JsonNumber,
  type StateReader,
} from '@trainkit/core';
import { assertArrayLike, checkSameLength } from './array-arguments';
import { defineStreamingState, stateField, stateParameter } from './streaming-state';

/**
 * Streaming (weighted) mean of the last `window` values: a trailing moving
 * average for noisy loss curves.
 *
 * Running sums make each update O(1); they are recomputed from the buffer
 * every `window` updates so rounding cannot drift. Non-finite values are
 * counted separately: while a NaN (or both +Infinity and −Infinity) is inside
 * the window the mean is NaN, while only +Infinity (−Infinity) is, it is
 * +Infinity (−Infinity); once it leaves the window the mean is finite again.
 */
export interface WindowMeanState {
  readonly kind: 'windowMean';
  /** Window length (number of most recent updates averaged). */
  readonly window: number;
  /** Ring buffers of the last `window` values and weights. */
  readonly values: Float64Array;
  readonly weights: Float64Array;
  /** Index of the oldest entry in the ring. */
  start: number;
  /** Number of entries in the ring (<= window). */
  size: number;
  /** Σ w·x over the finite entries with w > 0. */
  sum: number;
  /** Σ w over the finite entries. */
  weightSum: number;
  /** Finite entries with w > 0; when it drops to 0 the sums are reset to exactly 0. */
  finiteCount: number;
  /** Entries with w > 0 that are NaN, +Infinity, −Infinity. */
  nanCount: number;
  positiveInfinityCount: number;
  negativeInfinityCount: number;
  /** Updates since the sums were last recomputed from the buffer. */
  sinceRecompute: number;
}

/** The serialized form written by {@link windowMeanToJSON}. */
export interface WindowMeanJSON {
  readonly format: 'trainkit.stats.windowMean';
  readonly version: 1;
  readonly window: number;
  /** Buffered entries, oldest first. */
  readonly values: JsonNumber[];
  readonly weights: number[];
  readonly sum: number;
  readonly weightSum: number;
  readonly sinceRecompute: number;
}

/** Options of {@link windowMean}. */
export interface WindowMeanOptions {
  /** Weights >= 0, one per value (e.g. minibatch sizes). Default all 1. */
  readonly weights?: ArrayLike<number>;
}

const windowBounds = {
  min: 1,
  max: 10_000_000,
  fix: 'The window is the number of most recent values averaged, e.g. 50.',
};

const ringLength = (parameters: Readonly<Record<string, unknown>>) => parameters.window as number;

/**
 * The window mean's generic operations (state check, reset, JSON), see
 * {@link defineStreamingState}. The payload lists the ring oldest first and
 * the running sums; the counters of non-finite entries follow from the
 * entries on restore.
 */
const windowMeanState = defineStreamingState<WindowMeanState, 'window', WindowMeanJSON>(
  'trainkit.stats.windowMean',
  {
    description: 'a window mean state',
    parameters: { window: stateParameter.integer(windowBounds) },
    fields: {
      values: stateField.buffer(ringLength),
      weights: stateField.buffer(ringLength),
      start: stateField.value(0, 'count'),
      size: stateField.value(0, 'count'),
      sum: stateField.value(0, 'number'),
      weightSum: stateField.value(0, 'number'),
      finiteCount: stateField.value(0, 'count'),
      nanCount: stateField.value(0, 'count'),
      positiveInfinityCount: stateField.value(0, 'count'),
      negativeInfinityCount: stateField.value(0, 'count'),
      sinceRecompute: stateField.value(0, 'count'),
    },
    payload: { toJSON: ringToJSON, fromJSON: ringFromJSON },
  },
);

/**
 * Creates an empty trailing-window mean.
 *
 * @param window - Number of most recent values averaged (>= 1).
 * @returns An empty state.
 * @throws InvalidArgumentError for a window that is not an integer in [1, 10,000,000].
 *
 * @example
 * ```ts
 * const recent = createWindowMean(100);
 * updateWindowMean(recent, loss, batchSize);
 * windowMeanValue(recent);
 * ```
 */
export function createWindowMean(window: number): WindowMeanState {
  return windowMeanState.create('createWindowMean', { window });
}

function countSpecial(state: WindowMeanState, value: number, delta: number): void {
  if (Number.isNaN(value)) state.nanCount += delta;
  else if (value === Number.POSITIVE_INFINITY) state.positiveInfinityCount += delta;
  else state.negativeInfinityCount += delta;
}

function push(state: WindowMeanState, value: number, weight: number): void {
  const capacity = state.window;
  if (state.size === capacity) {
    const oldValue = state.values[state.start]!;
    const oldWeight = state.weights[state.start]!;
    if (oldWeight > 0) {
      if (Number.isFinite(oldValue)) {
        state.finiteCount--;
        if (state.finiteCount === 0) {
          // Nothing finite left: drop the rounding residue of the subtractions
          // (else 0/residue would report 0 where the mean is undefined, NaN).
          state.sum = 0;
          state.weightSum = 0;
        } else {
          state.sum -= oldValue * oldWeight;
          state.weightSum -= oldWeight;
        }
      } else countSpecial(state, oldValue, -1);
    }
    state.values[state.start] = value;
    state.weights[state.start] = weight;
    state.start = (state.start + 1) % capacity;
  } else {
    const index = (state.start + state.size) % capacity;
    state.values[index] = value;
    state.weights[index] = weight;
    state.size++;
  }
  if (weight > 0) {
    if (Number.isFinite(value)) {
      state.sum += value * weight;
      state.weightSum += weight;
      state.finiteCount++;
    } else countSpecial(state, value, 1);
  }
  state.sinceRecompute++;
  if (state.sinceRecompute >= capacity) recompute(state);
}

/** Recomputes the sums from the buffer, oldest first. */
function recompute(state: WindowMeanState): void {
  let sum = 0;
  let weightSum = 0;
  for (let i = 0; i < state.size; i++) {
    const index = (state.start + i) % state.window;
    const v = state.values[index]!;
    const w = state.weights[index]!;
    if (w > 0 && Number.isFinite(v)) {
      sum += v * w;
      weightSum += w;
    }
  }
  state.sum = sum;
  state.weightSum = weightSum;
  state.sinceRecompute = 0;
}

/**
 * Adds one value (weight default 1), dropping the oldest when the window is full.
 *
 * @param state - The window (mutated and returned).
 * @param value - Any number (non-finite values are handled as described on {@link WindowMeanState}).
 * @param weight - A finite number >= 0. Default 1.
 * @returns `state`.
 * @throws InvalidArgumentError for a non-number value or a bad weight (state unchanged).
 *
 * @example
 * ```ts
 * updateWindowMean(state, 0.25);
 * ```
 */
export function updateWindowMean(
  state: WindowMeanState,
  value: number,
  weight = 1,
): WindowMeanState {
  const name = 'updateWindowMean';
  windowMeanState.assert(name, state);
  if (typeof value !== 'number') checkArguments(name).fail('value', value, 'a number');
  // The checker is built only for a bad weight: this runs once per value.
  if (!(typeof weight === 'number' && weight >= 0 && weight < Number.POSITIVE_INFINITY)) {
    checkArguments(name).nonNegative(
      'weight',
      weight,
      'Use the minibatch size, or 1 for a plain mean.',
    );
  }
  push(state, value, weight);
  return state;
}

/**
 * The weighted mean of the values in the window; NaN when the window is
 * empty or its weights sum to 0.
 *
 * @example
 * ```ts
 * windowMeanValue(state);
 * ```
 */
export function windowMeanValue(state: WindowMeanState): number {
  windowMeanState.assert('windowMeanValue', state);
  if (state.nanCount > 0 || (state.positiveInfinityCount > 0 && state.negativeInfinityCount > 0)) {
    return Number.NaN;
  }
  if (state.positiveInfinityCount > 0) return Number.POSITIVE_INFINITY;
  if (state.negativeInfinityCount > 0) return Number.NEGATIVE_INFINITY;
  return state.finiteCount > 0 && state.weightSum > 0 ? state.sum / state.weightSum : Number.NaN;
}

function ringToJSON(state: WindowMeanState): Omit<WindowMeanJSON, 'format' | 'version' | 'window'> {
  const values: JsonNumber[] = [];
  const weights: number[] = [];
  for (let i = 0; i < state.size; i++) {
    const index = (state.start + i) % state.window;
    values.push(encodeJsonNumber(state.values[index]!));
    weights.push(state.weights[index]!);
  }
  return {
    values,
    weights,
    sum: state.sum,
    weightSum: state.weightSum,
    sinceRecompute: state.sinceRecompute,
  };
}

function ringFromJSON(
  read: StateReader,
  parameters: Readonly<Record<string, number>>,
): Omit<WindowMeanState, 'kind' | 'window'> {
  const window = parameters.window!;
  const values = read.jsonNumbers('values');
  if (values.length > window) {
    read.fail('values', `an array of at most window = ${window} entries`, read.value('values'));
  }
  const weights = read.numbers('weights', { min: 0, length: values.length });
  const sum = read.number('sum');
  const weightSum = read.number('weightSum');
  const sinceRecompute = read.integer('sinceRecompute', {
    min: 0,
    max: window,
    maxInclusive: false,
  });
  const state = createWindowMean(window);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    const weight = weights[i]!;
    state.values[i] = value;
    state.weights[i] = weight;
    if (weight > 0) {
      if (Number.isFinite(value)) state.finiteCount++;
      else countSpecial(state, value, 1);
    }
  }
  state.size = values.length;
  state.sum = sum;
  state.weightSum = weightSum;
  state.sinceRecompute = sinceRecompute;
  const { kind: _kind, window: _window, ...fields } = state;
  return fields;
}

/**
 * Trailing moving average of a series: `out[i]` is the (weighted) mean of
 * `values[max(0, i − window + 1) .. i]` (shorter windows at the start), the
 * same numbers {@link windowMeanValue} reports after each update.
 *
 * @param values - The series.
 * @param window - Window length >= 1.
 * @param options - Optional `weights` (>= 0, one per value).
 * @returns A new Float64Array of the same length.
 *
 * @example
 * ```ts
 * windowMean([1, 2, 3, 4, 5], 2); // Float64Array [1, 1.5, 2.5, 3.5, 4.5]
 * ```
 */
export function windowMean(
  values: ArrayLike<number>,
  window: number,
  options: WindowMeanOptions = {},
): Float64Array {
  const name = 'windowMean';
  assertArrayLike(name, 'values', values);
  const check = checkArguments(name);
  options = check.options('options', options);
  const state = createWindowMean(check.integer('window', window, windowBounds));
  const weights = options.weights;
  if (weights !== undefined) {
    assertArrayLike(name, 'weights', weights);
    checkSameLength(name, 'weights', weights.length, values.length);
    for (let i = 0; i < weights.length; i++) check.nonNegative(`weights[${i}]`, weights[i]);
  }
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== 'number') check.fail(`values[${i}]`, values[i], 'a number');
  }
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    push(state, values[i]!, weights === undefined ? 1 : weights[i]!);
    out[i] = windowMeanValue(state);
  }
  return out;
}

// The generic operations, bound to their public names (see the definition above).

/**
 * Empties the window in place (keeps its length).
 *
 * @param state - The window (mutated and returned).
 * @returns `state`.
 * @example
 * ```ts
 * resetWindowMean(state);
 * ```
 */
export const resetWindowMean = windowMeanState.reset;

/**
 * Serializes the state (buffer oldest first and the running sums), exact
 * through `JSON.stringify`.
 *
 * @param state - The window.
 * @returns The envelope `{ format: 'trainkit.stats.windowMean', version: 1, window, values, ... }`.
 * @example
 * ```ts
 * const saved = JSON.stringify(windowMeanToJSON(state));
 * ```
 */
export const windowMeanToJSON = windowMeanState.toJSON;

/**
 * Restores a state written by {@link windowMeanToJSON}; later updates give
 * bit-identical results to an uninterrupted stream.
 *
 * @param json - What {@link windowMeanToJSON} returned (or its JSON text).
 * @returns The state.
 * @throws StateRestoreError for a malformed state.
 * @example
 * ```ts
 * const state = windowMeanFromJSON(JSON.parse(saved));
 * ```
 */
export const windowMeanFromJSON = windowMeanState.fromJSON;
