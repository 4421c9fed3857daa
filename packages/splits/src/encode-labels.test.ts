import { ShapeMismatchError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { encodeLabels } from './encode-labels';

const codesOf = (encoded: ReturnType<typeof encodeLabels>) =>
  Array.from({ length: encoded.keys.length }, (_, i) => encoded.table[encoded.keys[i]!]);

describe('encodeLabels', () => {
  it.each([
    ['small integers (typed, no copy)', Int32Array.from([7, 3, 7, 0, 3]), [7, 3, 0]],
    ['negative integers', Int32Array.from([-5, 2, -5, 2, 9]), [-5, 2, 9]],
    ['large integers', [1e9, 5, 1e9, 5, 5], [1e9, 5]],
    ['fractional numbers', Float64Array.from([0.5, 0.25, 0.5, 1, 1]), [0.5, 0.25, 1]],
    ['strings', ['b', 'a', 'b', 'c', 'a'], ['b', 'a', 'c']],
  ])('numbers classes by first appearance: %s', (_name, labels, values) => {
    const encoded = encodeLabels('f', 'labels', labels, labels.length);
    expect(encoded.values).toEqual(values);
    expect(encoded.classCount).toBe(values.length);
    const codes = codesOf(encoded);
    expect(codes.map((c) => values[c!])).toEqual(Array.from(labels as ArrayLike<unknown>));
    const counts = values.map(
      (v) => Array.from(labels as ArrayLike<unknown>).filter((x) => x === v).length,
    );
    expect(Array.from(encoded.counts)).toEqual(counts);
  });

  it('keeps the caller array as keys for small integers', () => {
    const labels = Uint8Array.from([2, 2, 1]);
    expect(encodeLabels('f', 'labels', labels, 3).keys).toBe(labels);
  });

  it('rejects wrong lengths, NaN, and non-arrays', () => {
    expect(() => encodeLabels('f', 'groups', [1, 2], 3)).toThrow(ShapeMismatchError);
    expect(() => encodeLabels('f', 'groups', [1, 2], 3)).toThrow(
      'f: groups.length must have shape 3, got 2. Pass one group id per sample (n = 3).',
    );
    expect(() => encodeLabels('f', 'labels', [1, Number.POSITIVE_INFINITY], 2)).toThrow(
      'f: labels[1] must be a finite number or a string, got Infinity.',
    );
    expect(() => encodeLabels('f', 'labels', [1, null], 2)).toThrow(
      'f: labels[1] must be a finite number or a string, got null.',
    );
  });
});
