import { ShapeMismatchError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprintRows, hashRows } from './row-hash';

const pair = (hashes: Uint32Array, row: number) => [hashes[2 * row], hashes[2 * row + 1]];

describe('hashRows', () => {
  it('gives equal rows equal hashes, by value, whatever the array type', () => {
    const floats = Float32Array.of(1, 2, 3, 0, 1, 2, 3, -0, 1, 2, 4, 0);
    const hashes = hashRows(floats, 4);
    expect(hashes).toHaveLength(6);
    expect(pair(hashes, 0)).toEqual(pair(hashes, 1)); // -0 equals 0
    expect(pair(hashes, 0)).not.toEqual(pair(hashes, 2));
    expect(pair(hashRows(Uint8Array.of(1, 2, 3, 0), 4), 0)).toEqual(pair(hashes, 0));
    expect(pair(hashRows([1, 2, 3, 0], 4), 0)).toEqual(pair(hashes, 0));
    const nan = hashRows(Float64Array.of(Number.NaN, 1, Number.NaN, 1), 2);
    expect(pair(nan, 0)).toEqual(pair(nan, 1));
  });

  it('is sensitive to order within a row (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 2, maxLength: 12 }),
        (row) => {
          const reversed = [...row].reverse();
          const same = row.every((v, i) => v === reversed[i]);
          const hashes = hashRows([...row, ...reversed], row.length);
          expect(
            pair(hashes, 0)[0] === pair(hashes, 1)[0] && pair(hashes, 0)[1] === pair(hashes, 1)[1],
          ).toBe(same);
        },
      ),
    );
  });

  it('has no collisions among 20,000 distinct small rows', () => {
    const rows = 20_000;
    const data = new Int32Array(rows * 3);
    for (let r = 0; r < rows; r++) data.set([r % 37, Math.floor(r / 37), r % 5], 3 * r);
    const hashes = hashRows(data, 3);
    const seen = new Set<string>();
    for (let r = 0; r < rows; r++) seen.add(`${hashes[2 * r]}:${hashes[2 * r + 1]}`);
    expect(seen.size).toBe(rows);
  });

  it('rejects a length that is not a multiple of rowLength', () => {
    expect(() => hashRows(new Float32Array(10), 4)).toThrow(ShapeMismatchError);
    expect(() => hashRows(new Float32Array(10), 4)).toThrow(
      'hashRows: data.length must have shape a multiple of rowLength 4, got 10.',
    );
    expect(() => hashRows(new Float32Array(8), 0)).toThrow(
      'hashRows: rowLength must be an integer >= 1, got 0.',
    );
  });
});

describe('fingerprintRows', () => {
  it('changes with any value, the row order or the row length', () => {
    const data = Float32Array.of(1, 2, 3, 4, 5, 6);
    const base = fingerprintRows(data, 2);
    expect(base).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprintRows(Float32Array.of(1, 2, 3, 4, 5, 6), 2)).toBe(base);
    expect(fingerprintRows(Float32Array.of(3, 4, 1, 2, 5, 6), 2)).not.toBe(base);
    expect(fingerprintRows(Float32Array.of(1, 2, 3, 4, 5, 7), 2)).not.toBe(base);
    expect(fingerprintRows(data, 3)).not.toBe(base);
  });
});
