/**
 * Typed errors shared by every trainkit package.
 *
 * Each class carries a `Symbol.for` marker so that `isInstance` works across
 * duplicated copies of a package (two versions in one `node_modules`, ESM and
 * CJS builds side by side), where `instanceof` would fail.
 */

import { formatValue } from './format-value';

/**
 * The marker of a trainkit error class: `Symbol.for('trainkit.error.<className>')`,
 * the same symbol in every copy of every package. A subclass sets it as an
 * instance property (`readonly [marker] = true`) and checks it in its static
 * `isInstance` with {@link hasErrorMarker}.
 *
 * @param className - The error class's name, e.g. `EventWriteError`.
 * @returns The shared symbol.
 * @example
 * ```ts
 * const marker = errorMarker('MyError');
 * class MyError extends TrainkitError {
 *   readonly [marker] = true;
 *   static override isInstance(error: unknown): error is MyError {
 *     return hasErrorMarker(error, marker);
 *   }
 * }
 * ```
 */
export function errorMarker(className: string): symbol {
  return Symbol.for(`trainkit.error.${className}`);
}

/**
 * Whether a value carries an error marker (see {@link errorMarker}): the one
 * check behind every trainkit error class's `isInstance`, which works across
 * duplicated copies of a package where `instanceof` fails.
 *
 * @param error - Any caught value.
 * @param marker - The class's marker symbol.
 * @returns True when `error` is an object whose `marker` property is `true`.
 * @example
 * ```ts
 * hasErrorMarker(new InvalidArgumentError({ functionName: 'f', argument: 'x', value: 0, expected: '> 0' }), errorMarker('InvalidArgumentError')); // true
 * ```
 */
export function hasErrorMarker(error: unknown, marker: symbol): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[marker] === true
  );
}

const baseMarker = Symbol.for('trainkit.error');
const invalidArgumentMarker = errorMarker('InvalidArgumentError');
const shapeMismatchMarker = errorMarker('ShapeMismatchError');
const stateRestoreMarker = errorMarker('StateRestoreError');

/**
 * Base class of every error trainkit throws.
 *
 * @example
 * ```ts
 * try {
 *   cosineDecay({ initialValue: 0.1, decaySteps: 0 });
 * } catch (error) {
 *   if (TrainkitError.isInstance(error)) console.error(error.message);
 * }
 * ```
 */
export class TrainkitError extends Error {
  readonly [baseMarker] = true;
  override name = 'TrainkitError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  /** True for any trainkit error, from any copy of the package. */
  static isInstance(error: unknown): error is TrainkitError {
    return hasErrorMarker(error, baseMarker);
  }
}

/** What an {@link InvalidArgumentError} describes. */
export interface InvalidArgumentDetails {
  /** The function or class that rejected the argument, e.g. `cosineDecay`. */
  readonly functionName: string;
  /** The argument or option, e.g. `decaySteps` or `options.boundaries[2]`. */
  readonly argument: string;
  /** The value that was passed. */
  readonly value: unknown;
  /** What was expected, phrased to follow "must be", e.g. `> 0`. */
  readonly expected: string;
  /** How to fix it, a full sentence. Optional. */
  readonly fix?: string;
  readonly cause?: unknown;
}

/**
 * An argument or option has a value the function cannot use.
 *
 * The message reads `fn: argument must be expected, got value. fix`.
 */
export class InvalidArgumentError extends TrainkitError {
  readonly [invalidArgumentMarker] = true;
  override name = 'InvalidArgumentError';
  readonly functionName: string;
  readonly argument: string;
  readonly value: unknown;
  readonly expected: string;
  readonly fix: string | undefined;

  constructor(details: InvalidArgumentDetails) {
    const fix = details.fix === undefined ? '' : ` ${details.fix}`;
    super(
      `${details.functionName}: ${details.argument} must be ${details.expected}, got ${formatValue(details.value)}.${fix}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.functionName = details.functionName;
    this.argument = details.argument;
    this.value = details.value;
    this.expected = details.expected;
    this.fix = details.fix;
  }

  static override isInstance(error: unknown): error is InvalidArgumentError {
    return hasErrorMarker(error, invalidArgumentMarker);
  }
}

/** What a {@link ShapeMismatchError} describes. */
export interface ShapeMismatchDetails {
  readonly functionName: string;
  /** The argument whose shape or length is wrong. */
  readonly argument: string;
  /** The expected shape (or length). */
  readonly expected: readonly number[] | number | string;
  /** The shape (or length) that came. */
  readonly actual: readonly number[] | number | string;
  readonly fix?: string;
}

function describeShape(shape: readonly number[] | number | string): string {
  if (typeof shape === 'string') return shape;
  if (typeof shape === 'number') return String(shape);
  return `[${shape.join(', ')}]`;
}

/** Two tensors, arrays or states do not have compatible shapes or lengths. */
export class ShapeMismatchError extends TrainkitError {
  readonly [shapeMismatchMarker] = true;
  override name = 'ShapeMismatchError';
  readonly functionName: string;
  readonly argument: string;
  readonly expected: readonly number[] | number | string;
  readonly actual: readonly number[] | number | string;

  constructor(details: ShapeMismatchDetails) {
    const fix = details.fix === undefined ? '' : ` ${details.fix}`;
    super(
      `${details.functionName}: ${details.argument} must have shape ${describeShape(details.expected)}, got ${describeShape(details.actual)}.${fix}`,
    );
    this.functionName = details.functionName;
    this.argument = details.argument;
    this.expected = details.expected;
    this.actual = details.actual;
  }

  static override isInstance(error: unknown): error is ShapeMismatchError {
    return hasErrorMarker(error, shapeMismatchMarker);
  }
}

/** Where a {@link StateRestoreError} points. */
export interface StateRestoreDetails {
  readonly cause?: unknown;
  /** The state's format, e.g. `trainkit.stats.ema`, when known. */
  readonly format?: string;
  /** The offending field with its path, e.g. `train.values[3]`, when one is to blame. */
  readonly field?: string;
}

/**
 * A serialized state cannot be restored: not an object, another format or
 * version, or a missing or mistyped field. `format` and `field` say where;
 * the message also says how to fix it.
 */
export class StateRestoreError extends TrainkitError {
  readonly [stateRestoreMarker] = true;
  override name = 'StateRestoreError';
  readonly functionName: string;
  /** The state's format, when known. */
  readonly format: string | undefined;
  /** The offending field (with its path), when one is to blame. */
  readonly field: string | undefined;

  constructor(functionName: string, message: string, details?: StateRestoreDetails) {
    super(
      `${functionName}: ${message}`,
      details?.cause === undefined ? undefined : { cause: details.cause },
    );
    this.functionName = functionName;
    this.format = details?.format;
    this.field = details?.field;
  }

  static override isInstance(error: unknown): error is StateRestoreError {
    return hasErrorMarker(error, stateRestoreMarker);
  }
}
