/**
 * The refusals of trainkit's wasm kernels: each is a typed trainkit error
 * (BackendUnavailableError for the wrong backend, unregistered kernels and
 * exhausted WebAssembly memory; InvalidArgumentError for an unsupported dtype;
 * ShapeMismatchError for inputs of different sizes) whose message names the
 * kernel, the value and the fix.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeMismatchError } from '@trainkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../errors';
import { depthwiseConv2dBackpropFilterJs } from './depthwise-conv2d-backprop';
import { ADAM_UPDATE, adamUpdateWasm } from './fused-adam';
import { selectBackend } from './select-backend';
import { unsortedSegmentSumJs } from './unsorted-segment-sum';
import { KernelScope, wasmMalloc } from './wasm-kernel-calls';

beforeAll(async () => {
  await selectBackend({ backend: 'wasm' });
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

const adamAttrs = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, learningRate: 0.01 };

function adamInputs(gradient: tf.Tensor, size = 4): Record<string, tf.Tensor> {
  return {
    gradient,
    m: tf.zeros([size]),
    v: tf.zeros([size]),
    x: tf.ones([size]),
    oneMinusAccBeta1: tf.scalar(0.1),
    oneMinusAccBeta2: tf.scalar(0.001),
  };
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('wasm kernel refusals', () => {
  it('the fused Adam update refuses a non-float32 input with an InvalidArgumentError', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const inputs = adamInputs(tf.tensor1d([1, 2, 3, 4], 'int32'));
      const error = thrown(() => tf.engine().runKernel(ADAM_UPDATE, inputs, adamAttrs));
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe(
        `${ADAM_UPDATE}: gradient.dtype must be 'float32', got "int32". ` +
          "The wasm kernel supports float32 only: cast the tensor first (tf.cast(t, 'float32')).",
      );
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the fused Adam update refuses moments of another size with a ShapeMismatchError', async () => {
    await tf.setBackend('wasm');
    tf.tidy(() => {
      const inputs = { ...adamInputs(tf.zeros([4])), v: tf.zeros([3]) };
      const error = thrown(() => tf.engine().runKernel(ADAM_UPDATE, inputs, adamAttrs));
      expect(ShapeMismatchError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        functionName: ADAM_UPDATE,
        argument: 'v (size)',
        expected: 4,
        actual: 3,
      });
      expect((error as Error).message).toContain('the m and v moments of the variable x');
    });
  });

  it('kernels called with another backend name it in a BackendUnavailableError', async () => {
    await tf.setBackend('wasm');
    const cpu = tf.findBackend('cpu');
    const x = tf.zeros([1, 2, 2, 1]);
    const cases: [string, () => unknown][] = [
      [
        ADAM_UPDATE,
        () => adamUpdateWasm({ inputs: adamInputs(tf.zeros([4])), backend: cpu, attrs: adamAttrs }),
      ],
      [
        'DepthwiseConv2dNativeBackpropFilter',
        () =>
          depthwiseConv2dBackpropFilterJs({
            inputs: { x, dy: x },
            backend: cpu,
            attrs: { strides: 1, dilations: 1, pad: 'valid', filterShape: [1, 1, 1, 1] },
          }),
      ],
      [
        'UnsortedSegmentSum',
        () =>
          unsortedSegmentSumJs({
            inputs: { x: tf.zeros([2]), segmentIds: tf.tensor1d([0, 1], 'int32') },
            backend: cpu,
            attrs: { numSegments: 2 },
          }),
      ],
    ];
    for (const [kernel, run] of cases) {
      const error = thrown(run);
      expect(BackendUnavailableError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe(
        `${kernel}: backend 'cpu' cannot be used: this kernel works in WebAssembly memory, which only the 'wasm' backend has. ` +
          "Run it on wasm: await selectBackend({ backend: 'wasm' }) (or tf.setBackend('wasm')).",
      );
    }
    tf.dispose(x);
  });

  it('UnsortedSegmentSum refuses float32 segment ids and bool x, naming the input', async () => {
    await tf.setBackend('wasm');
    tf.tidy(() => {
      const run = (x: tf.Tensor, segmentIds: tf.Tensor) =>
        thrown(() =>
          tf.engine().runKernel('UnsortedSegmentSum', { x, segmentIds }, { numSegments: 2 }),
        );
      const ids = run(tf.zeros([2]), tf.tensor1d([0, 1], 'float32'));
      expect(ids).toMatchObject({
        name: 'InvalidArgumentError',
        argument: 'segmentIds.dtype',
        value: 'float32',
        expected: "'int32'",
      });
      const x = run(tf.tensor1d([true, false], 'bool'), tf.tensor1d([0, 1], 'int32'));
      expect(x).toMatchObject({ name: 'InvalidArgumentError', argument: 'x.dtype', value: 'bool' });
      expect((x as Error).message).toContain(
        "UnsortedSegmentSum: x.dtype must be 'float32' or 'int32', got \"bool\".",
      );
    });
  });

  it('an unregistered kernel and a failed malloc are BackendUnavailableErrors with the fix', async () => {
    await tf.setBackend('wasm');
    const scope = new KernelScope(tf.backend());
    const missing = thrown(() => scope.run('NoSuchKernel', {}));
    expect(BackendUnavailableError.isInstance(missing)).toBe(true);
    expect((missing as Error).message).toContain(
      "NoSuchKernel: backend 'wasm' cannot be used: kernel 'NoSuchKernel' is not registered for it",
    );
    const full = thrown(() => wasmMalloc({ wasm: { _malloc: () => 0 } }, 1024, 'wasmGemm'));
    expect(BackendUnavailableError.isInstance(full)).toBe(true);
    expect((full as Error).message).toBe(
      "wasmGemm: backend 'wasm' cannot be used: its memory could not grow by 1024 bytes (malloc returned 0). " +
        'Use smaller batches, or dispose tensors you no longer need (tf.memory().numTensors counts the live ones).',
    );
    expect(wasmMalloc({ wasm: { _malloc: () => 64 } }, 1024, 'wasmGemm')).toBe(64);
  });
});
