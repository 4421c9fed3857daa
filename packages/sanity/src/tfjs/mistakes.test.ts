import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { checkEvaluationMode, checkTrainingLossAgreement } from './evaluation-mode';
import { checkGradientFreshness } from './gradient-freshness';
import { checkInitialLoss } from './initial-loss';
import { checkOutputLossPairing } from './output-loss-pairing';
import { disposeModel, smallMlp, useMnistSlice } from './test-helpers';

const data = useMnistSlice(512);

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

describe('checkEvaluationMode on MNIST', () => {
  it('fails dropout left on at evaluation; passes inference-mode evaluation', () => {
    const model = smallMlp({ dropout: 0.5 });
    const buggy = checkEvaluationMode(model, data, {
      evaluate: (x) => model.apply(x, { training: true }) as tf.Tensor,
    });
    expect(buggy.status).toBe('fail');
    expect(buggy.summary).toMatch(/^evaluating the same inputs twice gives different outputs/);
    expect(buggy.measurements.repeatDifference).toBeGreaterThan(0.01);
    const before = tf.memory().numTensors;
    const healthy = checkEvaluationMode(model, data, {
      evaluate: (x) => model.predict(x) as tf.Tensor,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(healthy.status, healthy.summary).toBe('pass');
    expect(healthy.measurements.repeatDifference).toBe(0);
    expect(healthy.measurements.modeDifference).toBeGreaterThan(0.01);
    expect(healthy.measurements.modeLayers).toMatch(/^dropout/);
    disposeModel(model);
  });

  it('fails batch normalization in training mode at evaluation, and leaves its statistics alone', () => {
    const model = smallMlp({ batchNorm: true });
    const statistics = () => model.weights.map((w) => Array.from(w.read().dataSync()));
    const saved = statistics();
    const buggy = checkEvaluationMode(model, data, {
      evaluate: (x) => model.apply(x, { training: true }) as tf.Tensor,
    });
    expect(buggy.status).toBe('fail');
    expect(buggy.measurements.repeatDifference).toBe(0);
    expect(buggy.measurements.batchDifference).toBeGreaterThan(1e-3);
    expect(buggy.summary).toMatch(/depend on the other rows in its batch/);
    expect(statistics()).toEqual(saved);
    const healthy = checkEvaluationMode(model, data);
    expect(healthy.status, healthy.summary).toBe('pass');
    expect(healthy.measurements.modeLayers).toMatch(/^batch_normalization/);
    disposeModel(model);
  });

  it('warns when a dropout layer does nothing in training mode', () => {
    const model = smallMlp({ dropout: 0.5 });
    const target = {
      variables: model.trainableWeights.map((w) => w.read() as tf.Variable),
      optimizer: model.optimizer,
      loss: (x: tf.Tensor, y: tf.Tensor) =>
        tf.losses.softmaxCrossEntropy(y, model.predict(x) as tf.Tensor) as tf.Scalar,
      predict: (x: tf.Tensor) => model.predict(x) as tf.Tensor,
      // The bug: the training forward pass never passes training: true.
      predictTraining: (x: tf.Tensor) => model.predict(x) as tf.Tensor,
    };
    const result = checkEvaluationMode(target, data);
    // A custom loop does not list its layers; the mode difference is measured and reported.
    expect(result.measurements.modeDifference).toBe(0);
    disposeModel(model);
  });
});

describe('checkTrainingLossAgreement on MNIST', () => {
  it('fails an evaluation that skips the input scaling; passes the real one', async () => {
    const model = smallMlp({ learningRate: 3e-3 });
    const batchLosses: number[] = [];
    await model.fit(data.x, data.y, {
      epochs: 3,
      batchSize: 64,
      verbose: 0,
      callbacks: new tfl.CustomCallback({
        onBatchEnd: async (_, logs) => void batchLosses.push(logs!.loss as number),
      }),
    });
    const trackedLoss = batchLosses.slice(-8).reduce((a, b) => a + b, 0) / 8;
    const healthy = checkTrainingLossAgreement(model, data, { trackedLoss });
    expect(healthy.status, healthy.summary).toBe('pass');
    // The bug: evaluation feeds raw 0..255 pixels, training fed [0, 1].
    const buggy = checkTrainingLossAgreement(model, data, {
      trackedLoss,
      evaluate: (x) => model.predict(tf.mul(x, 255)) as tf.Tensor,
    });
    expect(buggy.status).toBe('fail');
    expect(buggy.measurements.ratio).toBeGreaterThan(2);
    disposeModel(model);
  });
});

describe('checkGradientFreshness on MNIST', () => {
  function linearModel() {
    const w = tf.variable(tf.randomNormal([784, 10], 0, 0.01, 'float32', 11));
    const b = tf.variable(tf.zeros([10]));
    const variables = [w, b];
    const logits = (x: tf.Tensor) => tf.add(tf.matMul(x, w), b);
    const loss = (x: tf.Tensor, y: tf.Tensor) =>
      tf.losses.softmaxCrossEntropy(y, logits(x)) as tf.Scalar;
    const optimizer = tf.train.adam(0.01);
    const dispose = () => {
      tf.dispose(variables);
      optimizer.dispose();
    };
    return { variables, loss, optimizer, predict: logits, dispose };
  }

  it('passes a step with fresh gradients, leaving weights and optimizer as they were', async () => {
    const model = linearModel();
    const target = { variables: model.variables, loss: model.loss, optimizer: model.optimizer };
    const weights = model.variables.map((v) => Array.from(v.dataSync()));
    const before = tf.memory().numTensors;
    const result = await checkGradientFreshness(target, data);
    expect(tf.memory().numTensors).toBe(before);
    expect(result.status, result.summary).toBe('pass');
    expect(result.measurements.updateNorm).toBeGreaterThan(0);
    expect(model.variables.map((v) => Array.from(v.dataSync()))).toEqual(weights);
    expect(model.optimizer.iterations).toBe(0);
    model.dispose();
  });

  it('fails gradients summed across steps (the missing zero_grad)', async () => {
    const model = linearModel();
    let sum: tf.NamedTensorMap | undefined;
    const step = (x: tf.Tensor, y: tf.Tensor) => {
      const { value, grads } = tf.variableGrads(() => model.loss(x, y), model.variables);
      if (sum === undefined) sum = grads;
      else {
        const next: tf.NamedTensorMap = {};
        for (const key of Object.keys(grads)) next[key] = tf.keep(tf.add(sum[key]!, grads[key]!));
        tf.dispose([...Object.values(sum), ...Object.values(grads)]);
        sum = next;
      }
      model.optimizer.applyGradients(sum as tf.NamedTensorMap as never);
      value.dispose();
    };
    const result = await checkGradientFreshness(model, data, { step });
    expect(result.status).toBe('fail');
    // Adam's first update is lr * sign(g): blind to a doubled gradient (repeat), not to another batch's.
    expect(result.measurements.repeatDifference).toBeLessThan(1e-4);
    expect(result.measurements.afterOtherBatchDifference).toBeGreaterThan(0.1);
    tf.dispose(Object.values(sum!));
    model.dispose();
  });

  /** Accumulates k micro-batches, applies their mean; `reset: false` is the planted bug. */
  function accumulator(model: ReturnType<typeof linearModel>, k: number, reset: boolean) {
    let buffer: tf.NamedTensorMap | undefined;
    let micro = 0;
    return (x: tf.Tensor, y: tf.Tensor) => {
      const { value, grads } = tf.variableGrads(() => model.loss(x, y), model.variables);
      value.dispose();
      if (buffer === undefined) buffer = grads;
      else {
        const next: tf.NamedTensorMap = {};
        for (const key of Object.keys(grads))
          next[key] = tf.keep(tf.add(buffer[key]!, grads[key]!));
        tf.dispose([...Object.values(buffer), ...Object.values(grads)]);
        buffer = next;
      }
      micro++;
      if (micro % k === 0) {
        const mean = tf.tidy(() => {
          const out: tf.NamedTensorMap = {};
          for (const key of Object.keys(buffer!)) out[key] = tf.div(buffer![key]!, k);
          return out;
        });
        model.optimizer.applyGradients(mean as never);
        tf.dispose(Object.values(mean));
        if (reset) {
          tf.dispose(Object.values(buffer));
          buffer = undefined;
        }
      }
    };
  }

  it('fails an accumulation wrapper that never resets; passes one that does', async () => {
    const broken = linearModel();
    const failing = await checkGradientFreshness(broken, data, {
      step: accumulator(broken, 4, false),
      accumulationSteps: 4,
    });
    expect(failing.status).toBe('fail');
    expect(failing.summary).toMatch(/4 micro-steps/);
    broken.dispose();
    const healthy = linearModel();
    const passing = await checkGradientFreshness(healthy, data, {
      step: accumulator(healthy, 4, true),
      accumulationSteps: 4,
    });
    expect(passing.status, passing.summary).toBe('pass');
    healthy.dispose();
  });

  it('passes a layers model trained with trainOnBatch', async () => {
    const model = smallMlp();
    const result = await checkGradientFreshness(model, data);
    expect(result.status, result.summary).toBe('pass');
    disposeModel(model);
  });
});
