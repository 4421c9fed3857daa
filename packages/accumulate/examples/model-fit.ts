import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { AccumulatingOptimizer, registerAccumulatingOptimizer } from '@trainkit/accumulate';
import { accumulationCallback } from '@trainkit/accumulate/tfjs';

await tf.setBackend('cpu');

const xs = tf.randomNormal([100, 20], 0, 1, 'float32', 1);
const ys = tf.oneHot(tf.randomUniform([100], 0, 3, 'int32', 2), 3);
const model = tfl.sequential({
  layers: [
    tfl.layers.dense({ units: 16, inputShape: [20], activation: 'relu' }),
    tfl.layers.dense({ units: 3, activation: 'softmax' }),
  ],
});

// Batches of 8, one update per 4 of them: the same training as batchSize 32.
const optimizer = new AccumulatingOptimizer(tf.train.adam(0.01), { k: 4 });
model.compile({ optimizer, loss: 'categoricalCrossentropy' });
await model.fit(xs, ys, {
  batchSize: 8,
  epochs: 3,
  verbose: 0,
  // Tells the optimizer each batch's size and applies the epoch's last,
  // partial group (32 + 32 + 32 + 4 samples per epoch) before validation.
  callbacks: [accumulationCallback(optimizer)],
});
console.log(`${optimizer.iterations} updates`); // 12

// Save with the optimizer state (pending micro-batches included) and reload.
registerAccumulatingOptimizer();
let saved: tf.io.ModelArtifacts | undefined;
await model.save(
  tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }),
  { includeOptimizer: true },
);
const restored = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
console.log(
  `restored: ${restored.optimizer.getClassName()}, ${restored.optimizer.iterations} updates`,
);
