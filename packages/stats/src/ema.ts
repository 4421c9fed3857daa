import {
  checkArguments,
  encodeJsonNumber,
  type JsonNumber,
  readStateEnvelope,
  stateEnvelope,
} from '@trainkit/core';
import { assertArrayLike } from './array-arguments';

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

const FORMAT = 'trainkit.stats.ema' as const;

function checkWeight(functionName: string, weight: unknown): number {
  return checkArguments(functionName).number('weight', weight, {
    min: 0,
    max: 1,
    maxInclusive: false,
    fix: 'TensorBoard smoothing weights are in [0, 1), e.g. 0.6 or 0.9; 1 would freeze the average at 0.',
  });
}

function assertState(functionName: string, state: unknown): asserts state is EmaState {
  if (typeof state !== 'object' || state === null || (state as EmaState).kind !== 'ema') {
    checkArguments(functionName).fail(
      'state',
      state,
      'an EMA state',
      'Create one with createEma(weight).',
    );
  }
}

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
  const w = checkWeight('createEma', weight);
  return {
    kind: 'ema',
    weight: w,
    last: 0,
    finiteCount: 0,
    count: 0,
    first: Number.NaN,
    constant: true,
    latest: Number.NaN,
  };
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
  assertState(name, state);
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
  assertState('emaValue', state);
  if (state.count === 0) return Number.NaN;
  if (state.constant || !Number.isFinite(state.latest)) return state.latest;
  return state.last / debiasWeight(state.weight, state.finiteCount);
}

function debiasWeight(weight: number, finiteCount: number): number {
  return weight === 1 ? 1 : 1 - weight ** finiteCount;
}

/**
 * Clears the series, in place (keeps the weight).
 *
 * @example
 * ```ts
 * resetEma(state);
 * ```
 */
export function resetEma(state: EmaState): EmaState {
  assertState('resetEma', state);
  Object.assign(state, createEma(state.weight));
  return state;
}

/**
 * Serializes the state (exact through `JSON.stringify`, non-finite values included).
 *
 * @example
 * ```ts
 * const saved = JSON.stringify(emaToJSON(state));
 * ```
 */
export function emaToJSON(state: EmaState): EmaJSON {
  assertState('emaToJSON', state);
  return stateEnvelope(FORMAT, 1, {
    weight: state.weight,
    last: state.last,
    finiteCount: state.finiteCount,
    count: state.count,
    first: encodeJsonNumber(state.first),
    constant: state.constant,
    latest: encodeJsonNumber(state.latest),
  });
}

/**
 * Restores a state written by {@link emaToJSON}.
 *
 * @throws StateRestoreError for a malformed state.
 * @example
 * ```ts
 * const state = emaFromJSON(JSON.parse(saved));
 * ```
 */
export function emaFromJSON(json: unknown): EmaState {
  const read = readStateEnvelope('emaFromJSON', json, {
    format: FORMAT,
    version: 1,
    writer: 'emaToJSON',
  });
  const weight = read.number('weight', { min: 0, max: 1, maxInclusive: false });
  const last = read.number('last');
  const constant = read.boolean('constant');
  const count = read.count('count');
  const finiteCount = read.count('finiteCount');
  if (finiteCount > count) read.fail('finiteCount', `<= count (${count})`, finiteCount);
  return {
    kind: 'ema',
    weight,
    last,
    finiteCount,
    count,
    first: read.jsonNumber('first'),
    constant,
    latest: read.jsonNumber('latest'),
  };
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
  const w = checkWeight(name, weight);
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
