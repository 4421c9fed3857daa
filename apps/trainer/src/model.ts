import * as tfl from '@tensorflow/tfjs-layers';
import { deriveSeed } from '@trainkit/stats';
import { SeededDropout } from './seeded-dropout';

/** The two reference architectures. */
export type ModelKind = 'mlp' | 'cnn';

/** A built model and its dropout layers (whose mask seeds the training step sets). */
export interface ReferenceModel {
  readonly model: tfl.LayersModel;
  readonly dropout: readonly SeededDropout[];
}

/**
 * Builds the reference model. Both output logits (no softmax): the loss is
 * softmax cross-entropy from logits. Initializers are seeded from `seed`, so
 * two builds with the same seed start from the same weights.
 *
 * - `mlp`: 784-256-128-10 with ReLU.
 * - `cnn`: conv 3x3x16, max-pool 2, conv 3x3x32, max-pool 2, dense 128 with
 *   ReLU, dropout (`dropout`; the trainer's default 0.5), dense 10.
 *
 * @param kind - `mlp` or `cnn`.
 * @param seed - Seed of the initial weights.
 * @param dropout - The CNN's dropout rate (0 for none).
 */
export function buildModel(kind: ModelKind, seed: number, dropout = 0): ReferenceModel {
  let layerIndex = 0;
  const kernel = () => tfl.initializers.glorotUniform({ seed: deriveSeed(seed, layerIndex++) });
  if (kind === 'mlp') {
    const model = tfl.sequential({
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
    return { model, dropout: [] };
  }
  const drop = new SeededDropout({ rate: dropout });
  const model = tfl.sequential({
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
      tfl.layers.dense({ units: 128, activation: 'relu', kernelInitializer: kernel() }),
      drop,
      tfl.layers.dense({ units: 10, kernelInitializer: kernel() }),
    ],
  });
  return { model, dropout: [drop] };
}

/** The per-sample input shape each model expects. */
export function inputShape(kind: ModelKind): number[] {
  return kind === 'mlp' ? [784] : [28, 28, 1];
}
