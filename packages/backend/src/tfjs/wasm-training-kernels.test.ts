/**
 * Exactness of the wasm training kernels against the CPU backend's stock
 * gradients. Relative error is the max-norm ratio
 * `max|wasm − cpu| / max(max|cpu|, 1e-6)`; float32 results must agree to 1e-4
 * (pooling gradients exactly).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRandom } from '@trainkit/stats';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { matMulLayout } from './batch-mat-mul';
import { selectBackend } from './select-backend';
import { setSimdKernelsEnabled } from './simd/instance';
import {
  registeredWasmTrainingKernels,
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
  WASM_TRAINING_KERNELS,
  type WasmTrainingKernelName,
} from './wasm-training-kernels';

type BackendName = 'cpu' | 'wasm';
interface Data {
  readonly values: Float32Array;
  readonly shape: number[];
}

/** Seeded uniform numbers in [-1, 1) from @trainkit/stats' PCG32. */
function random(seed: number): () => number {
  const random = createRandom({ seed });
  return () => random.nextFloat() * 2 - 1;
}

function data(shape: number[], seed: number, round = false): Data {
  const next = random(seed);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = round ? Math.round(next() * 2) : next();
  return { values, shape };
}

/** `max|a − b| / max(max|b|, 1e-6)`. */
function relativeError(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return diff / Math.max(scale, 1e-6);
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  for (let i = 0; i < a.length; i++)
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
  return diff;
}

/**
 * Gradients of `sum(f(inputs) * projection)` with respect to every input on
 * one backend, as plain arrays.
 */
async function gradients(
  backend: BackendName,
  f: (...inputs: tf.Tensor[]) => tf.Tensor,
  inputs: readonly Data[],
  seed: number,
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const tensors = inputs.map((d) => tf.tensor(d.values, d.shape));
    const out = f(...tensors);
    const projection = data(out.shape, seed);
    const loss = (...xs: tf.Tensor[]) =>
      tf.sum(tf.mul(f(...xs), tf.tensor(projection.values, projection.shape)));
    return tf
      .grads(loss)(tensors)
      .map((g) => g.dataSync() as Float32Array);
  });
}

async function compare(
  f: (...inputs: tf.Tensor[]) => tf.Tensor,
  inputs: readonly Data[],
  seed: number,
): Promise<number[]> {
  const cpu = await gradients('cpu', f, inputs, seed);
  const wasm = await gradients('wasm', f, inputs, seed);
  return wasm.map((g, i) => relativeError(g, cpu[i] as Float32Array));
}

const stock: Partial<Record<WasmTrainingKernelName, tf.KernelConfig | undefined>> = {};

beforeAll(async () => {
  await selectBackend({ backend: 'wasm', trainingKernels: false });
  for (const name of WASM_TRAINING_KERNELS) stock[name] = tf.getKernel(name, 'wasm');
  registerWasmTrainingKernels();
});

afterAll(async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('cpu');
});

interface ConvCase {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  strides: [number, number];
  pad: 'same' | 'valid';
  fused: 'none' | 'linear' | 'relu';
}

function convFunction(c: ConvCase): (x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor) => tf.Tensor {
  return (x, w, bias) =>
    c.fused === 'none'
      ? tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad)
      : tf.fused.conv2d({
          x: x as tf.Tensor4D,
          filter: w as tf.Tensor4D,
          strides: c.strides,
          pad: c.pad,
          bias,
          activation: c.fused,
        });
}

async function convErrors(c: ConvCase, seed: number): Promise<number[]> {
  const [kh, kw] = c.kernel;
  const inputs = [
    data([c.batch, c.height, c.width, c.inChannels], seed),
    data([kh, kw, c.inChannels, c.outChannels], seed + 1),
    data([c.outChannels], seed + 2),
  ];
  return compare(
    convFunction(c) as (...inputs: tf.Tensor[]) => tf.Tensor,
    c.fused === 'none' ? inputs.slice(0, 2) : inputs,
    seed + 3,
  );
}

const convCase: fc.Arbitrary<ConvCase> = fc
  .record({
    batch: fc.integer({ min: 1, max: 6 }),
    inChannels: fc.integer({ min: 1, max: 6 }),
    outChannels: fc.integer({ min: 1, max: 4 }),
    kernel: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
    strides: fc.constantFrom<[number, number]>([1, 1], [2, 2], [1, 2], [2, 1]),
    pad: fc.constantFrom<'same' | 'valid'>('same', 'valid'),
    extra: fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 })),
    fused: fc.constantFrom<ConvCase['fused']>('none', 'none', 'linear', 'relu'),
  })
  .map(({ extra, ...rest }) => ({
    ...rest,
    height: rest.kernel[0] + extra[0],
    width: rest.kernel[1] + extra[1],
  }));

describe('Conv2D gradients on wasm with the training kernels', () => {
  it('equal the CPU stock gradients for random shapes, strides, paddings and kernels', async () => {
    await fc.assert(
      fc.asyncProperty(convCase, fc.integer({ min: 1, max: 1e6 }), async (c, seed) => {
        const [dx, dw, dbias] = await convErrors(c, seed);
        expect(dx).toBeLessThanOrEqual(1e-4);
        expect(dw).toBeLessThanOrEqual(1e-4);
        if (c.fused !== 'none') expect(dbias).toBeLessThanOrEqual(1e-4);
      }),
      { numRuns: 60 },
    );
  });

  it('forward values equal the CPU results (GEMM convolution, fused bias and relu), also without the SIMD kernels and with dilation (stock paths)', async () => {
    const forward = async (c: ConvCase, seed: number, dilation: number) => {
      const [kh, kw] = c.kernel;
      const inputs = [
        data([c.batch, c.height + 2 * dilation, c.width + 2 * dilation, c.inChannels], seed),
        data([kh, kw, c.inChannels, c.outChannels], seed + 1),
        data([c.outChannels], seed + 2),
      ];
      const run = async (backend: BackendName) => {
        await tf.setBackend(backend);
        return tf.tidy(() => {
          const [x, w, bias] = inputs.map((d) => tf.tensor(d.values, d.shape as number[]));
          const strides = dilation > 1 ? 1 : c.strides;
          const out =
            c.fused === 'none'
              ? tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, c.pad, 'NHWC', dilation)
              : tf.fused.conv2d({
                  x: x as tf.Tensor4D,
                  filter: w as tf.Tensor4D,
                  strides,
                  pad: c.pad,
                  dilations: dilation,
                  bias: bias as tf.Tensor,
                  activation: c.fused,
                });
          return out.dataSync() as Float32Array;
        });
      };
      return relativeError(await run('wasm'), await run('cpu'));
    };
    await fc.assert(
      fc.asyncProperty(convCase, fc.integer({ min: 1, max: 1e6 }), async (c, seed) => {
        expect(await forward(c, seed, 1)).toBeLessThanOrEqual(1e-4);
      }),
      { numRuns: 60 },
    );
    setSimdKernelsEnabled(false);
    try {
      await fc.assert(
        fc.asyncProperty(convCase, fc.integer({ min: 1, max: 1e6 }), async (c, seed) => {
          expect(await forward(c, seed, 1)).toBeLessThanOrEqual(1e-4);
        }),
        { numRuns: 15 },
      );
    } finally {
      setSimdKernelsEnabled(true);
    }
    await fc.assert(
      fc.asyncProperty(convCase, fc.integer({ min: 1, max: 1e6 }), async (c, seed) => {
        expect(await forward(c, seed, 2)).toBeLessThanOrEqual(1e-4);
      }),
      { numRuns: 10 },
    );
  });

  it('equal the CPU stock gradients without the SIMD kernels too (the XNNPACK filter-gradient fallback)', async () => {
    setSimdKernelsEnabled(false);
    try {
      await fc.assert(
        fc.asyncProperty(convCase, fc.integer({ min: 1, max: 1e6 }), async (c, seed) => {
          const [dx, dw] = await convErrors(c, seed);
          expect(dx).toBeLessThanOrEqual(1e-4);
          expect(dw).toBeLessThanOrEqual(1e-4);
        }),
        { numRuns: 25 },
      );
    } finally {
      setSimdKernelsEnabled(true);
    }
  });

  it.each<[string, ConvCase]>([
    [
      'batch 64, odd kernel, stride 1, valid',
      {
        batch: 64,
        height: 9,
        width: 9,
        inChannels: 2,
        outChannels: 4,
        kernel: [3, 3],
        strides: [1, 1],
        pad: 'valid',
        fused: 'none',
      },
    ],
    [
      'batch 64, even kernel, stride 2, same, fused relu',
      {
        batch: 64,
        height: 8,
        width: 8,
        inChannels: 2,
        outChannels: 4,
        kernel: [4, 4],
        strides: [2, 2],
        pad: 'same',
        fused: 'relu',
      },
    ],
    [
      'CNN layer 1 shape, batch 4',
      {
        batch: 4,
        height: 28,
        width: 28,
        inChannels: 1,
        outChannels: 16,
        kernel: [3, 3],
        strides: [1, 1],
        pad: 'valid',
        fused: 'none',
      },
    ],
    [
      'CNN layer 2 shape, batch 4',
      {
        batch: 4,
        height: 13,
        width: 13,
        inChannels: 16,
        outChannels: 32,
        kernel: [3, 3],
        strides: [1, 1],
        pad: 'valid',
        fused: 'none',
      },
    ],
    [
      'batch 33, odd sizes, stride 2, valid (unread border), fused linear',
      {
        batch: 33,
        height: 15,
        width: 12,
        inChannels: 3,
        outChannels: 5,
        kernel: [3, 2],
        strides: [2, 2],
        pad: 'valid',
        fused: 'linear',
      },
    ],
  ])('equal the CPU stock gradients: %s', async (_name, c) => {
    const errors = await convErrors(c, 7);
    for (const error of errors.slice(0, 2)) expect(error).toBeLessThanOrEqual(1e-4);
  });

  it('computes NCHW and explicit-padding filter gradients like the CPU kernel', async () => {
    const x = data([2, 3, 7, 6], 11);
    const dy = data([2, 4, 4, 3], 12);
    const attrs = {
      strides: [2, 2],
      pad: [
        [0, 0],
        [0, 0],
        [1, 2],
        [0, 1],
      ],
      dataFormat: 'NCHW',
      dimRoundingMode: undefined,
      filterShape: [3, 3, 3, 4],
    };
    const run = async (backend: BackendName) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const out = tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x: tf.tensor(x.values, x.shape), dy: tf.tensor(dy.values, dy.shape) },
            attrs as unknown as tf.NamedAttrMap,
          ) as tf.Tensor;
        return { shape: out.shape, values: out.dataSync() as Float32Array };
      });
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(wasm.shape).toEqual([3, 3, 3, 4]);
    expect(relativeError(wasm.values, cpu.values)).toBeLessThanOrEqual(1e-4);
  });
});

interface MatMulCase {
  m: number;
  k: number;
  n: number;
  batch: number[];
  transposeA: boolean;
  transposeB: boolean;
  fused: 'none' | 'linear' | 'relu';
}

const matMulCase: fc.Arbitrary<MatMulCase> = fc
  .record({
    m: fc.integer({ min: 1, max: 12 }),
    k: fc.integer({ min: 1, max: 12 }),
    n: fc.integer({ min: 1, max: 12 }),
    batch: fc.constantFrom<number[]>([], [], [1], [3], [2, 2]),
    transposeA: fc.boolean(),
    transposeB: fc.boolean(),
    fused: fc.constantFrom<MatMulCase['fused']>('none', 'none', 'linear', 'relu'),
  })
  .map((c) => (c.batch.length > 0 ? { ...c, fused: 'none' as const } : c));

async function matMulErrors(c: MatMulCase, seed: number): Promise<number[]> {
  const aShape = [...c.batch, ...(c.transposeA ? [c.k, c.m] : [c.m, c.k])];
  const bShape = [...c.batch, ...(c.transposeB ? [c.n, c.k] : [c.k, c.n])];
  const f = (a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor) =>
    c.fused === 'none'
      ? tf.matMul(a, b, c.transposeA, c.transposeB)
      : tf.fused.matMul({
          a: a as tf.Tensor2D,
          b: b as tf.Tensor2D,
          transposeA: c.transposeA,
          transposeB: c.transposeB,
          bias,
          activation: c.fused,
        });
  const inputs = [data(aShape, seed), data(bShape, seed + 1), data([c.n], seed + 2)];
  return compare(
    f as (...inputs: tf.Tensor[]) => tf.Tensor,
    c.fused === 'none' ? inputs.slice(0, 2) : inputs,
    seed + 3,
  );
}

describe('MatMul gradients on wasm with the training kernels', () => {
  it('equal the CPU stock gradients for every transpose combination', async () => {
    await fc.assert(
      fc.asyncProperty(matMulCase, fc.integer({ min: 1, max: 1e6 }), async (c, seed) => {
        const [da, db] = await matMulErrors(c, seed);
        expect(da).toBeLessThanOrEqual(1e-4);
        expect(db).toBeLessThanOrEqual(1e-4);
      }),
      { numRuns: 60 },
    );
  });

  it('fused forward (bias, linear or relu, prelu stock) equals matMul + add + activation bit for bit on wasm, and the CPU to 1e-4', async () => {
    const fusedCase = fc.record({
      m: fc.integer({ min: 1, max: 13 }),
      k: fc.integer({ min: 0, max: 13 }),
      n: fc.integer({ min: 1, max: 19 }),
      transposeA: fc.boolean(),
      transposeB: fc.boolean(),
      // The wasm backend takes rank-1 biases only (stock and trainkit alike).
      biasShape: fc.constantFrom('none', 'row'),
      activation: fc.constantFrom<'linear' | 'relu' | 'prelu'>('linear', 'relu', 'prelu'),
      seed: fc.integer({ min: 1, max: 1e6 }),
    });
    await fc.assert(
      fc.asyncProperty(fusedCase, async (c) => {
        // The stock kernel (prelu) returns uninitialized memory for k = 0.
        fc.pre(c.k > 0 || c.activation !== 'prelu');
        const a = data(c.transposeA ? [c.k, c.m] : [c.m, c.k], c.seed);
        const b = data(c.transposeB ? [c.n, c.k] : [c.k, c.n], c.seed + 1);
        const bias = data([c.n], c.seed + 2);
        const alpha = data([c.n], c.seed + 3);
        const fused = () =>
          tf.tidy(
            () =>
              tf.fused
                .matMul({
                  a: tf.tensor2d(a.values, a.shape as [number, number]),
                  b: tf.tensor2d(b.values, b.shape as [number, number]),
                  transposeA: c.transposeA,
                  transposeB: c.transposeB,
                  bias: c.biasShape === 'none' ? undefined : tf.tensor(bias.values, bias.shape),
                  activation: c.activation,
                  preluActivationWeights:
                    c.activation === 'prelu' ? tf.tensor(alpha.values, alpha.shape) : undefined,
                })
                .dataSync() as Float32Array,
          );
        const separate = () =>
          tf.tidy(() => {
            let y: tf.Tensor = tf.matMul(
              tf.tensor2d(a.values, a.shape as [number, number]),
              tf.tensor2d(b.values, b.shape as [number, number]),
              c.transposeA,
              c.transposeB,
            );
            if (c.biasShape !== 'none') y = tf.add(y, tf.tensor(bias.values, bias.shape));
            if (c.activation === 'relu') y = tf.relu(y);
            if (c.activation === 'prelu') y = tf.prelu(y, tf.tensor(alpha.values, alpha.shape));
            return y.dataSync() as Float32Array;
          });
        await tf.setBackend('wasm');
        const wasm = fused();
        if (c.activation !== 'prelu') expect(wasm).toEqual(separate());
        await tf.setBackend('cpu');
        expect(relativeError(wasm, fused())).toBeLessThanOrEqual(1e-4);
      }),
      { numRuns: 100 },
    );
  });

  it('equals the CPU stock gradients for a dense layer of the MLP, batch 64', async () => {
    const errors = await matMulErrors(
      { m: 64, k: 784, n: 64, batch: [], transposeA: false, transposeB: false, fused: 'relu' },
      5,
    );
    for (const error of errors) expect(error).toBeLessThanOrEqual(1e-4);
  });
});

describe('matmul layouts on wasm with the training kernels, without the SIMD GEMM (its fallback)', () => {
  beforeAll(() => setSimdKernelsEnabled(false));
  afterAll(() => setSimdKernelsEnabled(true));

  it('pack the smaller operand: transposed layout where the right operand is new and large', () => {
    // The benchmark MLP: first layer forward, its weight gradient, the second layer's input gradient.
    expect(matMulLayout(128, 784, 256, false, false, false)).toBe('transposed');
    expect(matMulLayout(784, 128, 256, true, false, false)).toBe('direct');
    expect(matMulLayout(128, 128, 256, false, true, false)).toBe('transposed');
    expect(matMulLayout(128, 256, 128, false, false, false)).toBe('direct');
    // Weights XNNPACK already holds packed (inference) always run direct.
    expect(matMulLayout(128, 784, 256, false, false, true)).toBe('direct');
    expect(matMulLayout(1, 784, 256, false, false, true)).toBe('direct');
  });

  it('give the same product in either layout (bit for bit), the stock product untransposed, and the CPU result to 1e-4', async () => {
    const productCase = fc.record({
      m: fc.integer({ min: 1, max: 24 }),
      k: fc.integer({ min: 1, max: 48 }),
      n: fc.integer({ min: 1, max: 96 }),
      batch: fc.constantFrom<number[]>([], [1], [1, 1]),
      transposeA: fc.boolean(),
      transposeB: fc.boolean(),
      seed: fc.integer({ min: 1, max: 1e6 }),
    });
    let transposedRuns = 0;
    await fc.assert(
      fc.asyncProperty(productCase, async (c) => {
        const a = data([...c.batch, ...(c.transposeA ? [c.k, c.m] : [c.m, c.k])], c.seed);
        const b = data([...c.batch, ...(c.transposeB ? [c.n, c.k] : [c.k, c.n])], c.seed + 1);
        const run = (twice: boolean) =>
          tf.tidy(() => {
            const [ta, tb] = [tf.tensor(a.values, a.shape), tf.tensor(b.values, b.shape)];
            const first = tf.matMul(ta, tb, c.transposeA, c.transposeB);
            const second = twice ? tf.matMul(ta, tb, c.transposeA, c.transposeB) : first;
            return [first, second].map((t) => ({
              shape: t.shape,
              values: t.dataSync() as Float32Array,
            }));
          });
        await tf.setBackend('cpu');
        const [cpu] = run(false);
        await tf.setBackend('wasm');
        // The first call meets a new right operand, the second one a known one.
        const [first, second] = run(true);
        if (matMulLayout(c.m, c.k, c.n, c.transposeA, c.transposeB, false) === 'transposed') {
          transposedRuns++;
        }
        expect(first?.shape).toEqual(cpu?.shape);
        expect(second?.values).toEqual(first?.values);
        expect(
          relativeError(first?.values as Float32Array, cpu?.values as Float32Array),
        ).toBeLessThanOrEqual(1e-4);
        if (!c.transposeA && !c.transposeB) {
          unregisterWasmTrainingKernels({ kernels: ['BatchMatMul'] });
          const [stockProduct] = run(false);
          registerWasmTrainingKernels({ kernels: ['BatchMatMul'] });
          expect(first?.values).toEqual(stockProduct?.values);
        }
      }),
      { numRuns: 80 },
    );
    expect(transposedRuns).toBeGreaterThan(10);
  });

  it('equal the CPU stock gradients for the first layer of the benchmark MLP, batch 128', async () => {
    // Forward in the transposed layout, block-split transposes of 128-row matrices.
    const errors = await matMulErrors(
      { m: 128, k: 784, n: 256, batch: [], transposeA: false, transposeB: false, fused: 'none' },
      9,
    );
    for (const error of errors) expect(error).toBeLessThanOrEqual(1e-4);
    const forward = async (backend: BackendName) => {
      await tf.setBackend(backend);
      return tf.tidy(
        () =>
          tf
            .matMul(
              tf.tensor(data([128, 784], 11).values, [128, 784]),
              tf.tensor(data([784, 256], 12).values, [784, 256]),
            )
            .dataSync() as Float32Array,
      );
    };
    expect(relativeError(await forward('wasm'), await forward('cpu'))).toBeLessThanOrEqual(1e-4);
  });
});

describe('Identity and Cast on wasm with the training kernels', () => {
  it('share the data instead of copying it; the copy outlives its source', async () => {
    await tf.setBackend('wasm');
    const backend = tf.engine().backend;
    const x = tf.tensor([1.5, -2, 3]);
    const before = backend.numDataIds();
    const clone = tf.clone(x);
    const same = tf.cast(x, 'float32');
    expect(backend.numDataIds()).toBe(before);
    x.dispose();
    // Would overwrite x's freed memory if the data had been freed with it.
    const other = tf.fill([1000], 7);
    expect(Array.from(clone.dataSync())).toEqual([1.5, -2, 3]);
    expect(Array.from(same.dataSync())).toEqual([1.5, -2, 3]);
    tf.dispose([clone, same, other]);
    expect(backend.numDataIds()).toBe(before - 1);
    // Strings keep the stock kernel.
    expect(tf.tidy(() => tf.clone(tf.tensor(['a', 'bc'])).dataSync())).toEqual(['a', 'bc']);
  });

  it('cast like the CPU backend between float32, int32 and bool (to bool is x !== 0)', async () => {
    const dtypes = ['float32', 'int32', 'bool'] as const;
    const castCase = fc.record({
      values: fc.array(fc.constantFrom(0, -0, 0.5, -0.5, 1, -2.5, 3.75, 254, 1e10, Number.NaN), {
        minLength: 1,
        maxLength: 12,
      }),
      from: fc.constantFrom(...dtypes),
      to: fc.constantFrom(...dtypes),
    });
    await fc.assert(
      fc.asyncProperty(castCase, async ({ values, from, to }) => {
        const run = async (backend: BackendName) => {
          await tf.setBackend(backend);
          return tf.tidy(() => {
            const out = tf.cast(tf.tensor(values, [values.length], from), to);
            return { dtype: out.dtype, values: Array.from(out.dataSync()) };
          });
        };
        expect(await run('wasm')).toEqual(await run('cpu'));
      }),
      { numRuns: 80 },
    );
    // The shipped kernel converts numbers to bytes instead.
    await tf.setBackend('wasm');
    const toBool = () =>
      tf.tidy(() => Array.from(tf.cast(tf.tensor([0.5, -2, 0]), 'bool').dataSync()));
    expect(toBool()).toEqual([1, 1, 0]);
    unregisterWasmTrainingKernels({ kernels: ['Cast'] });
    expect(toBool()).toEqual([0, 254, 0]);
    registerWasmTrainingKernels({ kernels: ['Cast'] });
  });
});

describe('Sum on wasm with the training kernels', () => {
  it('equals the CPU result bit for bit over leading axes (bias gradients), and to 1e-4 otherwise', async () => {
    const sumCase = fc
      .record({
        shape: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 4 }),
        axisBits: fc.nat(15),
        leading: fc.boolean(),
        keepDims: fc.boolean(),
        dtype: fc.constantFrom<'float32' | 'int32'>('float32', 'float32', 'int32'),
        seed: fc.integer({ min: 1, max: 1e6 }),
      })
      .map(({ shape, axisBits, leading, ...rest }) => {
        // Leading axes 0..r-1, or any subset of the axes.
        const axes = leading
          ? Array.from({ length: 1 + (axisBits % shape.length) }, (_, i) => i)
          : shape.map((_, i) => i).filter((i) => (axisBits >> i) & 1);
        return { ...rest, shape, axes: axes.length > 0 ? axes : [shape.length - 1] };
      });
    await fc.assert(
      fc.asyncProperty(sumCase, async ({ shape, axes, keepDims, dtype, seed }) => {
        const x = data(shape, seed, dtype === 'int32');
        const run = async (backend: BackendName) => {
          await tf.setBackend(backend);
          return tf.tidy(() => {
            const out = tf.sum(tf.tensor(x.values, x.shape, dtype), axes, keepDims);
            return { shape: out.shape, values: out.dataSync() as Float32Array };
          });
        };
        const cpu = await run('cpu');
        const wasm = await run('wasm');
        expect(wasm.shape).toEqual(cpu.shape);
        const isLeading = axes.every((axis, i) => axis === i) && axes.length < shape.length;
        if (dtype === 'int32' || (isLeading && dtype === 'float32')) {
          expect(wasm.values).toEqual(cpu.values);
        } else {
          expect(relativeError(wasm.values, cpu.values)).toBeLessThanOrEqual(1e-4);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('sums the bias gradient of the CNN layer 1 shape like the CPU backend, bit for bit (SIMD module and its JavaScript fallback)', async () => {
    const dy = data([8, 26, 26, 16], 41);
    // Values of very different magnitudes: float32 accumulation would differ from the CPU's float64.
    for (let i = 0; i < dy.values.length; i += 7) dy.values[i] = (dy.values[i] as number) * 1e6;
    const odd = data([33, 5, 7], 42);
    const run = async (backend: BackendName) => {
      await tf.setBackend(backend);
      return tf.tidy(() => [
        tf.sum(tf.tensor(dy.values, dy.shape), [0, 1, 2]).dataSync() as Float32Array,
        tf.sum(tf.tensor(odd.values, odd.shape), 0).dataSync() as Float32Array,
      ]);
    };
    const cpu = await run('cpu');
    expect(await run('wasm')).toEqual(cpu);
    setSimdKernelsEnabled(false);
    try {
      expect(await run('wasm')).toEqual(cpu);
    } finally {
      setSimdKernelsEnabled(true);
    }
  });
});

interface PoolCase {
  batch: number;
  height: number;
  width: number;
  channels: number;
  filter: [number, number];
  strides: [number, number];
  pad: 'same' | 'valid';
  kind: 'max' | 'avg';
  ties: boolean;
}

const poolCase: fc.Arbitrary<PoolCase> = fc
  .record({
    batch: fc.integer({ min: 1, max: 4 }),
    channels: fc.constantFrom(1, 2, 3, 4, 8, 12),
    filter: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    strides: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    pad: fc.constantFrom<'same' | 'valid'>('same', 'valid'),
    kind: fc.constantFrom<'max' | 'avg'>('max', 'avg'),
    ties: fc.boolean(),
    extra: fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 })),
  })
  .map(({ extra, ...rest }) => ({
    ...rest,
    height: rest.filter[0] + extra[0],
    width: rest.filter[1] + extra[1],
  }));

async function poolGradients(backend: BackendName, c: PoolCase, seed: number) {
  const pool = (x: tf.Tensor) =>
    c.kind === 'max'
      ? tf.maxPool(x as tf.Tensor4D, c.filter, c.strides, c.pad)
      : tf.avgPool(x as tf.Tensor4D, c.filter, c.strides, c.pad);
  const [dx] = await gradients(
    backend,
    pool,
    [data([c.batch, c.height, c.width, c.channels], seed, c.ties)],
    seed + 1,
  );
  return dx as Float32Array;
}

describe('pooling gradients on wasm with the training kernels', () => {
  it('equal the CPU stock gradients exactly (first maximum wins ties, as on CPU)', async () => {
    await fc.assert(
      fc.asyncProperty(poolCase, fc.integer({ min: 1, max: 1e6 }), async (c, seed) => {
        const cpu = await poolGradients('cpu', c, seed);
        const wasm = await poolGradients('wasm', c, seed);
        expect(maxAbsDifference(wasm, cpu)).toBe(0);
      }),
      { numRuns: 80 },
    );
  });

  it('2x2 stride-2 max pooling and its gradient (one-pass SIMD paths) equal the CPU results bit for bit: odd sizes, ties, -inf, NaN, all-negative windows, -0 gradients', async () => {
    const cases = fc.record({
      batch: fc.integer({ min: 1, max: 3 }),
      height: fc.integer({ min: 2, max: 9 }),
      width: fc.integer({ min: 2, max: 9 }),
      // 3: the stock and JavaScript paths.
      channels: fc.constantFrom(4, 8, 12, 3),
      // 'same' with an odd size pads the last row or column: windows leave x there (JavaScript path).
      pad: fc.constantFrom<'valid' | 'same'>('valid', 'same'),
      seed: fc.integer({ min: 1, max: 1e6 }),
    });
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        // NaN only where trainkit's kernels run: the stock forward kernel (XNNPACK) lets NaN win.
        const simdPath =
          c.channels % 4 === 0 && (c.pad === 'valid' || (c.height % 2 === 0 && c.width % 2 === 0));
        const special = [Number.NEGATIVE_INFINITY, simdPath ? Number.NaN : -7, -0, -5, 0.5];
        const x = data([c.batch, c.height, c.width, c.channels], c.seed, true);
        for (let i = 0; i < x.values.length; i += 5) {
          x.values[i] = special[(i + c.seed) % special.length] as number;
        }
        const out = (size: number) => (c.pad === 'valid' ? size >> 1 : Math.ceil(size / 2));
        const outShape = [c.batch, out(c.height), out(c.width), c.channels];
        const dy = data(outShape, c.seed + 1);
        for (let i = 0; i < dy.values.length; i += 7) dy.values[i] = -0;
        const run = async (backend: BackendName) => {
          await tf.setBackend(backend);
          return tf.tidy(() => {
            const input = tf.tensor4d(x.values, x.shape as [number, number, number, number]);
            const output = tf.maxPool(input, 2, 2, c.pad);
            const dx = tf
              .engine()
              .runKernel('MaxPoolGrad', { dy: tf.tensor(dy.values, dy.shape), input, output }, {
                filterSize: [2, 2],
                strides: [2, 2],
                pad: c.pad,
              } as unknown as tf.NamedAttrMap) as tf.Tensor;
            return [output.dataSync() as Float32Array, dx.dataSync() as Float32Array] as const;
          });
        };
        const [wasmOut, wasmDx] = await run('wasm');
        const [cpuOut, cpuDx] = await run('cpu');
        expect(wasmDx).toEqual(cpuDx);
        // The stock forward kernel (other shapes) may return +0 for a window whose first maximum is -0.
        if (simdPath) expect(wasmOut).toEqual(cpuOut);
        else expect(Array.from(wasmOut, (v, i) => v === cpuOut[i])).not.toContain(false);
      }),
      { numRuns: 60 },
    );
  });

  it('equals the CPU stock gradient exactly for a 2x2 pool, batch 64, with ties', async () => {
    const c: PoolCase = {
      batch: 64,
      height: 12,
      width: 12,
      channels: 4,
      filter: [2, 2],
      strides: [2, 2],
      pad: 'valid',
      kind: 'max',
      ties: true,
    };
    const cpu = await poolGradients('cpu', c, 3);
    const wasm = await poolGradients('wasm', c, 3);
    expect(maxAbsDifference(wasm, cpu)).toBe(0);
  });
});

describe('depthwise convolution gradients on wasm with the training kernels', () => {
  it('equal the CPU stock gradients for random shapes, multipliers, strides and paddings', async () => {
    const depthwiseCase = fc
      .record({
        batch: fc.integer({ min: 1, max: 4 }),
        channels: fc.integer({ min: 1, max: 4 }),
        multiplier: fc.integer({ min: 1, max: 3 }),
        kernel: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
        stride: fc.constantFrom(1, 2),
        pad: fc.constantFrom<'same' | 'valid'>('same', 'valid'),
        extra: fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })),
        seed: fc.integer({ min: 1, max: 1e6 }),
      })
      .map(({ extra, ...rest }) => ({
        ...rest,
        height: rest.kernel[0] + extra[0],
        width: rest.kernel[1] + extra[1],
      }));
    await fc.assert(
      fc.asyncProperty(depthwiseCase, async (c) => {
        const errors = await compare(
          (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.stride, c.pad),
          [
            data([c.batch, c.height, c.width, c.channels], c.seed),
            data([...c.kernel, c.channels, c.multiplier], c.seed + 1),
          ],
          c.seed + 2,
        );
        for (const error of errors) expect(error).toBeLessThanOrEqual(1e-4);
      }),
      { numRuns: 40 },
    );
  });
});

describe('UnsortedSegmentSum on wasm with the training kernels (gather gradients)', () => {
  it('gives the CPU stock gradient of tf.gather for random shapes, axes and repeated indices', async () => {
    const gatherGradCase = fc.record({
      shape: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
      axisSeed: fc.nat(),
      count: fc.integer({ min: 1, max: 8 }),
      seed: fc.integer({ min: 1, max: 1e6 }),
    });
    await fc.assert(
      fc.asyncProperty(gatherGradCase, async ({ shape, axisSeed, count, seed }) => {
        const axis = axisSeed % shape.length;
        const next = random(seed + 7);
        const indices = Array.from({ length: count }, () =>
          Math.floor(((next() + 1) / 2) * (shape[axis] as number)),
        );
        const [dx] = await compare(
          (x) => tf.gather(x, tf.tensor1d(indices, 'int32'), axis),
          [data(shape, seed)],
          seed + 1,
        );
        expect(dx).toBeLessThanOrEqual(1e-4);
      }),
      { numRuns: 40 },
    );
  });

  it('sums rows into their segments and drops ids out of range', async () => {
    await tf.setBackend('wasm');
    const out = tf.tidy(() =>
      Array.from(
        (
          tf.engine().runKernel(
            'UnsortedSegmentSum',
            {
              x: tf.tensor2d([1, 2, 10, 20, 100, 200, 7, 7], [4, 2]),
              segmentIds: tf.tensor1d([2, 0, 2, -1], 'int32'),
            },
            { numSegments: 3 },
          ) as tf.Tensor
        ).dataSync(),
      ),
    );
    expect(out).toEqual([10, 20, 0, 0, 101, 202]);
  });
});

describe('GatherV2 on wasm with the training kernels', () => {
  it('equals the CPU result bit for bit for random shapes, axes, index shapes and dtypes', async () => {
    const gatherCase = fc.record({
      shape: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
      axisSeed: fc.nat(),
      indexShape: fc.constantFrom<number[]>([0], [1], [4], [2, 3]),
      dtype: fc.constantFrom<'float32' | 'int32' | 'bool'>('float32', 'int32', 'bool'),
      seed: fc.integer({ min: 1, max: 1e6 }),
    });
    await fc.assert(
      fc.asyncProperty(gatherCase, async ({ shape, axisSeed, indexShape, dtype, seed }) => {
        const axis = axisSeed % shape.length;
        const x = data(shape, seed, true);
        const next = random(seed + 1);
        const count = indexShape.reduce((a, b) => a * b, 1);
        const indices = Array.from({ length: count }, () =>
          Math.floor(((next() + 1) / 2) * (shape[axis] as number)),
        );
        const run = async (backend: BackendName) => {
          await tf.setBackend(backend);
          return tf.tidy(() => {
            const out = tf.gather(
              tf.tensor(x.values, x.shape, dtype),
              tf.tensor(indices, indexShape, 'int32'),
              axis,
            );
            return { shape: out.shape, values: Array.from(out.dataSync()) };
          });
        };
        expect(await run('wasm')).toEqual(await run('cpu'));
      }),
      { numRuns: 60 },
    );
  });

  it('rejects an out-of-range index like the stock kernel', async () => {
    await tf.setBackend('wasm');
    expect(() => tf.tidy(() => tf.gather(tf.ones([3, 2]), tf.tensor1d([0, 3], 'int32')))).toThrow(
      'GatherV2: the index value 3 is not in [0, 2]',
    );
  });
});

describe('registration', () => {
  const convGradient = () =>
    tf.tidy(() =>
      Array.from(
        tf
          .grad((w: tf.Tensor) =>
            tf.sum(tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid')),
          )(tf.ones([2, 2, 1, 1]))
          .dataSync(),
      ),
    );
  // A window of negative values: the gradient belongs to its maximum, -1.
  const negativeWindowGradient = () =>
    tf.tidy(() =>
      Array.from(
        tf
          .grad((x: tf.Tensor) => tf.sum(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid')))(
            tf.tensor4d([-4, -3, -2, -1], [1, 2, 2, 1]),
          )
          .dataSync(),
      ),
    );

  it('registers every kernel once; registering twice changes nothing and warns nothing', async () => {
    await tf.setBackend('wasm');
    const warn = vi.spyOn(console, 'warn');
    const before = WASM_TRAINING_KERNELS.map((name) => tf.getKernel(name, 'wasm'));
    const again = registerWasmTrainingKernels();
    expect(again).toEqual({ kernels: [...WASM_TRAINING_KERNELS], registered: [] });
    expect(WASM_TRAINING_KERNELS.map((name) => tf.getKernel(name, 'wasm'))).toEqual(before);
    expect(registeredWasmTrainingKernels()).toEqual([...WASM_TRAINING_KERNELS]);
    expect(convGradient()).toEqual([9, 9, 9, 9]);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it('unregistering restores the stock kernels: CNN gradients throw again, and re-registering fixes them', async () => {
    await tf.setBackend('wasm');
    const warn = vi.spyOn(console, 'warn');
    expect(negativeWindowGradient()).toEqual([0, 0, 0, 1]);
    expect(unregisterWasmTrainingKernels()).toEqual([...WASM_TRAINING_KERNELS]);
    for (const name of WASM_TRAINING_KERNELS) expect(tf.getKernel(name, 'wasm')).toBe(stock[name]);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(registeredWasmTrainingKernels()).toEqual([]);
    expect(convGradient).toThrow("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'");
    // The shipped wasm MaxPoolGrad sends the gradient of an all-negative window to its first element.
    expect(negativeWindowGradient()).toEqual([1, 0, 0, 0]);
    expect(unregisterWasmTrainingKernels()).toEqual([]);
    expect(registerWasmTrainingKernels({ kernels: ['Conv2DBackpropFilter'] }).registered).toEqual([
      'Conv2DBackpropFilter',
    ]);
    expect(convGradient()).toEqual([9, 9, 9, 9]);
    expect(registerWasmTrainingKernels().registered).toEqual(
      WASM_TRAINING_KERNELS.filter((name) => name !== 'Conv2DBackpropFilter'),
    );
    expect(negativeWindowGradient()).toEqual([0, 0, 0, 1]);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it('leaves the CPU backend bit-for-bit unchanged', async () => {
    const c: ConvCase = {
      batch: 3,
      height: 7,
      width: 6,
      inChannels: 2,
      outChannels: 3,
      kernel: [3, 2],
      strides: [2, 1],
      pad: 'same',
      fused: 'relu',
    };
    const f = convFunction(c) as (...inputs: tf.Tensor[]) => tf.Tensor;
    const inputs = [data([3, 7, 6, 2], 1), data([3, 2, 2, 3], 2), data([3], 3)];
    const withKernels = await gradients('cpu', f, inputs, 4);
    unregisterWasmTrainingKernels();
    const without = await gradients('cpu', f, inputs, 4);
    registerWasmTrainingKernels();
    for (let i = 0; i < without.length; i++) {
      expect(maxAbsDifference(withKernels[i] as Float32Array, without[i] as Float32Array)).toBe(0);
    }
  });

  it('leaks no tensors and no wasm memory', async () => {
    await tf.setBackend('wasm');
    const step = () =>
      tf.tidy(() => {
        const x = tf.tensor(data([2, 9, 9, 3], 1).values, [2, 9, 9, 3]) as tf.Tensor4D;
        const w = tf.tensor(data([3, 3, 3, 4], 2).values, [3, 3, 3, 4]) as tf.Tensor4D;
        const m = tf.tensor(data([5, 7], 3).values, [5, 7]) as tf.Tensor2D;
        const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
          tf.add(
            tf.sum(
              tf.avgPool(
                tf.maxPool(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'), 2, 1, 'same'),
                2,
                1,
                'valid',
              ),
            ),
            tf.sum(tf.matMul(c, c, true, false)),
          );
        return tf.grads(f)([x, w, m]);
      });
    tf.dispose(step());
    const tensors = tf.memory().numTensors;
    const dataIds = tf.engine().backend.numDataIds();
    tf.dispose(step());
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
  });

  it('rejects unknown kernel names', () => {
    expect(() =>
      registerWasmTrainingKernels({ kernels: ['Conv3D' as WasmTrainingKernelName] }),
    ).toThrow(
      `registerWasmTrainingKernels: kernels[0] must be one of ${WASM_TRAINING_KERNELS.map((n) => `'${n}'`).join(', ')}, got "Conv3D".`,
    );
    expect(() => unregisterWasmTrainingKernels({ kernels: [] })).toThrow(
      'unregisterWasmTrainingKernels: kernels must be a non-empty array, got []. Leave kernels out to use all.',
    );
  });
});

describe('a tiny CNN on wasm with the training kernels', () => {
  // 10x10 images whose class is the quadrant (top/bottom) with the larger sum.
  const images = data([32, 10, 10, 1], 21);
  const labels = (() => {
    const oneHot = new Float32Array(32 * 2);
    for (let i = 0; i < 32; i++) {
      let top = 0;
      let bottom = 0;
      for (let p = 0; p < 100; p++) {
        const v = images.values[i * 100 + p] as number;
        if (p < 50) top += v;
        else bottom += v;
      }
      oneHot[i * 2 + (top > bottom ? 0 : 1)] = 1;
    }
    return oneHot;
  })();
  const initial = [data([3, 3, 1, 4], 31), data([4], 32), data([64, 2], 33), data([2], 34)];

  function model(params: tf.Variable[]) {
    const [w1, b1, w2, b2] = params as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
    return () =>
      tf.tidy(() => {
        const x = tf.tensor4d(images.values, [32, 10, 10, 1]);
        const h = tf.maxPool(
          tf.relu(tf.add(tf.conv2d(x, w1 as tf.Tensor4D, 1, 'valid'), b1)) as tf.Tensor4D,
          2,
          2,
          'valid',
        );
        const logits = tf.add(tf.matMul(tf.reshape(h, [32, 64]), w2), b2);
        return tf.losses.softmaxCrossEntropy(tf.tensor2d(labels, [32, 2]), logits) as tf.Scalar;
      });
  }

  async function train(backend: BackendName, optimizer: tf.Optimizer, steps: number) {
    await tf.setBackend(backend);
    const params = initial.map((d) => tf.variable(tf.tensor(d.values, d.shape)));
    const loss = model(params);
    const losses: number[] = [];
    const { grads } = tf.variableGrads(loss, params);
    const firstGrads = params.map((p) => grads[p.name]?.dataSync() as Float32Array);
    tf.dispose(grads);
    for (let i = 0; i < steps; i++) {
      const value = optimizer.minimize(loss, true, params) as tf.Scalar;
      losses.push(value.dataSync()[0] as number);
      value.dispose();
    }
    const weights = params.map((p) => p.dataSync() as Float32Array);
    tf.dispose(params);
    optimizer.dispose();
    return { losses, firstGrads, weights };
  }

  it('trains: the loss falls over 15 Adam steps', async () => {
    const { losses } = await train('wasm', tf.train.adam(0.02), 15);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[14] as number).toBeLessThan(0.8 * (losses[0] as number));
  });

  it('matches the CPU backend for one SGD step (loss, gradients and updated weights)', async () => {
    const cpu = await train('cpu', tf.train.sgd(0.1), 1);
    const wasm = await train('wasm', tf.train.sgd(0.1), 1);
    expect(Math.abs((wasm.losses[0] as number) - (cpu.losses[0] as number))).toBeLessThanOrEqual(
      1e-4 * Math.abs(cpu.losses[0] as number),
    );
    for (let i = 0; i < initial.length; i++) {
      expect(
        relativeError(wasm.firstGrads[i] as Float32Array, cpu.firstGrads[i] as Float32Array),
      ).toBeLessThanOrEqual(1e-4);
      expect(
        relativeError(wasm.weights[i] as Float32Array, cpu.weights[i] as Float32Array),
      ).toBeLessThanOrEqual(1e-4);
    }
  });
});

describe('an MLP trained with tfjs-layers model.fit on wasm with the training kernels', () => {
  // 64 inputs -> 96 relu -> 10 softmax, batches of 8: the first layer's forward
  // pass runs in the transposed layout; fit gathers every batch (GatherV2),
  // clones saved tensors (Identity), casts (Cast) and sums bias gradients (Sum).
  const xs = data([32, 64], 51);
  const labels = new Float32Array(32 * 10);
  for (let i = 0; i < 32; i++) labels[i * 10 + (i % 10)] = 1;
  const initial = [data([64, 96], 52), data([96], 53), data([96, 10], 54), data([10], 55)];

  async function fit(backend: BackendName) {
    await tf.setBackend(backend);
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [64], units: 96, activation: 'relu' }),
        tfl.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    const weights = initial.map((d) => tf.tensor(d.values, d.shape));
    model.setWeights(weights);
    tf.dispose(weights);
    const optimizer = tf.train.sgd(0.1);
    model.compile({ optimizer, loss: 'categoricalCrossentropy' });
    const [x, y] = [tf.tensor2d(xs.values, [32, 64]), tf.tensor2d(labels, [32, 10])];
    const history = await model.fit(x, y, { batchSize: 8, epochs: 2, shuffle: false, verbose: 0 });
    const trained = model.getWeights().map((w) => w.dataSync() as Float32Array);
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
    return { losses: history.history.loss as number[], weights: trained };
  }

  it('matches the CPU backend after 8 SGD steps (losses and weights to 1e-4) and leaks no tensors', async () => {
    const cpu = await fit('cpu');
    await tf.setBackend('wasm');
    const tensors = tf.memory().numTensors;
    const wasm = await fit('wasm');
    expect(tf.memory().numTensors).toBe(tensors);
    expect(cpu.losses[1] as number).toBeLessThan(cpu.losses[0] as number);
    for (let i = 0; i < 2; i++) {
      expect(Math.abs((wasm.losses[i] as number) - (cpu.losses[i] as number))).toBeLessThanOrEqual(
        1e-4 * (cpu.losses[i] as number),
      );
    }
    for (let i = 0; i < initial.length; i++) {
      expect(
        relativeError(wasm.weights[i] as Float32Array, cpu.weights[i] as Float32Array),
      ).toBeLessThanOrEqual(1e-4);
    }
  });
});
