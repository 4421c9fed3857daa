/**
 * trainkit's WebAssembly SIMD kernels. GEMM: exact against a float32 reference that rounds
 * every product and every partial sum (the kernel's arithmetic), for every
 * transpose combination, edge sizes (m mod 4, n mod 8, k mod 4), batches and
 * broadcast batches; equal bit for bit to the stock XNNPACK product; no
 * tensor or heap growth. Sqrt: the correctly rounded root. im2col: the
 * window rows written out in JavaScript, exactly. The embedded
 * bytes are kernels.wat's.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { createRandom } from '@trainkit/stats';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { assembleKernels, moduleSource } from '../../../scripts/build-wasm.mjs';
import { selectBackend } from '../select-backend';
import {
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
} from '../wasm-training-kernels';
import { wasmGemm } from './gemm';
import { simdKernels } from './instance';

beforeAll(async () => {
  await selectBackend({ backend: 'wasm', trainingKernels: false });
  registerWasmTrainingKernels();
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

/** The SIMD kernels on the current (wasm) backend; throws where they did not instantiate. */
function requireSimd(): NonNullable<ReturnType<typeof simdKernels>> {
  const simd = simdKernels(tf.backend());
  if (simd === undefined) throw new Error('trainkit SIMD kernels unavailable on the wasm backend');
  return simd;
}

function values(size: number, seed: number): Float32Array {
  const random = createRandom({ seed });
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = random.nextFloat() * 2 - 1;
  return out;
}

/**
 * `op(A)·op(B)` for `[...batch, rows, cols]` operands in float32 arithmetic:
 * `c = fround(c + fround(a * b))` for p = 0..k-1 from 0.
 */
function reference(
  a: Float32Array,
  aShape: number[],
  transposeA: boolean,
  b: Float32Array,
  bShape: number[],
  transposeB: boolean,
  batch: number,
): Float32Array {
  const [aRows, aCols] = aShape.slice(-2) as [number, number];
  const [bRows, bCols] = bShape.slice(-2) as [number, number];
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const n = transposeB ? bRows : bCols;
  const aBatch = a.length / (m * k);
  const bBatch = b.length / (k * n);
  const out = new Float32Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    const ao = (aBatch > 1 ? t : 0) * m * k;
    const bo = (bBatch > 1 ? t : 0) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let c = 0;
        for (let p = 0; p < k; p++) {
          const x = a[ao + (transposeA ? p * m + i : i * k + p)] as number;
          const y = b[bo + (transposeB ? j * k + p : p * n + j)] as number;
          c = Math.fround(c + Math.fround(x * y));
        }
        out[t * m * n + i * n + j] = c;
      }
    }
  }
  return out;
}

describe('trainkit GEMM on the wasm backend', () => {
  it('runs on the wasm backend (SIMD module instantiated on its memory), nowhere else', () => {
    const simd = requireSimd();
    // Every export, with its parameter count (a wasm function's length).
    expect(
      Object.fromEntries(
        Object.entries(simd.kernels).map(([name, f]) => [name, (f as () => void).length]),
      ),
    ).toEqual({
      pack_a: 6,
      pack_b: 6,
      gemm: 7,
      sqrt: 3,
      im2col: 14,
      max_pool_grad_disjoint: 15,
      adam: 16,
    });
    // A hand-computed product through the backend's memory: [[1, 2, 3], [4, 5, 6]]·[[7, 8], [9, 10], [11, 12]].
    const gemm = wasmGemm(tf.backend());
    if (gemm === undefined) throw new Error('trainkit GEMM unavailable on wasm');
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tf.tensor2d([7, 8, 9, 10, 11, 12], [3, 2]);
    const out = simd.backend.makeOutput([2, 2], 'float32');
    gemm.matMul(
      { info: a, transposed: false, batch: 1 },
      { info: b, transposed: false, batch: 1 },
      out,
      2,
      3,
      2,
      1,
    );
    expect(Array.from(simd.backend.typedArrayFromHeap(out))).toEqual([58, 64, 139, 154]);
    simd.backend.disposeData(out.dataId);
    tf.dispose([a, b]);
    expect(wasmGemm({})).toBeUndefined();
    expect(simdKernels({})).toBeUndefined();
  });

  it('equals the float32 reference bit for bit: transposes, edge sizes, batches, broadcasting', () => {
    const cases = fc.record({
      m: fc.integer({ min: 1, max: 19 }),
      k: fc.integer({ min: 1, max: 23 }),
      n: fc.integer({ min: 1, max: 35 }),
      batches: fc.constantFrom<[number[], number[]]>(
        [[], []],
        [[1], []],
        [[3], [3]],
        [[3], []],
        [[], [2]],
        [
          [2, 3],
          [2, 3],
        ],
        [[1, 1], [4]],
      ),
      transposeA: fc.boolean(),
      transposeB: fc.boolean(),
      seed: fc.integer({ min: 1, max: 1e6 }),
    });
    fc.assert(
      fc.property(cases, (c) => {
        const [aBatch, bBatch] = c.batches;
        const aShape = [...aBatch, ...(c.transposeA ? [c.k, c.m] : [c.m, c.k])];
        const bShape = [...bBatch, ...(c.transposeB ? [c.n, c.k] : [c.k, c.n])];
        const a = values(
          aShape.reduce((x, y) => x * y, 1),
          c.seed,
        );
        const b = values(
          bShape.reduce((x, y) => x * y, 1),
          c.seed + 1,
        );
        const outer = tf.backend_util.assertAndGetBroadcastShape(aBatch, bBatch);
        const product = tf.tidy(() =>
          tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), c.transposeA, c.transposeB),
        );
        expect(product.shape).toEqual([...outer, c.m, c.n]);
        const batch = outer.reduce((x, y) => x * y, 1);
        const expected = reference(a, aShape, c.transposeA, b, bShape, c.transposeB, batch);
        expect(product.dataSync()).toEqual(expected);
        product.dispose();
      }),
      { numRuns: 300 },
    );
  });

  it('equals the stock XNNPACK product bit for bit (the MLP shapes and odd ones)', () => {
    for (const [m, k, n] of [
      [128, 784, 256],
      [128, 256, 128],
      [128, 128, 10],
      [1, 784, 256],
      [37, 129, 77],
    ] as const) {
      const a = values(m * k, m + k);
      const b = values(k * n, k + n);
      const run = () =>
        tf.tidy(() => tf.matMul(tf.tensor(a, [m, k]), tf.tensor(b, [k, n])).dataSync());
      const ours = run();
      unregisterWasmTrainingKernels({ kernels: ['BatchMatMul'] });
      const stock = run();
      registerWasmTrainingKernels({ kernels: ['BatchMatMul'] });
      expect(ours).toEqual(stock);
    }
  });

  it('gives zeros and empty results like the stock kernel when a dimension is 0', () => {
    const empty = tf.tidy(() => tf.matMul(tf.zeros([3, 0]), tf.zeros([0, 2])).dataSync());
    expect(Array.from(empty)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(tf.tidy(() => tf.matMul(tf.zeros([0, 4]), tf.zeros([4, 2])).shape)).toEqual([0, 2]);
  });

  it('leaks no tensors and frees its scratch memory', () => {
    const a = tf.randomNormal([64, 300]);
    const b = tf.randomNormal([300, 96]);
    tf.dispose(tf.matMul(a, b, false, false));
    const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm;
    const before = tf.memory();
    const heapBefore = heap.HEAPU8.length;
    for (let i = 0; i < 50; i++) {
      tf.dispose(tf.matMul(a, b));
      tf.dispose(tf.matMul(b, a, true, true));
    }
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    expect(heap.HEAPU8.length).toBe(heapBefore);
    tf.dispose([a, b]);
  });

  it('ships the bytes of kernels.wat (run scripts/build-wasm.mjs after editing it)', async () => {
    const committed = readFileSync(new URL('./kernels-module.ts', import.meta.url), 'utf8');
    expect(committed).toBe(moduleSource(await assembleKernels()));
  });
});

describe('trainkit Sqrt on the wasm backend', () => {
  it('equals the correctly rounded square root bit for bit (NaN for negatives, ±0, ∞, subnormals, odd lengths)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ noDefaultInfinity: false, noNaN: false }), {
          minLength: 0,
          maxLength: 37,
        }),
        (xs) => {
          const x = new Float32Array(xs);
          const out = tf.tidy(() => tf.sqrt(tf.tensor1d(x)).dataSync());
          const expected = x.map((v) => Math.fround(Math.sqrt(v)));
          expect(Array.from(out)).toEqual(Array.from(expected));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matches the CPU backend on an Adam-sized second moment and leaks no tensors', async () => {
    const values = new Float32Array(784 * 256).map((_, i) => (i % 97) * 1e-3 + i * 1e-9);
    const before = tf.memory().numTensors;
    const wasm = tf.tidy(() => tf.sqrt(tf.tensor2d(values, [784, 256])).dataSync());
    expect(tf.memory().numTensors).toBe(before);
    await tf.setBackend('cpu');
    const cpu = tf.tidy(() => tf.sqrt(tf.tensor2d(values, [784, 256])).dataSync());
    await tf.setBackend('wasm');
    expect(wasm).toEqual(cpu);
  });
});

describe('trainkit im2col on the wasm backend', () => {
  /** Window rows of a 2-D convolution, written out in JavaScript. */
  function im2colReference(
    x: Float32Array,
    [batch, h, w, ci]: number[],
    kh: number,
    kw: number,
    oh: number,
    ow: number,
    sh: number,
    sw: number,
    top: number,
    left: number,
  ): Float32Array {
    const out: number[] = [];
    for (let b = 0; b < (batch as number); b++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++)
          for (let p = 0; p < kh; p++)
            for (let q = 0; q < kw; q++)
              for (let c = 0; c < (ci as number); c++) {
                const row = i * sh + p - top;
                const col = j * sw + q - left;
                const inside = row >= 0 && row < (h as number) && col >= 0 && col < (w as number);
                out.push(
                  inside
                    ? (x[
                        ((b * (h as number) + row) * (w as number) + col) * (ci as number) + c
                      ] as number)
                    : 0,
                );
              }
    return new Float32Array(out);
  }

  it('equals the JavaScript window rows exactly: strides, paddings, kernel and channel counts', () => {
    const { kernels, backend } = requireSimd();
    const cases = fc.record({
      batch: fc.integer({ min: 1, max: 3 }),
      h: fc.integer({ min: 1, max: 9 }),
      w: fc.integer({ min: 1, max: 9 }),
      ci: fc.integer({ min: 1, max: 11 }),
      kh: fc.integer({ min: 1, max: 4 }),
      kw: fc.integer({ min: 1, max: 4 }),
      sh: fc.integer({ min: 1, max: 3 }),
      sw: fc.integer({ min: 1, max: 3 }),
      top: fc.integer({ min: 0, max: 3 }),
      left: fc.integer({ min: 0, max: 3 }),
      seed: fc.integer({ min: 1, max: 1e6 }),
    });
    fc.assert(
      fc.property(cases, (c) => {
        const oh = Math.floor((c.h + 2 * c.top - c.kh) / c.sh) + 1;
        const ow = Math.floor((c.w + 2 * c.left - c.kw) / c.sw) + 1;
        fc.pre(oh > 0 && ow > 0);
        const shape = [c.batch, c.h, c.w, c.ci];
        const x = values(c.batch * c.h * c.w * c.ci, c.seed);
        const xt = tf.tensor4d(x, shape as [number, number, number, number]);
        const out = backend.makeOutput([c.batch * oh * ow, c.kh * c.kw * c.ci], 'float32');
        kernels.im2col(
          backend.typedArrayFromHeap(xt).byteOffset,
          backend.typedArrayFromHeap(out).byteOffset,
          c.batch,
          c.h,
          c.w,
          c.ci,
          c.kh,
          c.kw,
          oh,
          ow,
          c.sh,
          c.sw,
          c.top,
          c.left,
        );
        const written = Float32Array.from(backend.typedArrayFromHeap(out) as Float32Array);
        backend.disposeData(out.dataId);
        xt.dispose();
        expect(written).toEqual(
          im2colReference(x, shape, c.kh, c.kw, oh, ow, c.sh, c.sw, c.top, c.left),
        );
      }),
      { numRuns: 300 },
    );
  });
});
