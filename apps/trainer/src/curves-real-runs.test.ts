// Learning-curve diagnosis on real short training runs: small MLPs on MNIST slices,
// CPU backend, seeded initializers, no shuffling, so every run is deterministic.
// Each run is recorded with @trainkit/curves' historyCallback and diagnosed when
// training ends; the three classic failure modes must be named.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createHistory, type Diagnosis, type TrainingHistory } from '@trainkit/curves';
import { historyCallback } from '@trainkit/curves/tfjs';
import { loadMnist, type MnistData } from '@trainkit/mnist';
import { beforeAll, describe, expect, it } from 'vitest';

let mnist: MnistData;

beforeAll(async () => {
  await tf.setBackend('cpu');
  mnist = await loadMnist({ split: 'train', limit: 1_500 });
});

/** Images [start, start + count) as [count, 784] and one-hot labels [count, 10]. */
function slice(start: number, count: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => ({
    x: tf.tensor2d(mnist.images.subarray(start * 784, (start + count) * 784), [count, 784]),
    y: tf.cast(
      tf.oneHot(tf.tensor1d(mnist.labels.subarray(start, start + count), 'int32'), 10),
      'float32',
    ) as tf.Tensor2D,
  }));
}

/** A 784-64-10 MLP with seeded initializers. */
function mlp(optimizer: tf.Optimizer): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 64,
        activation: 'relu',
        inputShape: [784],
        kernelInitializer: tfl.initializers.heNormal({ seed: 1 }),
      }),
      tfl.layers.dense({
        units: 10,
        activation: 'softmax',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  return model;
}

interface RunResult {
  readonly history: TrainingHistory;
  readonly diagnosis: Diagnosis;
  readonly logged: string[];
}

/** Trains on samples [0, trainCount) and validates on the next validationCount after every epoch. */
async function run(
  name: string,
  optimizer: tf.Optimizer,
  trainCount: number,
  validationCount: number,
  epochs: number,
): Promise<RunResult> {
  const train = slice(0, trainCount);
  const validation = slice(trainCount, validationCount);
  const model = mlp(optimizer);
  const history = createHistory({ name });
  const logged: string[] = [];
  const callback = historyCallback({ history, log: (text) => logged.push(text) });
  await model.fit(train.x, train.y, {
    epochs,
    batchSize: 30,
    shuffle: false,
    validationData: [validation.x, validation.y],
    verbose: 0,
    callbacks: [callback],
  });
  model.dispose();
  optimizer.dispose();
  tf.dispose([train.x, train.y, validation.x, validation.y]);
  return { history, diagnosis: callback.diagnosis!, logged };
}

const kinds = (diagnosis: Diagnosis) => diagnosis.verdicts.map((verdict) => verdict.kind);

describe('curves diagnosis on real MNIST runs', () => {
  it('overfitting a tiny training set (150 samples, Adam 3e-3, 30 epochs) is diagnosed as overfitting', async () => {
    const { history, diagnosis, logged } = await run(
      'tiny train set',
      tf.train.adam(3e-3),
      150,
      200,
      30,
    );
    expect(kinds(diagnosis)).toEqual(['overfitting']);
    const verdict = diagnosis.verdicts[0]!;
    // The onset is the best validation epoch: early in the run, after the fast first fall.
    const best = Math.min(...history.validation.values);
    const bestIteration = history.validation.iterations[history.validation.values.indexOf(best)]!;
    expect(verdict.range.start).toBeGreaterThan(20);
    expect(verdict.range.start).toBeLessThan(120);
    expect(Math.abs(verdict.range.start - bestIteration)).toBeLessThanOrEqual(10);
    // Training keeps falling far below its level at the onset while validation ends higher.
    expect(verdict.evidence.finalTraining!).toBeLessThan(0.5 * verdict.evidence.trainingAtOnset!);
    expect(history.validation.values.at(-1)!).toBeGreaterThan(1.1 * best);
    expect(logged[0]).toContain('[warning] overfitting');
  });

  it('a too-small learning rate (SGD 0.005) is diagnosed as still falling (underfitting)', async () => {
    const { history, diagnosis } = await run('lr 0.005', tf.train.sgd(0.005), 600, 300, 8);
    expect(kinds(diagnosis)).toEqual(['underfitting']);
    // Both curves fell steadily and are far from converged.
    expect(history.validation.values.at(-1)!).toBeGreaterThan(1.2);
    expect(diagnosis.train!.endTrend!.relativeChange).toBeLessThan(-0.05);
    expect(diagnosis.validation!.endTrend!.direction).toBe('falling');
  });

  it('a too-large learning rate (SGD 5) is diagnosed as divergence', async () => {
    const { history, diagnosis } = await run('lr 5', tf.train.sgd(5), 300, 300, 4);
    expect(kinds(diagnosis)).toEqual(['divergence']);
    expect(diagnosis.verdicts[0]!.severity).toBe('critical');
    // The first batch loss is about ln(10) and the loss ends several times higher.
    expect(history.train.values[0]!).toBeCloseTo(Math.log(10), 0);
    expect(diagnosis.verdicts[0]!.evidence.ratio!).toBeGreaterThan(3);
  });
});
