import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldAssignment, maskTable, partitionAssignment, splitByFold } from './fold-assignment';

/** The plain definition: validation = indices of the fold, train = the rest, ascending. */
function reference(foldOf: ArrayLike<number>, fold: number) {
  const train: number[] = [];
  const validation: number[] = [];
  for (let i = 0; i < foldOf.length; i++) (foldOf[i] === fold ? validation : train).push(i);
  return { train, validation };
}

describe('splitByFold', () => {
  it('equals the plain definition for byte and int32 fold arrays of any length (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.nat(), { minLength: 0, maxLength: 300 }),
        fc.nat(5),
        fc.boolean(),
        (k, raw, offset, wide) => {
          const values = raw.map((x) => x % k);
          const fold = offset % k;
          const foldOf = wide ? Int32Array.from(values) : Uint8Array.from(values);
          const size = values.filter((x) => x === fold).length;
          const { train, validation } = splitByFold(foldOf, fold, size);
          const expected = reference(values, fold);
          expect(Array.from(train)).toEqual(expected.train);
          expect(Array.from(validation)).toEqual(expected.validation);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('handles fold ids up to 255 and long runs (all in one fold, then none)', () => {
    const foldOf = new Uint8Array(1000);
    foldOf.fill(255, 0, 500);
    foldOf.fill(7, 500);
    for (const fold of [255, 7, 0]) {
      const size = foldOf.filter((x) => x === fold).length;
      const { train, validation } = splitByFold(foldOf, fold, size);
      const expected = reference(foldOf, fold);
      expect(Array.from(train)).toEqual(expected.train);
      expect(Array.from(validation)).toEqual(expected.validation);
    }
  });

  it('has mask tables for either byte order (big-endian words read back to sample order)', () => {
    for (const littleEndian of [true, false]) {
      const table = maskTable(littleEndian);
      for (let m = 0; m < 256; m++) {
        // Samples 0..7 whose mask bit is set; word byte b holds sample b (LE) or 3 - b (BE).
        const offsets: number[] = [];
        for (let sample = 0; sample < 8; sample++) {
          const word = sample >> 2;
          const byte = littleEndian ? sample & 3 : 3 - (sample & 3);
          if (m & (1 << (4 * word + byte))) offsets.push(sample);
        }
        const entry = table[m]!;
        expect(entry >>> 24).toBe(offsets.length);
        expect(offsets.map((_, j) => (entry >>> (3 * j)) & 7)).toEqual(offsets);
      }
    }
  });
});

describe('foldAssignment and partitionAssignment', () => {
  it('count fold sizes and pick bytes up to 256 folds, int32 above', () => {
    const small = foldAssignment([2, 0, 2, 1], 3);
    expect(small.foldOf).toBeInstanceOf(Uint8Array);
    expect(Array.from(small.foldOf)).toEqual([2, 0, 2, 1]);
    expect(Array.from(small.sizes)).toEqual([1, 1, 2]);
    const large = foldAssignment([300, 0], 301);
    expect(large.foldOf).toBeInstanceOf(Int32Array);
    expect(Array.from(large.foldOf)).toEqual([300, 0]);
    const fromPartition = partitionAssignment({
      order: Int32Array.from([1, 3, 0, 2]),
      offsets: Int32Array.from([0, 2, 3, 4]),
    });
    expect(Array.from(fromPartition.foldOf)).toEqual([1, 0, 2, 0]);
    expect(Array.from(fromPartition.sizes)).toEqual([2, 1, 1]);
  });
});
