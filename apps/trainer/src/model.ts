import * as tfl from '@tensorflow/tfjs-layers';

/** The two reference architectures. */
export type ModelKind = 'mlp' | 'cnn';

/**
 * Builds the reference model. Both output logits (no softmax): the loss is
 * softmax cross-entropy from logits. Initializers are seeded, so two builds
 * with the same seed start from the same weights.
 *
 * - `mlp`: 784-256-128-10 with ReLU.
 * - `cnn`: conv 3x3x16, max-pool 2, conv 3x3x32, max-pool 2, dense 10.
 */
export function buildModel(kind: ModelKind, seed: number): tfl.LayersModel {
  let next = seed;
  const kernel = () => tfl.initializers.glorotUniform({ seed: next++ });
  if (kind === 'mlp') {
    return tfl.sequential({
      name: 'mlp',
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
  return tfl.sequential({
    name: 'cnn',
    layers: [
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
      tfl.layers.dense({ units: 10, kernelInitializer: kernel() }),
    ],
  });
}

/** The per-sample input shape each model expects. */
export function inputShape(kind: ModelKind): number[] {
  return kind === 'mlp' ? [784] : [28, 28, 1];
}
