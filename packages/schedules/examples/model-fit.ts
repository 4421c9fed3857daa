import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  oneCycle,
  oneCycleMomentum,
  reduceOnPlateauFromJSON,
  reduceOnPlateauToJSON,
} from '@trainkit/schedules';
import { batchLearningRateScheduler, reduceLearningRateOnPlateau } from '@trainkit/schedules/tfjs';

await tf.setBackend('cpu');
const model = tfl.sequential({
  layers: [
    tfl.layers.dense({ units: 16, activation: 'relu', inputShape: [4] }),
    tfl.layers.dense({ units: 1 }),
  ],
});
model.compile({ optimizer: tf.train.momentum(0.01, 0.9), loss: 'meanSquaredError' });
const x = tf.randomNormal([256, 4]);
const y = tf.randomNormal([256, 1]);

const epochs = 4;
const batchSize = 32;
const totalSteps = epochs * Math.ceil(256 / batchSize); // optimizer updates in the run
const cycle = { maxValue: 0.05, totalSteps };
const history = await model.fit(x, y, {
  epochs,
  batchSize,
  verbose: 0,
  callbacks: [
    batchLearningRateScheduler({ schedule: oneCycle(cycle), momentum: oneCycleMomentum(cycle) }),
  ],
});
// The rate and momentum of the last update of each epoch (steps 7, 15, 23, 31):
console.log(history.history.learning_rate);
console.log(history.history.momentum);

// Reduce on plateau as a callback: `state` is readable at any time and can be passed back.
const onPlateau = reduceLearningRateOnPlateau({ monitor: 'val_loss', patience: 3, factor: 0.5 });
await model.fit(x, y, { epochs: 5, validationSplit: 0.25, verbose: 0, callbacks: [onPlateau] });
const checkpoint = JSON.stringify(reduceOnPlateauToJSON(onPlateau.state!));

// later, with the model and optimizer restored:
const resumed = reduceLearningRateOnPlateau({
  monitor: 'val_loss',
  patience: 3,
  factor: 0.5,
  state: reduceOnPlateauFromJSON(checkpoint),
});
await model.fit(x, y, { epochs: 1, validationSplit: 0.25, verbose: 0, callbacks: [resumed] });
console.log(`plateau state after ${resumed.state!.epochs} epochs`);
tf.dispose([x, y]);
