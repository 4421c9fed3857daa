import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError } from '@trainkit/core';
import { exponentialDecay } from '@trainkit/schedules';
import { batchLearningRateScheduler, getLearningRate } from '@trainkit/schedules/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccumulatingOptimizer } from '../accumulating-optimizer';
import { registerAccumulatingOptimizer } from '../register';
import { initialWeights, makeDataset, maxAbsDiff } from '../test-helpers';
import { accumulationCallback } from './accumulation-callback';

const disposables: { dispose(): unknown }[] = [];
afterEach(() => {
  for (const item of disposables.splice(0)) item.dispose();
});

/** The 8-16-4 MLP as a tfjs-layers model with the seeded initial weights. */
function makeModel(optimizer: tf.Optimizer): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 16, inputShape: [8], activation: 'relu' }),
      tfl.layers.dense({ units: 4, activation: 'softmax' }),
    ],
  });
  const weights = initialWeights(7).map(({ shape, values }) => tf.tensor(values, shape));
  model.setWeights(weights);
  tf.dispose(weights);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  disposables.push(model, optimizer);
  return model;
}

function tensorsOf(n: number): [tf.Tensor2D, tf.Tensor2D] {
  const data = makeDataset(n);
  const xs = tf.tensor2d(data.xs);
  const ys = tf.tidy(() =>
    tf.cast(tf.oneHot(tf.tensor1d(data.labels, 'int32'), 4), 'float32'),
  ) as tf.Tensor2D;
  disposables.push(xs, ys);
  return [xs, ys];
}

const fitOptions = { epochs: 3, shuffle: false, verbose: 0 as const };

describe('model.fit with an AccumulatingOptimizer', () => {
  it('batch size 8 with k = 4 equals batch size 32 (128 samples: whole groups)', async () => {
    const [xs, ys] = tensorsOf(128);
    const reference = makeModel(tf.train.adam(0.01));
    await reference.fit(xs, ys, { ...fitOptions, batchSize: 32 });
    const optimizer = new AccumulatingOptimizer(tf.train.adam(0.01), { k: 4 });
    const model = makeModel(optimizer);
    await model.fit(xs, ys, { ...fitOptions, batchSize: 8 });
    expect(optimizer.iterations).toBe(12);
    const diff = maxAbsDiff(model.getWeights(), reference.getWeights());
    console.info(`fit, 128 samples, 8 x 4 vs 32: max |Δw| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(model.getWeights(), makeModel(tf.train.sgd(0)).getWeights())).toBeGreaterThan(
      1e-2,
    );
  });

  it('with accumulationCallback, a partial last batch and group match too (75 training samples, validationSplit)', async () => {
    // 100 samples, validationSplit 0.25: 75 training samples, i.e. batches of
    // 32, 32, 11 versus micro-batches of 8 (x9) and 3, grouped as 4, 4, 1 + 1.
    const [xs, ys] = tensorsOf(100);
    const options = { ...fitOptions, validationSplit: 0.25 };
    const reference = makeModel(tf.train.adam(0.01));
    const referenceHistory = await reference.fit(xs, ys, { ...options, batchSize: 32 });
    const optimizer = new AccumulatingOptimizer(tf.train.adam(0.01), { k: 4 });
    const model = makeModel(optimizer);
    const history = await model.fit(xs, ys, {
      ...options,
      batchSize: 8,
      callbacks: [accumulationCallback(optimizer)],
    });
    expect(optimizer.iterations).toBe(9);
    expect(optimizer.state.miniStep).toBe(0);
    const diff = maxAbsDiff(model.getWeights(), reference.getWeights());
    console.info(`fit, 75 samples, 8 x 4 + callback vs 32: max |Δw| = ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-5);
    // The partial group is applied inside the last batch, so validation at the
    // end of each epoch already sees it.
    const valLoss = history.history.val_loss as number[];
    const referenceValLoss = referenceHistory.history.val_loss as number[];
    valLoss.forEach((loss, epoch) => {
      expect(loss).toBeCloseTo(referenceValLoss[epoch]!, 5);
    });
  });

  it('also works in a list of tf.Callback instances (params through setParams)', async () => {
    const [xs, ys] = tensorsOf(44);
    const reference = makeModel(tf.train.momentum(0.05, 0.9));
    await reference.fit(xs, ys, { ...fitOptions, batchSize: 15 });
    const optimizer = new AccumulatingOptimizer(tf.train.momentum(0.05, 0.9), { k: 3 });
    const model = makeModel(optimizer);
    const stopper = tfl.callbacks.earlyStopping({ monitor: 'loss', patience: 100 });
    await model.fit(xs, ys, {
      ...fitOptions,
      batchSize: 5,
      callbacks: [stopper, accumulationCallback(optimizer)],
    });
    expect(optimizer.iterations).toBe(9);
    expect(maxAbsDiff(model.getWeights(), reference.getWeights())).toBeLessThanOrEqual(1e-5);
  });

  it('first in the list, before tf.callbacks.earlyStopping (a real tf.CustomCallback)', async () => {
    // Issue 11: a plain object first made tfjs-layers wrap the whole list, and
    // earlyStopping then threw "this.getMonitorValue is not a function".
    const [xs, ys] = tensorsOf(44);
    const reference = makeModel(tf.train.momentum(0.05, 0.9));
    await reference.fit(xs, ys, { ...fitOptions, batchSize: 15 });
    const optimizer = new AccumulatingOptimizer(tf.train.momentum(0.05, 0.9), { k: 3 });
    const model = makeModel(optimizer);
    const callback = accumulationCallback(optimizer);
    expect(callback).toBeInstanceOf(tfl.CustomCallback);
    const stopper = tfl.callbacks.earlyStopping({ monitor: 'loss', patience: 100 });
    await model.fit(xs, ys, { ...fitOptions, batchSize: 5, callbacks: [callback, stopper] });
    expect(optimizer.iterations).toBe(9);
    expect(maxAbsDiff(model.getWeights(), reference.getWeights())).toBeLessThanOrEqual(1e-5);
  });

  it('without the callback, fit weighs micro-batches equally and groups run across epochs', async () => {
    const [xs, ys] = tensorsOf(100);
    const optimizer = new AccumulatingOptimizer(tf.train.sgd(0.1), { k: 4 });
    const model = makeModel(optimizer);
    await model.fit(xs, ys, { ...fitOptions, epochs: 1, batchSize: 8 });
    // 13 micro-batches (12 of 8, one of 4): 3 updates, 1 micro-batch pending,
    // counted with weight 1 like the full ones.
    expect(optimizer.state).toMatchObject({ updateCount: 3, miniStep: 1, sampleCount: 1 });
    await model.fit(xs, ys, { ...fitOptions, epochs: 1, batchSize: 8 });
    expect(optimizer.state).toMatchObject({ updateCount: 6, miniStep: 2, sampleCount: 2 });
  });

  it('model.save with the optimizer mid-accumulation, then load, continues identically', async () => {
    registerAccumulatingOptimizer();
    const [xs, ys] = tensorsOf(40);
    const optimizer = new AccumulatingOptimizer(tf.train.adam(0.01), { k: 3, clipNorm: 5 });
    const model = makeModel(optimizer);
    const callbacks = () => [accumulationCallback(optimizer, { flushAtEpochEnd: false })];
    await model.fit(xs, ys, { ...fitOptions, epochs: 1, batchSize: 8, callbacks: callbacks() });
    expect(optimizer.state).toMatchObject({ updateCount: 1, miniStep: 2, sampleCount: 16 });

    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (saved) => {
        artifacts = saved;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
      { includeOptimizer: true },
    );
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    const restored = loaded.optimizer as AccumulatingOptimizer;
    disposables.push(loaded, restored);
    expect(restored).toBeInstanceOf(AccumulatingOptimizer);
    const adam = tf.train.adam();
    disposables.push(adam);
    expect(AccumulatingOptimizer.isInstance(adam)).toBe(false);
    expect(adam instanceof AccumulatingOptimizer).toBe(false);
    expect(restored.getConfig()).toEqual(optimizer.getConfig());
    expect(restored.state).toEqual({ ...optimizer.state, variableNames: null });

    const more = { ...fitOptions, epochs: 2, batchSize: 8 };
    await model.fit(xs, ys, { ...more, callbacks: callbacks() });
    await loaded.fit(xs, ys, {
      ...more,
      callbacks: [accumulationCallback(restored, { flushAtEpochEnd: false })],
    });
    expect(restored.iterations).toBe(optimizer.iterations);
    expect(restored.state.miniStep).toBe(optimizer.state.miniStep);
    expect(maxAbsDiff(loaded.getWeights(), model.getWeights())).toBe(0);
  });

  it('a @trainkit/schedules batch scheduler steps per update: the inner optimizer applies schedule(updates)', async () => {
    const [xs, ys] = tensorsOf(40);
    const schedule = exponentialDecay({ initialValue: 0.2, decayRate: 0.5 });
    const inner = tf.train.sgd(1);
    const optimizer = new AccumulatingOptimizer(inner, { k: 2 });
    const model = makeModel(optimizer);
    // Record the rate in force each time the inner optimizer applies an update.
    const applied: number[] = [];
    const apply = inner.applyGradients.bind(inner);
    inner.applyGradients = (gradients) => {
      applied.push((inner as unknown as { learningRate: number }).learningRate);
      apply(gradients);
    };
    await model.fit(xs, ys, {
      ...fitOptions,
      epochs: 2,
      batchSize: 5,
      callbacks: [
        batchLearningRateScheduler({ schedule }),
        accumulationCallback(optimizer) as never,
      ],
    });
    // 8 micro-batches per epoch, 2 epochs, k = 2: 8 updates, each with the
    // rate for its own update count (the schedule is read before every
    // micro-batch but only changes when an update has happened).
    expect(optimizer.iterations).toBe(8);
    expect(applied).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((step) => schedule(step)));
    expect(getLearningRate(optimizer)).toBe(schedule(7));
    expect(optimizer.learningRate).toBe(schedule(7));
  });

  it('fitDataset-style hooks: sizes from logs.size, the flush after batch steps - 1', async () => {
    const v = tf.tidy(() => tf.variable(tf.zeros([2])));
    disposables.push(v);
    const optimizer = new AccumulatingOptimizer(tf.train.sgd(1), { k: 4 });
    disposables.push(optimizer);
    const callback = accumulationCallback(optimizer);
    // tfjs-layers sets `params` through setParams; fitDataset passes steps (batches
    // per epoch), not samples.
    callback.setParams({ steps: 3, samples: null, batchSize: null } as never);
    const batch = async (index: number, size: number, gradient: number[]) => {
      await callback.onBatchBegin(index, { batch: index, size });
      tf.tidy(() => optimizer.applyGradients({ [v.name]: tf.tensor1d(gradient) }));
    };
    await callback.onEpochBegin(0);
    await batch(0, 6, [1, 0]);
    await batch(1, 6, [0, 1]);
    expect(optimizer.state).toMatchObject({ miniStep: 2, sampleCount: 12, updateCount: 0 });
    await batch(2, 3, [4, 4]);
    // Applied after the last batch: (6·[1,0] + 6·[0,1] + 3·[4,4]) / 15 = [1.2, 1.2].
    expect(optimizer.state).toMatchObject({ miniStep: 0, updateCount: 1 });
    expect(Array.from(v.dataSync()).map((x) => Number(x.toFixed(5)))).toEqual([-1.2, -1.2]);
    await callback.onEpochEnd(0);
    expect(optimizer.iterations).toBe(1);

    // Without params (an unknown runner) nothing is announced: weight 1 each,
    // and the epoch end still flushes.
    callback.setParams({});
    await callback.onBatchBegin(0, {});
    tf.tidy(() => optimizer.applyGradients({ [v.name]: tf.tensor1d([1, 1]) }));
    expect(optimizer.state).toMatchObject({ miniStep: 1, sampleCount: 1 });
    await callback.onEpochEnd(1);
    expect(optimizer.state).toMatchObject({ miniStep: 0, updateCount: 2 });
  });

  it('saves and restores a model whose optimizer has not stepped yet', async () => {
    registerAccumulatingOptimizer();
    const optimizer = new AccumulatingOptimizer(tf.train.adam(0.01), { k: 2 });
    const model = makeModel(optimizer);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (saved) => {
        artifacts = saved;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
      { includeOptimizer: true },
    );
    expect(
      artifacts!.weightSpecs!.filter((spec) => spec.group === 'optimizer').map((spec) => spec.name),
    ).toEqual([
      'iter',
      'accumulate/mini_step',
      'accumulate/skipped',
      'accumulate/sample_count',
      'accumulate/first_sample_count',
      'accumulate/has_gradient',
      'inner/iter',
      'bias_correction/accBeta1',
      'bias_correction/accBeta2',
    ]);
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    disposables.push(loaded, loaded.optimizer);
    expect((loaded.optimizer as AccumulatingOptimizer).state).toEqual({
      updateCount: 0,
      miniStep: 0,
      sampleCount: 0,
      skippedMicroBatches: 0,
      variableNames: null,
    });
  });

  it('rejects a callback for something that is not an AccumulatingOptimizer', () => {
    const sgd = tf.train.sgd(0.1);
    disposables.push(sgd);
    const call = () => accumulationCallback(sgd as never);
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(
      'accumulationCallback: optimizer must be an AccumulatingOptimizer, got "SGD optimizer". Pass the optimizer that was given to model.compile.',
    );
  });
});

describe('README examples', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it.each([
    [
      'examples/custom-loop.ts',
      ['epoch 0: 4 updates', 'epoch 1: 8 updates', 'epoch 2: 12 updates'],
    ],
    ['examples/model-fit.ts', ['12 updates', 'restored: AccumulatingOptimizer, 12 updates']],
  ])('%s is in the README verbatim and prints what its comments say', async (file, expected) => {
    const source = readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
    expect(readme).toContain(`<!-- example: ${file} -->\n\`\`\`ts\n${source}\`\`\``);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await import(`../../${file}`);
      expect(log.mock.calls.map((call) => call.join(' '))).toEqual(expected);
    } finally {
      log.mockRestore();
    }
  });
});
