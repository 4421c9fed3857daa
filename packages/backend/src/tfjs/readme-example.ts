/**
 * The README's quick start, kept here so that `tsc` type-checks it and a test
 * runs it. Not exported from the package.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers'; // also registers the gradients
import { formatBackendSelection } from '../backend-selection';
import { selectBackend } from './select-backend';

export async function readmeQuickStart(log: (line: string) => void = console.log) {
  const selection = await selectBackend(); // or { backend: 'wasm' } to force one
  log(formatBackendSelection(selection));

  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 16,
        kernelSize: 3,
        activation: 'relu',
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return { selection, model };
}
