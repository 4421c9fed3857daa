import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@trainkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../errors';
import { readmeQuickStart } from './readme-example';
import { type BackendLoaders, selectBackend, selectBackendWith } from './select-backend';
import { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './wasm-training-kernels';

const notInstalled = (name: string) =>
  Object.assign(new Error(`Cannot find package '${name}' imported from /app/index.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });

const realLoaders: BackendLoaders = {
  tensorflow: () => Promise.reject(notInstalled('@tensorflow/tfjs-node')),
  wasm: () => import('@tensorflow/tfjs-backend-wasm'),
  cpu: () => import('@tensorflow/tfjs-backend-cpu'),
};

function matMulValue(): number[] {
  return tf.tidy(() => Array.from(tf.matMul([[1, 2]], [[3], [4]]).dataSync()));
}

afterEach(async () => {
  if (tf.findBackendFactory('tensorflow') !== null) tf.removeBackend('tensorflow');
  await tf.setBackend('cpu');
});

// The tests run in order: the first two need a process where the wasm backend
// was never imported.
describe('selectBackend', () => {
  it('refuses to register wasm training kernels before the wasm backend is imported', () => {
    const call = () => registerWasmTrainingKernels();
    expect(call).toThrow(BackendUnavailableError);
    expect(call).toThrow(
      "registerWasmTrainingKernels: backend 'wasm' cannot be used: its kernels are not registered (the package was not imported). Import '@tensorflow/tfjs-backend-wasm' first, or call selectBackend({ backend: 'wasm' }), which does both.",
    );
  });

  it('loads the plain (non-SIMD) wasm binary from the installed package when asked', async () => {
    const selection = await selectBackend({ backend: 'wasm', simd: false, trainingKernels: false });
    expect(selection.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(selection.simd).toBe(false);
    expect(selection.threads).toBe(1);
    expect(selection.trainingKernels).toEqual([]);
    expect(selection.reason).toBe("backend 'wasm' was asked for");
    expect(selection.tried).toHaveLength(1);
    expect(selection.tried[0]?.reason).toMatch(
      /^plain \(no SIMD\) binary from .*tfjs-backend-wasm[/\\]dist[/\\]$/,
    );
    expect(matMulValue()).toEqual([11]);
  });

  it('falls through silently from a missing tfjs-node to wasm and registers the training kernels', async () => {
    const selection = await selectBackend();
    expect(selection.backend).toBe('wasm');
    expect(selection.reason).toBe(
      'the native backend is not available; WebAssembly is the fastest backend that loads',
    );
    expect(selection.tried).toEqual([
      {
        name: 'tensorflow',
        ok: false,
        reason: 'not installed (optional peer @tensorflow/tfjs-node)',
      },
      { name: 'wasm', ok: true, reason: 'plain (no SIMD) binary already initialized' },
    ]);
    expect(selection.trainingKernels).toEqual([...WASM_TRAINING_KERNELS]);
    expect(matMulValue()).toEqual([11]);
  });

  it('throws a typed error with the install command when an explicit backend cannot load', async () => {
    const attempt = selectBackend({ backend: 'tensorflow' });
    await expect(attempt).rejects.toThrow(BackendUnavailableError);
    await expect(selectBackend({ backend: 'tensorflow' })).rejects.toThrow(
      "selectBackend: backend 'tensorflow' cannot be used: not installed (optional peer @tensorflow/tfjs-node). Install it with `npm install @tensorflow/tfjs-node@4.22.0`",
    );
    expect(tf.getBackend()).toBe('cpu');
  });

  it('uses tfjs-node when it loads and registers its backend', async () => {
    const loaders: BackendLoaders = {
      ...realLoaders,
      tensorflow: async () => {
        tf.registerBackend('tensorflow', () => new MathBackendCPU());
      },
    };
    const selection = await selectBackendWith({}, loaders);
    expect(selection).toEqual({
      backend: 'tensorflow',
      reason: 'the native backend loads, the fastest choice',
      tried: [{ name: 'tensorflow', ok: true, reason: 'native TensorFlow (libtensorflow)' }],
      simd: null,
      threads: null,
      trainingKernels: [],
    });
    expect(tf.getBackend()).toBe('tensorflow');
  });

  it('reports a tfjs-node whose native binding is missing and falls through', async () => {
    const brokenBinding = Object.assign(
      new Error(
        "Cannot find module '/app/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node'",
      ),
      { code: 'MODULE_NOT_FOUND' },
    );
    const loaders: BackendLoaders = {
      ...realLoaders,
      tensorflow: () => Promise.reject(brokenBinding),
    };
    const selection = await selectBackendWith({}, loaders);
    expect(selection.backend).toBe('wasm');
    expect(selection.tried[0]).toEqual({
      name: 'tensorflow',
      ok: false,
      reason:
        "@tensorflow/tfjs-node failed to load: Cannot find module '/app/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node'",
    });
  });

  it('falls back to the CPU backend when neither tfjs-node nor wasm loads', async () => {
    const loaders: BackendLoaders = {
      ...realLoaders,
      wasm: () => Promise.reject(notInstalled('@tensorflow/tfjs-backend-wasm')),
    };
    const selection = await selectBackendWith({}, loaders);
    expect(selection.backend).toBe('cpu');
    expect(selection.threads).toBe(1);
    expect(selection.simd).toBeNull();
    expect(selection.tried.map((t) => [t.name, t.ok, t.reason])).toEqual([
      ['tensorflow', false, 'not installed (optional peer @tensorflow/tfjs-node)'],
      ['wasm', false, 'not installed (optional peer @tensorflow/tfjs-backend-wasm)'],
      ['cpu', true, 'pure JavaScript'],
    ]);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('names a wasm package that is missing when wasm is asked for', async () => {
    const loaders: BackendLoaders = {
      ...realLoaders,
      wasm: () => Promise.reject(notInstalled('@tensorflow/tfjs-backend-wasm')),
    };
    await expect(selectBackendWith({ backend: 'wasm' }, loaders)).rejects.toThrow(
      "selectBackend: backend 'wasm' cannot be used: not installed (optional peer @tensorflow/tfjs-backend-wasm). Install it with `npm install @tensorflow/tfjs-backend-wasm@4.22.0`",
    );
  });

  it('runs the README quick start: a CNN trains one batch on the selected wasm backend', async () => {
    const lines: string[] = [];
    const { selection, model } = await readmeQuickStart((line) => lines.push(line));
    expect(selection.backend).toBe('wasm');
    expect(lines[0]).toMatch(/^backend: wasm \(/);
    const xs = tf.zeros([2, 28, 28, 1]);
    const ys = tf.cast(tf.oneHot(tf.tensor1d([1, 2], 'int32'), 10), 'float32');
    const loss = (await model.trainOnBatch(xs, ys)) as number;
    // All-zero images: the softmax starts uniform over 10 classes, loss ln(10).
    expect(loss).toBeCloseTo(Math.log(10), 4);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it.each([
    [
      { backend: 'gpu' },
      `selectBackend: backend must be one of 'auto', 'tensorflow', 'wasm', 'cpu', got "gpu".`,
    ],
    [{ simd: 'yes' }, 'selectBackend: simd must be true or false, got "yes".'],
    [{ trainingKernels: 1 }, 'selectBackend: trainingKernels must be true or false, got 1.'],
    [
      { wasmPaths: 3 },
      'selectBackend: wasmPaths must be a directory string, a map from each .wasm file name to its path, or false, got 3.',
    ],
  ])('rejects bad options %j', async (options, message) => {
    const attempt = selectBackend(options as never);
    await expect(attempt).rejects.toThrow(InvalidArgumentError);
    await expect(selectBackend(options as never)).rejects.toThrow(message);
  });
});
