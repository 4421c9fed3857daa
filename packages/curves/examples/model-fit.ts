import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createHistory, curvesSvg } from '@trainkit/curves';
import { earlyStoppingCallback, historyCallback } from '@trainkit/curves/tfjs';

await tf.setBackend('cpu');
// A toy 3-class problem: 24 training samples, half of their labels wrong (easy to
// overfit), and 200 clean validation samples.
const rule = tf.tensor2d([1, -1, 0.5, 0, 1, -1, -1, 0.5, 1, 0.5, 0, -1], [4, 3]);
const labelsOf = (inputs: tf.Tensor2D) =>
  tf.tidy(() => tf.cast(tf.oneHot(tf.argMax(tf.matMul(inputs, rule), 1), 3), 'float32'));
const x = tf.randomUniform([24, 4], -1, 1, 'float32', 1) as tf.Tensor2D;
const y = tf.tidy(() => {
  const clean = labelsOf(x);
  const flip = tf.less(tf.randomUniform([24, 1], 0, 1, 'float32', 2), 0.5);
  const rolled = tf.concat([tf.slice(clean, [0, 1], [-1, 2]), tf.slice(clean, [0, 0], [-1, 1])], 1);
  return tf.where(tf.tile(flip, [1, 3]), rolled, clean);
});
const xVal = tf.randomUniform([200, 4], -1, 1, 'float32', 3) as tf.Tensor2D;
const yVal = labelsOf(xVal);
const model = tfl.sequential({
  layers: [
    tfl.layers.dense({ units: 64, activation: 'relu', inputShape: [4] }),
    tfl.layers.dense({ units: 3, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });

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
console.log(JSON.stringify(stopper.state)); // { epoch, best, bestEpoch, wait, stoppedEpoch, ... }
console.log(recorder.diagnosis?.verdicts.map((v) => v.kind));
const svg = curvesSvg(history); // overfitting onset marked if diagnosed
// The model holds the best epoch's weights again:
const restored = model.evaluate(xVal, yVal) as tf.Scalar;
console.log(
  `validation loss ${restored.dataSync()[0]!.toFixed(4)}, best ${stopper.state.best!.toFixed(4)}`,
);
console.log(`${svg.length} bytes of SVG`);
tf.dispose([x, y, xVal, yVal, rule, restored]);
