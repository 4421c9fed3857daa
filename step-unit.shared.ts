import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/**
 * Shared setup of the step-unit tests of the `model.fit` callbacks (curves, tensorboard,
 * profiler): the convention "one step is one optimizer update, not a micro-batch" is checked
 * with the same small model and the same accumulating optimizer everywhere.
 *
 * In a package's `src/tfjs/step-unit.test.ts`:
 * ```ts
 * import { EverySecondBatch, fitSetup, microBatchLosses } from '../../../../step-unit.shared';
 * const { x, y, model, dispose } = fitSetup(new EverySecondBatch(0.1));
 * ```
 */

/**
 * SGD that applies one update per two micro-batches (the gradient of the second only: the
 * grouping, not the averaging, is under test), shaped like an accumulating optimizer:
 * `iterations` counts updates and `state.miniStep` the waiting micro-batches (0 or 1).
 * `flush()` applies a waiting micro-batch's gradient, as an epoch-end flush does.
 */
export class EverySecondBatch extends tf.SGDOptimizer {
  private waiting: tf.NamedTensorMap | undefined;

  get state() {
    return { miniStep: this.waiting === undefined ? 0 : 1 };
  }

  override applyGradients(gradients: Parameters<tf.Optimizer['applyGradients']>[0]): void {
    if (this.waiting === undefined) {
      this.waiting = tf.tidy(() => {
        const kept: tf.NamedTensorMap = {};
        const list = Array.isArray(gradients)
          ? gradients
          : Object.entries(gradients).map(([name, tensor]) => ({ name, tensor }));
        for (const { name, tensor } of list) kept[name] = tf.keep(tensor.clone());
        return kept;
      });
      return;
    }
    tf.dispose(this.waiting);
    this.waiting = undefined;
    super.applyGradients(gradients);
  }

  /** Applies the waiting micro-batch's gradient, if one waits. */
  flush(): void {
    if (this.waiting === undefined) return;
    const waiting = this.waiting;
    this.waiting = undefined;
    super.applyGradients(waiting);
    tf.dispose(waiting);
  }

  override dispose(): void {
    if (this.waiting !== undefined) tf.dispose(this.waiting);
    this.waiting = undefined;
    super.dispose();
  }
}

/**
 * A one-layer linear model compiled with `optimizer` on 40 seeded samples of `y = sum(x)`
 * (3 features). `fit(callbacks, { epochs, batchSize })` trains it (unshuffled, silent);
 * `dispose()` frees the data, the model and the optimizer.
 */
export function fitSetup(optimizer: tf.Optimizer) {
  const x = tf.randomUniform([40, 3], -1, 1, 'float32', 1);
  const y = tf.sum(x, 1, true);
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 1,
        inputShape: [3],
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
  model.compile({ optimizer, loss: 'meanSquaredError' });
  /** `model.fit` on the data, unshuffled and silent, with these callbacks. */
  const fit = (
    callbacks: NonNullable<tfl.ModelFitArgs['callbacks']>,
    { epochs, batchSize }: { epochs: number; batchSize: number },
  ) => model.fit(x, y, { epochs, batchSize, shuffle: false, verbose: 0, callbacks });
  const dispose = () => {
    tf.dispose([x, y]);
    model.dispose();
    optimizer.dispose();
  };
  return { x, y, model, fit, dispose };
}

/**
 * A seeded `inputs`-64-`classes` ReLU/softmax MLP compiled with SGD(0.1) and categorical
 * cross-entropy: the small classifier the callbacks' real-run tests train.
 */
export function seededClassifier(inputs: number, classes: number): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 64,
        activation: 'relu',
        inputShape: [inputs],
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      }),
      tfl.layers.dense({
        units: classes,
        activation: 'softmax',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  return model;
}

/**
 * A callback recording every micro-batch's loss and size, and `updateMean(update)`: the
 * sample-weighted mean loss of the two micro-batches of update `update` (0-based) with
 * {@link EverySecondBatch}, which is what a step-unit-aware callback must record per update.
 */
export function microBatchLosses() {
  const losses: number[] = [];
  const sizes: number[] = [];
  const callback = new tfl.CustomCallback({
    onBatchEnd: (_batch, logs) => {
      losses.push(logs!.loss as number);
      sizes.push(logs!.size as number);
    },
  });
  const updateMean = (update: number) => {
    const [a, b] = [2 * update, 2 * update + 1];
    return (sizes[a]! * losses[a]! + sizes[b]! * losses[b]!) / (sizes[a]! + sizes[b]!);
  };
  return { callback, losses, sizes, updateMean };
}
