import { StateRestoreError } from '@trainkit/core';
import { expect, it } from 'vitest';

/**
 * The standard tests of a serialized state (the convention of ARCHITECTURE.md: `xToJSON(state)`
 * returns `{ format, version, ...payload }`, `xFromJSON(json: unknown)` returns the state).
 *
 * Inside a `describe`, for each sample state: the envelope has the format and version; the
 * state round-trips exactly through `JSON.stringify`/`JSON.parse` (and its JSON text); and
 * `fromJSON` throws a `StateRestoreError` carrying the format for a non-object, another
 * format, the legacy `kind` key, the next version and version 0, and, for every payload
 * field, its absence and a mistyped value (an object where a number, string, boolean or
 * array belongs, a string where an object belongs), with `error.field` naming that field.
 *
 * ```ts
 * describe('emaToJSON / emaFromJSON', () => {
 *   describeStateFormat({ format: 'trainkit.stats.ema', version: 1, toJSON: emaToJSON,
 *     fromJSON: emaFromJSON, samples: () => [createEma(0.6), updateEma(createEma(0.5), 1)] });
 * });
 * ```
 */
export function describeStateFormat<S>(spec: {
  readonly format: string;
  readonly version: number;
  readonly toJSON: (state: S) => object;
  readonly fromJSON: (json: unknown) => S;
  /** States to test; the last one should have every field populated. */
  readonly samples: () => S[];
  /** How to compare a restored state with the original (default: `toEqual`). */
  readonly equal?: (restored: S, original: S) => void;
  /** Payload fields that may be absent. */
  readonly optionalFields?: readonly string[];
}): void {
  const equal = spec.equal ?? ((restored: S, original: S) => expect(restored).toEqual(original));
  const rejects = (json: unknown, field?: string): StateRestoreError => {
    let caught: unknown;
    try {
      spec.fromJSON(json);
    } catch (error) {
      caught = error;
    }
    expect(
      StateRestoreError.isInstance(caught),
      `no StateRestoreError for ${JSON.stringify(json)}`,
    ).toBe(true);
    const error = caught as StateRestoreError;
    expect(error.format).toBe(spec.format);
    if (field !== undefined) {
      expect(
        error.field === field ||
          error.field?.startsWith(`${field}.`) ||
          error.field?.startsWith(`${field}[`),
        `field ${error.field} for ${field}`,
      ).toBe(true);
    }
    return error;
  };

  it(`writes the ${spec.format} version ${spec.version} envelope and round-trips exactly`, () => {
    for (const state of spec.samples()) {
      const json = spec.toJSON(state) as Record<string, unknown>;
      expect(Object.keys(json).slice(0, 2)).toEqual(['format', 'version']);
      expect(json.format).toBe(spec.format);
      expect(json.version).toBe(spec.version);
      const text = JSON.stringify(json);
      equal(spec.fromJSON(JSON.parse(text)), state);
      equal(spec.fromJSON(json), state);
      equal(spec.fromJSON(text), state);
      // What a restored state writes is what was read.
      expect(JSON.stringify(spec.toJSON(spec.fromJSON(text)))).toBe(text);
    }
  });

  it('rejects a wrong envelope and other versions with a typed error', () => {
    const json = spec.toJSON(spec.samples().at(-1)!) as Record<string, unknown>;
    rejects(null);
    rejects([json]);
    rejects('{not json');
    rejects({ ...json, format: `${spec.format}.other` }, 'format');
    const { format: _format, ...withoutFormat } = json;
    rejects({ ...withoutFormat, kind: spec.format }, 'format');
    expect(rejects({ ...json, version: spec.version + 1 }, 'version').message).toContain(
      'newer release',
    );
    rejects({ ...json, version: 0 }, 'version');
    rejects({ ...json, version: String(spec.version) }, 'version');
  });

  it('rejects every missing or mistyped payload field, naming it', () => {
    const json = spec.toJSON(spec.samples().at(-1)!) as Record<string, unknown>;
    for (const field of Object.keys(json)) {
      if (field === 'format' || field === 'version') continue;
      const value = json[field];
      if (!spec.optionalFields?.includes(field)) {
        const { [field]: _removed, ...without } = json;
        rejects(without, field);
      }
      const wrong =
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? 'not an object'
          : { mistyped: true };
      rejects({ ...json, [field]: wrong }, field);
    }
  });
}
