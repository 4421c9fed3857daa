// A model.fit callback like tf.node.tensorBoard, without the native binding.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { scalarSeries } from '@trainkit/tensorboard';
import { createSummaryWriter, readLogdir } from '@trainkit/tensorboard/node';
import { tensorBoardCallback } from '@trainkit/tensorboard/tfjs';

await tf.setBackend('cpu');
const logdir = join(await mkdtemp(join(tmpdir(), 'runs-')), 'fit');
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
      createWriter: createSummaryWriter, // writes with node:fs; in a browser pass writerOptions.fileSystem
      updateFreq: 'batch', // batch_loss every batch, epoch_loss every epoch
      histogramFreq: 1, // weight histograms every epoch
      hparams: { units: 8, optimizer: 'adam' }, // this run in the HParams tab
    }),
  ],
});
tf.dispose([xs, ys]);
model.dispose();

// <logdir>/train: loss; <logdir>/validation: val_loss as epoch_loss; <logdir>: the hparams session
const runs = await readLogdir(logdir);
console.log([...runs.keys()].join(' '));
const train = scalarSeries(runs.get('train')!.events);
console.log(
  `batch_loss: ${train.get('batch_loss')!.length} points, epoch_loss: ${train.get('epoch_loss')!.length}`,
);
const validation = scalarSeries(runs.get('validation')!.events).get('epoch_loss')!;
console.log(
  validation.every((p, i) => p.value === Math.fround(history.history.val_loss![i] as number)),
);
