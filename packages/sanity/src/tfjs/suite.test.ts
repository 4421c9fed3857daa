import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReport, reportFromJSON, reportToJSON } from '../report';
import { labelsFromTargets, runSanityChecks } from './suite';
import {
  disposeModel,
  type MnistSlice,
  mnistSlice,
  smallMlp,
  useWasmBackend,
} from './test-helpers';

useWasmBackend();
let data: MnistSlice;
let test: MnistSlice;
beforeAll(async () => {
  data = await mnistSlice(2000);
  test = await mnistSlice(300, { split: 'test' });
});
afterAll(() => {
  data.dispose();
  test.dispose();
});

const quick = {
  ladder: { sizes: [1, 4, 10, 100], maxSteps: 100 },
  discrete: { configured: true, iterations: 60 },
} as const;

describe('runSanityChecks on MNIST', () => {
  it('passes a healthy MLP on every check, and leaves it untouched', async () => {
    const model = smallMlp({ hidden: [64], learningRate: 2e-3 });
    const weights = model.weights.map((w) => Array.from(w.read().dataSync()));
    const before = tf.memory().numTensors;
    const seen: string[] = [];
    const report = await runSanityChecks(model, data, {
      ...quick,
      test,
      onResult: (r) => seen.push(r.name),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(model.weights.map((w) => Array.from(w.read().dataSync()))).toEqual(weights);
    expect(report.results.map((r) => `${r.name}:${r.status}`)).toEqual([
      'labels:pass',
      'input-scale:pass',
      'duplicates:pass',
      'initial-loss:pass',
      'output-loss-pairing:pass',
      'evaluation-mode:pass',
      'gradient-freshness:pass',
      'overfit-ladder:pass',
      'discrete-lr-test:pass',
      'lr-range-test:pass',
    ]);
    expect(seen).toHaveLength(10);
    expect(report.rangeTest?.suggestion).toBeGreaterThan(0);
    expect(reportFromJSON(JSON.parse(JSON.stringify(reportToJSON(report))))).toEqual({
      status: report.status,
      counts: report.counts,
      results: report.results,
    });
    expect(formatReport(report).split('\n')[0]).toBe('sanity: 0 fail, 0 warn, 10 pass');
    disposeModel(model);
  });

  it('names every planted bug in one run', async () => {
    // Softmax into a from-logits loss, raw 0..255 pixels, labels 1..10 (one-hot depth 10: label 10 is a zero row),
    // and a test row copied into the training set.
    const model = smallMlp({ hidden: [64], outputActivation: 'softmax', loss: 'logits' });
    const raw = tf.mul(data.x, 255);
    const shifted = tf.tidy(() =>
      tf.cast(
        tf.oneHot(
          tf.tensor1d(
            data.labels.map((label) => label + 1),
            'int32',
          ),
          10,
        ),
        'float32',
      ),
    );
    const leaky = tf.tidy(() =>
      tf.concat([
        tf.slice(raw, [0, 0], [1999, 784]),
        tf.mul(tf.slice(test.x, [7, 0], [1, 784]), 255),
      ]),
    );
    const report = await runSanityChecks(
      model,
      { x: leaky, y: shifted },
      {
        checks: ['labels', 'input-scale', 'duplicates', 'output-loss-pairing'],
        test: { x: tf.mul(test.x, 255), y: test.y },
      },
    );
    expect(report.results.map((r) => `${r.name}:${r.status}`)).toEqual([
      'labels:fail',
      'input-scale:fail',
      'duplicates:fail',
      'output-loss-pairing:fail',
    ]);
    expect(report.results[2]!.measurements.testInTrainExamples).toEqual([7, 1999]);
    tf.dispose([raw, shifted, leaky]);
    disposeModel(model);
  });

  it('labelsFromTargets marks rows that are not one-hot', async () => {
    const y = tf.tensor2d([
      [0, 1, 0],
      [0, 0, 0],
      [1, 0, 0],
    ]);
    expect(Array.from(await labelsFromTargets(y))).toEqual([1, -1, 0]);
    y.dispose();
  });
});
