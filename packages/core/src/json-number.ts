import { StateRestoreError } from './errors';
import { formatValue } from './format-value';

/**
 * A number as it appears in a serialized state: finite numbers stay numbers;
 * `NaN`, `Infinity`, `-Infinity` and `-0` become strings so that a JSON round
 * trip is exact (JSON itself turns them into `null` or `0`).
 */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

/**
 * Encodes a number so that `JSON.stringify` keeps it exactly.
 *
 * @example
 * ```ts
 * JSON.stringify([1.5, Number.NaN, -0].map(encodeJsonNumber)); // '[1.5,"NaN","-0"]'
 * ```
 */
export function encodeJsonNumber(value: number): JsonNumber {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (Object.is(value, -0)) return '-0';
  return value;
}

/**
 * Decodes a {@link JsonNumber}.
 *
 * @param functionName - The restoring function, for the error message.
 * @param field - Where the value sits in the state, e.g. `values[3]`.
 * @param value - The parsed JSON value.
 * @throws StateRestoreError for anything that is not a number or one of the four strings.
 */
export function decodeJsonNumber(functionName: string, field: string, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  switch (value) {
    case 'NaN':
      return Number.NaN;
    case 'Infinity':
      return Number.POSITIVE_INFINITY;
    case '-Infinity':
      return Number.NEGATIVE_INFINITY;
    case '-0':
      return -0;
    default:
      throw new StateRestoreError(
        functionName,
        `${field} must be a number (or "NaN", "Infinity", "-Infinity", "-0"), got ${formatValue(value)}.`,
      );
  }
}
