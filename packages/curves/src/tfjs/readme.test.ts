// The README's model.fit example, as written, with its claims asserted.

import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createHistory, curvesSvg } from '@trainkit/curves';
import { earlyStoppingCallback, historyCallback } from '@trainkit/curves/tfjs';
import { describe, expect, it } from 'vitest';

describe('README: model.fit callbacks', () => {
  it('records, diagnoses, stops early and restores the best weights', async () => {
    // A toy 3-class problem: a few noisy training samples, clean validation samples.
    const rule = tf.tensor2d([1, -1, 0.5, 0, 1, -1, -1, 0.5, 1, 0.5, 0, -1], [4, 3]);
    const labelsOf = (inputs: tf.Tensor2D) =>
      tf.tidy(() => tf.cast(tf.oneHot(tf.argMax(tf.matMul(inputs, rule), 1), 3), 'float32'));
    const x = tf.randomUniform([24, 4], -1, 1, 'float32', 1) as tf.Tensor2D;
    // Half of the training labels are wrong (rolled by one class): easy to overfit.
    const y = tf.tidy(() => {
      const clean = labelsOf(x);
      const flip = tf.less(tf.randomUniform([24, 1], 0, 1, 'float32', 2), 0.5);
      return tf.where(
        tf.tile(flip, [1, 3]),
        tf.concat([tf.slice(clean, [0, 1], [-1, 2]), tf.slice(clean, [0, 0], [-1, 1])], 1),
        clean,
      );
    });
    const xVal = tf.randomUniform([200, 4], -1, 1, 'float32', 3) as tf.Tensor2D;
    const yVal = labelsOf(xVal);

    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({
          units: 64,
          activation: 'relu',
          inputShape: [4],
          kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
        }),
        tfl.layers.dense({
          units: 3,
          activation: 'softmax',
          kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
        }),
      ],
    });
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });

    // README example starts here.
    const history = createHistory({ name: 'toy' });
    const recorder = historyCallback({ history, trainingSet: { x, y } }); // logs the diagnosis at the end
    const stopper = earlyStoppingCallback({ patience: 5, restoreBestWeights: true });
    await model.fit(x, y, {
      epochs: 200,
      batchSize: 8,
      validationData: [xVal, yVal],
      callbacks: [recorder, stopper],
      verbose: 0,
    });
    console.log(stopper.state); // { bestEpoch, stoppedEpoch, best, ... }
    console.log(recorder.diagnosis?.verdicts.map((v) => v.kind));
    const svg = curvesSvg(history); // overfitting onset marked if diagnosed
    // README example ends here.

    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(
      'const recorder = historyCallback({ history, trainingSet: { x, y } }); // logs the diagnosis at the end',
    );
    expect(readme).toContain('earlyStoppingCallback({ patience: 5, restoreBestWeights: true });');
    expect(stopper.state.stoppedEpoch).not.toBeNull();
    const best = Math.min(...history.validation.values);
    expect(stopper.state.best).toBe(best);
    const evaluated = model.evaluate(xVal, yVal) as tf.Scalar;
    expect(evaluated.dataSync()[0]).toBeCloseTo(best, 5);
    expect(history.trainingEvaluation.values.length).toBe(history.validation.values.length);
    expect(svg).toContain('<title>loss</title>');
    tf.dispose([x, y, xVal, yVal, evaluated, rule]);
    model.dispose();
  });
});
