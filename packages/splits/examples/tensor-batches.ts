import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { miniBatches } from '@trainkit/splits';
import { tensorBatches } from '@trainkit/splits/tfjs';

await tf.setBackend('cpu');
const xs = tf.randomNormal([64, 8]);
const ys = { values: new Int32Array(64), shape: [64], dtype: 'int32' } as const;
const batches = miniBatches(64, { batchSize: 16, seed: 1, epoch: 0 });
for await (const batch of tensorBatches({ x: xs, y: ys }, batches, { depth: 2 })) {
  // model.trainOnBatch(batch.x, batch.y) ...
  console.log(batch.x.shape, batch.y.shape);
  tf.dispose(batch);
}
xs.dispose();
console.log(`${tf.memory().numTensors} tensors left`);
