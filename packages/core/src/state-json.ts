import type { NumberBounds } from './check-arguments';
import { checkArguments, describeBounds, withinBounds } from './check-arguments';
import { StateRestoreError } from './errors';
import { formatValue } from './format-value';
import { decodeJsonNumber, encodeJsonNumber, type JsonNumber } from './json-number';

/**
 * The header of every serialized trainkit state: `format` names the package
 * and the thing (`'trainkit.<package>.<thing>'`, e.g. `'trainkit.stats.ema'`),
 * `version` is an integer that grows when the payload changes.
 */
export interface StateEnvelope<F extends string = string, V extends number = number> {
  /** `'trainkit.<package>.<thing>'`. */
  readonly format: F;
  /** The payload's version, an integer >= 1. */
  readonly version: V;
}

/** What {@link readStateEnvelope} accepts. */
export interface StateFormat {
  /** The expected `format`, e.g. `'trainkit.stats.ema'`. */
  readonly format: string;
  /** The version this build reads (and writes). */
  readonly version: number;
  /** The function that writes this state, e.g. `'emaToJSON'`, named in the fix of every error. */
  readonly writer: string;
}

/**
 * Reads and checks the fields of a serialized state. Every method throws a
 * {@link StateRestoreError} that names the restoring function, the format,
 * the field (with its path, e.g. `train.values[3]`), the value found and the
 * fix, so that a corrupt or foreign state is refused before anything is
 * built from it.
 */
export interface StateReader {
  /** Where this reader sits in the state: `''` at the top, e.g. `'train'` or `'epochs[2]'` below. */
  readonly path: string;
  /** The object being read (the envelope at the top level). */
  readonly record: Readonly<Record<string, unknown>>;
  /** Whether the field is present (not `undefined`). */
  has(field: string): boolean;
  /** The raw value of a field, unchecked. */
  value(field: string): unknown;
  /** A finite number within optional bounds. */
  number(field: string, bounds?: NumberBounds): number;
  /** A safe integer within optional bounds. */
  integer(field: string, bounds?: NumberBounds): number;
  /** A safe integer >= 0 (a count, a step, an index). */
  count(field: string): number;
  /** A number written by `encodeJsonNumber` (NaN, ±Infinity and -0 arrive as strings). */
  jsonNumber(field: string): number;
  /** `true` or `false`. */
  boolean(field: string): boolean;
  /** A string (optionally non-empty). */
  string(field: string, options?: { readonly nonEmpty?: boolean }): string;
  /** One of the listed strings. */
  oneOf<T extends string>(field: string, allowed: readonly T[]): T;
  /** An array, optionally of an exact length. */
  array(field: string, length?: number): readonly unknown[];
  /** An array of {@link JsonNumber}s, decoded, optionally of an exact length. */
  jsonNumbers(field: string, length?: number): number[];
  /** An array of finite numbers, each within optional bounds, optionally of an exact length. */
  numbers(field: string, options?: NumberBounds & { readonly length?: number }): number[];
  /** A reader for a nested plain object. */
  object(field: string): StateReader;
  /** A reader for an element of an array read with {@link StateReader.array} (must be a plain object). */
  element(field: string, index: number, value: unknown): StateReader;
  /** Throws the reader's {@link StateRestoreError} for a rule the methods above do not cover. */
  fail(field: string, expected: string, value?: unknown): never;
}

/**
 * Wraps a payload in the state envelope: `{ format, version, ...payload }`.
 * Use it in every `xToJSON(state)`; the payload must be JSON-safe (encode
 * non-finite numbers and -0 with `encodeJsonNumber`).
 *
 * @param format - `'trainkit.<package>.<thing>'`.
 * @param version - An integer >= 1.
 * @param payload - The state's fields (must not contain `format` or `version`).
 * @returns A new object, the envelope first.
 * @example
 * ```ts
 * stateEnvelope('trainkit.stats.ema', 1, { weight: 0.6, last: 0 });
 * // { format: 'trainkit.stats.ema', version: 1, weight: 0.6, last: 0 }
 * ```
 */
export function stateEnvelope<
  F extends string,
  V extends number,
  P extends Readonly<Record<string, unknown>>,
>(format: F, version: V, payload: P): StateEnvelope<F, V> & Omit<P, 'format' | 'version'> {
  // format and version first in JSON text; a payload key of the same name cannot replace them.
  return Object.assign({ format, version }, payload, { format, version }) as StateEnvelope<F, V> &
    Omit<P, 'format' | 'version'>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface ReaderContext {
  readonly functionName: string;
  readonly format: string;
  /** Appended to every message: `(format version n) Pass ...`. */
  readonly suffix: string;
}

function createReader(
  context: ReaderContext,
  path: string,
  record: Record<string, unknown>,
): StateReader {
  const { functionName } = context;
  const where = (field: string): string =>
    path === '' ? field : field.startsWith('[') ? `${path}${field}` : `${path}.${field}`;
  const fail = (field: string, expected: string, value?: unknown): never => {
    const name = where(field);
    throw new StateRestoreError(
      functionName,
      `${name} must be ${expected}, got ${formatValue(value)}. ${context.suffix}`,
      { format: context.format, field: name },
    );
  };
  const number = (field: string, bounds: NumberBounds = {}): number => {
    const value = record[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || !withinBounds(value, bounds)) {
      return fail(field, describeBounds(bounds, 'a finite number'), value);
    }
    return value;
  };
  const integer = (field: string, bounds: NumberBounds = {}): number => {
    const value = record[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || !withinBounds(value, bounds)) {
      return fail(field, describeBounds(bounds, 'an integer'), value);
    }
    return value;
  };
  const array = (field: string, length?: number): readonly unknown[] => {
    const value = record[field];
    if (!Array.isArray(value)) return fail(field, 'an array', value);
    if (length !== undefined && value.length !== length) {
      return fail(field, `an array of length ${length}`, value);
    }
    return value;
  };
  const reader: StateReader = {
    path,
    record,
    has: (field) => record[field] !== undefined,
    value: (field) => record[field],
    number,
    integer,
    count: (field) => integer(field, { min: 0 }),
    jsonNumber(field) {
      try {
        return decodeJsonNumber(functionName, where(field), record[field]);
      } catch {
        return fail(field, 'a number (or "NaN", "Infinity", "-Infinity", "-0")', record[field]);
      }
    },
    boolean(field) {
      const value = record[field];
      if (typeof value !== 'boolean') return fail(field, 'true or false', value);
      return value;
    },
    string(field, options = {}) {
      const value = record[field];
      if (typeof value !== 'string' || (options.nonEmpty === true && value.length === 0)) {
        return fail(field, options.nonEmpty === true ? 'a non-empty string' : 'a string', value);
      }
      return value;
    },
    oneOf<T extends string>(field: string, allowed: readonly T[]): T {
      const value = record[field];
      if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
        return fail(field, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, value);
      }
      return value as T;
    },
    array,
    jsonNumbers(field, length) {
      const list = array(field, length);
      const out = new Array<number>(list.length);
      for (let i = 0; i < list.length; i++) {
        const value = list[i];
        if (typeof value === 'number' && Number.isFinite(value)) out[i] = value;
        else {
          try {
            out[i] = decodeJsonNumber(functionName, `${where(field)}[${i}]`, value);
          } catch {
            fail(`${field}[${i}]`, 'a number (or "NaN", "Infinity", "-Infinity", "-0")', value);
          }
        }
      }
      return out;
    },
    numbers(field, options = {}) {
      const list = array(field, options.length);
      const out = new Array<number>(list.length);
      for (let i = 0; i < list.length; i++) {
        const value = list[i];
        if (typeof value !== 'number' || !Number.isFinite(value) || !withinBounds(value, options)) {
          fail(`${field}[${i}]`, describeBounds(options, 'a finite number'), value);
        }
        out[i] = value as number;
      }
      return out;
    },
    object(field) {
      const value = record[field];
      if (!isPlainObject(value)) return fail(field, 'an object', value);
      return createReader(context, where(field), value);
    },
    element(field, index, value) {
      if (!isPlainObject(value)) return fail(`${field}[${index}]`, 'an object', value);
      return createReader(context, where(`${field}[${index}]`), value);
    },
    fail,
  };
  return reader;
}

/** Checks the format description a reader is given (a programming error when wrong). */
function checkFormat(functionName: string, format: unknown): void {
  const given = format as { format?: unknown } | null;
  if (typeof given !== 'object' || given === null || typeof given.format !== 'string') {
    checkArguments(functionName).fail(
      'format',
      format,
      "an object such as { format: 'trainkit.x.y', version: 1, writer: 'yToJSON' }",
    );
  }
}

/**
 * Checks the envelope of a serialized state and returns a reader for its
 * fields: the first step of every `xFromJSON(json: unknown)`.
 *
 * Accepts the object `xToJSON` returned, the same after a JSON round trip, or
 * its JSON text. Throws a {@link StateRestoreError} (with `format` and
 * `field` set) for anything else: not an object, another format, another
 * version (a newer one says to upgrade), and, through the reader, any
 * missing or mistyped field.
 *
 * @param functionName - The restoring function, e.g. `'emaFromJSON'`.
 * @param json - What the caller passed.
 * @param format - The expected format, version and the name of the writing function.
 * @returns A {@link StateReader} over the envelope object.
 * @throws StateRestoreError naming the function, the format, the field and the fix.
 * @example
 * ```ts
 * export function emaFromJSON(json: unknown): EmaState {
 *   const read = readStateEnvelope('emaFromJSON', json, {
 *     format: 'trainkit.stats.ema',
 *     version: 1,
 *     writer: 'emaToJSON',
 *   });
 *   const weight = read.number('weight', { min: 0, max: 1, maxInclusive: false });
 *   const count = read.count('count');
 *   // ...
 * }
 * ```
 */
export function readStateEnvelope(
  functionName: string,
  json: unknown,
  format: StateFormat,
): StateReader {
  checkFormat('readStateEnvelope', format);
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (cause) {
      throw new StateRestoreError(
        functionName,
        `the text is not valid JSON (expected a ${format.format} state). Pass the object ${format.writer} returned, or JSON.stringify of it.`,
        { cause, format: format.format },
      );
    }
  }
  if (!isPlainObject(value)) {
    throw new StateRestoreError(
      functionName,
      `expected a ${format.format} state object, got ${formatValue(value)}. Pass the object ${format.writer} returned.`,
      { format: format.format },
    );
  }
  if (value.format !== format.format) {
    throw new StateRestoreError(
      functionName,
      `expected format "${format.format}", got ${formatValue(value.format)}. Pass the object ${format.writer} returned (each state type has its own restore function).`,
      { format: format.format, field: 'format' },
    );
  }
  const version = value.version;
  if (version !== format.version) {
    const newer =
      typeof version === 'number' && Number.isSafeInteger(version) && version > format.version;
    throw new StateRestoreError(
      functionName,
      newer
        ? `${format.format} version ${version} was written by a newer release; this one reads version ${format.version}. Upgrade the package that reads it.`
        : `unsupported ${format.format} version ${formatValue(version)}; this release reads version ${format.version}.`,
      { format: format.format, field: 'version' },
    );
  }
  return createReader(
    {
      functionName,
      format: format.format,
      suffix: `(${format.format} version ${format.version}) Pass the object ${format.writer} returned (or its JSON text); this one is corrupted or is not a ${format.format} state.`,
    },
    '',
    value,
  );
}

/** What {@link readState} accepts. */
export interface StateSource {
  /** The state's format, e.g. `'trainkit.schedules.reduceOnPlateau'`, named in errors. */
  readonly format: string;
  /** Where a valid state comes from, to finish "Pass ...", e.g. `'a state returned by init() or update()'`. */
  readonly source: string;
  /** The argument's name, the path prefix of every field. Default `'state'`. */
  readonly argument?: string;
}

/**
 * A {@link StateReader} over an in-memory state (no envelope): for functions
 * that take an `XState` argument (an `update(state, ...)`, a factory's
 * `state` option) and check it before using it, with the same errors as
 * {@link readStateEnvelope} (fields are named `state.<field>`).
 *
 * @param functionName - The checking function, e.g. `'reduceOnPlateau'`.
 * @param state - The argument.
 * @param source - The format, where valid states come from, and the argument name.
 * @returns A reader whose path is the argument name.
 * @throws StateRestoreError when `state` is not a plain object (and, through the reader, for bad fields).
 * @example
 * ```ts
 * const read = readState('reduceOnPlateau', state, {
 *   format: 'trainkit.schedules.reduceOnPlateau',
 *   source: 'a state returned by init(), update() or reduceOnPlateauFromJSON()',
 * });
 * const badEpochs = read.count('badEpochs'); // "reduceOnPlateau: state.badEpochs must be ..."
 * ```
 */
export function readState(functionName: string, state: unknown, source: StateSource): StateReader {
  checkFormat('readState', source);
  const argument = source.argument ?? 'state';
  const suffix = `(${source.format}) Pass ${source.source}.`;
  if (!isPlainObject(state)) {
    throw new StateRestoreError(
      functionName,
      `${argument} must be a ${source.format} state object, got ${formatValue(state)}. Pass ${source.source}.`,
      { format: source.format, field: argument },
    );
  }
  return createReader({ functionName, format: source.format, suffix }, argument, state);
}

/**
 * Encodes an array of numbers so that `JSON.stringify` keeps every value
 * exactly (NaN, ±Infinity and -0 become strings), for `xToJSON` payloads.
 *
 * @param values - Any numbers.
 * @returns A new array of {@link JsonNumber}s.
 * @example
 * ```ts
 * encodeJsonNumbers([1, Number.NaN, -0]); // [1, 'NaN', '-0']
 * ```
 */
export function encodeJsonNumbers(values: ArrayLike<number>): JsonNumber[] {
  if (typeof values !== 'object' || values === null || typeof values.length !== 'number') {
    checkArguments('encodeJsonNumbers').fail(
      'values',
      values,
      'an array or a typed array of numbers',
    );
  }
  const out = new Array<JsonNumber>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = encodeJsonNumber(values[i]!);
  return out;
}
