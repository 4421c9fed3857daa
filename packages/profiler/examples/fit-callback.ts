import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { toChromeTrace } from '@trainkit/profiler';
import { profilerCallback } from '@trainkit/profiler/tfjs';

await tf.setBackend('cpu');
const xs = tf.randomNormal([1024, 16]);
const ys = tf.oneHot(tf.randomUniform([1024], 0, 4, 'int32'), 4);
const model = tfl.sequential({
  layers: [
    tfl.layers.dense({ units: 32, activation: 'relu', inputShape: [16] }),
    tfl.layers.dense({ units: 4, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });

const callback = profilerCallback({ log: (text) => console.log(text), logEveryEpoch: true });
await model.fit(xs, ys, { epochs: 3, batchSize: 64, validationSplit: 0.1, callbacks: [callback] });
// the report is logged at the end; the data stay available:
const trace = toChromeTrace(callback.profiler.state());
console.log(`${trace.traceEvents.length} trace events`);
