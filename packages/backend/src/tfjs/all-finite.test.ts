/**
 * allFinite against `Array.prototype.every(Number.isFinite)` over raw float32
 * bit patterns (every NaN payload, infinities, the largest finite values,
 * subnormals, -0), at every position class of the SIMD loop (16-value blocks
 * and the tail), on wasm with the SIMD module, with it off, and on the CPU
 * backend; lists, maps, nulls, other dtypes; typed errors; no leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@trainkit/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allFinite } from './all-finite';
import { selectBackend } from './select-backend';
import { setSimdKernelsEnabled, simdKernels } from './simd/instance';

beforeAll(async () => {
  await selectBackend({ backend: 'wasm' });
});

afterAll(async () => {
  setSimdKernelsEnabled(true);
  await tf.setBackend('cpu');
});

const SPECIAL_BITS = [
  0x7fc00000, // NaN
  0x7f800001, // signalling NaN, smallest payload
  0xffffffff, // negative NaN, all payload bits
  0x7f800000, // +Infinity
  0xff800000, // -Infinity
];
const FINITE_BITS = [
  0x7f7fffff, // largest float32
  0xff7fffff, // its negative
  0x00000001, // smallest subnormal
  0x80000000, // -0
  0x3f800000, // 1
];

const floats = (bits: number[]) => new Float32Array(Uint32Array.from(bits).buffer);

/** allFinite of one float32 tensor made from raw bits, on the current backend. */
function check(bits: number[], shape?: number[]): boolean {
  const t = tf.tensor(floats(bits), shape ?? [bits.length], 'float32');
  try {
    return allFinite([t]);
  } finally {
    t.dispose();
  }
}

/** Sizes around the 16-value blocks and long ones. */
const SIZES = [1, 3, 15, 16, 17, 31, 33, 1000, 235_146];

function runAll(): void {
  for (const size of SIZES) {
    const finite = Array.from({ length: size }, (_, i) => FINITE_BITS[i % FINITE_BITS.length]!);
    expect(check(finite)).toBe(true);
    // A bad value first, last, inside a block, inside the tail.
    const positions = [...new Set([0, size - 1, Math.min(size - 1, 9), size - (size % 16 || 1)])];
    for (const position of positions) {
      for (const bad of SPECIAL_BITS) {
        const bits = [...finite];
        bits[position] = bad;
        expect(check(bits), `size ${size}, position ${position}, bits ${bad.toString(16)}`).toBe(
          false,
        );
      }
    }
  }
}

describe('allFinite', () => {
  it('finds every NaN and infinity at every position (wasm, SIMD module)', () => {
    // The SIMD module is what this test covers: it must be instantiated on this backend.
    expect(typeof simdKernels(tf.backend())?.kernels.all_finite).toBe('function');
    runAll();
  });

  it('gives the same answers with the SIMD module off and on the CPU backend', async () => {
    setSimdKernelsEnabled(false);
    try {
      runAll();
    } finally {
      setSimdKernelsEnabled(true);
    }
    await tf.setBackend('cpu');
    try {
      runAll();
    } finally {
      await tf.setBackend('wasm');
    }
  });

  it('equals every(Number.isFinite) on random bit patterns (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: 0xffffffff }),
            fc.constantFrom(...SPECIAL_BITS, ...FINITE_BITS),
          ),
          { minLength: 1, maxLength: 80 },
        ),
        (bits) => {
          const expected = Array.from(floats(bits)).every(Number.isFinite);
          expect(check(bits)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('checks lists and maps of several tensors, skips nulls, treats int32 and bool as finite, ignores empty tensors', () => {
    const tensors = {
      a: tf.tensor([1, 2, 3]),
      b: tf.tensor2d([[4, 5]]),
      none: null as unknown as tf.Tensor,
      ints: tf.tensor([1, 2], [2], 'int32'),
      flags: tf.tensor([true, false], [2], 'bool'),
      empty: tf.zeros([0, 3]),
    };
    const bad = tf.tensor([1, Number.NaN]);
    try {
      expect(allFinite(tensors)).toBe(true);
      expect(allFinite(Object.values(tensors))).toBe(true);
      expect(allFinite([tensors.a, null, undefined, bad])).toBe(false);
      expect(allFinite({ ...tensors, bad })).toBe(false);
      expect(allFinite([])).toBe(true);
    } finally {
      tf.dispose([...Object.values(tensors).filter((t) => t !== null), bad]);
    }
  });

  it('leaks no tensor on any path', async () => {
    const t = tf.tensor([1, 2, Number.POSITIVE_INFINITY]);
    const before = tf.memory().numTensors;
    allFinite([t]);
    setSimdKernelsEnabled(false);
    try {
      allFinite([t]);
    } finally {
      setSimdKernelsEnabled(true);
    }
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });

  it('throws a typed error naming the entry for a disposed tensor, a non-tensor or a string tensor', () => {
    const disposed = tf.tensor([1]);
    disposed.dispose();
    const strings = tf.tensor(['a', 'b']);
    try {
      expect(() => allFinite([tf.scalar(1), disposed])).toThrow(InvalidArgumentError);
      expect(() => allFinite([disposed])).toThrow(
        /allFinite: tensors\[0\] must be a live tf\.Tensor \(or null\), got "a disposed tensor"\. Check the tensors before disposing them\./,
      );
      expect(() => allFinite({ w: 3 as unknown as tf.Tensor })).toThrow(
        /allFinite: tensors\['w'\] must be a live tf\.Tensor/,
      );
      expect(() => allFinite([strings])).toThrow(/tensors\[0\]\.dtype must be/);
      expect(() => allFinite(7 as unknown as tf.Tensor[])).toThrow(/allFinite: tensors/);
    } finally {
      strings.dispose();
    }
  });
});
