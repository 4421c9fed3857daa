// The bare tfjs training loop of the peer comparisons (bench/peers.mjs and the
// time-to-accuracy section) and what the PyTorch peer needs to mirror it: the shared shuffled
// order, MNIST arrays cached as raw files for the peer, the model's layer list, one training
// step and the chunked test accuracy.
import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { seedDropout } from '../trainer-model.mjs';
import { cacheDir, mulberry32 } from './common.mjs';

/** The permutation of 0..count-1 both frameworks share (Fisher-Yates on mulberry32(seed)). */
export function permutation(count, seed) {
  const random = mulberry32(seed);
  const order = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i];
    order[i] = order[j];
    order[j] = swap;
  }
  return order;
}

/** Writes a typed array's bytes to bench/.cache/<name> (atomically, unless the same size is there); returns the path. */
export function writeCached(name, typed) {
  const path = join(cacheDir, name);
  const bytes = Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength);
  if (!existsSync(path) || statSync(path).size !== bytes.length) {
    writeFileSync(`${path}.tmp`, bytes);
    renameSync(`${path}.tmp`, path);
  }
  return path;
}

/** The layer list bench/torch_peer.py builds its mirror from (tfjs configs, reduced to what it mirrors). */
export function layerSpec(model) {
  const spec = [{ type: 'input', shape: model.inputs[0].shape.slice(1) }];
  const pair = (v) => (Array.isArray(v) ? v : [v, v]);
  for (const layer of model.layers) {
    const name = layer.getClassName();
    const config = layer.getConfig();
    if (name === 'Dense') {
      spec.push({
        type: 'dense',
        units: config.units,
        inFeatures: layer.getWeights()[0].shape[0],
        activation: config.activation,
      });
    } else if (name === 'Conv2D') {
      spec.push({
        type: 'conv2d',
        filters: config.filters,
        kernelSize: pair(config.kernel_size ?? config.kernelSize),
        strides: pair(config.strides),
        padding: config.padding,
        activation: config.activation,
      });
    } else if (name === 'MaxPooling2D') {
      const pool = pair(config.pool_size ?? config.poolSize);
      spec.push({
        type: 'maxPooling2d',
        poolSize: pool,
        strides: pair(config.strides ?? pool),
        padding: config.padding,
      });
    } else if (name === 'Flatten') spec.push({ type: 'flatten' });
    else if (name === 'Dropout' || name === 'TrainkitSeededDropout') {
      spec.push({ type: 'dropout', rate: config.rate ?? layer.rate });
    } else throw new Error(`bench: the PyTorch peer does not mirror a ${name} layer`);
  }
  return spec;
}

/** Copies rows `order[start .. start + rows)` of the images/labels into the batch buffers. */
export function gather(images, labels, order, start, rows, xBuf, yBuf) {
  for (let r = 0; r < rows; r++) {
    const i = order[start + r];
    xBuf.set(images.subarray(i * 784, i * 784 + 784), r * 784);
    yBuf[r] = labels[i];
  }
}

/** One step of the bare loop: gradient, optimizer update, loss read (as the trainer reads it). */
export function step(
  model,
  optimizer,
  lossFunction,
  variables,
  shape,
  xBuf,
  yBuf,
  rows,
  dropout,
  seed,
) {
  seedDropout(dropout, seed);
  const x = tf.tensor(xBuf.subarray(0, rows * 784), [rows, ...shape]);
  const y = tf.tensor1d(yBuf.subarray(0, rows), 'int32');
  const cost = optimizer.minimize(
    () => lossFunction(tf.oneHot(y, 10), model.apply(x, { training: true })),
    true,
    variables,
  );
  const loss = cost.dataSync()[0];
  tf.dispose([x, y, cost]);
  return loss;
}

/** Accuracy on `test` (`{ images, labels, count }`), evaluated in chunks of 1,000 rows. */
export function evaluateAccuracy(model, shape, test) {
  let correct = 0;
  for (let start = 0; start < test.count; start += 1000) {
    const rows = Math.min(1000, test.count - start);
    const predicted = tf.tidy(() => {
      const x = tf.tensor(test.images.subarray(start * 784, (start + rows) * 784), [
        rows,
        ...shape,
      ]);
      return tf.argMax(model.apply(x, { training: false }), -1);
    });
    const labels = predicted.dataSync();
    predicted.dispose();
    for (let i = 0; i < rows; i++) if (labels[i] === test.labels[start + i]) correct++;
  }
  return correct / test.count;
}

/**
 * The bare loop around one model (`{ model, dropoutLayers }` as the trainer's buildModel
 * returns it): `optimizer` and `lossFunction` on its trainable variables, batch buffers of
 * `batch` rows. `train(data, order, start, rows, seed)` gathers rows `order[start ..
 * start + rows)` of `data` (`{ images, labels }`) and runs one {@link step} (returns the
 * loss); `accuracy(test)` is {@link evaluateAccuracy}; `dispose()` frees optimizer and model.
 */
export function bareLoop({ model, dropoutLayers }, optimizer, lossFunction, batch) {
  const shape = model.inputs[0].shape.slice(1);
  const variables = model.trainableWeights.map((w) => w.read());
  const xBuf = new Float32Array(batch * 784);
  const yBuf = new Int32Array(batch);
  const stepOn = step.bind(null, model, optimizer, lossFunction, variables, shape, xBuf, yBuf);
  return {
    model,
    train(data, order, start, rows, seed) {
      gather(data.images, data.labels, order, start, rows, xBuf, yBuf);
      return stepOn(rows, dropoutLayers, seed);
    },
    accuracy: (test) => evaluateAccuracy(model, shape, test),
    dispose() {
      optimizer.dispose();
      model.dispose();
    },
  };
}
