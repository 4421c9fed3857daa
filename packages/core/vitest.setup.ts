// Tests run on the CPU backend with every gradient registered (tfjs-core alone
// registers none in Node). Packages never do this on import.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';

await tf.setBackend('cpu');
