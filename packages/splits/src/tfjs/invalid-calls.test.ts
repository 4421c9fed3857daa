// The tfjs batch helpers called wrongly: typed errors at the call (not at the first batch),
// no tensor left behind.
import * as tf from '@tensorflow/tfjs-core';
import { TrainkitError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { gatherBatch, tensorBatches } from './index';

const cases: [string, (xs: tf.Tensor) => unknown, string][] = [
  [
    'gatherBatch sources null',
    () => gatherBatch(null as never, [0]),
    'gatherBatch: sources must be an object of tensors or host data by name, got null.',
  ],
  [
    'gatherBatch no sources',
    () => gatherBatch({}, [0]),
    'gatherBatch: sources must be a non-empty object, got {}.',
  ],
  [
    'gatherBatch index out of range',
    (xs) => gatherBatch({ x: xs }, [0, 4]),
    'gatherBatch: indices[1] must be',
  ],
  [
    'gatherBatch empty indices',
    (xs) => gatherBatch({ x: xs }, []),
    'gatherBatch: indices must be a non-empty array, got [].',
  ],
  [
    'tensorBatches options null',
    (xs) => tensorBatches({ x: xs }, [[0]], null as never),
    'tensorBatches: options must be an object like { depth: 2 }, got null.',
  ],
  [
    'tensorBatches sources null, refused at the call',
    () => tensorBatches(null as never, [[0]]),
    'tensorBatches: sources must be an object of tensors or host data by name, got null.',
  ],
  [
    'tensorBatches depth 0',
    (xs) => tensorBatches({ x: xs }, [[0]], { depth: 0 }),
    'tensorBatches: depth must be an integer >= 1, got 0.',
  ],
];

describe('invalid calls: typed errors, no tensor left behind', () => {
  it.each(cases)('%s', (_name, call, message) => {
    const xs = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const before = tf.memory().numTensors;
    let caught: unknown;
    try {
      call(xs);
    } catch (error) {
      caught = error;
    }
    expect(TrainkitError.isInstance(caught), String(caught)).toBe(true);
    expect((caught as Error).message.startsWith(message), (caught as Error).message).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    xs.dispose();
  });
});
