// Tests run on the CPU backend with every gradient registered (tfjs-core alone
// registers none in Node). Packages never do this on import.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { setRelaxedSimdAllowed } from './src/tfjs/simd/instance';

// The bit-exact tests run on the exact SIMD build; the relaxed-simd project
// (*.relaxed.test.ts) tests the relaxed build where the engine runs it.
setRelaxedSimdAllowed(process.env.TRAINKIT_TEST_RELAXED_SIMD === '1');

await tf.setBackend('cpu');
