/**
 * fusedSoftmaxCrossEntropy against tf.losses.softmaxCrossEntropy: the loss and
 * its gradients (logits and labels) bit for bit on wasm, with the SIMD module
 * on and off, on edge shapes (one row, one class, rank 1 and 3, 10,000 rows)
 * and values (saturated softmax, equal logits, soft and int32/bool labels);
 * within float32 rounding of the CPU backend (whose exp and log are
 * JavaScript's); one engine dispatch each way; the stock path for everything
 * else; no leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRandom } from '@trainkit/stats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fusedSoftmaxCrossEntropy,
  SOFTMAX_CROSS_ENTROPY,
  SOFTMAX_CROSS_ENTROPY_GRAD,
} from './fused-softmax-cross-entropy';
import { selectBackend } from './select-backend';
import { setSimdKernelsEnabled } from './simd/instance';
import {
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
} from './wasm-training-kernels';

beforeAll(async () => {
  await selectBackend({ backend: 'wasm' });
});

afterAll(async () => {
  registerWasmTrainingKernels();
  setSimdKernelsEnabled(true);
  await tf.setBackend('cpu');
});

type Loss = typeof fusedSoftmaxCrossEntropy;

interface Case {
  readonly name: string;
  readonly shape: number[];
  /** Logits from a seed and a scale. */
  readonly logits: (size: number) => Float32Array;
  /** Labels: one-hot int32 (from class indices), soft float32, or bool. */
  readonly labels: 'onehot' | 'soft' | 'bool';
}

function uniform(size: number, seed: number, scale: number): Float32Array {
  const random = createRandom({ seed });
  return Float32Array.from({ length: size }, () => (random.nextFloat() * 2 - 1) * scale);
}

const CASES: Case[] = [
  {
    name: 'MLP batch [128, 10]',
    shape: [128, 10],
    logits: (n) => uniform(n, 1, 4),
    labels: 'onehot',
  },
  {
    name: 'one row, one class [1, 1]',
    shape: [1, 1],
    logits: (n) => uniform(n, 2, 4),
    labels: 'onehot',
  },
  { name: 'one row [1, 10]', shape: [1, 10], logits: (n) => uniform(n, 3, 4), labels: 'onehot' },
  { name: 'odd sizes [7, 3]', shape: [7, 3], logits: (n) => uniform(n, 4, 4), labels: 'soft' },
  { name: 'rank 1 [5]', shape: [5], logits: (n) => uniform(n, 5, 4), labels: 'soft' },
  { name: 'rank 3 [2, 3, 5]', shape: [2, 3, 5], logits: (n) => uniform(n, 6, 4), labels: 'onehot' },
  {
    name: 'saturated softmax (logits up to ±90: exp underflows)',
    shape: [9, 4],
    logits: (n) => uniform(n, 7, 90),
    labels: 'onehot',
  },
  {
    name: 'equal logits',
    shape: [3, 4],
    logits: (n) => new Float32Array(n).fill(2.5),
    labels: 'bool',
  },
  { name: '10,000 rows', shape: [10_000, 10], logits: (n) => uniform(n, 8, 6), labels: 'onehot' },
];

function labelsFor(c: Case): tf.Tensor {
  const classes = c.shape.at(-1)!;
  const rows = tf.util.sizeFromShape(c.shape) / classes;
  const random = createRandom({ seed: 99 });
  if (c.labels === 'soft') {
    // Rows of a probability distribution.
    const raw = Float32Array.from({ length: rows * classes }, () => random.nextFloat());
    return tf.tidy(() =>
      tf.div(tf.tensor(raw, c.shape), tf.sum(tf.tensor(raw, c.shape), -1, true)),
    );
  }
  if (classes === 1) return tf.ones(c.shape, c.labels === 'bool' ? 'bool' : 'int32');
  const indices = Int32Array.from({ length: rows }, () => random.nextInt(classes));
  const onehot = tf.reshape(tf.oneHot(tf.tensor1d(indices, 'int32'), classes), c.shape);
  return c.labels === 'bool' ? tf.tidy(() => tf.cast(onehot, 'bool')) : onehot;
}

interface Result {
  readonly loss: Float32Array;
  readonly dLogits: Float32Array;
  /** The labels' gradient (float32 labels only: they are variables then). */
  readonly dLabels: Float32Array | undefined;
}

/** The loss and its gradients with `loss` on the current backend. */
function run(loss: Loss, c: Case): Result {
  return tf.tidy(() => {
    const logits = tf.tensor(c.logits(tf.util.sizeFromShape(c.shape)), c.shape);
    const labels = labelsFor(c);
    const soft = labels.dtype === 'float32';
    const inputs = soft ? [labels, logits] : [logits];
    // Scaled, so that the gradient reaching the loss is not 1 (dy / rows is then rounded).
    const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) =>
      tf.mul(soft ? loss(xs[0]!, xs[1]!) : loss(labels, xs[0]!), 3),
    )(inputs);
    return {
      loss: value.dataSync() as Float32Array,
      dLogits: grads.at(-1)!.dataSync() as Float32Array,
      dLabels: soft ? (grads[0]!.dataSync() as Float32Array) : undefined,
    };
  });
}

/** The first element whose bits differ (a short failure message even for 100,000 values). */
function firstDifference(a: Float32Array, b: Float32Array): string | null {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i]) return `element ${i}: ${a[i]} and ${b[i]}`;
  }
  return null;
}

function expectSameBits(a: Result, b: Result): void {
  expect(firstDifference(a.loss, b.loss)).toBeNull();
  expect(firstDifference(a.dLogits, b.dLogits)).toBeNull();
  expect(a.dLabels === undefined).toBe(b.dLabels === undefined);
  if (a.dLabels !== undefined) expect(firstDifference(a.dLabels, b.dLabels!)).toBeNull();
}

/** Counts the calls of the named wasm kernels while `body` runs. */
function countingCalls<T>(
  names: string[],
  body: () => T,
): { result: T; calls: Record<string, number> } {
  const calls: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  const configs = names.map((name) => tf.getKernel(name, 'wasm')!);
  for (const config of configs) {
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        calls[config.kernelName]!++;
        return config.kernelFunc(args);
      },
    });
  }
  try {
    return { result: body(), calls };
  } finally {
    for (const config of configs) {
      tf.unregisterKernel(config.kernelName, 'wasm');
      tf.registerKernel(config);
    }
  }
}

describe('fusedSoftmaxCrossEntropy on wasm', () => {
  it.each(CASES)(
    'gives the loss and its gradients of tf.losses.softmaxCrossEntropy bit for bit: $name',
    (c) => {
      const { result: fused, calls } = countingCalls(
        [SOFTMAX_CROSS_ENTROPY, SOFTMAX_CROSS_ENTROPY_GRAD],
        () => run(fusedSoftmaxCrossEntropy, c),
      );
      // One forward dispatch, one gradient dispatch per input that needs it.
      expect(calls[SOFTMAX_CROSS_ENTROPY]).toBe(1);
      expect(calls[SOFTMAX_CROSS_ENTROPY_GRAD]).toBe(c.labels === 'soft' ? 2 : 1);
      const stock = run(tf.losses.softmaxCrossEntropy, c);
      expectSameBits(fused, stock);
      expect(Number.isFinite(fused.loss[0])).toBe(true);
    },
  );

  it('gives the same bits with the SIMD module off (the stock elementwise kernels run inside)', () => {
    setSimdKernelsEnabled(false);
    try {
      for (const c of [CASES[0]!, CASES[3]!, CASES[5]!]) {
        expectSameBits(run(fusedSoftmaxCrossEntropy, c), run(tf.losses.softmaxCrossEntropy, c));
      }
    } finally {
      setSimdKernelsEnabled(true);
    }
  });

  it('is within float32 rounding of the CPU backend (whose exp and log are JavaScript`s)', async () => {
    for (const c of CASES) {
      const fused = run(fusedSoftmaxCrossEntropy, c);
      await tf.setBackend('cpu');
      let cpu: Result;
      try {
        cpu = run(tf.losses.softmaxCrossEntropy, c);
      } finally {
        await tf.setBackend('wasm');
      }
      // The loss within 2e-6 (relative); gradients within 1e-6 of their scale, 3 / rows.
      expect(Math.abs(fused.loss[0]! - cpu.loss[0]!)).toBeLessThanOrEqual(
        2e-6 * Math.abs(cpu.loss[0]!) + 1e-7,
      );
      const rows = tf.util.sizeFromShape(c.shape) / c.shape.at(-1)!;
      for (const [a, b] of [
        [fused.dLogits, cpu.dLogits],
        [fused.dLabels, cpu.dLabels],
      ] as const) {
        if (a === undefined || b === undefined) continue;
        let worst = 0;
        for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
        expect((worst * rows) / 3).toBeLessThanOrEqual(1e-6);
      }
    }
  });

  it('leaks no tensor and no backend data, forward and backward', () => {
    const c = CASES[0]!;
    run(fusedSoftmaxCrossEntropy, c);
    const tensors = tf.memory().numTensors;
    const dataIds = tf.engine().backend.numDataIds();
    for (let i = 0; i < 3; i++) run(fusedSoftmaxCrossEntropy, c);
    tf.tidy(() => {
      fusedSoftmaxCrossEntropy(labelsFor(c), tf.ones(c.shape));
    });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
  });

  it('takes the stock path for weights, label smoothing, other reductions, int32 logits and empty tensors', () => {
    const c = CASES[3]!;
    const { calls } = countingCalls([SOFTMAX_CROSS_ENTROPY], () =>
      tf.tidy(() => {
        const logits = tf.tensor(c.logits(21), c.shape);
        const labels = labelsFor(c);
        const weights = tf.tensor1d([1, 0, 2, 1, 1, 3, 1]);
        const pairs: [tf.Tensor, tf.Tensor][] = [
          [
            fusedSoftmaxCrossEntropy(labels, logits, weights),
            tf.losses.softmaxCrossEntropy(labels, logits, weights),
          ],
          [
            fusedSoftmaxCrossEntropy(labels, logits, undefined, 0.1),
            tf.losses.softmaxCrossEntropy(labels, logits, undefined, 0.1),
          ],
          [
            fusedSoftmaxCrossEntropy(labels, logits, undefined, 0, tf.Reduction.NONE),
            tf.losses.softmaxCrossEntropy(labels, logits, undefined, 0, tf.Reduction.NONE),
          ],
          [
            fusedSoftmaxCrossEntropy(tf.zeros([0, 3]), tf.zeros([0, 3])),
            tf.losses.softmaxCrossEntropy(tf.zeros([0, 3]), tf.zeros([0, 3])),
          ],
        ];
        for (const [a, b] of pairs) {
          expect(a.shape).toEqual(b.shape);
          expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
        }
        // int32 logits: the stock op's behaviour, whatever it is.
        const intLogits = tf.tensor2d([[1, 2]], [1, 2], 'int32');
        expect(fusedSoftmaxCrossEntropy(tf.tensor2d([[0, 1]]), intLogits).dataSync()).toEqual(
          tf.losses.softmaxCrossEntropy(tf.tensor2d([[0, 1]]), intLogits).dataSync(),
        );
      }),
    );
    expect(calls[SOFTMAX_CROSS_ENTROPY]).toBe(0);
  });

  it('throws the stock error for mismatched shapes', () => {
    const call = (loss: Loss) => () => tf.tidy(() => loss(tf.zeros([2, 3]), tf.zeros([2, 4])));
    expect(call(tf.losses.softmaxCrossEntropy as Loss)).toThrow(/Error in softmaxCrossEntropy/);
    expect(call(fusedSoftmaxCrossEntropy)).toThrow(/Error in softmaxCrossEntropy/);
  });

  it('takes the stock path without the trainkit kernels and on the CPU backend', async () => {
    const c = CASES[0]!;
    const stock = run(tf.losses.softmaxCrossEntropy, c);
    unregisterWasmTrainingKernels({ kernels: ['TrainkitSoftmaxCrossEntropy'] });
    try {
      expect(tf.getKernel(SOFTMAX_CROSS_ENTROPY, 'wasm')).toBeUndefined();
      expectSameBits(run(fusedSoftmaxCrossEntropy, c), stock);
    } finally {
      registerWasmTrainingKernels();
    }
    await tf.setBackend('cpu');
    try {
      expectSameBits(run(fusedSoftmaxCrossEntropy, c), run(tf.losses.softmaxCrossEntropy, c));
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
