/**
 * fusedAdam against tf.train.adam: the same weights and moments bit for bit
 * after several steps, on wasm (SIMD module and its JavaScript fallback) and
 * against the CPU backend; odd sizes (SIMD tails), empty variables, learning
 * rate changes, gradients as a map or a list, missing gradients, broadcast
 * gradients (stock path); state, serialization and leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@trainkit/core';
import { createRandom } from '@trainkit/stats';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADAM_UPDATE, FusedAdamOptimizer, fusedAdam } from './fused-adam';
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

/** Sizes with every remainder mod 4 (the SIMD loop's tail), an empty and a 2-D variable. */
const SHAPES: number[][] = [[1], [3], [4], [5], [7], [0], [33, 17], [256]];

function values(size: number, seed: number, scale = 1): Float32Array {
  const random = createRandom({ seed });
  return Float32Array.from({ length: size }, () => (random.nextFloat() * 2 - 1) * scale);
}

interface Trace {
  readonly weights: Float32Array[];
  readonly moments: Float32Array[];
  readonly iterations: number;
}

/**
 * Runs `steps` updates of `make()` over fresh variables on `backend` with
 * seeded gradients (a learning-rate change after step 2; gradients as a
 * list on odd steps; the last variable without a gradient on step 1).
 */
async function trace(
  backend: 'cpu' | 'wasm',
  make: () => tf.AdamOptimizer,
  steps = 5,
  shapes = SHAPES,
): Promise<Trace> {
  await tf.setBackend(backend);
  const variables = shapes.map((shape, i) =>
    tf.variable(
      tf.tensor(values(tf.util.sizeFromShape(shape), 100 + i), shape),
      true,
      `w${i}_${backend}_${Math.random()}`,
    ),
  );
  const optimizer = make();
  for (let step = 0; step < steps; step++) {
    if (step === 2) (optimizer as unknown as { learningRate: number }).learningRate = 0.05;
    tf.tidy(() => {
      const grads = variables.map((v, i) => ({
        name: v.name,
        // Large and tiny gradients, so the root and the division see a wide range.
        tensor: tf.tensor(values(v.size, 1000 * step + i, i % 2 === 0 ? 3 : 1e-3), v.shape),
      }));
      if (step === 1) grads.pop();
      if (step % 2 === 1) optimizer.applyGradients(grads);
      else {
        optimizer.applyGradients(
          Object.fromEntries(grads.map((g) => [g.name, g.tensor])) as unknown as Parameters<
            tf.AdamOptimizer['applyGradients']
          >[0],
        );
      }
    });
  }
  const weights = variables.map((v) => v.dataSync() as Float32Array);
  const saved = await optimizer.getWeights();
  const moments = saved.slice(1).map((w) => w.tensor.dataSync() as Float32Array);
  const iterations = optimizer.iterations;
  optimizer.dispose();
  tf.dispose(variables);
  return { weights, moments, iterations };
}

function expectSameBits(a: Trace, b: Trace): void {
  expect(a.iterations).toBe(b.iterations);
  expect(a.weights.length).toBe(b.weights.length);
  expect(a.moments.length).toBe(b.moments.length);
  a.weights.forEach((w, i) => {
    expect(new Uint32Array(w.buffer, w.byteOffset, w.length)).toEqual(
      new Uint32Array(b.weights[i]!.buffer, b.weights[i]!.byteOffset, b.weights[i]!.length),
    );
  });
  a.moments.forEach((m, i) => {
    expect(new Uint32Array(m.buffer, m.byteOffset, m.length)).toEqual(
      new Uint32Array(b.moments[i]!.buffer, b.moments[i]!.byteOffset, b.moments[i]!.length),
    );
  });
}

describe('fusedAdam on wasm', () => {
  it('gives tf.train.adam weights and moments bit for bit (SIMD module), and the CPU backend results', async () => {
    const kernelCalls = vi.fn();
    const config = tf.getKernel(ADAM_UPDATE, 'wasm')!;
    tf.unregisterKernel(ADAM_UPDATE, 'wasm');
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        kernelCalls();
        return config.kernelFunc(args);
      },
    });
    let fused: Trace;
    try {
      fused = await trace('wasm', () => fusedAdam(0.01));
    } finally {
      tf.unregisterKernel(ADAM_UPDATE, 'wasm');
      tf.registerKernel(config);
    }
    // One fused call per variable and step (7 on step 1, where one gradient is missing).
    expect(kernelCalls).toHaveBeenCalledTimes(5 * SHAPES.length - 1);
    const stock = await trace('wasm', () => tf.train.adam(0.01));
    const cpu = await trace('cpu', () => tf.train.adam(0.01));
    expectSameBits(fused, stock);
    expectSameBits(fused, cpu);
    // The updates did something (a broken kernel writing x unchanged would fail here).
    expect(fused.weights[6]![0]).not.toBe(values(33 * 17, 106)[0]);
  });

  it('gives the same bits with the SIMD module off (its JavaScript fallback), also for other hyperparameters', async () => {
    setSimdKernelsEnabled(false);
    let fused: Trace;
    try {
      fused = await trace('wasm', () => fusedAdam(0.003, 0.5, 0.75, 1e-3));
    } finally {
      setSimdKernelsEnabled(true);
    }
    const cpu = await trace('cpu', () => tf.train.adam(0.003, 0.5, 0.75, 1e-3));
    const simd = await trace('wasm', () => fusedAdam(0.003, 0.5, 0.75, 1e-3));
    expectSameBits(fused, cpu);
    expectSameBits(simd, cpu);
  });

  it('takes the stock arithmetic for a broadcast gradient and without the registered kernel', async () => {
    await tf.setBackend('wasm');
    const run = (make: () => tf.Optimizer) => {
      const v = tf.variable(tf.tensor1d([0.5, -1, 2]), true, `b_${Math.random()}`);
      const optimizer = make();
      for (let i = 0; i < 3; i++) {
        tf.tidy(() => optimizer.applyGradients({ [v.name]: tf.tensor1d([0.25 * (i + 1)]) }));
      }
      const out = v.dataSync().slice();
      optimizer.dispose();
      v.dispose();
      return out;
    };
    const stock = run(() => tf.train.adam(0.1));
    expect(run(() => fusedAdam(0.1))).toEqual(stock);
    unregisterWasmTrainingKernels({ kernels: ['TrainkitAdamUpdate'] });
    try {
      expect(tf.getKernel(ADAM_UPDATE, 'wasm')).toBeUndefined();
      expect((await trace('wasm', () => fusedAdam(0.01), 3)).weights).toEqual(
        (await trace('wasm', () => tf.train.adam(0.01), 3)).weights,
      );
    } finally {
      registerWasmTrainingKernels();
    }
  });

  it('leaks no tensors, keeps the stock state layout and serializes as Adam', async () => {
    await tf.setBackend('wasm');
    const v = tf.variable(tf.ones([5, 3]), true, `s_${Math.random()}`);
    const optimizer = fusedAdam(0.01);
    const step = () =>
      optimizer.minimize(() => tf.sum(tf.square(tf.sub(v, tf.scalar(2)))) as tf.Scalar, false, [v]);
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    expect(optimizer).toBeInstanceOf(tf.AdamOptimizer);
    expect(optimizer).toBeInstanceOf(FusedAdamOptimizer);
    expect(FusedAdamOptimizer.className).toBe('Adam');
    expect(optimizer.getConfig()).toEqual({
      learningRate: 0.01,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
    });
    const weights = await optimizer.getWeights();
    expect(weights.map((w) => w.name)).toEqual(['iter', `${v.name}/m`, `${v.name}/v`]);
    // Restoring into a stock Adam continues the same trajectory.
    const restored = tf.train.adam(0.01);
    await restored.setWeights(weights);
    const w = tf.variable(v.clone(), true, `s2_${Math.random()}`);
    restored.minimize(() => tf.sum(tf.square(tf.sub(w, tf.scalar(2)))) as tf.Scalar, false, [w]);
    step();
    expect(w.dataSync()).toEqual(v.dataSync());
    tf.dispose([v, w]);
    optimizer.dispose();
    restored.dispose();
  });

  it('rejects bad hyperparameters at construction, naming the argument and the value', () => {
    expect(() => fusedAdam(Number.NaN)).toThrow(InvalidArgumentError);
    expect(() => fusedAdam(0.1, 1)).toThrow(/fusedAdam: beta1 .*1/);
    expect(() => fusedAdam(0.1, 0.9, -0.1)).toThrow(/fusedAdam: beta2 .*-0\.1/);
    expect(() => fusedAdam(0.1, 0.9, 0.999, 0)).toThrow(/fusedAdam: epsilon .*0/);
  });
});
