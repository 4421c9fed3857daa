/**
 * trainkit's WebAssembly SIMD kernels. GEMM: exact against a float32 reference that rounds
 * every product and every partial sum (the kernel's arithmetic), for every
 * transpose combination, edge sizes (m mod 4, n mod 8, k mod 4), batches and
 * broadcast batches; equal bit for bit to the stock XNNPACK product; no
 * tensor or heap growth. Sqrt: the correctly rounded root. Convolution
 * packing and col2im: the window rows written out in JavaScript, exactly. The embedded
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
import { type GemmBlocking, setGemmBlocking, wasmGemm } from './gemm';
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
      gemm: 10,
      sqrt: 3,
      col2im_add: 15,
      conv_pack_rows: 15,
      conv_pack_cols: 17,
      bias_act: 6,
      binary: 8,
      unary: 5,
      column_sums: 5,
      max_pool_grad_disjoint: 15,
      max_pool_grad_2x2: 9,
      max_pool_2x2: 8,
      adam: 16,
      all_finite: 2,
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

  it.each<[string, GemmBlocking]>([
    ['one chunk', { kc: 1024, aBytes: 160 * 1024, inPlaceColumns: 64 }],
    [
      'chunks of k and of rows (C += A·B per chunk)',
      { kc: 5, aBytes: 16 * 5 * 2, inPlaceColumns: 64 },
    ],
    ['chunks of one row block and k = 1', { kc: 1, aBytes: 1, inPlaceColumns: 64 }],
    [
      'every row-major right operand read in place',
      { kc: 7, aBytes: 16 * 7 * 3, inPlaceColumns: 1 << 30 },
    ],
  ])(
    'equals the float32 reference bit for bit: transposes, edge sizes, batches, broadcasting (%s)',
    (_name, chunking) => {
      setGemmBlocking(chunking);
      try {
        gemmMatchesReference();
      } finally {
        setGemmBlocking({ kc: 1024, aBytes: 160 * 1024, inPlaceColumns: 64 });
      }
    },
  );
});

/** The GEMM (through tf.matMul) against {@link reference} on random shapes. */
function gemmMatchesReference(): void {
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
    { numRuns: 150 },
  );
}

describe('trainkit GEMM on the wasm backend: stock equality, edges, memory', () => {
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

describe('trainkit convolution packing, col2im and bias/relu epilogue on the wasm backend', () => {
  interface Geometry {
    batch: number;
    h: number;
    w: number;
    ci: number;
    kh: number;
    kw: number;
    sh: number;
    sw: number;
    top: number;
    left: number;
    oh: number;
    ow: number;
  }

  /** Element index in x of window value (p, q, c) of output position r, or -1 in the padding. */
  function source(g: Geometry, r: number, p: number, q: number, c: number): number {
    const b = Math.floor(r / (g.oh * g.ow));
    const i = Math.floor((r % (g.oh * g.ow)) / g.ow);
    const j = r % g.ow;
    const row = i * g.sh + p - g.top;
    const col = j * g.sw + q - g.left;
    if (row < 0 || row >= g.h || col < 0 || col >= g.w) return -1;
    return ((b * g.h + row) * g.w + col) * g.ci + c;
  }

  const geometries = fc
    .record({
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
    })
    .map((g) => ({
      ...g,
      oh: Math.floor((g.h + 2 * g.top - g.kh) / g.sh) + 1,
      ow: Math.floor((g.w + 2 * g.left - g.kw) / g.sw) + 1,
    }))
    .filter((g) => g.oh > 0 && g.ow > 0);

  /** A sub-range [r0, r0 + count) of the output positions, from two fractions. */
  function range(g: Geometry, from: number, length: number): [number, number] {
    const rows = g.batch * g.oh * g.ow;
    const r0 = Math.min(rows - 1, Math.floor(from * rows));
    return [r0, Math.max(1, Math.ceil(length * (rows - r0)))];
  }

  const args = (g: Geometry) =>
    [g.h, g.w, g.ci, g.kh, g.kw, g.oh, g.ow, g.sh, g.sw, g.top, g.left] as const;

  /** The window matrix rows of positions [r0, r0 + count) in JavaScript (im2col). */
  function windowRows(g: Geometry, x: Float32Array, r0: number, count: number): Float32Array[] {
    const rows: Float32Array[] = [];
    for (let r = r0; r < r0 + count; r++) {
      const row = new Float32Array(g.kh * g.kw * g.ci);
      let e = 0;
      for (let p = 0; p < g.kh; p++)
        for (let q = 0; q < g.kw; q++)
          for (let c = 0; c < g.ci; c++) {
            const at = source(g, r, p, q, c);
            row[e++] = at < 0 ? 0 : (x[at] as number);
          }
      rows.push(row);
    }
    return rows;
  }

  // Channel counts and strides that take the fast paths (multiples of 4; one channel at stride 1) often,
  // and 'valid' windows (all inside).
  const packGeometries = fc
    .record({
      batch: fc.integer({ min: 1, max: 3 }),
      h: fc.integer({ min: 1, max: 9 }),
      w: fc.integer({ min: 1, max: 9 }),
      ci: fc.oneof(fc.constantFrom(1, 4, 8, 12), fc.integer({ min: 1, max: 11 })),
      kh: fc.integer({ min: 1, max: 4 }),
      kw: fc.integer({ min: 1, max: 4 }),
      sh: fc.integer({ min: 1, max: 3 }),
      sw: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 3 })),
      top: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 })),
      left: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 })),
    })
    .map((g) => ({
      ...g,
      oh: Math.floor((g.h + 2 * g.top - g.kh) / g.sh) + 1,
      ow: Math.floor((g.w + 2 * g.left - g.kw) / g.sw) + 1,
    }))
    .filter((g) => g.oh > 0 && g.ow > 0);

  it('conv_pack_rows packs the window rows of a range of positions in the GEMM layout (zeros past the range), exactly', () => {
    const { kernels, backend } = requireSimd();
    fc.assert(
      fc.property(
        packGeometries,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 1e6 }),
        (g, from, length, seed) => {
          const [r0, count] = range(g, from, length);
          const depth = g.kh * g.kw * g.ci;
          const blocks = Math.ceil(count / 4);
          const x = values(g.batch * g.h * g.w * g.ci, seed);
          const xt = tf.tensor4d(x, [g.batch, g.h, g.w, g.ci]);
          const out = backend.makeOutput([blocks * depth * 4], 'float32');
          backend.typedArrayFromHeap(out).fill(Number.NaN);
          kernels.conv_pack_rows(
            backend.typedArrayFromHeap(xt).byteOffset,
            backend.typedArrayFromHeap(out).byteOffset,
            r0,
            count,
            ...args(g),
          );
          const written = Float32Array.from(backend.typedArrayFromHeap(out) as Float32Array);
          backend.disposeData(out.dataId);
          xt.dispose();
          const rows = windowRows(g, x, r0, count);
          const expected = new Float32Array(blocks * depth * 4);
          for (let block = 0; block < blocks; block++)
            for (let d = 0; d < depth; d++)
              for (let r = 0; r < 4; r++)
                expected[(block * depth + d) * 4 + r] = rows[4 * block + r]?.[d] ?? 0;
          expect(written).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('conv_pack_cols packs the transposed window matrix (rows d0.., columns = a range of positions), exactly', () => {
    const { kernels, backend } = requireSimd();
    fc.assert(
      fc.property(
        packGeometries,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 1e6 }),
        (g, from, length, dFrom, dLength, seed) => {
          const [r0, count] = range(g, from, length);
          const depth = g.kh * g.kw * g.ci;
          // d0 a multiple of 4 (as the GEMM's row chunks are), drows >= 1.
          const d0 = Math.min(depth - 1, Math.floor(dFrom * depth)) & ~3;
          const drows = Math.max(1, Math.ceil(dLength * (depth - d0)));
          const blocks = Math.ceil(drows / 4);
          const x = values(g.batch * g.h * g.w * g.ci, seed);
          const xt = tf.tensor4d(x, [g.batch, g.h, g.w, g.ci]);
          const out = backend.makeOutput([blocks * count * 4], 'float32');
          backend.typedArrayFromHeap(out).fill(Number.NaN);
          kernels.conv_pack_cols(
            backend.typedArrayFromHeap(xt).byteOffset,
            backend.typedArrayFromHeap(out).byteOffset,
            d0,
            drows,
            r0,
            count,
            ...args(g),
          );
          const written = Float32Array.from(backend.typedArrayFromHeap(out) as Float32Array);
          backend.disposeData(out.dataId);
          xt.dispose();
          const rows = windowRows(g, x, r0, count);
          const expected = new Float32Array(blocks * count * 4);
          for (let block = 0; block < blocks; block++)
            for (let k = 0; k < count; k++)
              for (let t = 0; t < 4; t++) {
                const d = d0 + 4 * block + t;
                expected[(block * count + k) * 4 + t] =
                  d < d0 + drows ? (rows[k]?.[d] as number) : 0;
              }
          expect(written).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('col2im_add adds every window value back where it was read, in order, skipping the padding (bit for bit)', () => {
    const { kernels, backend } = requireSimd();
    fc.assert(
      fc.property(
        geometries,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 1e6 }),
        (g, from, length, seed) => {
          const [r0, count] = range(g, from, length);
          const depth = g.kh * g.kw * g.ci;
          const cols = values(count * depth, seed);
          const start = values(g.batch * g.h * g.w * g.ci, seed + 1);
          const colsT = tf.tensor2d(cols, [count, depth]);
          const dx = backend.makeOutput([g.batch, g.h, g.w, g.ci], 'float32');
          backend.typedArrayFromHeap(dx).set(start);
          kernels.col2im_add(
            backend.typedArrayFromHeap(colsT).byteOffset,
            backend.typedArrayFromHeap(dx).byteOffset,
            r0,
            count,
            ...args(g),
          );
          const written = Float32Array.from(backend.typedArrayFromHeap(dx) as Float32Array);
          backend.disposeData(dx.dataId);
          colsT.dispose();
          const expected = Float32Array.from(start);
          let e = 0;
          for (let r = r0; r < r0 + count; r++)
            for (let p = 0; p < g.kh; p++)
              for (let q = 0; q < g.kw; q++)
                for (let c = 0; c < g.ci; c++, e++) {
                  const at = source(g, r, p, q, c);
                  if (at >= 0)
                    expected[at] = Math.fround((expected[at] as number) + (cols[e] as number));
                }
          expect(written).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('bias_act adds the bias per column and applies relu like the Add and Relu kernels (NaN, -0, odd widths)', () => {
    const { kernels, backend } = requireSimd();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 13 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 1e6 }),
        (rows, n, hasBias, relu, seed) => {
          const c = values(rows * n, seed);
          c[0] = Number.NaN;
          if (c.length > 1) c[1] = -0;
          const bias = values(n, seed + 1);
          const biasT = tf.tensor1d(bias);
          const out = backend.makeOutput([rows, n], 'float32');
          backend.typedArrayFromHeap(out).set(c);
          kernels.bias_act(
            backend.typedArrayFromHeap(out).byteOffset,
            rows,
            n,
            backend.typedArrayFromHeap(biasT).byteOffset,
            hasBias ? 1 : 0,
            relu ? 1 : 0,
          );
          const written = Float32Array.from(backend.typedArrayFromHeap(out) as Float32Array);
          backend.disposeData(out.dataId);
          biasT.dispose();
          const expected = c.map((v, i) => {
            const sum = hasBias ? Math.fround(v + (bias[i % n] as number)) : v;
            return relu ? Math.max(0, sum) : sum;
          });
          expect(Object.is(written[1], expected[1])).toBe(true);
          expect(written).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
