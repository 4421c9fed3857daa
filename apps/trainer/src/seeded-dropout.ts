import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/**
 * Inverted dropout whose mask is a pure function of `seed`, which the training
 * step sets before every micro-batch (from the run's seed and the micro-batch's
 * position). tfjs' own Dropout either draws from Math.random (so a resumed run
 * differs) or, given a seed, repeats the same mask every step. Identity when
 * not training (`model.apply(x)` without `training: true`, `predict`).
 */
export class SeededDropout extends tfl.layers.Layer {
  static readonly className = 'TrainkitSeededDropout';
  readonly rate: number;
  /** The seed of the next training call's mask. */
  seed = 0;

  constructor(config: { readonly rate: number; readonly name?: string }) {
    super(config.name === undefined ? {} : { name: config.name });
    this.rate = config.rate;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const input = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (kwargs.training !== true || this.rate === 0) return input;
    return tf.dropout(input, this.rate, undefined, this.seed);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
