import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError } from '@trainkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mnistInputShape, mnistModel } from './models';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** What a seeded Glorot-uniform initializer gives for `shape` (computed apart from the model). */
function glorot(seed: number, shape: number[]): Float32Array {
  const values = tfl.initializers.glorotUniform({ seed }).apply(shape);
  const data = values.dataSync() as Float32Array;
  values.dispose();
  return data;
}

/** -1 when both hold the same values (compared without a huge diff on failure), else the first differing index. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

function summary(model: tfl.LayersModel) {
  return model.layers.map((layer) => [
    layer.getClassName(),
    layer.outputShape,
    layer.countParams(),
  ]);
}

/** The next auto-generated Dense name's number: layers a rejected call created would show here. */
function nextDenseNumber(): number {
  const layer = tfl.layers.dense({ units: 1 });
  return Number(/(\d+)$/.exec(layer.name)![1]);
}

describe('mnistModel', () => {
  it('mlp: 784-256-128-10 with ReLU, logits out, kernels seeded in layer order, zero biases', () => {
    const before = tf.memory().numTensors;
    const model = mnistModel('mlp', { kernelSeed: (i) => 1000 + 7 * i, name: 'mlp' });
    expect(model.name).toBe('mlp');
    expect(summary(model)).toEqual([
      ['Dense', [null, 256], 784 * 256 + 256],
      ['Dense', [null, 128], 256 * 128 + 128],
      ['Dense', [null, 10], 128 * 10 + 10],
    ]);
    expect(model.layers.map((l) => l.getConfig().activation)).toEqual(['relu', 'relu', 'linear']);
    const shapes = [
      [784, 256],
      [256, 128],
      [128, 10],
    ];
    model.layers.forEach((layer, i) => {
      const [kernel, bias] = layer.getWeights();
      expect(firstDifference(kernel!.dataSync(), glorot(1000 + 7 * i, shapes[i]!))).toBe(-1);
      expect(Array.from(bias!.dataSync()).every((v) => v === 0)).toBe(true);
    });
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('cnn: conv16, pool, conv32, pool, flatten, dense 128 (+ the dropout layer given), dense 10', () => {
    const dropout = tfl.layers.dropout({ rate: 0.5, name: 'given_dropout' });
    const model = mnistModel('cnn', { kernelSeed: (i) => 5 + i, dropout });
    expect(summary(model)).toEqual([
      ['Conv2D', [null, 26, 26, 16], 3 * 3 * 16 + 16],
      ['MaxPooling2D', [null, 13, 13, 16], 0],
      ['Conv2D', [null, 11, 11, 32], 3 * 3 * 16 * 32 + 32],
      ['MaxPooling2D', [null, 5, 5, 32], 0],
      ['Flatten', [null, 800], 0],
      ['Dense', [null, 128], 800 * 128 + 128],
      ['Dropout', [null, 128], 0],
      ['Dense', [null, 10], 128 * 10 + 10],
    ]);
    expect(model.layers[6]).toBe(dropout);
    const kernels = model.layers.filter((l) => l.countParams() > 0).map((l) => l.getWeights()[0]!);
    const shapes = [
      [3, 3, 1, 16],
      [3, 3, 16, 32],
      [800, 128],
      [128, 10],
    ];
    kernels.forEach((kernel, i) => {
      expect(firstDifference(kernel.dataSync(), glorot(5 + i, shapes[i]!))).toBe(-1);
    });
    model.dispose();
  });

  it('cnn with hiddenUnits 0 flattens straight into the output (3 seeded kernels)', () => {
    const model = mnistModel('cnn', { kernelSeed: (i) => 100 + i, hiddenUnits: 0 });
    expect(summary(model).map(([name]) => name)).toEqual([
      'Conv2D',
      'MaxPooling2D',
      'Conv2D',
      'MaxPooling2D',
      'Flatten',
      'Dense',
    ]);
    expect(
      firstDifference(model.layers[5]!.getWeights()[0]!.dataSync(), glorot(102, [800, 10])),
    ).toBe(-1);
    expect(model.countParams()).toBe(160 + 4640 + 8010);
    model.dispose();
  });

  it('same seeds, same weights; other seeds, other weights', () => {
    const weights = (seed: number) => {
      const model = mnistModel('cnn', { kernelSeed: (i) => seed * 100 + 1 + i });
      const values = Float32Array.from(model.getWeights().flatMap((w) => Array.from(w.dataSync())));
      model.dispose();
      return values;
    };
    expect(firstDifference(weights(3), weights(3))).toBe(-1);
    expect(firstDifference(weights(4), weights(3))).toBe(0);
  });

  it('refuses bad arguments before creating any layer', () => {
    const start = nextDenseNumber();
    const calls: (() => unknown)[] = [
      () => mnistModel('resnet' as 'mlp', { kernelSeed: (i) => i }),
      () => mnistModel('mlp', undefined as never),
      () => mnistModel('mlp', {} as never),
      () => mnistModel('mlp', { kernelSeed: (i) => i, hiddenUnits: 64 }),
      () => mnistModel('mlp', { kernelSeed: (i) => i, dropout: tfl.layers.dropout({ rate: 0.1 }) }),
      () => mnistModel('cnn', { kernelSeed: (i) => i, hiddenUnits: 1.5 }),
      () =>
        mnistModel('cnn', {
          kernelSeed: (i) => i,
          hiddenUnits: 0,
          dropout: tfl.layers.dropout({ rate: 0.1 }),
        }),
      () => mnistModel('cnn', { kernelSeed: (i) => (i === 3 ? -1 : i) }),
    ];
    const messages = calls.map((call) => {
      try {
        call();
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        return (error as Error).message;
      }
      return 'no error';
    });
    expect(messages[0]).toMatch(/^mnistModel: kind must be one of/);
    expect(messages[0]).toContain('resnet');
    expect(messages[2]).toMatch(/^mnistModel: kernelSeed /);
    expect(messages[3]).toMatch(/^mnistModel: hiddenUnits .*mlp/);
    expect(messages[4]).toMatch(/^mnistModel: dropout .*mlp/);
    expect(messages[5]).toMatch(/^mnistModel: hiddenUnits /);
    expect(messages[6]).toMatch(/^mnistModel: dropout .*hiddenUnits is 0/);
    expect(messages[7]).toMatch(/^mnistModel: kernelSeed\(3\) .*-1/);
    expect(messages).not.toContain('no error');
    // Only the test's own two dropout layers and the probe Dense were created; no Dense by mnistModel.
    expect(nextDenseNumber()).toBe(start + 1);
  });
});

describe('mnistInputShape', () => {
  it('is [784] for the mlp and [28, 28, 1] for the cnn, and refuses other kinds', () => {
    expect(mnistInputShape('mlp')).toEqual([784]);
    expect(mnistInputShape('cnn')).toEqual([28, 28, 1]);
    expect(() => mnistInputShape('rnn' as 'mlp')).toThrow(/^mnistInputShape: kind must be one of/);
  });
});
