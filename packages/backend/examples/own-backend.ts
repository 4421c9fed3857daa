// Only the fill-ins: you pick the backend yourself, trainkit adds the training kernels.
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels } from '@trainkit/backend';

await tf.setBackend('wasm');
registerWasmTrainingKernels(); // or { kernels: ['Conv2DBackpropFilter'] }; returns what it registered
console.log(tf.getBackend(), tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined); // wasm true
// … train …
unregisterWasmTrainingKernels(); // restores the stock kernels exactly
