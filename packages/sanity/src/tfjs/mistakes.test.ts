import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInitialLoss } from './initial-loss';
import { disposeModel, type MnistSlice, mnistSlice, smallMlp } from './mnist.test-helpers';
import { checkOutputLossPairing } from './output-loss-pairing';

let data: MnistSlice;
beforeAll(async () => {
  data = await mnistSlice(512);
});
afterAll(() => data.dispose());

describe('checkInitialLoss on MNIST', () => {
  it('passes a healthy MLP near ln(10)', () => {
    const model = smallMlp();
    const before = tf.memory().numTensors;
    const result = checkInitialLoss(model, data);
    expect(tf.memory().numTensors).toBe(before);
    expect(result.status).toBe('pass');
    expect(result.measurements.loss).toBeGreaterThan(2.25);
    expect(result.measurements.loss).toBeLessThan(2.45);
    expect(result.measurements.expected).toBeCloseTo(Math.log(10), 12);
    expect(result.measurements.meanConfidence).toBeLessThan(0.2);
    disposeModel(model);
  });

  it('fails a huge initialization (N(0, 1) weights): the loss starts hundreds of times too high', () => {
    const model = smallMlp({
      hidden: [256, 128],
      kernelInitializer: (() => {
        let seed = 5;
        return () => tfl.initializers.randomNormal({ stddev: 1, seed: seed++ });
      })(),
    });
    const result = checkInitialLoss(model, data);
    expect(result.status).toBe('fail');
    expect(result.measurements.ratio).toBeGreaterThan(50);
    expect(result.summary).toMatch(
      /^initial loss \d+(\.\d+)?, expected ln\(10\) = 2.303: \d+(\.\d+)?x too high$/,
    );
    disposeModel(model);
  });
});

describe('checkOutputLossPairing on MNIST', () => {
  it('fails softmax outputs fed to a from-logits loss', () => {
    const model = smallMlp({ outputActivation: 'softmax', loss: 'logits' });
    const result = checkOutputLossPairing(model, data);
    expect(result.status).toBe('fail');
    expect(result.measurements).toMatchObject({
      lossExpects: 'logits',
      outputsLookLike: 'probabilities',
      lastActivation: 'softmax',
    });
    expect(result.advice[0]).toMatch(/^Remove the final softmax/);
    disposeModel(model);
  });

  it('fails logits fed to a probability loss', () => {
    const model = smallMlp({ outputActivation: 'linear', loss: 'categoricalCrossentropy' });
    const result = checkOutputLossPairing(model, data);
    expect(result.status).toBe('fail');
    expect(result.measurements).toMatchObject({
      lossExpects: 'probabilities',
      outputsLookLike: 'logits',
      loss: 'categoricalCrossentropy',
    });
    disposeModel(model);
  });

  it('passes both healthy pairings, with no tensor left behind', () => {
    for (const [outputActivation, loss] of [
      ['linear', 'logits'],
      ['softmax', 'categoricalCrossentropy'],
    ] as const) {
      const model = smallMlp({ outputActivation, loss });
      const before = tf.memory().numTensors;
      const result = checkOutputLossPairing(model, data);
      expect(tf.memory().numTensors).toBe(before);
      expect(result.status, result.summary).toBe('pass');
      expect(result.advice).toEqual([]);
      disposeModel(model);
    }
  });

  it('probes custom loops and skips losses that are not cross-entropy', () => {
    const w = tf.variable(tf.randomNormal([784, 10], 0, 0.01, 'float32', 3));
    const predict = (x: tf.Tensor) => tf.matMul(x, w);
    const optimizer = tf.train.sgd(0.1);
    const target = {
      variables: [w],
      optimizer,
      loss: (x: tf.Tensor, y: tf.Tensor) =>
        tf.losses.softmaxCrossEntropy(y, predict(x)) as tf.Scalar,
      predict,
      lossFunction: (y: tf.Tensor, p: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, p),
    };
    expect(checkOutputLossPairing(target, data).status).toBe('pass');
    const mse = checkOutputLossPairing(
      { ...target, lossFunction: (y, p) => tf.losses.meanSquaredError(y, p) },
      data,
    );
    expect(mse.status).toBe('skipped');
    expect(mse.measurements.lossExpects).toBe('unknown');
    tf.dispose(w);
  });
});
