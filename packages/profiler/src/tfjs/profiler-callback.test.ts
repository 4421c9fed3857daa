import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it, vi } from 'vitest';
import { toChromeTrace } from '../chrome-trace';
import { createProfiler } from '../profiler';
import { MarkCode } from '../profiler-state';
import { traceProblems } from '../test-helpers';
import { type FitProfileResult, fitPhases, profilerCallback } from './profiler-callback';

/** A clock that returns 0, 1, 2, ... on successive calls. */
function countingClock(): () => number {
  let next = 0;
  return () => {
    const now = next;
    next += 1;
    return now;
  };
}

function tinyModel(): tfl.LayersModel {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [4],
        units: 3,
        activation: 'softmax',
        kernelInitializer: 'zeros',
      }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
  return model;
}

function data(n: number): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  return tf.tidy(() => {
    const xs = tf.randomNormal([n, 4], 0, 1, 'float32', 7) as tf.Tensor2D;
    const labels = tf.argMax(tf.slice(xs, [0, 0], [n, 3]), 1) as tf.Tensor1D;
    return { xs, ys: tf.cast(tf.oneHot(labels, 3), 'float32') as tf.Tensor2D };
  });
}

/** A minimal tf.data-like dataset of batches (enough for fitDataset / evaluateDataset). */
function batchDataset(xs: tf.Tensor2D, ys: tf.Tensor2D, batchSize: number) {
  const n = xs.shape[0];
  const batches = Math.ceil(n / batchSize);
  return {
    size: batches,
    iterator: async () => {
      let start = 0;
      return {
        next: async () => {
          if (start >= n) return { done: true, value: null };
          const size = Math.min(batchSize, n - start);
          const value = {
            xs: tf.slice(xs, [start, 0], [size, 4]),
            ys: tf.slice(ys, [start, 0], [size, 3]),
          };
          start += size;
          return { done: false, value };
        },
      };
    },
  };
}

describe('profilerCallback in model.fit', () => {
  it('splits batches into step, between batches and the exactly timed validation', async () => {
    const { xs, ys } = data(40);
    const model = tinyModel();
    const log = vi.fn();
    let result: FitProfileResult | undefined;
    const callback = profilerCallback({
      clock: countingClock(),
      log,
      onReport: (r) => {
        result = r;
      },
    });
    await model.fit(xs, ys, {
      epochs: 2,
      batchSize: 8,
      validationSplit: 0.2,
      shuffle: false,
      callbacks: [callback],
    });
    const state = callback.profiler.state();
    expect(state.phases).toEqual([fitPhases.step, fitPhases.betweenBatches, fitPhases.evaluation]);
    expect(state.totals.iterations).toBe(8);
    expect(state.iterations.samples).toEqual([8, 8, 8, 8, 8, 8, 8, 8]);
    // Clock calls per epoch (one tick each): epoch begin 0, batch k begins at 2k + 1 and
    // ends at 2k + 2; validation (inside the last batch) from 8 to 9, the last batch
    // ends at 10, the epoch at 11. Columns: step, between batches, evaluation.
    const epoch = [
      [1, 2, 0], // leading gap 0..1 and trailing gap 2..3
      [1, 1, 0],
      [1, 1, 0],
      [2, 1, 1], // step 7..8 and 9..10, evaluation 8..9, gap 10..11
    ];
    expect(state.iterations.phaseMs).toEqual([...epoch, ...epoch]);
    expect(state.iterations.startMs.slice(0, 4)).toEqual([0, 3, 5, 7]);
    expect(state.iterations.endMs.slice(0, 4)).toEqual([3, 5, 7, 11]);
    expect(state.iterations.startMs[4]).toBe(12); // second epoch begins at the next tick

    // restored: testLoop is the prototype's again
    expect(Object.hasOwn(model, 'testLoop')).toBe(false);

    expect(log).toHaveBeenCalledTimes(1);
    const text = log.mock.calls[0]![0] as string;
    expect(text.split('\n')[0]).toBe(
      'profilerCallback: 2 epoch(s), 8 batches. Phases: step = forward + backward + update inside tfjs; between batches = callbacks, yielding, data loading (fitDataset); evaluation = validation.',
    );
    // step and between batches tie at 45.5%; the first listed wins
    expect(text).toContain(
      'Bottleneck: step takes 45.5% of the iteration (1.3 ms of 2.8 ms on average).',
    );
    expect(text).toContain('Time per epoch: 11.0 ms (range 8.0 ms to 16.0 ms, 4 iterations).');
    expect(text).toMatch(/Loss trend: /);
    expect(result?.report.phases.map((p) => [p.name, p.totalMs])).toEqual([
      ['step', 10],
      ['between batches', 10],
      ['evaluation', 2],
    ]);
    expect(result?.estimates?.epoch?.iterations).toBe(4);
    expect(result?.trend?.points).toBe(8);
    expect(traceProblems(JSON.parse(JSON.stringify(toChromeTrace(state))))).toEqual([]);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('leaves validation inside the step when measureValidation is false, and leaks no tensors', async () => {
    const { xs, ys } = data(40);
    const model = tinyModel();
    await model.fit(xs, ys, { epochs: 1, batchSize: 8, validationSplit: 0.2, verbose: 0 }); // warm-up allocations
    const before = tf.memory().numTensors;
    const callback = profilerCallback({
      clock: countingClock(),
      log: () => {},
      measureValidation: false,
    });
    await model.fit(xs, ys, {
      epochs: 1,
      batchSize: 8,
      validationSplit: 0.2,
      callbacks: [callback],
    });
    expect(tf.memory().numTensors).toBe(before);
    const state = callback.profiler.state();
    expect(state.iterations.phaseMs.map((row) => row[2])).toEqual([0, 0, 0, 0]);
    expect(state.marks.code.filter((c) => c === 2)).toEqual([]);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('attributes fitDataset validation (after the last batch) to evaluation', async () => {
    const { xs, ys } = data(24);
    const model = tinyModel();
    const callback = profilerCallback({ clock: countingClock(), log: () => {} });
    await model.fitDataset(batchDataset(xs, ys, 8) as never, { epochs: 1, verbose: 0 }); // warm-up allocations
    const before = tf.memory().numTensors;
    await model.fitDataset(batchDataset(xs, ys, 8) as never, {
      epochs: 1,
      validationData: batchDataset(xs, ys, 8) as never,
      callbacks: [callback],
      verbose: 0,
    });
    const state = callback.profiler.state();
    // epoch begin 0; batches 1..2, 3..4, 5..6; epoch end 7: the gap 6..7 is validation
    expect(state.iterations.phaseMs).toEqual([
      [1, 2, 0],
      [1, 1, 0],
      [1, 0, 1],
    ]);
    expect(state.iterations.samples).toEqual([8, 8, 8]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('records into a given profiler, logs every epoch, and its trace opens as nested slices', async () => {
    const { xs, ys } = data(16);
    const model = tinyModel();
    const profiler = createProfiler({ phases: ['step'], clock: countingClock(), warn: () => {} });
    const lines: string[] = [];
    const callback = profilerCallback({
      profiler,
      log: (text) => lines.push(text),
      logEveryEpoch: true,
    });
    expect(callback.profiler).toBe(profiler);
    await model.fit(xs, ys, { epochs: 3, batchSize: 8, callbacks: [callback] });
    expect(lines.slice(0, 3)).toEqual([
      // 4 batches left after epoch 1, iterations of 3 and 2 ms: p10/p90 2.1 / 2.9 ms
      'epoch 1: 5.0 ms; about 10.0 ms (8.4 ms to 11.6 ms) left',
      'epoch 2: 5.0 ms; about 5.0 ms (4.0 ms to 6.0 ms) left',
      'epoch 3: 5.0 ms',
    ]);
    expect(lines).toHaveLength(4);
    const codes = profiler.state().marks.code;
    expect(codes.filter((c) => c === MarkCode.beginIteration)).toHaveLength(6);
    expect(traceProblems(toChromeTrace(profiler.state()))).toEqual([]);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('rejects bad options', () => {
    expect(() => profilerCallback({ log: 'console' as never })).toThrow(InvalidArgumentError);
    expect(() => profilerCallback({ warmupIterations: -1 })).toThrow(
      'profilerCallback: warmupIterations must be an integer >= 0, got -1.',
    );
    expect(() => profilerCallback({ profiler: {} as never })).toThrow(
      'profilerCallback: profiler must be a profiler from createProfiler, got {}.',
    );
  });
});
