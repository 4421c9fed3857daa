import * as tf from '@tensorflow/tfjs-core';
import { AccumulatingOptimizer } from '@trainkit/accumulate';
import { fusedAdam } from '@trainkit/backend';
import type { TrainOptions } from './options';

/** Adam's, RMSProp's and Momentum's constructor momentum (beta1 for Adam). */
export const initialMomentum = 0.9;

/**
 * The run's optimizer: the chosen tfjs optimizer inside an
 * AccumulatingOptimizer (k micro-batches per update, optional clipping,
 * micro-batches with non-finite gradients skipped and counted). Adam is
 * `fusedAdam` (@trainkit/backend): one kernel per variable update on the
 * WebAssembly backend with trainkit's kernels, `tf.train.adam` itself
 * elsewhere; the same weights bit for bit either way (same class name and
 * state, so checkpoints are interchangeable). `nonFinite: 'propagate'` is
 * for a caller that checks the gradients itself before `accumulate` (the
 * training step does, with one SIMD pass instead of the optimizer's float32
 * sums over every gradient).
 */
export function buildOptimizer(
  options: Pick<TrainOptions, 'optimizer' | 'learningRate' | 'accumulate' | 'clipNorm'>,
  nonFinite: 'skip' | 'propagate' = 'skip',
): AccumulatingOptimizer {
  const inner = (() => {
    switch (options.optimizer) {
      case 'adam':
        return fusedAdam(options.learningRate, initialMomentum, 0.999);
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
    nonFinite,
    ...(options.clipNorm === undefined ? {} : { clipNorm: options.clipNorm }),
  });
}
