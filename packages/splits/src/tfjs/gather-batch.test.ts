import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeMismatchError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { miniBatches } from '../mini-batches';
import { gatherBatch } from './gather-batch';
import { tensorBatches } from './tensor-batches';

// 6 samples of shape [2, 2]: sample i holds i*10 + [0, 1, 2, 3].
const hostX = Float32Array.from({ length: 24 }, (_, j) => Math.floor(j / 4) * 10 + (j % 4));
const hostY = Int32Array.from([0, 1, 2, 0, 1, 2]);

describe('gatherBatch', () => {
  it('gathers tensors on device and host data row by row, leaking nothing', () => {
    const x = tf.tensor(hostX, [6, 2, 2]);
    const before = tf.memory().numTensors;
    const batch = gatherBatch(
      { x, xHost: { values: hostX, shape: [6, 2, 2] }, y: { values: hostY, shape: [6] } },
      Int32Array.from([4, 1]),
    );
    expect(batch.x.shape).toEqual([2, 2, 2]);
    expect(Array.from(batch.x.dataSync())).toEqual([40, 41, 42, 43, 10, 11, 12, 13]);
    expect(Array.from(batch.xHost.dataSync())).toEqual([40, 41, 42, 43, 10, 11, 12, 13]);
    expect(batch.xHost.dtype).toBe('float32');
    expect(batch.y.dtype).toBe('int32');
    expect(Array.from(batch.y.dataSync())).toEqual([1, 1]);
    // Only the three batch tensors were added (the index tensor was disposed).
    expect(tf.memory().numTensors).toBe(before + 3);
    tf.dispose(batch);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('keeps memory flat over many batches of an epoch', () => {
    const x = tf.tensor(hostX, [6, 2, 2]);
    const y = tf.tensor1d(hostY, 'int32');
    const before = tf.memory().numTensors;
    for (let epoch = 0; epoch < 20; epoch++) {
      for (const indices of miniBatches(6, { batchSize: 4, seed: 1, epoch })) {
        const batch = gatherBatch({ x, y }, indices);
        tf.dispose(batch);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });

  it('converts dtypes: bool host data and float64 values', () => {
    const batch = gatherBatch(
      {
        mask: { values: Uint8Array.from([1, 0, 1]), shape: [3], dtype: 'bool' },
        w: { values: Float64Array.from([0.5, 1.5, 2.5]), shape: [3, 1] },
      },
      [2, 0],
    );
    expect(batch.mask.dtype).toBe('bool');
    expect(Array.from(batch.mask.dataSync())).toEqual([1, 1]);
    expect(batch.w.shape).toEqual([2, 1]);
    expect(Array.from(batch.w.dataSync())).toEqual([2.5, 0.5]);
    tf.dispose(batch);
  });

  it('rejects mismatched sources and out-of-range indices, creating no tensor', () => {
    const x = tf.zeros([6, 2]);
    const before = tf.memory().numTensors;
    expect(() => gatherBatch({ x, y: { values: hostY.subarray(0, 5), shape: [5] } }, [0])).toThrow(
      ShapeMismatchError,
    );
    expect(() => gatherBatch({ x, y: { values: hostY.subarray(0, 5), shape: [5] } }, [0])).toThrow(
      'gatherBatch: sources.y.shape[0] must have shape 6, got 5. Every source needs one row per sample (sources.x has 6).',
    );
    expect(() => gatherBatch({ x }, [0, 6])).toThrow(InvalidArgumentError);
    expect(() => gatherBatch({ x }, [0, 6])).toThrow(
      'gatherBatch: indices[1] must be an integer in [0, 6), got 6. The sources hold 6 samples.',
    );
    expect(() => gatherBatch({ y: { values: hostY, shape: [3] } }, [0])).toThrow(
      'gatherBatch: sources.y.values.length must have shape 3, got 6. shape [3] needs 3 values.',
    );
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('tensorBatches', () => {
  it('prefetches batch tensors in order and disposes the ones never handed out', async () => {
    const x = tf.tensor(hostX, [6, 2, 2]);
    const before = tf.memory().numTensors;
    const batches = miniBatches(6, { batchSize: 1, shuffle: false });
    const firsts: number[] = [];
    for await (const batch of tensorBatches({ x, y: { values: hostY, shape: [6] } }, batches, {
      depth: 3,
    })) {
      firsts.push(batch.x.dataSync()[0]!);
      tf.dispose(batch);
      if (firsts.length === 2) break; // up to 3 batches were gathered ahead
    }
    expect(firsts).toEqual([0, 10]);
    expect(tf.memory().numTensors).toBe(before);
    let count = 0;
    for await (const batch of tensorBatches({ x }, miniBatches(6, { batchSize: 4, seed: 2 }))) {
      count += batch.x.shape[0];
      tf.dispose(batch);
    }
    expect(count).toBe(6);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('README example (tfjs)', () => {
  it('prefetches gathered batches and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const xs = tf.randomNormal([64, 8]);
    const ys = { values: new Int32Array(64), shape: [64], dtype: 'int32' } as const;
    const batches = miniBatches(64, { batchSize: 16, seed: 1, epoch: 0 });
    let rows = 0;
    for await (const batch of tensorBatches({ x: xs, y: ys }, batches, { depth: 2 })) {
      rows += batch.x.shape[0];
      expect(batch.y.shape).toEqual([16]);
      tf.dispose(batch);
    }
    expect(rows).toBe(64);
    xs.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
