import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeMismatchError, StateRestoreError } from '@trainkit/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { AccumulatingOptimizer } from './accumulating-optimizer';
import { NonFiniteGradientError } from './errors';
import { registerAccumulatingOptimizer } from './register';
import { batchOf, type Dataset, type Mlp, makeDataset, makeMlp, maxAbsDiff } from './test-support';

const created: { dispose(): void }[] = [];
function track<T extends { dispose(): void }>(item: T): T {
  created.push(item);
  return item;
}
afterEach(() => {
  for (const item of created.splice(0)) item.dispose();
});

function gradientsOf(model: Mlp, data: Dataset, start: number, end: number) {
  const [xs, ys] = batchOf(data, start, end);
  const { value, grads } = tf.variableGrads(() => model.loss(xs, ys), model.variables);
  tf.dispose([xs, ys, value]);
  return grads;
}

function referenceStep(
  model: Mlp,
  optimizer: tf.Optimizer,
  data: Dataset,
  start: number,
  end: number,
) {
  const grads = gradientsOf(model, data, start, end);
  optimizer.applyGradients(grads);
  tf.dispose(grads);
}

function microStep(
  model: Mlp,
  optimizer: AccumulatingOptimizer,
  data: Dataset,
  start: number,
  end: number,
) {
  const grads = gradientsOf(model, data, start, end);
  const result = optimizer.accumulate(grads, { sampleCount: end - start });
  tf.dispose(grads);
  return result;
}

/** Plain training with batches of `batch` samples; epochs wrap around the data. */
function trainReference(
  model: Mlp,
  optimizer: tf.Optimizer,
  data: Dataset,
  batch: number,
  updates: number,
) {
  const n = data.labels.length;
  let done = 0;
  while (done < updates) {
    for (let start = 0; start < n && done < updates; start += batch, done++) {
      referenceStep(model, optimizer, data, start, Math.min(n, start + batch));
    }
  }
}

/** Accumulated training with micro-batches of `micro` samples and a flush at every epoch end. */
function trainAccumulated(
  model: Mlp,
  optimizer: AccumulatingOptimizer,
  data: Dataset,
  micro: number,
  updates: number,
) {
  const n = data.labels.length;
  while (optimizer.iterations < updates) {
    for (let start = 0; start < n && optimizer.iterations < updates; start += micro) {
      microStep(model, optimizer, data, start, Math.min(n, start + micro));
    }
    if (optimizer.iterations < updates) optimizer.flush();
  }
}

const inners: [string, () => tf.Optimizer][] = [
  ['SGD', () => tf.train.sgd(0.1)],
  ['Momentum', () => tf.train.momentum(0.05, 0.9)],
  ['Adam', () => tf.train.adam(0.01)],
];

describe('equivalence with one large batch', () => {
  // 116 samples, micro-batches of 8, k = 4: every epoch has groups of 32, 32, 32
  // and an uneven last group of 8 + 8 + 4 = 20 samples, flushed at the epoch end.
  const data = makeDataset(116);

  it.each(inners)('%s: k micro-batches of b equal one batch of k*b', (_name, makeInner) => {
    for (const [updates, tolerance] of [
      [1, 1e-6],
      [50, 1e-5],
    ] as const) {
      const reference = track(makeMlp());
      const referenceOptimizer = track(makeInner());
      trainReference(reference, referenceOptimizer, data, 32, updates);

      const model = track(makeMlp());
      const optimizer = track(new AccumulatingOptimizer(makeInner(), { k: 4 }));
      trainAccumulated(model, optimizer, data, 8, updates);

      expect(optimizer.iterations).toBe(updates);
      expect(optimizer.inner.iterations).toBe(updates);
      const diff = maxAbsDiff(model.variables, reference.variables);
      console.info(`${_name}: max |Δw| after ${updates} updates = ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(tolerance);
      // The models did move, so the comparison is not vacuous.
      expect(maxAbsDiff(model.variables, makeMlp().variables)).toBeGreaterThan(1e-3);
    }
  });

  it.each(inners)(
    '%s: an uneven group (8 + 5 + 3) flushed equals one batch of 16',
    (_name, makeInner) => {
      const reference = track(makeMlp());
      const referenceOptimizer = track(makeInner());
      referenceStep(reference, referenceOptimizer, data, 0, 16);

      const model = track(makeMlp());
      const optimizer = track(new AccumulatingOptimizer(makeInner(), { k: 4 }));
      expect(microStep(model, optimizer, data, 0, 8).updated).toBe(false);
      expect(microStep(model, optimizer, data, 8, 13).updated).toBe(false);
      expect(microStep(model, optimizer, data, 13, 16)).toEqual({
        updated: false,
        skipped: false,
        updateCount: 0,
        miniStep: 3,
      });
      expect(optimizer.state.sampleCount).toBe(16);
      expect(optimizer.flush()).toEqual({
        updated: true,
        skipped: false,
        updateCount: 1,
        miniStep: 0,
      });
      expect(optimizer.flush().updated).toBe(false);
      const diff = maxAbsDiff(model.variables, reference.variables);
      console.info(`${_name}: max |Δw| after one uneven group = ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(1e-6);
    },
  );

  it('k = 1 equals the inner optimizer bit for bit', () => {
    const reference = track(makeMlp());
    const referenceOptimizer = track(tf.train.adam(0.01));
    const model = track(makeMlp());
    const optimizer = track(
      new AccumulatingOptimizer(tf.train.adam(0.01), { k: 1, clipNorm: 1e6 }),
    );
    const sizes = [8, 5, 8, 3, 8, 8, 1, 8];
    for (let round = 0; round < 3; round++) {
      let start = 0;
      for (const size of sizes) {
        referenceStep(reference, referenceOptimizer, data, start, start + size);
        expect(microStep(model, optimizer, data, start, start + size).updated).toBe(true);
        start += size;
      }
    }
    expect(optimizer.iterations).toBe(24);
    expect(maxAbsDiff(model.variables, reference.variables)).toBe(0);
  });

  it('property: for any split of a batch into micro-batches, the update equals the full-batch update', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 }),
        (sizes) => {
          const total = sizes.reduce((a, b) => a + b, 0);
          const reference = makeMlp();
          const referenceOptimizer = tf.train.sgd(0.5);
          const model = makeMlp();
          const optimizer = new AccumulatingOptimizer(tf.train.sgd(0.5), { k: sizes.length });
          try {
            referenceStep(reference, referenceOptimizer, data, 0, total);
            let start = 0;
            const results = sizes.map((size) => {
              const result = microStep(model, optimizer, data, start, start + size);
              start += size;
              return result.updated;
            });
            expect(results).toEqual(sizes.map((_, i) => i === sizes.length - 1));
            expect(maxAbsDiff(model.variables, reference.variables)).toBeLessThanOrEqual(1e-6);
          } finally {
            tf.dispose([...reference.variables, ...model.variables]);
            referenceOptimizer.dispose();
            optimizer.dispose();
          }
        },
      ),
      { numRuns: 40, seed: 42 },
    );
  });
});
