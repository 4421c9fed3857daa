// Shared by the tfjs tests: MNIST slices as tensors and the small models the planted bugs live in.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '@trainkit/backend';
import { loadMnist } from '@trainkit/mnist';
import { mnistModel } from '@trainkit/mnist/models';
import { afterAll, beforeAll } from 'vitest';

export interface MnistSlice {
  /** Images, [count, 784] in [0, 1] (or [count, 28, 28, 1] with `images: true`). */
  readonly x: tf.Tensor;
  /** One-hot labels [count, 10]. */
  readonly y: tf.Tensor;
  /** The labels. */
  readonly labels: Int32Array;
  /** The pixels, count * 784. */
  readonly pixels: Float32Array;
  readonly count: number;
  dispose(): void;
}

const cache = new Map<
  string,
  Promise<{ images: Float32Array; labels: Int32Array; count: number }>
>();

/** `count` MNIST examples starting at `offset` (train split unless `split: 'test'`). */
export async function mnistSlice(
  count: number,
  options: { offset?: number; split?: 'train' | 'test'; images?: boolean } = {},
): Promise<MnistSlice> {
  const split = options.split ?? 'train';
  const offset = options.offset ?? 0;
  const key = split;
  if (!cache.has(key))
    cache.set(key, loadMnist({ split, limit: split === 'train' ? 12_000 : 2_000 }));
  const data = await cache.get(key)!;
  const pixels = data.images.slice(offset * 784, (offset + count) * 784);
  const labels = data.labels.slice(offset, offset + count);
  const x =
    options.images === true
      ? tf.tensor4d(pixels, [count, 28, 28, 1])
      : tf.tensor2d(pixels, [count, 784]);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 10), 'float32'));
  return { x, y, labels, pixels, count, dispose: () => tf.dispose([x, y]) };
}

/**
 * Loads `count` MNIST rows (as {@link mnistSlice}) before the file's tests and disposes them
 * after; the returned object is filled in when the tests run (read its fields inside tests).
 */
export function useMnistSlice(
  count: number,
  options: Parameters<typeof mnistSlice>[1] = {},
): MnistSlice {
  const slice = {} as { -readonly [K in keyof MnistSlice]: MnistSlice[K] };
  beforeAll(async () => {
    Object.assign(slice, await mnistSlice(count, options));
  });
  afterAll(() => slice.dispose());
  return slice;
}

/** A seeded Glorot initializer sequence. */
export function seeded(seed: number) {
  let next = seed;
  return () => tfl.initializers.glorotUniform({ seed: next++ });
}

/** A small MLP 784-hidden-...-10 with ReLU, logits out, compiled with softmax cross-entropy from logits and Adam. */
export function smallMlp(
  options: {
    hidden?: number[];
    seed?: number;
    activation?: 'relu' | 'sigmoid' | 'tanh';
    outputActivation?: 'softmax' | 'linear';
    loss?: 'logits' | 'categoricalCrossentropy';
    learningRate?: number;
    dropout?: number;
    batchNorm?: boolean;
    kernelInitializer?: () => ReturnType<typeof tfl.initializers.glorotUniform>;
    biasInitializer?: () => ReturnType<typeof tfl.initializers.glorotUniform>;
  } = {},
): tfl.LayersModel {
  const kernel = options.kernelInitializer ?? seeded(options.seed ?? 1);
  const layers: tfl.layers.Layer[] = [];
  (options.hidden ?? [64]).forEach((units, i) => {
    layers.push(
      tfl.layers.dense({
        ...(i === 0 ? { inputShape: [784] } : {}),
        units,
        activation: options.batchNorm ? 'linear' : (options.activation ?? 'relu'),
        kernelInitializer: kernel(),
        ...(options.biasInitializer ? { biasInitializer: options.biasInitializer() } : {}),
      }),
    );
    if (options.batchNorm) {
      layers.push(tfl.layers.batchNormalization());
      layers.push(tfl.layers.activation({ activation: options.activation ?? 'relu' }));
    }
    if (options.dropout !== undefined) layers.push(tfl.layers.dropout({ rate: options.dropout }));
  });
  layers.push(
    tfl.layers.dense({
      units: 10,
      activation: options.outputActivation ?? 'linear',
      kernelInitializer: kernel(),
    }),
  );
  const model = tfl.sequential({ layers });
  model.compile({
    optimizer: tf.train.adam(options.learningRate ?? 1e-3),
    loss:
      (options.loss ?? 'logits') === 'logits'
        ? (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred)
        : 'categoricalCrossentropy',
  });
  return model;
}

/**
 * The reference CNN of `@trainkit/mnist/models` without its hidden dense layer (conv 3x3x16,
 * pool, conv 3x3x32, pool, dense 10, logits; the trainer adds dense 128 and dropout before the
 * output), kernels seeded `seed`, `seed + 1`, ..., compiled with Adam and softmax cross-entropy.
 */
export function trainerCnn(seed = 1, learningRate = 1e-3): tfl.LayersModel {
  const model = mnistModel('cnn', { kernelSeed: (i) => seed + i, hiddenUnits: 0 });
  model.compile({
    optimizer: tf.train.adam(learningRate),
    loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
  });
  return model;
}

/** Disposes a model and its optimizer. */
export function disposeModel(model: tfl.LayersModel): void {
  model.optimizer?.dispose();
  model.dispose();
}

/** Runs the file's tests on the WebAssembly backend with trainkit's training kernels (CPU again afterwards). */
export function useWasmBackend(): void {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm' });
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });
}
