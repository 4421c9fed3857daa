import * as tf from '@tensorflow/tfjs-core';
import { AccumulatingOptimizer } from '@trainkit/accumulate';
import type { TrainOptions } from './options';

/** Adam's, RMSProp's and Momentum's constructor momentum (beta1 for Adam). */
export const initialMomentum = 0.9;

/**
 * The run's optimizer: the chosen tfjs optimizer inside an
 * AccumulatingOptimizer (k micro-batches per update, optional clipping,
 * micro-batches with non-finite gradients skipped and counted).
 */
export function buildOptimizer(
  options: Pick<TrainOptions, 'optimizer' | 'learningRate' | 'accumulate' | 'clipNorm'>,
): AccumulatingOptimizer {
  const inner = (() => {
    switch (options.optimizer) {
      case 'adam':
        return tf.train.adam(options.learningRate, initialMomentum, 0.999);
      case 'sgd':
        return tf.train.sgd(options.learningRate);
      case 'momentum':
        return tf.train.momentum(options.learningRate, initialMomentum);
      case 'rmsprop':
        return tf.train.rmsprop(options.learningRate, 0.9, initialMomentum);
    }
  })();
  return new AccumulatingOptimizer(inner, {
    k: options.accumulate,
    nonFinite: 'skip',
    ...(options.clipNorm === undefined ? {} : { clipNorm: options.clipNorm }),
  });
}
