import { InvalidArgumentError } from './errors';

/** Bounds for {@link ArgumentChecker.number} and {@link ArgumentChecker.integer}. */
export interface NumberBounds {
  readonly min?: number;
  readonly max?: number;
  /** `min` itself is allowed. Default `true`. */
  readonly minInclusive?: boolean;
  /** `max` itself is allowed. Default `true`. */
  readonly maxInclusive?: boolean;
  /** How to fix a bad value; replaces the generic advice. */
  readonly fix?: string;
}

/**
 * Validators bound to one function name. Each returns the value it checked so
 * that options can be validated and destructured in one line; each throws an
 * {@link InvalidArgumentError} naming the function, the argument, the value and
 * the fix.
 */
export interface ArgumentChecker {
  /** A finite number (no NaN, no infinities). */
  finite(argument: string, value: unknown, fix?: string): number;
  /** A finite number > 0. */
  positive(argument: string, value: unknown, fix?: string): number;
  /** A finite number >= 0. */
  nonNegative(argument: string, value: unknown, fix?: string): number;
  /** A finite number within optional bounds. */
  number(argument: string, value: unknown, bounds?: NumberBounds): number;
  /** A safe integer within optional bounds. */
  integer(argument: string, value: unknown, bounds?: NumberBounds): number;
  /** One of the listed strings. */
  oneOf<T extends string>(argument: string, value: unknown, allowed: readonly T[]): T;
  /** A boolean. */
  boolean(argument: string, value: unknown): boolean;
  /** A function. */
  callable<T extends (...args: never[]) => unknown>(argument: string, value: unknown): T;
  /** A non-empty array (or typed array). */
  nonEmptyArray<T>(argument: string, value: unknown, fix?: string): readonly T[];
  /**
   * An options object: `{}` when `value` is undefined, the object itself when
   * it is a non-array object, else an error (a `null` or a number passed
   * where options go).
   */
  options<T extends object>(argument: string, value: T | undefined, example?: string): T;
  /** Throws an {@link InvalidArgumentError} for a rule the helpers above do not cover. */
  fail(argument: string, value: unknown, expected: string, fix?: string): never;
}

/** `kind` with the bounds, e.g. `an integer >= 1 and <= 10`. @internal */
export function describeBounds(bounds: NumberBounds, kind: string): string {
  const parts: string[] = [];
  if (bounds.min !== undefined)
    parts.push(`${bounds.minInclusive === false ? '>' : '>='} ${bounds.min}`);
  if (bounds.max !== undefined)
    parts.push(`${bounds.maxInclusive === false ? '<' : '<='} ${bounds.max}`);
  return parts.length === 0 ? kind : `${kind} ${parts.join(' and ')}`;
}

/** Whether `value` satisfies the bounds (inclusive unless said otherwise). @internal */
export function withinBounds(value: number, bounds: NumberBounds): boolean {
  if (bounds.min !== undefined) {
    if (bounds.minInclusive === false ? value <= bounds.min : value < bounds.min) return false;
  }
  if (bounds.max !== undefined) {
    if (bounds.maxInclusive === false ? value >= bounds.max : value > bounds.max) return false;
  }
  return true;
}

/**
 * Creates the validators for one function or class.
 *
 * @example
 * ```ts
 * const check = checkArguments('cosineDecay');
 * const decaySteps = check.integer('decaySteps', options.decaySteps, { min: 1 });
 * ```
 */
export function checkArguments(functionName: string): ArgumentChecker {
  const fail = (argument: string, value: unknown, expected: string, fix?: string): never => {
    throw new InvalidArgumentError(
      fix === undefined
        ? { functionName, argument, value, expected }
        : { functionName, argument, value, expected, fix },
    );
  };

  const number = (argument: string, value: unknown, bounds: NumberBounds = {}): number => {
    const expected = describeBounds(bounds, 'a finite number');
    if (typeof value !== 'number' || !Number.isFinite(value) || !withinBounds(value, bounds)) {
      return fail(argument, value, expected, bounds.fix);
    }
    return value;
  };

  return {
    fail,
    number,
    finite: (argument, value, fix) => number(argument, value, fix === undefined ? {} : { fix }),
    positive: (argument, value, fix) =>
      number(argument, value, {
        min: 0,
        minInclusive: false,
        ...(fix === undefined ? {} : { fix }),
      }),
    nonNegative: (argument, value, fix) =>
      number(argument, value, { min: 0, ...(fix === undefined ? {} : { fix }) }),
    integer(argument, value, bounds = {}) {
      const expected = describeBounds(bounds, 'an integer');
      if (
        typeof value !== 'number' ||
        !Number.isSafeInteger(value) ||
        !withinBounds(value, bounds)
      ) {
        return fail(argument, value, expected, bounds.fix);
      }
      return value;
    },
    oneOf<T extends string>(argument: string, value: unknown, allowed: readonly T[]): T {
      if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
        return fail(argument, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
      }
      return value as T;
    },
    boolean(argument, value) {
      if (typeof value !== 'boolean') return fail(argument, value, 'true or false');
      return value;
    },
    callable<T extends (...args: never[]) => unknown>(argument: string, value: unknown): T {
      if (typeof value !== 'function') return fail(argument, value, 'a function');
      return value as T;
    },
    options<T extends object>(argument: string, value: T | undefined, example?: string): T {
      if (value === undefined) return {} as T;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return fail(
          argument,
          value,
          'an options object',
          example === undefined ? undefined : `Pass an object such as ${example}, or nothing.`,
        );
      }
      return value;
    },
    nonEmptyArray<T>(argument: string, value: unknown, fix?: string): readonly T[] {
      const isList =
        Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
      if (!isList || (value as ArrayLike<unknown>).length === 0) {
        return fail(argument, value, 'a non-empty array', fix);
      }
      return value as unknown as readonly T[];
    },
  };
}
