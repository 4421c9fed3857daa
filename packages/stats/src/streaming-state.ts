import {
  checkArguments,
  encodeJsonNumber,
  InvalidArgumentError,
  type NumberBounds,
  readStateEnvelope,
  ShapeMismatchError,
  type StateEnvelope,
  type StateReader,
  stateEnvelope,
} from '@trainkit/core';

/**
 * A streaming state: a plain object whose `kind` names what it is (the O(1)
 * check every function of the state does before using it).
 */
export interface StreamingState {
  readonly kind: string;
}

/**
 * A configuration value of a streaming state (`numClasses`, `k`, a smoothing
 * weight, a window length): checked once at creation and at restore, kept by
 * reset, and equal across states that are merged.
 */
export interface StateParameter {
  /** `'integer'` (a safe integer) or `'number'` (a finite number). */
  readonly type: 'integer' | 'number';
  /** Allowed range; `fix` is the advice of the error thrown at creation. */
  readonly bounds: NumberBounds;
  /**
   * A dimension (such as `numClasses`): merging states whose values differ
   * throws a `ShapeMismatchError` naming this parameter, with this advice.
   * Other parameters that differ throw an `InvalidArgumentError`.
   */
  readonly shape?: { readonly fix: string };
}

/**
 * One accumulated field of a streaming state, the TypeScript form of
 * torchmetrics' `add_state(name, default, dist_reduce_fx)`: its initial value,
 * how two partial states combine, how it is copied and serialized.
 *
 * @typeParam T - The field's value.
 */
export interface StateField<T> {
  /** The value at creation; `parameters` holds the state's checked parameters. */
  readonly initial: (parameters: Readonly<Record<string, number>>) => T;
  /**
   * Resets the field of `state` (named `key`) in place. Default: assigns
   * {@link StateField.initial}.
   */
  readonly reset?: (state: Record<string, unknown>, key: string) => void;
  /**
   * Folds `source[key]` into `target[key]`, in place (the reduction of
   * torchmetrics' `dist_reduce_fx`). A state is mergeable when every field has one.
   */
  readonly merge?: (
    target: Record<string, unknown>,
    source: Record<string, unknown>,
    key: string,
  ) => void;
  /** An independent copy (typed arrays). Default: the value itself. */
  readonly copy?: (value: T) => T;
  /**
   * An O(1) check that an in-memory value fits the parameters, done by every
   * function that takes the state (for fields the hot loop indexes, such as a
   * counts array). Default: no check.
   */
  readonly guard?: (value: unknown, parameters: Readonly<Record<string, unknown>>) => boolean;
  /** The JSON-safe value written by `toJSON`. Absent for fields a custom payload writes. */
  readonly toJSON?: (value: T) => unknown;
  /**
   * Reads and checks the field from a serialized state; `soFar` holds the
   * parameters and the fields read before it.
   */
  readonly fromJSON?: (
    read: StateReader,
    key: string,
    soFar: Readonly<Record<string, unknown>>,
  ) => T;
}

/**
 * What {@link defineStreamingState} needs besides the format: how to name the
 * state in errors, its parameters and its fields. Update and value functions
 * stay hand-written (they are the hot paths); everything else is generic.
 *
 * @typeParam S - The state type.
 * @typeParam P - The keys of `S` that are parameters.
 */
export interface StreamingStateSpec<S extends StreamingState, P extends keyof S> {
  /** The serialized version, an integer >= 1. Default 1. */
  readonly version?: number;
  /** What the state is, after "must be": e.g. `'a confusion matrix state'`. */
  readonly description: string;
  /**
   * How to make one, for the fix of errors. Default `create<Kind>(<parameters>)`,
   * e.g. `'createEma(weight)'`.
   */
  readonly createdBy?: string;
  /** The merge function's name when it is not `merge<Kind>` (e.g. `'mergeConfusionMatrices'`). */
  readonly mergeName?: string;
  /** The parameters, in serialization order. */
  readonly parameters: { readonly [K in P]: StateParameter };
  /** The accumulated fields, in serialization order. */
  readonly fields: { readonly [K in Exclude<keyof S, 'kind' | P>]: StateField<S[K]> };
  /**
   * Rules across fields checked after a restore (e.g. hits <= samples); call
   * `read.fail(field, expected, value)` to refuse.
   */
  readonly validate?: (state: S, read: StateReader) => void;
  /**
   * A payload whose layout differs from the fields (e.g. a ring buffer written
   * oldest first): `toJSON` returns the payload after the parameters; `fromJSON`
   * returns every field (parameters are already read into `parameters`).
   */
  readonly payload?: {
    readonly toJSON: (state: S) => Readonly<Record<string, unknown>>;
    readonly fromJSON: (
      read: StateReader,
      parameters: Readonly<Record<string, number>>,
    ) => Omit<S, 'kind' | P>;
  };
}

/** Options of {@link StreamingStateDefinition.create}. */
export interface CreateStateOptions {
  /** Prefix of argument names in errors, e.g. `'options.'` when the parameters came in an options object. */
  readonly argumentPrefix?: string;
}

/**
 * The generic operations of a streaming state, built by
 * {@link defineStreamingState}. The bound functions (`reset`, `merge`,
 * `clone`, `toJSON`, `fromJSON`) can be exported as they are.
 */
export interface StreamingStateDefinition<S extends StreamingState, P extends keyof S, J> {
  /** The state's kind, the last segment of the format. */
  readonly kind: S['kind'];
  /** The spec the definition was built from. */
  readonly spec: StreamingStateSpec<S, P>;
  /** Checks the parameters (errors name `functionName` and the argument) and returns a fresh state. */
  create(
    functionName: string,
    parameters: Readonly<Record<P, unknown>>,
    options?: CreateStateOptions,
  ): S;
  /** Whether `value` is such a state (its kind, and the fields with a guard; O(1)). */
  is(value: unknown): value is S;
  /**
   * Throws an `InvalidArgumentError` (named after `functionName` and
   * `argument`) unless `value` is such a state; the first line of every
   * function that takes one.
   */
  assert(functionName: string, value: unknown, argument?: string): void;
  /** Resets the fields in place (parameters kept) and returns the state. */
  reset(state: S): S;
  /** Folds every source into `target` in place (same parameters) and returns `target`. */
  merge(target: S, ...sources: readonly S[]): S;
  /** An independent copy. */
  clone(state: S): S;
  /** The envelope `{ format, version, ...parameters, ...fields }`. */
  toJSON(state: S): J;
  /** Restores a state from `toJSON`'s object, its JSON round trip or its text. */
  fromJSON(json: unknown): S;
}

type Fields = Readonly<Record<string, StateField<unknown>>>;

/**
 * Defines the generic operations of a streaming state from its parameters and
 * fields, the way torchmetrics' `add_state` makes `reset`, merging across
 * workers and checkpointing generic: creation, the O(1) state check, reset,
 * merge, clone and the versioned JSON envelope with a checked restore. The
 * update and the value stay hand-written functions over the plain state
 * object, so hot loops pay nothing for the definition.
 *
 * The state's `kind` is the last segment of the format (`'trainkit.metrics.
 * confusionMatrix'` -> `'confusionMatrix'`); it also names the public
 * functions in error messages: `<kind>ToJSON`, `<kind>FromJSON`,
 * `reset<Kind>`, `merge<Kind>` (or `spec.mergeName`), `clone<Kind>`.
 *
 * @typeParam S - The state type.
 * @typeParam P - The keys of `S` that are parameters.
 * @typeParam J - The type `toJSON` returns.
 * @param format - The serialized format, `'trainkit.<package>.<kind>'`.
 * @param spec - Description, parameters and fields.
 * @returns The operations; export the bound ones under the public names.
 * @example
 * ```ts
 * interface HitsState { readonly kind: 'hits'; readonly k: number; hits: number; total: number }
 * const hits = defineStreamingState<HitsState, 'k', HitsJSON>('trainkit.example.hits', {
 *   description: 'a hits state',
 *   parameters: { k: stateParameter.integer({ min: 1 }) },
 *   fields: { hits: stateField.sum({ min: 0 }), total: stateField.sum({ min: 0 }) },
 * });
 * export const createHits = (k: number) => hits.create('createHits', { k });
 * export const mergeHits = hits.merge; // mergeHits(total, workerA, workerB)
 * ```
 */
export function defineStreamingState<
  S extends StreamingState,
  P extends keyof S,
  J = StateEnvelope,
>(
  format: `trainkit.${string}.${S['kind']}`,
  spec: StreamingStateSpec<S, P>,
): StreamingStateDefinition<S, P, J> {
  const check = checkArguments('defineStreamingState');
  if (typeof format !== 'string' || !/^trainkit\.[a-z][\w-]*\.[a-z]\w*$/.test(format)) {
    check.fail(
      'format',
      format,
      "'trainkit.<package>.<kind>'",
      "e.g. 'trainkit.metrics.confusionMatrix'.",
    );
  }
  check.options('spec', spec ?? null, '{ description, parameters: {}, fields: { ... } }');
  if (typeof spec.description !== 'string' || spec.description === '') {
    check.fail(
      'spec.description',
      spec.description,
      "a non-empty string, e.g. 'a histogram state'",
    );
  }
  for (const group of ['parameters', 'fields'] as const) {
    check.options(`spec.${group}`, spec[group] ?? null, '{}');
    for (const [key, entry] of Object.entries(spec[group] as Record<string, unknown>)) {
      const valid =
        group === 'parameters'
          ? typeof entry === 'object' && entry !== null && 'type' in entry && 'bounds' in entry
          : typeof entry === 'object' &&
            entry !== null &&
            typeof (entry as StateField<unknown>).initial === 'function';
      if (!valid) {
        check.fail(
          `spec.${group}.${key}`,
          entry,
          group === 'parameters' ? 'a stateParameter (integer or number)' : 'a stateField',
          group === 'parameters'
            ? 'Use stateParameter.integer(bounds) or .number(bounds).'
            : 'Use a stateField builder, e.g. stateField.sum().',
        );
      }
    }
  }
  const kind = format.slice(format.lastIndexOf('.') + 1) as S['kind'];
  const parameterKeys = Object.keys(spec.parameters) as (P & string)[];
  const fields = spec.fields as unknown as Fields;
  const fieldKeys = Object.keys(fields);
  const guarded = fieldKeys.filter((key) => fields[key]!.guard !== undefined);
  const Kind = kind.charAt(0).toUpperCase() + kind.slice(1);
  const createdBy = spec.createdBy ?? `create${Kind}(${parameterKeys.join(', ')})`;
  const fix = `Create one with ${createdBy}.`;
  const names = {
    toJSON: `${kind}ToJSON`,
    fromJSON: `${kind}FromJSON`,
    reset: `reset${Kind}`,
    merge: spec.mergeName ?? `merge${Kind}`,
    clone: `clone${Kind}`,
  };
  const version = spec.version ?? 1;
  const envelope = { format, version, writer: names.toJSON };
  for (const key of fieldKeys) {
    const field = fields[key]!;
    if (
      spec.payload === undefined &&
      (field.toJSON === undefined || field.fromJSON === undefined)
    ) {
      throw new InvalidArgumentError({
        functionName: 'defineStreamingState',
        argument: `spec.fields.${key}`,
        value: key,
        expected: 'a field with toJSON and fromJSON (or a spec with a payload)',
        fix: 'Use a stateField builder with a serialized form, or give the spec a payload.',
      });
    }
  }
  const mergeable = fieldKeys.every((key) => fields[key]!.merge !== undefined);

  const build = (parameters: Readonly<Record<string, number>>): S => {
    const state: Record<string, unknown> = { kind };
    for (const key of parameterKeys) state[key] = parameters[key];
    for (const key of fieldKeys) state[key] = fields[key]!.initial(parameters);
    return state as unknown as S;
  };

  const parametersOf = (state: S): Record<string, number> => {
    const values: Record<string, number> = {};
    for (const key of parameterKeys) values[key] = state[key] as number;
    return values;
  };

  // The O(1) check every function of the state starts with: the brand, and the
  // fields a hot loop indexes (e.g. a counts array of numClasses² entries).
  const isKind = (value: unknown): value is S =>
    typeof value === 'object' && value !== null && (value as S).kind === kind;
  const firstGuard = guarded.length === 1 ? fields[guarded[0]!]!.guard! : undefined;
  const firstKey = guarded[0]!;
  const is =
    guarded.length === 0
      ? isKind
      : firstGuard !== undefined
        ? (value: unknown): value is S =>
            isKind(value) &&
            firstGuard((value as Record<string, unknown>)[firstKey], value as never)
        : (value: unknown): value is S => {
            if (!isKind(value)) return false;
            const state = value as Record<string, unknown>;
            for (let i = 0; i < guarded.length; i++) {
              const key = guarded[i]!;
              if (!fields[key]!.guard!(state[key], state)) return false;
            }
            return true;
          };

  const assert = (functionName: string, value: unknown, argument = 'state'): void => {
    if (!is(value)) checkArguments(functionName).fail(argument, value, spec.description, fix);
  };

  const definition: StreamingStateDefinition<S, P, J> = {
    kind,
    spec,
    create(functionName, parameters, options = {}) {
      const check = checkArguments(functionName);
      const prefix = options.argumentPrefix ?? '';
      const values: Record<string, number> = {};
      for (const key of parameterKeys) {
        const parameter = spec.parameters[key];
        const value = (parameters as Record<string, unknown>)[key];
        values[key] =
          parameter.type === 'integer'
            ? check.integer(`${prefix}${key}`, value, parameter.bounds)
            : check.number(`${prefix}${key}`, value, parameter.bounds);
      }
      return build(values);
    },
    is,
    assert,
    reset(state) {
      assert(names.reset, state);
      const parameters = parametersOf(state);
      const record = state as unknown as Record<string, unknown>;
      for (const key of fieldKeys) {
        const field = fields[key]!;
        if (field.reset !== undefined) field.reset(record, key);
        else record[key] = field.initial(parameters);
      }
      return state;
    },
    merge(target, ...sources) {
      const functionName = names.merge;
      if (!mergeable) {
        throw new InvalidArgumentError({
          functionName,
          argument: 'target',
          value: kind,
          expected: 'a state whose fields can be merged',
          fix: `${spec.description} is order-dependent and cannot be merged.`,
        });
      }
      assert(functionName, target, 'target');
      // Check everything first: on a mismatch nothing is merged.
      sources.forEach((source, index) => {
        assert(functionName, source, `sources[${index}]`);
        checkSameParameters(functionName, spec, parameterKeys, target, source, index);
      });
      const to = target as unknown as Record<string, unknown>;
      for (const source of sources) {
        const from = source as unknown as Record<string, unknown>;
        for (const key of fieldKeys) fields[key]!.merge!(to, from, key);
      }
      return target;
    },
    clone(state) {
      assert(names.clone, state);
      const record = state as unknown as Record<string, unknown>;
      const copy: Record<string, unknown> = { kind };
      for (const key of parameterKeys) copy[key] = record[key];
      for (const key of fieldKeys) {
        const field = fields[key]!;
        copy[key] = field.copy === undefined ? record[key] : field.copy(record[key]);
      }
      return copy as unknown as S;
    },
    toJSON(state) {
      assert(names.toJSON, state);
      const record = state as unknown as Record<string, unknown>;
      const payload: Record<string, unknown> = {};
      for (const key of parameterKeys) payload[key] = record[key];
      if (spec.payload !== undefined) Object.assign(payload, spec.payload.toJSON(state));
      else for (const key of fieldKeys) payload[key] = fields[key]!.toJSON!(record[key]);
      return stateEnvelope(format, version, payload) as J;
    },
    fromJSON(json) {
      const read = readStateEnvelope(names.fromJSON, json, envelope);
      const parameters: Record<string, number> = {};
      for (const key of parameterKeys) {
        const { type, bounds } = spec.parameters[key];
        parameters[key] = type === 'integer' ? read.integer(key, bounds) : read.number(key, bounds);
      }
      const state: Record<string, unknown> = { kind, ...parameters };
      if (spec.payload !== undefined) {
        Object.assign(state, spec.payload.fromJSON(read, parameters));
      } else {
        for (const key of fieldKeys) state[key] = fields[key]!.fromJSON!(read, key, state);
      }
      spec.validate?.(state as unknown as S, read);
      return state as unknown as S;
    },
  };
  return definition;
}

function checkSameParameters<S extends StreamingState, P extends keyof S>(
  functionName: string,
  spec: StreamingStateSpec<S, P>,
  keys: readonly (P & string)[],
  target: S,
  source: S,
  index: number,
): void {
  for (const key of keys) {
    const shape = spec.parameters[key].shape;
    if (shape !== undefined && source[key] !== target[key]) {
      throw new ShapeMismatchError({
        functionName,
        argument: `sources[${index}].${key}`,
        expected: target[key] as number,
        actual: source[key] as number,
        fix: shape.fix,
      });
    }
  }
  if (keys.some((key) => source[key] !== target[key])) {
    const describe = (state: S) => keys.map((key) => `${key} ${String(state[key])}`).join(' and ');
    const values: Record<string, unknown> = {};
    for (const key of keys) values[key] = source[key];
    checkArguments(functionName).fail(
      `sources[${index}]`,
      values,
      `a state with ${describe(target)}`,
      'Only states with the same parameters can be merged.',
    );
  }
}

function readNumber(bounds: NumberBounds) {
  return (read: StateReader, key: string): number => read.number(key, bounds);
}

/**
 * Builders of {@link StateParameter}s.
 *
 * @example
 * ```ts
 * parameters: { numClasses: stateParameter.integer({ min: 1 }, { shape: { fix: 'Merge matrices over the same classes.' } }) }
 * ```
 */
export const stateParameter = {
  /** A safe integer within `bounds`. */
  integer(bounds: NumberBounds, options: Pick<StateParameter, 'shape'> = {}): StateParameter {
    return { type: 'integer', bounds, ...options };
  },
  /** A finite number within `bounds`. */
  number(bounds: NumberBounds, options: Pick<StateParameter, 'shape'> = {}): StateParameter {
    return { type: 'number', bounds, ...options };
  },
};

/**
 * Builders of {@link StateField}s for the usual reductions.
 *
 * @example
 * ```ts
 * fields: {
 *   counts: stateField.sums(({ numClasses }) => numClasses * numClasses, { min: 0 }),
 *   total: stateField.sum({ min: 0 }),
 * }
 * ```
 */
export const stateField = {
  /** A float64 sum (torchmetrics `dist_reduce_fx="sum"`), 0 at creation; finite in JSON, >= `min` if given. */
  sum(bounds: NumberBounds = {}): StateField<number> {
    return {
      initial: () => 0,
      merge: addField,
      toJSON: (value) => value,
      fromJSON: readNumber(bounds),
    };
  },

  /** An integer count >= 0 that merges by addition. */
  count(): StateField<number> {
    return {
      initial: () => 0,
      merge: addField,
      toJSON: (value) => value,
      fromJSON: (read, key) => read.count(key),
    };
  },

  /**
   * A Float64Array of sums whose length follows from the parameters (e.g.
   * `numClasses²` counts); merges element by element, resets in place, is
   * checked (type and length) by every function that takes the state.
   */
  sums(
    length: (parameters: Readonly<Record<string, unknown>>) => number,
    bounds: NumberBounds = {},
  ): StateField<Float64Array> {
    return {
      initial: (parameters) => new Float64Array(length(parameters)),
      reset: (state, key) => (state[key] as Float64Array).fill(0),
      merge: (target, source, key) => {
        const to = target[key] as Float64Array;
        const from = source[key] as Float64Array;
        for (let i = 0; i < to.length; i++) to[i]! += from[i]!;
      },
      copy: (value) => value.slice(),
      guard: (value, parameters) =>
        value instanceof Float64Array && value.length === length(parameters),
      toJSON: (value) => Array.from(value),
      fromJSON: (read, key, soFar) =>
        Float64Array.from(read.numbers(key, { ...bounds, length: length(soFar) })),
    };
  },

  /**
   * A sum kept with Neumaier's compensation in the field named `compensation`
   * (which must be declared with {@link stateField.compensation}); merging adds
   * the source's sum and its compensation with the same compensated step.
   * Non-finite values are allowed (a diverged loss stays visible) and written
   * as JSON numbers (`"NaN"`, `"Infinity"`).
   */
  compensatedSum(compensation: string): StateField<number> {
    return {
      initial: () => 0,
      merge: (target, source, key) => {
        let sum = target[key] as number;
        let carry = target[compensation] as number;
        [sum, carry] = compensatedAdd(sum, carry, source[key] as number);
        [sum, carry] = compensatedAdd(sum, carry, source[compensation] as number);
        target[key] = sum;
        target[compensation] = carry;
      },
      toJSON: encodeJsonNumber,
      fromJSON: (read, key) => read.jsonNumber(key),
    };
  },

  /** The compensation of a {@link stateField.compensatedSum} (merged with it). */
  compensation(): StateField<number> {
    return {
      initial: () => 0,
      merge: () => {},
      toJSON: encodeJsonNumber,
      fromJSON: (read, key) => read.jsonNumber(key),
    };
  },

  value: valueField,

  /**
   * A Float64Array whose length follows from the parameters, for state a
   * custom payload serializes (e.g. a ring buffer). Reset fills it with zeros.
   */
  buffer(
    length: (parameters: Readonly<Record<string, unknown>>) => number,
  ): StateField<Float64Array> {
    return {
      initial: (parameters) => new Float64Array(length(parameters)),
      reset: (state, key) => (state[key] as Float64Array).fill(0),
      copy: (value) => value.slice(),
    };
  },
};

/**
 * A value that depends on the order of the stream (an average, the last value
 * seen): it has no reduction, so a state with one cannot be merged. `codec`
 * says how it is serialized: a finite `'number'`, a `'count'`, a `'boolean'`,
 * or a `'jsonNumber'` (NaN, ±Infinity and -0 kept as strings).
 */
function valueField(initial: boolean, codec: 'boolean'): StateField<boolean>;
function valueField(initial: number, codec: 'number' | 'count' | 'jsonNumber'): StateField<number>;
function valueField(
  initial: number | boolean,
  codec: 'number' | 'count' | 'boolean' | 'jsonNumber',
): StateField<number> | StateField<boolean> {
  const readers = {
    number: (read: StateReader, key: string) => read.number(key),
    count: (read: StateReader, key: string) => read.count(key),
    boolean: (read: StateReader, key: string) => read.boolean(key),
    jsonNumber: (read: StateReader, key: string) => read.jsonNumber(key),
  };
  return {
    initial: () => initial,
    toJSON: codec === 'jsonNumber' ? encodeJsonNumber : (value: unknown) => value,
    fromJSON: readers[codec],
  } as StateField<number>;
}

function addField(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  key: string,
): void {
  (target[key] as number) += source[key] as number;
}

/**
 * One step of Neumaier's compensated (Kahan–Babuška) summation: adds `x` to
 * `sum` and returns the new sum and compensation; the exact total is `sum +
 * compensation`. Non-finite values pass through uncompensated.
 *
 * @param sum - The running sum.
 * @param compensation - Its compensation so far.
 * @param x - The value to add.
 * @returns `[sum, compensation]` after adding `x`.
 * @example
 * ```ts
 * let [sum, carry] = [0, 0];
 * for (const x of [1e16, 1, -1e16]) [sum, carry] = compensatedAdd(sum, carry, x);
 * sum + carry; // 1 (naive summation gives 0)
 * ```
 */
export function compensatedAdd(sum: number, compensation: number, x: number): [number, number] {
  const t = sum + x;
  if (!Number.isFinite(t) || !Number.isFinite(x)) return [t, compensation];
  const c = Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
  return [t, compensation + c];
}
