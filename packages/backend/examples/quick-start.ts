// Select the fastest backend that trains, then build and compile a model as usual.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers'; // also registers the gradients
import { formatBackendSelection, selectBackend } from '@trainkit/backend';

const selection = await selectBackend(); // or { backend: 'wasm' } to force one
console.log(formatBackendSelection(selection));
// backend: wasm (SIMD; 1 thread; 28 trainkit training kernels) - the native backend is not available; WebAssembly is the fastest backend that loads
//   tensorflow: no - not installed (optional peer @tensorflow/tfjs-node)
//   wasm: yes - SIMD binary from /app/node_modules/@tensorflow/tfjs-backend-wasm/dist/

const model = tfl.sequential({
  layers: [
    tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu' }),
    tfl.layers.maxPooling2d({ poolSize: 2 }),
    tfl.layers.flatten(),
    tfl.layers.dense({ units: 10, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
// await model.fit(xs, ys, { batchSize: 128, epochs: 1 });  // trains on wasm too
