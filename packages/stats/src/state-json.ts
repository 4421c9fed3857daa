import { StateRestoreError } from '@trainkit/core';

// NaN, infinities and -0 travel as strings: that encoding is @trainkit/core's
// encodeJsonNumber/decodeJsonNumber; this file reads the other fields.

/** Reads a finite number field. */
export function decodeFinite(functionName: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new StateRestoreError(
      functionName,
      `${field} must be a finite number, got ${describe(value)}.`,
    );
  }
  return value;
}

/** Reads a non-negative safe integer field. */
export function decodeCount(functionName: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new StateRestoreError(
      functionName,
      `${field} must be an integer >= 0, got ${describe(value)}.`,
    );
  }
  return value;
}

/** Checks the `format` and `version` header of a serialized state and returns it as a record. */
export function readHeader(
  functionName: string,
  json: unknown,
  format: string,
  version: number,
): Record<string, unknown> {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (cause) {
      throw new StateRestoreError(functionName, 'the string is not valid JSON.', { cause });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StateRestoreError(
      functionName,
      `expected an object with format "${format}", got ${describe(value)}.`,
    );
  }
  const record = value as Record<string, unknown>;
  if (record.format !== format) {
    throw new StateRestoreError(
      functionName,
      `expected format "${format}", got ${describe(record.format)}. Pass the output of the matching toJSON function.`,
    );
  }
  if (record.version !== version) {
    throw new StateRestoreError(
      functionName,
      `unsupported version ${describe(record.version)}; this build reads version ${version}.`,
    );
  }
  return record;
}

function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
