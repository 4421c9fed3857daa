import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { setLearningRate } from './learning-rate';
import { trainingSnapshot } from './snapshot';

const optimizers: Record<string, () => tf.Optimizer> = {
  sgd: () => tf.train.sgd(0.05),
  momentum: () => tf.train.momentum(0.05, 0.9),
  nesterov: () => tf.train.momentum(0.05, 0.9, true),
  adam: () => tf.train.adam(0.01),
  adamax: () => tf.train.adamax(0.01),
  rmsprop: () => tf.train.rmsprop(0.01, 0.9, 0.5),
  rmspropCentered: () => tf.train.rmsprop(0.01, 0.9, 0.5, 1e-7, true),
  adagrad: () => tf.train.adagrad(0.05),
  adadelta: () => tf.train.adadelta(1),
};

function problem() {
  const x = tf.randomNormal([16, 5], 0, 1, 'float32', 7);
  const y = tf.randomNormal([16, 2], 0, 1, 'float32', 8);
  const w = tf.variable(tf.randomNormal([5, 2], 0, 0.5, 'float32', 9));
  const b = tf.variable(tf.zeros([2]));
  const step = (optimizer: tf.Optimizer) =>
    tf.dispose(
      <tf.Scalar>(
        optimizer.minimize(
          () => tf.losses.meanSquaredError(y, tf.add(tf.matMul(x, w), b)) as tf.Scalar,
          true,
          [w, b],
        )
      ),
    );
  return { step, variables: [w, b], dispose: () => tf.dispose([x, y, w, b]) };
}

async function weightsOf(variables: tf.Variable[], optimizer: tf.Optimizer) {
  const values = variables.map((v) => Array.from(v.dataSync()));
  // tfjs' Adamax has no getWeights; its state shows in the weights after the next steps.
  const state = optimizer.getClassName() === 'Adamax' ? [] : await optimizer.getWeights();
  return [...values, ...state.map((s) => Array.from(s.tensor.dataSync()))];
}

describe('trainingSnapshot', () => {
  for (const [name, create] of Object.entries(optimizers)) {
    it(`${name}: restore continues bit for bit, with no tensor left behind`, async () => {
      for (const warmSteps of [0, 3]) {
        // Reference: warm steps, then 4 steps.
        const reference = problem();
        const referenceOptimizer = create();
        for (let i = 0; i < warmSteps + 4; i++) reference.step(referenceOptimizer);
        const expected = await weightsOf(reference.variables, referenceOptimizer);

        const run = problem();
        const optimizer = create();
        for (let i = 0; i < warmSteps; i++) run.step(optimizer);
        const before = tf.memory().numTensors;
        const snapshot = trainingSnapshot({ variables: run.variables, optimizer });
        for (const lr of [0.3, 1e-4, 2]) {
          setLearningRate('test', optimizer, lr);
          run.step(optimizer);
        }
        snapshot.restore();
        snapshot.dispose();
        expect(tf.memory().numTensors).toBe(before);
        for (let i = 0; i < 4; i++) run.step(optimizer);
        expect(await weightsOf(run.variables, optimizer)).toEqual(expected);
        expect(optimizer.iterations).toBe(referenceOptimizer.iterations);
        reference.dispose();
        run.dispose();
        referenceOptimizer.dispose();
        optimizer.dispose();
      }
    });
  }

  it('restores several times, and refuses after dispose', () => {
    const run = problem();
    const optimizer = tf.train.adam(0.1);
    const snapshot = trainingSnapshot({ variables: run.variables, optimizer });
    const start = Array.from(run.variables[0]!.dataSync());
    for (let round = 0; round < 3; round++) {
      run.step(optimizer);
      snapshot.restore();
      expect(Array.from(run.variables[0]!.dataSync())).toEqual(start);
    }
    snapshot.dispose();
    expect(() => snapshot.restore()).toThrow(
      /trainingSnapshot: snapshot must be a snapshot that was not disposed/,
    );
    run.dispose();
    optimizer.dispose();
  });

  it('validates its arguments', () => {
    expect(() =>
      trainingSnapshot({ variables: [tf.zeros([1]) as unknown as tf.Variable] }),
    ).toThrow(/trainingSnapshot: variables\[0\] must be a tf.Variable/);
    expect(() => trainingSnapshot({ variables: [], optimizer: {} as tf.Optimizer })).toThrow(
      /optimizer must be a tf.Optimizer/,
    );
  });
});
