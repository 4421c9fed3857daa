import * as tfl from '@tensorflow/tfjs-layers';
import { checkArguments } from '@trainkit/core';

/** The two MNIST reference architectures. */
export type MnistModelKind = 'mlp' | 'cnn';

/** The reference architectures, for argument checks and listings. */
export const mnistModelKinds: readonly MnistModelKind[] = ['mlp', 'cnn'];

/** Options of {@link mnistModel}. */
export interface MnistModelOptions {
  /**
   * The seed of the Glorot-uniform kernel initializer of the `index`-th layer
   * with weights (0 for the first, in layer order), e.g. `(i) => seed + i`.
   * Two builds with the same seeds start from the same weights.
   */
  readonly kernelSeed: (index: number) => number;
  /**
   * CNN only: units of the ReLU dense layer between the convolutions and the
   * 10-way output. Default 128; 0 for none (flatten straight into the output).
   */
  readonly hiddenUnits?: number;
  /**
   * CNN only: a dropout layer (any layer that keeps its input's shape) placed
   * after the hidden dense layer, e.g. the trainer's seeded dropout.
   */
  readonly dropout?: tfl.layers.Layer;
  /** The model's name (default: tfjs' generated `sequential_<n>`). */
  readonly name?: string;
}

/**
 * The per-sample input shape a reference model expects: `[784]` for the MLP,
 * `[28, 28, 1]` for the CNN.
 *
 * @param kind - `mlp` or `cnn`.
 * @returns A new array.
 * @example
 * ```ts
 * const x = tf.tensor(images, [count, ...mnistInputShape('cnn')]);
 * ```
 */
export function mnistInputShape(kind: MnistModelKind): number[] {
  checkArguments('mnistInputShape').oneOf('kind', kind, mnistModelKinds);
  return kind === 'mlp' ? [784] : [28, 28, 1];
}

/**
 * Builds one of the MNIST reference models that the trainer trains and that
 * the tests and benchmarks use (one definition for all of them). Both output
 * logits (no softmax): pair them with softmax cross-entropy from logits. The
 * model is not compiled.
 *
 * - `mlp`: dense 784-256-128-10 with ReLU.
 * - `cnn`: conv 3x3x16 (ReLU), max-pool 2, conv 3x3x32 (ReLU), max-pool 2,
 *   flatten, dense `hiddenUnits` (128) with ReLU, the `dropout` layer if
 *   given, dense 10.
 *
 * Kernels use Glorot-uniform initializers seeded by `kernelSeed(0)`,
 * `kernelSeed(1)`, ... in layer order; biases start at zero.
 *
 * @param kind - `mlp` or `cnn`.
 * @param options - {@link MnistModelOptions}; `kernelSeed` is required.
 * @returns The sequential model (layers created in the order listed).
 * @example
 * ```ts
 * const model = mnistModel('mlp', { kernelSeed: (i) => 42 + i });
 * model.compile({ optimizer: tf.train.adam(1e-3), loss: (y, p) => tf.losses.softmaxCrossEntropy(y, p) });
 * ```
 */
export function mnistModel(kind: MnistModelKind, options: MnistModelOptions): tfl.Sequential {
  const check = checkArguments('mnistModel');
  check.oneOf('kind', kind, mnistModelKinds);
  const given = check.options('options', options, '{ kernelSeed: (i) => 42 + i }');
  const kernelSeed = check.callable<(index: number) => number>('kernelSeed', given.kernelSeed);
  if (kind === 'mlp') {
    for (const name of ['hiddenUnits', 'dropout'] as const) {
      if (given[name] !== undefined) {
        check.fail(name, given[name], 'undefined for the mlp', 'It shapes the cnn only; omit it.');
      }
    }
  }
  const hiddenUnits =
    given.hiddenUnits === undefined
      ? 128
      : check.integer('hiddenUnits', given.hiddenUnits, { min: 0 });
  if (given.dropout !== undefined && hiddenUnits === 0) {
    check.fail(
      'dropout',
      given.dropout.name,
      'no dropout layer when hiddenUnits is 0',
      'The dropout layer follows the hidden dense layer; give hiddenUnits > 0 or omit dropout.',
    );
  }
  // Validate every seed before any layer exists (tfjs counts layer names globally).
  const kernels = kind === 'mlp' ? 3 : hiddenUnits > 0 ? 4 : 3;
  const seeds = Array.from({ length: kernels }, (_, i) =>
    check.integer(`kernelSeed(${i})`, kernelSeed(i), { min: 0 }),
  );
  let index = 0;
  const kernel = () => tfl.initializers.glorotUniform({ seed: seeds[index++]! });
  const named = given.name === undefined ? {} : { name: given.name };
  if (kind === 'mlp') {
    return tfl.sequential({
      ...named,
      layers: [
        tfl.layers.dense({
          inputShape: [784],
          units: 256,
          activation: 'relu',
          kernelInitializer: kernel(),
        }),
        tfl.layers.dense({ units: 128, activation: 'relu', kernelInitializer: kernel() }),
        tfl.layers.dense({ units: 10, kernelInitializer: kernel() }),
      ],
    });
  }
  const layers: tfl.layers.Layer[] = [
    tfl.layers.conv2d({
      inputShape: [28, 28, 1],
      filters: 16,
      kernelSize: 3,
      activation: 'relu',
      kernelInitializer: kernel(),
    }),
    tfl.layers.maxPooling2d({ poolSize: 2 }),
    tfl.layers.conv2d({
      filters: 32,
      kernelSize: 3,
      activation: 'relu',
      kernelInitializer: kernel(),
    }),
    tfl.layers.maxPooling2d({ poolSize: 2 }),
    tfl.layers.flatten(),
  ];
  if (hiddenUnits > 0) {
    layers.push(
      tfl.layers.dense({ units: hiddenUnits, activation: 'relu', kernelInitializer: kernel() }),
    );
    if (given.dropout !== undefined) layers.push(given.dropout);
  }
  layers.push(tfl.layers.dense({ units: 10, kernelInitializer: kernel() }));
  return tfl.sequential({ ...named, layers });
}
