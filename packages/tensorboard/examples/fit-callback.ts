// A model.fit callback like tf.node.tensorBoard, without the native binding.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { tensorBoardCallback } from '@trainkit/tensorboard/tfjs';

export async function fitCallbackExample(logdir = 'runs/fit') {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }),
      tfl.layers.dense({ units: 1 }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  const xs = tf.randomNormal([64, 4]);
  const ys = tf.sum(xs, 1, true);
  const history = await model.fit(xs, ys, {
    epochs: 3,
    batchSize: 16,
    validationSplit: 0.25,
    verbose: 0,
    callbacks: [
      tensorBoardCallback(logdir, {
        updateFreq: 'batch', // batch_loss every batch, epoch_loss every epoch
        histogramFreq: 1, // weight histograms every epoch
        hparams: { units: 8, optimizer: 'adam' }, // this run in the HParams tab
      }),
    ],
  });
  tf.dispose([xs, ys]);
  model.dispose();
  return history; // <logdir>/train: loss; <logdir>/validation: val_loss as epoch_loss
}
