// The CPU backend with every gradient registered (tfjs-core alone registers none in Node).
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';

await tf.setBackend('cpu');
