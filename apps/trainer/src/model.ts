import type * as tfl from '@tensorflow/tfjs-layers';
import { type MnistModelKind, mnistInputShape, mnistModel } from '@trainkit/mnist/models';
import { deriveSeed } from '@trainkit/stats';
import { SeededDropout } from './seeded-dropout';

/** The two reference architectures (defined once, in `@trainkit/mnist/models`). */
export type ModelKind = MnistModelKind;

/** A built model and its dropout layers (whose mask seeds the training step sets). */
export interface ReferenceModel {
  readonly model: tfl.LayersModel;
  readonly dropout: readonly SeededDropout[];
}

/**
 * Builds the reference model (`mnistModel` of `@trainkit/mnist/models`) as the
 * trainer trains it: kernel `i` seeded with `deriveSeed(seed, i)`, so two builds
 * with the same seed start from the same weights, and the CNN's dropout a
 * {@link SeededDropout} whose mask the training step seeds. Both output logits.
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
  const kernelSeed = (index: number) => deriveSeed(seed, index);
  if (kind === 'mlp') {
    return { model: mnistModel('mlp', { kernelSeed, name: 'mlp' }), dropout: [] };
  }
  const drop = new SeededDropout({ rate: dropout });
  return { model: mnistModel('cnn', { kernelSeed, dropout: drop, name: 'cnn' }), dropout: [drop] };
}

/** The per-sample input shape each model expects. */
export function inputShape(kind: ModelKind): number[] {
  return mnistInputShape(kind);
}
