/**
 * The relaxed-SIMD build of trainkit's kernels (the GEMM's multiply-adds as
 * `f32x4.relaxed_madd`), run by the `relaxed-simd` vitest project, which
 * starts Node with `--experimental-wasm-relaxed-simd` where the engine needs
 * it. Fused multiply-adds round once instead of twice, so the products are
 * not bit for bit the exact build's: they are checked against a float64
 * reference within the float32 error bound of a k-term dot product, and
 * convolution and dense gradients against the CPU backend to 1e-4 relative,
 * as the exact build is. The exact build, forced in the same process, stays
 * bit for bit the float32 sequential reference.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { createRandom } from '@trainkit/stats';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fusedAdam } from '../fused-adam';
import { fusedSoftmaxCrossEntropy } from '../fused-softmax-cross-entropy';
import { selectBackend } from '../select-backend';
import { setGemmBlocking } from './gemm';
import { relaxedSimdSupported, setRelaxedSimdAllowed, simdKernels } from './instance';

beforeAll(async () => {
  setRelaxedSimdAllowed(true);
  await selectBackend({ backend: 'wasm' });
});

afterAll(async () => {
  setRelaxedSimdAllowed(true);
  setGemmBlocking({ kc: 1024, aBytes: 160 * 1024, inPlaceColumns: 64 });
  await tf.setBackend('cpu');
});

function values(size: number, seed: number): Float32Array {
  const random = createRandom({ seed });
  return Float32Array.from({ length: size }, () => random.nextFloat() * 2 - 1);
}

interface Product {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly seed: number;
}

const products = fc.record({
  m: fc.integer({ min: 1, max: 21 }),
  k: fc.integer({ min: 1, max: 70 }),
  n: fc.integer({ min: 1, max: 40 }),
  transposeA: fc.boolean(),
  transposeB: fc.boolean(),
  seed: fc.integer({ min: 1, max: 1e6 }),
});

/**
 * `op(A)·op(B)` on wasm, with the float64 product and, per element, the
 * float32 error bound of a k-term dot product (`γ_k Σ|a||b|`, γ_k = k u / (1 - k u),
 * u = 2^-24) and the float32 sequential sum (the exact build's arithmetic).
 */
function product(c: Product) {
  const aShape = c.transposeA ? [c.k, c.m] : [c.m, c.k];
  const bShape = c.transposeB ? [c.n, c.k] : [c.k, c.n];
  const a = values(c.m * c.k, c.seed);
  const b = values(c.k * c.n, c.seed + 1);
  const wasm = tf.tidy(
    () =>
      tf
        .matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), c.transposeA, c.transposeB)
        .dataSync() as Float32Array,
  );
  const u = 2 ** -24;
  const gamma = (c.k * u) / (1 - c.k * u);
  const exact = new Float64Array(c.m * c.n);
  const bound = new Float64Array(c.m * c.n);
  const sequential = new Float32Array(c.m * c.n);
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let sum = 0;
      let abs = 0;
      let f32 = 0;
      for (let p = 0; p < c.k; p++) {
        const x = a[c.transposeA ? p * c.m + i : i * c.k + p] as number;
        const y = b[c.transposeB ? j * c.k + p : p * c.n + j] as number;
        sum += x * y;
        abs += Math.abs(x * y);
        f32 = Math.fround(f32 + Math.fround(x * y));
      }
      exact[i * c.n + j] = sum;
      bound[i * c.n + j] = gamma * abs;
      sequential[i * c.n + j] = f32;
    }
  }
  return { wasm, exact, bound, sequential };
}

describe('the relaxed-SIMD kernels', () => {
  it('are the ones in use: this engine validates relaxed SIMD and the wasm backend runs that build', () => {
    expect(relaxedSimdSupported()).toBe(true);
    expect(simdKernels(tf.backend())?.relaxed).toBe(true);
  });

  it.each([
    ['one chunk', { kc: 1024, aBytes: 160 * 1024 }],
    ['chunks of k and of rows', { kc: 7, aBytes: 16 * 7 * 2 }],
  ])(
    'give products within the float32 dot-product error bound of the float64 product (%s)',
    (_name, blocking) => {
      setGemmBlocking(blocking);
      try {
        fc.assert(
          fc.property(products, (c) => {
            const { wasm, exact, bound } = product(c);
            for (let i = 0; i < wasm.length; i++) {
              expect(Math.abs((wasm[i] as number) - (exact[i] as number))).toBeLessThanOrEqual(
                (bound[i] as number) + 1e-30,
              );
            }
          }),
          { numRuns: 150 },
        );
      } finally {
        setGemmBlocking({ kc: 1024, aBytes: 160 * 1024, inPlaceColumns: 64 });
      }
    },
  );

  it('fuse the multiply-adds where the CPU has FMA (V8 emits vfmadd): some products differ from the twice-rounded ones', () => {
    let cpuinfo = '';
    try {
      cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      // Not Linux: the instruction set is unknown.
    }
    const fma = /^flags\s*:.*\bfma\b/m.test(cpuinfo) && process.arch === 'x64';
    let differing = 0;
    fc.assert(
      fc.property(products, (c) => {
        const { wasm, sequential } = product(c);
        for (let i = 0; i < wasm.length; i++) if (wasm[i] !== sequential[i]) differing++;
      }),
      { numRuns: 60, seed: 42 },
    );
    if (fma) expect(differing).toBeGreaterThan(0);
    else expect(differing).toBeGreaterThanOrEqual(0);
  });

  it('give the exact build, bit for bit the float32 sequential sums, when relaxed SIMD is not allowed', () => {
    setRelaxedSimdAllowed(false);
    try {
      expect(simdKernels(tf.backend())?.relaxed).toBe(false);
      fc.assert(
        fc.property(products, (c) => {
          const { wasm, sequential } = product(c);
          expect(wasm).toEqual(sequential);
        }),
        { numRuns: 100 },
      );
    } finally {
      setRelaxedSimdAllowed(true);
    }
    expect(simdKernels(tf.backend())?.relaxed).toBe(true);
  });

  it('give convolution and dense-layer gradients within 1e-4 of the CPU backend', async () => {
    const x = values(4 * 13 * 13 * 16, 1);
    const w = values(3 * 3 * 16 * 32, 2);
    const projection = values(4 * 11 * 11 * 32, 3);
    const h = values(64 * 200, 4);
    const d = values(200 * 48, 5);
    const run = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const conv = (xs: tf.Tensor, ws: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.relu(tf.conv2d(xs as tf.Tensor4D, ws as tf.Tensor4D, 1, 'valid')),
              tf.tensor(projection, [4, 11, 11, 32]),
            ),
          );
        const dense = (hs: tf.Tensor, ds: tf.Tensor) => tf.sum(tf.relu(tf.matMul(hs, ds)));
        return [
          ...tf.grads(conv)([tf.tensor(x, [4, 13, 13, 16]), tf.tensor(w, [3, 3, 16, 32])]),
          ...tf.grads(dense)([tf.tensor(h, [64, 200]), tf.tensor(d, [200, 48])]),
        ].map((g) => g.dataSync() as Float32Array);
      });
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(simdKernels(tf.backend())?.relaxed).toBe(true);
    wasm.forEach((g, i) => {
      const reference = cpu[i] as Float32Array;
      let diff = 0;
      let scale = 0;
      for (let j = 0; j < g.length; j++) {
        diff = Math.max(diff, Math.abs((g[j] as number) - (reference[j] as number)));
        scale = Math.max(scale, Math.abs(reference[j] as number));
      }
      expect(diff / scale).toBeLessThanOrEqual(1e-4);
    });
  });

  it('give fusedAdam and fusedSoftmaxCrossEntropy the bits of tf.train.adam and tf.losses.softmaxCrossEntropy', () => {
    expect(simdKernels(tf.backend())?.relaxed).toBe(true);
    const logitsValues = values(32 * 10, 6);
    const labelValues = Int32Array.from({ length: 32 }, (_, i) => (i * 7) % 10);
    const train = (fused: boolean) =>
      tf.tidy(() => {
        const w = tf.variable(tf.tensor(values(10 * 10, 7), [10, 10]));
        const optimizer = fused ? fusedAdam(0.01) : tf.train.adam(0.01);
        const loss = fused ? fusedSoftmaxCrossEntropy : tf.losses.softmaxCrossEntropy;
        const x = tf.tensor(logitsValues, [32, 10]);
        const labels = tf.oneHot(tf.tensor1d(labelValues, 'int32'), 10);
        const losses: number[] = [];
        for (let step = 0; step < 3; step++) {
          const cost = optimizer.minimize(() => loss(labels, tf.matMul(x, w)) as tf.Scalar, true);
          losses.push(cost!.dataSync()[0]!);
        }
        const weights = Array.from(w.dataSync());
        optimizer.dispose();
        w.dispose();
        return { losses, weights };
      });
    const fused = train(true);
    const stock = train(false);
    expect(fused.losses).toEqual(stock.losses);
    expect(fused.weights).toEqual(stock.weights);
    expect(fused.losses[2]).toBeLessThan(fused.losses[0]!);
  });
});
