/**
 * trainkit's SIMD Add, Sub, Multiply, RealDiv, Relu and Step on wasm: equal
 * to the CPU backend bit for bit for same shapes, row broadcasts (biases)
 * and scalars, special values included; other broadcasts and dtypes take
 * the stock kernels (also checked against the CPU).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRandom } from '@trainkit/stats';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { selectBackend } from '../select-backend';
import { broadcastLayout } from './elementwise';
import { setSimdKernelsEnabled, simdKernels } from './instance';

beforeAll(async () => {
  await selectBackend({ backend: 'wasm' });
});

afterAll(async () => {
  setSimdKernelsEnabled(true);
  await tf.setBackend('cpu');
});

const SPECIAL = [
  Number.NaN,
  0,
  -0,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1e-40,
  -3e38,
  1,
];

/** Seeded values in [-2, 2) with special values sprinkled in. */
function values(size: number, seed: number): Float32Array {
  const random = createRandom({ seed });
  return Float32Array.from({ length: size }, (_, i) =>
    i % 5 === 3 ? (SPECIAL[(seed + i) % SPECIAL.length] as number) : random.nextFloat() * 4 - 2,
  );
}

/** A float32 array's bits (NaN signs and payloads included). */
function asBits(values: Float32Array): number[] {
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}

async function on(
  backend: 'cpu' | 'wasm',
  f: () => tf.Tensor,
): Promise<{ shape: number[]; values: Float32Array }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const out = f();
    return { shape: out.shape, values: out.dataSync() as Float32Array };
  });
}

const OPS = {
  Add: tf.add,
  Sub: tf.sub,
  Multiply: tf.mul,
  RealDiv: tf.div,
} as const;

describe('broadcastLayout', () => {
  it('classifies same shapes, row broadcasts and scalars, and refuses the rest', () => {
    expect(broadcastLayout([4, 3], [4, 3], [4, 3])).toEqual({ rows: 1, n: 12, aMode: 0, bMode: 0 });
    expect(broadcastLayout([2, 5, 16], [16], [2, 5, 16])).toEqual({
      rows: 10,
      n: 16,
      aMode: 0,
      bMode: 1,
    });
    expect(broadcastLayout([1, 5, 16], [2, 5, 16], [2, 5, 16])).toEqual({
      rows: 2,
      n: 80,
      aMode: 1,
      bMode: 0,
    });
    expect(broadcastLayout([], [7, 3], [7, 3])).toEqual({ rows: 1, n: 21, aMode: 2, bMode: 0 });
    expect(broadcastLayout([1, 1, 4], [4], [1, 1, 4])).toEqual({
      rows: 1,
      n: 4,
      aMode: 0,
      bMode: 0,
    });
    expect(broadcastLayout([3, 1], [1, 4], [3, 4])).toBeUndefined();
    expect(broadcastLayout([2, 1, 4], [3, 4], [2, 3, 4])).toBeUndefined();
    expect(broadcastLayout([4], [1], [4])).toEqual({ rows: 1, n: 4, aMode: 0, bMode: 2 });
  });
});

describe('SIMD binary kernels on wasm', () => {
  const shapes = fc
    .record({
      out: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 0, maxLength: 4 }),
      aKind: fc.constantFrom('full', 'row', 'scalar', 'column'),
      bKind: fc.constantFrom('full', 'row', 'scalar', 'column'),
      split: fc.nat(3),
    })
    .map(({ out, aKind, bKind, split }) => {
      const shape = (kind: string): number[] => {
        if (kind === 'scalar') return [];
        if (kind === 'row') return out.slice(Math.min(split, out.length));
        // 'column': broadcast along the last axis (not a row broadcast: stock path).
        if (kind === 'column' && out.length > 0) return [...out.slice(0, -1), 1];
        return out;
      };
      return { a: shape(aKind), b: shape(bKind) };
    });

  it.each(Object.keys(OPS) as (keyof typeof OPS)[])(
    '%s equals the CPU backend bit for bit (same shapes, row broadcasts, scalars, special values; other broadcasts stock)',
    async (name) => {
      const op = OPS[name];
      await fc.assert(
        fc.asyncProperty(shapes, fc.integer({ min: 1, max: 1e6 }), async ({ a, b }, seed) => {
          const av = values(
            a.reduce((x, y) => x * y, 1),
            seed,
          );
          const bv = values(
            b.reduce((x, y) => x * y, 1),
            seed + 1,
          );
          const f = () => op(tf.tensor(av, a), tf.tensor(bv, b));
          const cpu = await on('cpu', f);
          const wasm = await on('wasm', f);
          expect(wasm.shape).toEqual(cpu.shape);
          expect(wasm.values).toEqual(cpu.values);
        }),
        { numRuns: 120 },
      );
    },
  );

  it('runs in the SIMD module for a bias add of the CNN shape (not the stock kernel), and leaves int32 to stock', async () => {
    await tf.setBackend('wasm');
    const simd = simdKernels(tf.backend())!;
    const binary = vi.spyOn(simd.kernels, 'binary');
    try {
      const x = values(8 * 26 * 26 * 16, 3);
      const bias = values(16, 4);
      const wasm = await on('wasm', () => tf.add(tf.tensor(x, [8, 26, 26, 16]), tf.tensor(bias)));
      expect(binary).toHaveBeenCalledTimes(1);
      expect(binary.mock.calls[0]?.slice(6)).toEqual([8 * 26 * 26, 16]);
      const cpu = await on('cpu', () => tf.add(tf.tensor(x, [8, 26, 26, 16]), tf.tensor(bias)));
      expect(wasm.values).toEqual(cpu.values);
      binary.mockClear();
      const ints = await on('wasm', () =>
        tf.add(tf.tensor([1, 2, 3], [3], 'int32'), tf.scalar(2, 'int32')),
      );
      expect(Array.from(ints.values)).toEqual([3, 4, 5]);
      expect(binary).not.toHaveBeenCalled();
    } finally {
      binary.mockRestore();
    }
  });

  it('falls back to the stock kernels with the SIMD module off, with the CPU results', async () => {
    setSimdKernelsEnabled(false);
    try {
      const x = values(6 * 10, 5);
      const y = values(10, 6);
      for (const op of Object.values(OPS)) {
        const f = () => op(tf.tensor(x, [6, 10]), tf.tensor(y, [10]));
        expect((await on('wasm', f)).values).toEqual((await on('cpu', f)).values);
      }
    } finally {
      setSimdKernelsEnabled(true);
    }
  });
});

describe('SIMD Relu and Step on wasm', () => {
  it('equal the CPU backend bit for bit (NaN, ±0, infinities, odd lengths, alpha), with the SIMD module on and off', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 37 }),
        fc.constantFrom(0, 0.25, -1),
        fc.integer({ min: 1, max: 1e6 }),
        async (size, alpha, seed) => {
          const x = values(size, seed);
          const relu = () => tf.relu(tf.tensor1d(x));
          const step = () => tf.step(tf.tensor1d(x), alpha);
          const cpu = [await on('cpu', relu), await on('cpu', step)];
          expect([await on('wasm', relu), await on('wasm', step)]).toEqual(cpu);
          // -0 becomes +0 in relu, as Math.max(0, -0) does.
          const minusZero = x.indexOf(-0);
          if (minusZero >= 0 && Object.is(x[minusZero], -0)) {
            expect(Object.is((await on('wasm', relu)).values[minusZero], 0)).toBe(true);
          }
          setSimdKernelsEnabled(false);
          try {
            expect((await on('wasm', step)).values).toEqual(cpu[1]?.values);
          } finally {
            setSimdKernelsEnabled(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("keeps a NaN's bits (sign and payload) in the vector lanes and the scalar tail alike, as the fused bias + relu epilogue does", async () => {
    const bits = new Uint32Array([
      0x3f800000, 0x7fc00000, 0xffc00000, 0x7fc00001, 0xbf800000, 0xffc00000, 0x7fc00000,
    ]);
    const x = new Float32Array(bits.buffer);
    const relu = await on('wasm', () => tf.relu(tf.tensor1d(x)));
    const out = asBits(relu.values);
    // Indices 1-3 are vector lanes, 5 and 6 the tail (length 7): each NaN comes out as it went in.
    for (const i of [1, 2, 3, 5, 6]) {
      expect(out[i]!.toString(16), `element ${i}`).toBe(bits[i]!.toString(16));
    }
    // The fused matmul's epilogue (bias, then relu, a row of 6: 4 lanes and a tail of 2) gives
    // the bits of the separate Add and Relu kernels.
    const a = new Float32Array(3 * 4).fill(0.5);
    a[1] = Number.NaN;
    a[6] = Number.POSITIVE_INFINITY;
    const b = Float32Array.from({ length: 4 * 6 }, (_, i) => (i % 3) - 1);
    const bias = Float32Array.from({ length: 6 }, (_, i) => i - 2.5);
    const fusedBits = await on('wasm', () =>
      tf.fused.matMul({
        a: tf.tensor2d(a, [3, 4]),
        b: tf.tensor2d(b, [4, 6]),
        bias: tf.tensor1d(bias),
        activation: 'relu',
      }),
    );
    const separate = await on('wasm', () =>
      tf.relu(tf.add(tf.matMul(tf.tensor2d(a, [3, 4]), tf.tensor2d(b, [4, 6])), tf.tensor1d(bias))),
    );
    expect(Array.from(fusedBits.values).some(Number.isNaN)).toBe(true);
    expect(asBits(fusedBits.values)).toEqual(asBits(separate.values));
  });

  it('gives the CPU relu gradient (Step then Multiply) for a conv activation shape', async () => {
    const x = values(4 * 11 * 11 * 32, 9);
    const dy = values(4 * 11 * 11 * 32, 10);
    const f = () =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), tf.tensor(dy, [4, 11, 11, 32]))))(
        tf.tensor(x, [4, 11, 11, 32]),
      );
    expect((await on('wasm', f)).values).toEqual((await on('cpu', f)).values);
  });
});
