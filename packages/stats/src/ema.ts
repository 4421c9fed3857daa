import { checkArguments, type JsonNumber } from '@trainkit/core';
import { assertArrayLike } from './array-arguments';
import { defineStreamingState, stateField, stateParameter } from './streaming-state';

/**
 * Streaming state of TensorBoard's scalar smoothing (a debiased exponential
 * moving average). {@link emaValue} after n updates equals the last point of
 * {@link smoothEma} over the same n values, i.e. what TensorBoard would draw
 * for the newest point of the series seen so far.
 */
export interface EmaState {
  readonly kind: 'ema';
  /** Smoothing weight in [0, 1): 0 = no smoothing. */
  readonly weight: number;
  /** The biased average over the finite values (starts at 0). */
  last: number;
  /** Number of finite values folded into `last`. */
  finiteCount: number;
  /** Number of values seen (finite or not). */
  count: number;
  /** The first value seen (for TensorBoard's constant-series rule). */
  first: number;
  /** Whether every value so far equals the first. */
  constant: boolean;
  /** The most recent raw value. */
  latest: number;
}

/** The serialized form written by {@link emaToJSON}. */
export interface EmaJSON {
  readonly format: 'trainkit.stats.ema';
  readonly version: 1;
  readonly weight: number;
  readonly last: number;
  readonly finiteCount: number;
  readonly count: number;
  readonly first: JsonNumber;
  readonly constant: boolean;
  readonly latest: JsonNumber;
}

const weightBounds = {
  min: 0,
  max: 1,
  maxInclusive: false,
  fix: 'TensorBoard smoothing weights are in [0, 1), e.g. 0.6 or 0.9; 1 would freeze the average at 0.',
};

/** The EMA's generic operations (state check, reset, JSON), see {@link defineStreamingState}. */
const ema = defineStreamingState<EmaState, 'weight', EmaJSON>('trainkit.stats.ema', {
  description: 'an EMA state',
  parameters: { weight: stateParameter.number(weightBounds) },
  fields: {
    last: stateField.value(0, 'number'),
    finiteCount: stateField.value(0, 'count'),
    count: stateField.value(0, 'count'),
    first: stateField.value(Number.NaN, 'jsonNumber'),
    constant: stateField.value(true, 'boolean'),
    latest: stateField.value(Number.NaN, 'jsonNumber'),
  },
  validate: (state, read) => {
    if (state.finiteCount > state.count) {
      read.fail('finiteCount', `<= count (${state.count})`, state.finiteCount);
    }
  },
});

/**
 * Creates a streaming TensorBoard-style smoother.
 *
 * @param weight - Smoothing weight in [0, 1) (TensorBoard's slider; 0.6 is its default).
 * @throws InvalidArgumentError for a weight outside [0, 1) (TensorBoard clamps instead).
 *
 * @example
 * ```ts
 * const smooth = createEma(0.9);
 * for (const loss of losses) updateEma(smooth, loss);
 * emaValue(smooth);
 * ```
 */
export function createEma(weight: number): EmaState {
  return ema.create('createEma', { weight });
}

/**
 * Folds one value into the average, in place: for a finite x,
 * `last = last·w + (1 − w)·x`; non-finite values (NaN, ±Infinity) are skipped
 * by the average and shown as they are, like TensorBoard.
 *
 * @param state - The smoother (mutated and returned).
 * @param value - The next point of the series.
 * @returns `state`.
 *
 * @example
 * ```ts
 * updateEma(state, 0.42);
 * ```
 */
export function updateEma(state: EmaState, value: number): EmaState {
  const name = 'updateEma';
  ema.assert(name, state);
  if (typeof value !== 'number') checkArguments(name).fail('value', value, 'a number');
  if (state.count === 0) state.first = value;
  // TensorBoard compares with ==, so NaN never counts as "equal" (-0 == 0 does).
  else if (state.constant && !(value === state.first)) state.constant = false;
  state.count++;
  state.latest = value;
  if (Number.isFinite(value)) {
    state.last = state.last * state.weight + (1 - state.weight) * value;
    state.finiteCount++;
  }
  return state;
}

/**
 * The smoothed value of the newest point (NaN before any value):
 * - the raw value when every value so far is equal (TensorBoard draws a
 *   constant series unsmoothed, tensorboard#786) or when it is not finite;
 * - otherwise `last / (1 − w^n)` with n the number of finite values (the
 *   debiasing that removes the pull towards the initial 0).
 *
 * @example
 * ```ts
 * emaValue(state);
 * ```
 */
export function emaValue(state: EmaState): number {
  ema.assert('emaValue', state);
  if (state.count === 0) return Number.NaN;
  if (state.constant || !Number.isFinite(state.latest)) return state.latest;
  return state.last / debiasWeight(state.weight, state.finiteCount);
}

function debiasWeight(weight: number, finiteCount: number): number {
  return weight === 1 ? 1 : 1 - weight ** finiteCount;
}

/**
 * TensorBoard's scalar smoothing of a whole series (its "classic smoothing",
 * `tensorboard/webapp/widgets/line_chart_v2/data_transformer.ts`): a
 * first-order IIR filter debiased by 1 − w^n.
 *
 * - `last` starts at 0; for each finite x: `last = last·w + (1 − w)·x`,
 *   n += 1, output `last / (1 − w^n)`.
 * - Non-finite points (NaN, ±Infinity) are output unchanged and do not enter
 *   the average.
 * - A series whose values are all equal is returned unchanged.
 * - Unlike TensorBoard (which clamps), a weight outside [0, 1) throws.
 *
 * @param values - The series (e.g. losses per step).
 * @param weight - Smoothing weight in [0, 1).
 * @returns A new Float64Array of the smoothed values.
 *
 * @example
 * ```ts
 * smoothEma([1, 0, 1, 0], 0.5); // Float64Array [1, 0.333…, 0.714…, 0.333…]
 * ```
 */
export function smoothEma(values: ArrayLike<number>, weight: number): Float64Array {
  const name = 'smoothEma';
  assertArrayLike(name, 'values', values);
  const w = checkArguments(name).number('weight', weight, weightBounds);
  const n = values.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== 'number') checkArguments(name).fail(`values[${i}]`, v, 'a number');
    out[i] = v as number;
  }
  const first = out[0];
  let constant = true;
  for (let i = 1; i < n && constant; i++) constant = out[i] === first;
  if (n > 0 && constant && !Number.isNaN(first)) return out;
  let last = 0;
  let finiteCount = 0;
  for (let i = 0; i < n; i++) {
    const v = out[i]!;
    if (!Number.isFinite(v)) continue;
    last = last * w + (1 - w) * v;
    finiteCount++;
    out[i] = last / debiasWeight(w, finiteCount);
  }
  return out;
}

// The generic operations, bound to their public names (see the definition above).

/**
 * Clears the series, in place (keeps the weight).
 *
 * @param state - The smoother (mutated and returned).
 * @returns `state`.
 * @example
 * ```ts
 * resetEma(state);
 * ```
 */
export const resetEma = ema.reset;

/**
 * Serializes the state (exact through `JSON.stringify`, non-finite values included).
 *
 * @param state - The smoother.
 * @returns The envelope `{ format: 'trainkit.stats.ema', version: 1, weight, ... }`.
 * @example
 * ```ts
 * const saved = JSON.stringify(emaToJSON(state));
 * ```
 */
export const emaToJSON = ema.toJSON;

/**
 * Restores a state written by {@link emaToJSON} (the object, its JSON round trip or its text).
 *
 * @param json - What {@link emaToJSON} returned.
 * @returns The state.
 * @throws StateRestoreError for a malformed state.
 * @example
 * ```ts
 * const state = emaFromJSON(JSON.parse(saved));
 * ```
 */
export const emaFromJSON = ema.fromJSON;
