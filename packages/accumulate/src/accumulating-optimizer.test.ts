import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeMismatchError, StateRestoreError } from '@trainkit/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { AccumulatingOptimizer } from './accumulating-optimizer';
import { NonFiniteGradientError } from './errors';
import { registerAccumulatingOptimizer } from './register';
import { batchOf, type Dataset, type Mlp, makeDataset, makeMlp, maxAbsDiff } from './test-helpers';

/** Runs `fn` in a tf.tidy scope and returns its (non-tensor) result. */
function scoped<T>(fn: () => T): T {
  let result!: T;
  tf.tidy(() => {
    result = fn();
  });
  return result;
}

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

/** Everything observable about the optimizer's state, as plain values. */
async function stateOf(optimizer: AccumulatingOptimizer) {
  const weights = await optimizer.getWeights();
  return {
    state: optimizer.state,
    weights: weights.map(({ name, tensor }) => ({
      name,
      shape: tensor.shape,
      values: Array.from(tensor.dataSync()),
    })),
  };
}

describe('bad input', () => {
  const data = makeDataset(64);

  it.each([
    [
      { k: 0 },
      'AccumulatingOptimizer: k must be an integer >= 1, got 0. k is the number of micro-batches per update; use 1 for no accumulation.',
    ],
    [{ k: 2.5 }, 'AccumulatingOptimizer: k must be an integer >= 1, got 2.5.'],
    [{ k: '4' }, 'AccumulatingOptimizer: k must be an integer >= 1, got "4".'],
    [
      { k: () => 0 },
      'AccumulatingOptimizer: k(0) must be an integer >= 1, got 0. The schedule of k must return an integer >= 1 for every update count.',
    ],
    [
      { k: 2, clipNorm: 0 },
      'AccumulatingOptimizer: clipNorm must be a finite number > 0, got 0. Omit clipNorm to disable clipping.',
    ],
    [
      { k: 2, nonFinite: 'ignore' },
      "AccumulatingOptimizer: nonFinite must be one of 'skip', 'throw', 'propagate', got \"ignore\".",
    ],
  ])('rejects the options %o at construction', (options, message) => {
    const inner = track(tf.train.sgd(0.1));
    const build = () => new AccumulatingOptimizer(inner, options as never);
    expect(build).toThrow(InvalidArgumentError);
    expect(build).toThrow(message);
  });

  it('rejects an inner object that is not an optimizer', () => {
    const build = () => new AccumulatingOptimizer({} as never, { k: 2 });
    expect(build).toThrow(InvalidArgumentError);
    expect(build).toThrow(
      'AccumulatingOptimizer: inner must be a tf.Optimizer, got {}. Pass e.g. tf.train.adam(1e-3).',
    );
  });

  it('rejects bad micro-batches with typed errors and leaves the state unchanged', async () => {
    const model = track(makeMlp());
    const optimizer = track(
      new AccumulatingOptimizer(tf.train.adam(0.01), { k: 3, nonFinite: 'throw' }),
    );
    microStep(model, optimizer, data, 0, 8);
    const before = await stateOf(optimizer);
    const [w1, b1, w2, b2] = model.variables as [
      tf.Variable,
      tf.Variable,
      tf.Variable,
      tf.Variable,
    ];
    const grads = gradientsOf(model, data, 8, 16);
    const stray = track(tf.tidy(() => tf.variable(tf.zeros([2]))));
    const cases: [string, () => unknown, abstract new (...args: never[]) => Error, string][] = [
      [
        'sample count 0',
        () => optimizer.accumulate(grads, { sampleCount: 0 }),
        InvalidArgumentError,
        'AccumulatingOptimizer.accumulate: sampleCount must be a finite number > 0, got 0. Pass the number of samples the micro-batch loss was averaged over.',
      ],
      [
        'missing micro-batch options',
        () => optimizer.accumulate(grads, undefined as never),
        InvalidArgumentError,
        'AccumulatingOptimizer.accumulate: microBatch must be an object { sampleCount }, got undefined.',
      ],
      [
        'unknown variable',
        () =>
          optimizer.accumulate({ ...grads, 'no/such/variable': tf.zeros([2]) }, { sampleCount: 8 }),
        InvalidArgumentError,
        `unexpected ["no/such/variable"]`,
      ],
      [
        'changed variable set',
        () => {
          const { [w2.name]: _dropped, ...rest } = grads;
          return optimizer.accumulate({ ...rest, [stray.name]: tf.zeros([2]) }, { sampleCount: 8 });
        },
        InvalidArgumentError,
        `The variable set changed between micro-batches of one update (1 pending): missing ["${w2.name}"], unexpected ["${stray.name}"].`,
      ],
      [
        'shape mismatch',
        () => optimizer.accumulate({ ...grads, [b1.name]: tf.zeros([15]) }, { sampleCount: 8 }),
        ShapeMismatchError,
        `AccumulatingOptimizer.accumulate: gradients['${b1.name}'] must have shape [16], got [15]. A gradient must have its variable's shape.`,
      ],
      [
        'non-finite gradient',
        () =>
          optimizer.accumulate(
            { ...grads, [b2.name]: tf.tensor1d([0, Number.NaN, 1, 2]) },
            { sampleCount: 8 },
          ),
        NonFiniteGradientError,
        `AccumulatingOptimizer.accumulate: the gradients of '${b2.name}' contain NaN or Infinity (micro-batch 2 of update 1).`,
      ],
      [
        'disposed gradient',
        () => {
          const dead = tf.zeros([8, 16]);
          dead.dispose();
          return optimizer.accumulate({ ...grads, [w1.name]: dead }, { sampleCount: 8 });
        },
        InvalidArgumentError,
        `AccumulatingOptimizer.accumulate: gradients['${w1.name}'] must be a live tf.Tensor or null`,
      ],
    ];
    for (const [, call, errorClass, message] of cases) {
      expect(call).toThrow(errorClass as never);
      expect(call).toThrow(message);
    }
    expect(await stateOf(optimizer)).toEqual(before);
    tf.dispose(grads);
  });

  it('an error in the middle of a group does not change the result', () => {
    const clean = track(makeMlp());
    const cleanOptimizer = track(new AccumulatingOptimizer(tf.train.momentum(0.05, 0.9), { k: 2 }));
    const noisy = track(makeMlp());
    const noisyOptimizer = track(new AccumulatingOptimizer(tf.train.momentum(0.05, 0.9), { k: 2 }));
    for (let start = 0; start < 64; start += 8) {
      microStep(clean, cleanOptimizer, data, start, start + 8);
      const grads = gradientsOf(noisy, data, start, start + 8);
      const [firstName] = Object.keys(grads) as [string];
      expect(() =>
        noisyOptimizer.accumulate({ ...grads, [firstName]: tf.zeros([3]) }, { sampleCount: 8 }),
      ).toThrow(ShapeMismatchError);
      noisyOptimizer.accumulate(grads, { sampleCount: 8 });
      tf.dispose(grads);
    }
    expect(noisyOptimizer.iterations).toBe(4);
    expect(maxAbsDiff(noisy.variables, clean.variables)).toBe(0);
  });

  it('a schedule of k that turns invalid fails at that update, with the state unchanged', async () => {
    const model = track(makeMlp());
    const optimizer = track(
      new AccumulatingOptimizer(tf.train.sgd(0.1), { k: (updates) => (updates < 2 ? 1 : 0.5) }),
    );
    microStep(model, optimizer, data, 0, 8);
    microStep(model, optimizer, data, 8, 16);
    const before = await stateOf(optimizer);
    const call = () => microStep(model, optimizer, data, 16, 24);
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(
      'AccumulatingOptimizer.accumulate: k(2) must be an integer >= 1, got 0.5.',
    );
    expect(await stateOf(optimizer)).toEqual(before);
  });
});

describe('options', () => {
  it('a schedule of k is read per update count (optax every_k_schedule)', () => {
    const data = makeDataset(80);
    const model = track(makeMlp());
    const optimizer = track(
      new AccumulatingOptimizer(tf.train.sgd(0.1), { k: (updates) => (updates < 2 ? 1 : 3) }),
    );
    const updatedAt: number[] = [];
    for (let i = 0; i < 10; i++) {
      if (microStep(model, optimizer, data, 8 * i, 8 * i + 8).updated) updatedAt.push(i);
    }
    expect(updatedAt).toEqual([0, 1, 4, 7]);
    expect(optimizer.state).toMatchObject({ updateCount: 4, miniStep: 2, sampleCount: 16 });
  });

  it('clips the accumulated mean gradient once to the global norm (hand-computed)', () => {
    const a = track(tf.tidy(() => tf.variable(tf.tensor1d([0, 0]))));
    const b = track(tf.tidy(() => tf.variable(tf.tensor1d([0, 0, 0]))));
    const step = (
      optimizer: AccumulatingOptimizer,
      ga: number[],
      gb: number[],
      sampleCount: number,
    ) =>
      scoped(() =>
        optimizer.accumulate(
          [
            { name: a.name, tensor: tf.tensor1d(ga) },
            { name: b.name, tensor: tf.tensor1d(gb) },
          ],
          { sampleCount },
        ),
      );
    const expectedUpdate = (micro: [number[], number[], number][], clipNorm: number) => {
      const total = micro.reduce((s, [, , n]) => s + n, 0);
      const mean = [...micro[0]![0], ...micro[0]![1]].map(
        (_, j) => micro.reduce((s, [ga, gb, n]) => s + n * [...ga, ...gb][j]!, 0) / total,
      );
      const norm = Math.hypot(...mean);
      return mean.map((g) => (g * clipNorm) / Math.max(norm, clipNorm));
    };
    const values = () => [...a.dataSync(), ...b.dataSync()];

    // Each micro-batch has norm 5 > 1, but they nearly cancel: the mean
    // (0.2, 0, 0, 0, 0.1) is below the threshold, so nothing is clipped.
    // Clipping each micro-batch first would give a different update.
    const cancelling: [number[], number[], number][] = [
      [[3, 4], [0, 0, 0], 2],
      [[-3, -4], [0, 0, 1], 2],
      [[1.8, 0.8], [0, 0, -0.8], 1],
    ];
    const optimizer = track(new AccumulatingOptimizer(tf.train.sgd(1), { k: 3, clipNorm: 1 }));
    for (const [ga, gb, n] of cancelling) step(optimizer, ga, gb, n);
    const unclipped = expectedUpdate(cancelling, 1);
    expect(Math.hypot(...unclipped)).toBeLessThan(1);
    for (const [j, v] of values().entries()) expect(v).toBeCloseTo(-unclipped[j]!, 6);

    // A mean with norm 5 is scaled to norm 2.
    a.assign(tf.zeros([2]));
    b.assign(tf.zeros([3]));
    const large: [number[], number[], number][] = [
      [[3, 0], [0, 4, 0], 3],
      [[3, 0], [0, 4, 0], 1],
    ];
    const clipping = track(new AccumulatingOptimizer(tf.train.sgd(1), { k: 2, clipNorm: 2 }));
    for (const [ga, gb, n] of large) step(clipping, ga, gb, n);
    const clipped = expectedUpdate(large, 2);
    for (const [j, v] of values().entries()) expect(v).toBeCloseTo(-clipped[j]!, 6);
    expect(Math.hypot(...values())).toBeCloseTo(2, 6);
  });

  it('skips and counts non-finite micro-batches as if they never happened', () => {
    const data = makeDataset(32);
    const reference = track(makeMlp());
    const referenceOptimizer = track(new AccumulatingOptimizer(tf.train.adam(0.01), { k: 2 }));
    const model = track(makeMlp());
    const optimizer = track(new AccumulatingOptimizer(tf.train.adam(0.01), { k: 2 }));
    const poison = (value: number) => {
      const grads = gradientsOf(model, data, 0, 8);
      const [name] = Object.keys(grads) as [string];
      const bad = tf.tidy(() =>
        tf.where(
          tf.equal(tf.reshape(tf.range(0, grads[name]!.size), grads[name]!.shape), 5),
          value,
          grads[name]!,
        ),
      );
      const result = optimizer.accumulate({ ...grads, [name]: bad }, { sampleCount: 8 });
      tf.dispose([grads, bad]);
      return result;
    };
    for (let start = 0; start < 32; start += 8)
      microStep(reference, referenceOptimizer, data, start, start + 8);

    expect(microStep(model, optimizer, data, 0, 8).updated).toBe(false);
    expect(poison(Number.NaN)).toEqual({
      updated: false,
      skipped: true,
      updateCount: 0,
      miniStep: 1,
    });
    expect(microStep(model, optimizer, data, 8, 16).updated).toBe(true);
    expect(poison(Number.POSITIVE_INFINITY).skipped).toBe(true);
    expect(poison(Number.NEGATIVE_INFINITY).skipped).toBe(true);
    microStep(model, optimizer, data, 16, 24);
    expect(microStep(model, optimizer, data, 24, 32).updated).toBe(true);
    expect(optimizer.state).toMatchObject({ updateCount: 2, miniStep: 0, skippedMicroBatches: 3 });
    expect(maxAbsDiff(model.variables, reference.variables)).toBe(0);
  });

  it('finite gradients whose sum overflows float32 are not taken for non-finite', () => {
    const v = track(tf.tidy(() => tf.variable(tf.tensor1d([0, 0, 0]))));
    const optimizer = track(new AccumulatingOptimizer(tf.train.sgd(1e-38), { k: 1 }));
    const result = scoped(() =>
      optimizer.accumulate({ [v.name]: tf.tensor1d([3e38, 3e38, -1e38]) }, { sampleCount: 1 }),
    );
    expect(result).toMatchObject({ updated: true, skipped: false });
    expect(Array.from(v.dataSync()).map((x) => Math.round(x))).toEqual([-3, -3, 1]);
  });

  it("nonFinite: 'propagate' lets NaN through like the plain optimizer", () => {
    const v = track(tf.tidy(() => tf.variable(tf.tensor1d([1, 1]))));
    const optimizer = track(
      new AccumulatingOptimizer(tf.train.sgd(1), { k: 1, nonFinite: 'propagate' }),
    );
    scoped(() =>
      optimizer.accumulate({ [v.name]: tf.tensor1d([Number.NaN, 0]) }, { sampleCount: 1 }),
    );
    expect(Array.from(v.dataSync())).toEqual([Number.NaN, 1]);
  });

  it('a null gradient adds zero, and a variable without any gradient is left to the inner optimizer', () => {
    const a = track(tf.tidy(() => tf.variable(tf.tensor1d([0]))));
    const b = track(tf.tidy(() => tf.variable(tf.tensor1d([0]))));
    const optimizer = track(new AccumulatingOptimizer(tf.train.sgd(1), { k: 2 }));
    tf.tidy(() => {
      optimizer.accumulate(
        [
          { name: a.name, tensor: tf.tensor1d([4]) },
          { name: b.name, tensor: null as never },
        ],
        { sampleCount: 1 },
      );
      optimizer.accumulate(
        [
          { name: a.name, tensor: null as never },
          { name: b.name, tensor: null as never },
        ],
        { sampleCount: 3 },
      );
    });
    expect(a.dataSync()[0]).toBeCloseTo(-1, 6);
    expect(b.dataSync()[0]).toBe(0);
  });
});

describe('updates, learning rate and memory', () => {
  it('iterations and the inner learning rate follow updates, not micro-batches', () => {
    const v = track(tf.tidy(() => tf.variable(tf.tensor1d([0]))));
    const optimizer = track(new AccumulatingOptimizer(tf.train.sgd(0.5), { k: 2 }));
    expect(optimizer.learningRate).toBe(0.5);
    const deltas: number[] = [];
    for (let micro = 0; micro < 8; micro++) {
      // A per-update schedule: lr = 1 / (1 + updates).
      optimizer.setLearningRate(1 / (1 + optimizer.iterations));
      const before = v.dataSync()[0]!;
      tf.tidy(() => optimizer.applyGradients({ [v.name]: tf.tensor1d([1]) }));
      deltas.push(before - v.dataSync()[0]!);
    }
    expect(optimizer.iterations).toBe(4);
    expect(optimizer.inner.iterations).toBe(4);
    [0, 1, 0, 0.5, 0, 1 / 3, 0, 0.25].forEach((d, i) => {
      expect(deltas[i]).toBeCloseTo(d, 6);
    });
    optimizer.learningRate = 0.125;
    expect((optimizer.inner as unknown as { learningRate: number }).learningRate).toBe(0.125);
  });

  it('forwards momentum to the inner optimizer, so momentum schedules work through the wrapper', () => {
    const v = track(tf.tidy(() => tf.variable(tf.tensor1d([0]))));
    const optimizer = track(new AccumulatingOptimizer(tf.train.momentum(1, 0.9), { k: 1 }));
    expect(optimizer.getMomentum()).toBeCloseTo(0.9, 12);
    optimizer.setMomentum(0.5);
    expect(optimizer.getMomentum()).toBe(0.5);
    // Momentum with lr 1: accumulation a <- m*a + g; step -a. Two unit gradients: 1, then 1.5.
    const deltas: number[] = [];
    for (let step = 0; step < 2; step++) {
      const before = v.dataSync()[0]!;
      tf.tidy(() => optimizer.applyGradients({ [v.name]: tf.tensor1d([1]) }));
      deltas.push(before - v.dataSync()[0]!);
    }
    expect(deltas[0]).toBeCloseTo(1, 6);
    expect(deltas[1]).toBeCloseTo(1.5, 6);
    const adam = track(new AccumulatingOptimizer(tf.train.adam(0.1, 0.8), { k: 2 }));
    adam.setMomentum(0.7);
    expect((adam.inner as unknown as { beta1: number }).beta1).toBe(0.7);
  });

  it('keeps tf.memory().numTensors flat over 1,000 micro-batches and frees everything on dispose', async () => {
    const data = makeDataset(96);
    const model = track(makeMlp());
    const baseline = tf.memory().numTensors;
    const optimizer = new AccumulatingOptimizer(tf.train.adam(0.01), { k: 3, clipNorm: 1 });
    const run = (micro: number) => {
      const start = (micro * 8) % 96;
      const grads = gradientsOf(model, data, start, start + 8);
      if (micro % 50 === 7) {
        const [name] = Object.keys(grads) as [string];
        const bad = tf.fill(grads[name]!.shape, Number.NaN);
        optimizer.accumulate({ ...grads, [name]: bad }, { sampleCount: 8 });
        bad.dispose();
      } else {
        optimizer.applyGradients(grads);
      }
      tf.dispose(grads);
      if (micro % 100 === 99) optimizer.flush();
    };
    for (let micro = 0; micro < 10; micro++) run(micro);
    await optimizer.getWeights();
    const counts: number[] = [];
    for (let micro = 10; micro < 1010; micro++) {
      run(micro);
      if (micro % 100 === 9) {
        await optimizer.getWeights();
        counts.push(tf.memory().numTensors);
      }
    }
    expect(optimizer.state.skippedMicroBatches).toBe(21);
    expect(new Set(counts).size).toBe(1);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });
});

describe('state and serialization', () => {
  async function copyWeights(weights: { name: string; tensor: tf.Tensor }[]) {
    return weights.map(({ name, tensor }) => ({ name, tensor: tf.clone(tensor) }));
  }

  it('getWeights lists iter first, then counters, accumulators, inner weights', async () => {
    const data = makeDataset(40);
    const model = track(makeMlp());
    const optimizer = track(new AccumulatingOptimizer(tf.train.adam(0.01), { k: 4 }));
    for (let start = 0; start < 40; start += 8) microStep(model, optimizer, data, start, start + 8);
    const weights = await optimizer.getWeights();
    const names = model.variables.map((v) => v.name);
    expect(weights.map((w) => w.name)).toEqual([
      'iter',
      'accumulate/mini_step',
      'accumulate/skipped',
      'accumulate/sample_count',
      'accumulate/first_sample_count',
      'accumulate/has_gradient',
      ...names.map((n) => `${n}/accumulated_gradient`),
      'inner/iter',
      ...names.map((n) => `inner/${n}/m`),
      ...names.map((n) => `inner/${n}/v`),
      'bias_correction/accBeta1',
      'bias_correction/accBeta2',
    ]);
    expect(weights.slice(0, 6).map((w) => Array.from(w.tensor.dataSync()))).toEqual([
      [1],
      [1],
      [0],
      [8],
      [8],
      [1, 1, 1, 1],
    ]);
    // The single pending micro-batch's accumulator is its gradient.
    const grads = gradientsOf(model, data, 32, 40);
    expect(
      maxAbsDiff(
        weights.slice(6, 10).map((w) => w.tensor),
        names.map((n) => grads[n]!),
      ),
    ).toBe(0);
    tf.dispose(grads);
  });

  it.each(inners)(
    '%s: setWeights mid-accumulation continues identically',
    async (_name, makeInner) => {
      const data = makeDataset(56);
      const original = track(makeMlp());
      const optimizer = track(new AccumulatingOptimizer(makeInner(), { k: 3 }));
      for (let start = 0; start < 40; start += 8)
        microStep(original, optimizer, data, start, start + 8);
      const poisoned = scoped(() =>
        optimizer.accumulate(
          original.variables.map((v) => ({ name: v.name, tensor: tf.fill(v.shape, Number.NaN) })),
          { sampleCount: 8 },
        ),
      );
      expect(poisoned.skipped).toBe(true);
      expect(optimizer.state).toMatchObject({
        miniStep: 2,
        sampleCount: 16,
        skippedMicroBatches: 1,
      });

      // A fresh model (other variable names) with the same weights, and a fresh optimizer.
      const copy = track(makeMlp());
      for (const [i, v] of copy.variables.entries()) v.assign(original.variables[i]!);
      const restored = track(new AccumulatingOptimizer(makeInner(), { k: 3 }));
      const saved = await copyWeights(await optimizer.getWeights());
      await restored.setWeights(saved);
      tf.dispose(saved.map((w) => w.tensor));
      expect(restored.state).toEqual({ ...optimizer.state, variableNames: null });

      for (let round = 0; round < 3; round++) {
        for (let start = 0; start < 56; start += 8) {
          const a = microStep(original, optimizer, data, start, start + 8);
          const b = microStep(copy, restored, data, start, start + 8);
          expect(b).toEqual(a);
        }
      }
      expect(restored.iterations).toBe(optimizer.iterations);
      const diff = maxAbsDiff(copy.variables, original.variables);
      console.info(
        `${_name}: max |Δw| after restore and 21 micro-batches = ${diff.toExponential(2)}`,
      );
      expect(diff).toBe(0);
    },
  );

  it("restores Adam's bias-correction products exactly, also with a scheduled beta1", async () => {
    const data = makeDataset(64);
    const beta1At = (update: number) => 0.85 + 0.1 * Math.abs(Math.sin(update));
    const train = (model: Mlp, optimizer: AccumulatingOptimizer, updates: number) => {
      for (let u = 0; u < updates; u++) {
        optimizer.setMomentum(beta1At(optimizer.iterations));
        const start = (optimizer.iterations * 8) % 64;
        microStep(model, optimizer, data, start, start + 8);
      }
    };
    const original = track(makeMlp());
    const optimizer = track(new AccumulatingOptimizer(tf.train.adam(0.01), { k: 1 }));
    train(original, optimizer, 30);
    const saved = await copyWeights(await optimizer.getWeights());

    const resume = async (weights: typeof saved) => {
      const copy = track(makeMlp());
      for (const [i, v] of copy.variables.entries()) v.assign(original.variables[i]!);
      const restored = track(new AccumulatingOptimizer(tf.train.adam(0.01), { k: 1 }));
      await restored.setWeights(weights);
      train(copy, restored, 20);
      return copy;
    };
    const exact = await resume(saved);
    // tfjs' own restore (beta^(t+1)) for comparison: drop the saved products.
    const withoutProducts = await resume(
      saved.filter((w) => !w.name.startsWith('bias_correction/')),
    );
    train(original, optimizer, 20);
    expect(maxAbsDiff(exact.variables, original.variables)).toBe(0);
    expect(maxAbsDiff(withoutProducts.variables, original.variables)).toBeGreaterThan(0);
    tf.dispose(saved.map((w) => w.tensor));
  });

  it('rejects bias corrections for an inner optimizer without them', async () => {
    const restored = track(new AccumulatingOptimizer(tf.train.sgd(0.1), { k: 1 }));
    const adam = track(new AccumulatingOptimizer(tf.train.adam(0.1), { k: 1 }));
    const weights = await adam.getWeights();
    await expect(restored.setWeights(weights)).rejects.toThrow(
      'AccumulatingOptimizer.setWeights: the weights hold bias corrections (bias_correction/accBeta1, bias_correction/accBeta2) that the inner SGD optimizer has no place for. Pass the list returned by AccumulatingOptimizer.getWeights().',
    );
  });

  it('rejects a malformed state with StateRestoreError and changes nothing', async () => {
    const data = makeDataset(16);
    const model = track(makeMlp());
    const optimizer = track(new AccumulatingOptimizer(tf.train.sgd(0.1), { k: 3 }));
    microStep(model, optimizer, data, 0, 8);
    const before = await stateOf(optimizer);
    const good = await copyWeights(await optimizer.getWeights());
    const bad: [string, { name: string; tensor: tf.Tensor }[], string][] = [
      ['too short', good.slice(0, 3), 'expected at least 6 weights'],
      [
        'renamed counter',
        good.map((w, i) => (i === 1 ? { ...w, name: 'mini' } : w)),
        "weight 1 must be 'accumulate/mini_step', got 'mini'.",
      ],
      [
        'negative step',
        good.map((w, i) => (i === 1 ? { ...w, tensor: tf.scalar(-1, 'int32') } : w)),
        'iter, mini_step and skipped must be integers >= 0, got 0, -1, 0.',
      ],
      [
        'missing accumulator',
        [...good.slice(0, 7), ...good.slice(9)],
        "expected 4 '<variable>/accumulated_gradient' weights",
      ],
      [
        'foreign weight',
        [...good, { name: 'extra', tensor: tf.scalar(1) }],
        "weight 'extra' is neither an accumulator nor an 'inner/' weight.",
      ],
      [
        'inner rejects',
        [...good, { name: 'inner/extra', tensor: tf.scalar(1) }],
        'the inner SGD optimizer rejected its weights: SGD optimizer does not have settable weights.',
      ],
    ];
    for (const [, weights, message] of bad) {
      await expect(optimizer.setWeights(weights)).rejects.toThrow(StateRestoreError);
      await expect(optimizer.setWeights(weights)).rejects.toThrow(message);
    }
    expect(await stateOf(optimizer)).toEqual(before);

    // Restoring into a model of another shape fails at the next micro-batch.
    const other = track(tf.tidy(() => tf.variable(tf.zeros([3]))));
    const fresh = track(new AccumulatingOptimizer(tf.train.sgd(0.1), { k: 3 }));
    await fresh.setWeights(good);
    const call = () =>
      scoped(() => fresh.accumulate({ [other.name]: tf.zeros([3]) }, { sampleCount: 1 }));
    expect(call).toThrow(ShapeMismatchError);
    expect(call).toThrow(
      'AccumulatingOptimizer.accumulate: gradients (number of variables) must have shape 4, got 1.',
    );
  });

  it('a flush right after restoring a partial group is refused (typed), then the next micro-batch binds it', async () => {
    const data = makeDataset(24);
    const model = track(makeMlp());
    const optimizer = track(new AccumulatingOptimizer(tf.train.sgd(0.1), { k: 3 }));
    microStep(model, optimizer, data, 0, 8);
    const saved = await copyWeights(await optimizer.getWeights());
    const restored = track(new AccumulatingOptimizer(tf.train.sgd(0.1), { k: 3 }));
    await restored.setWeights(saved);
    tf.dispose(saved.map((w) => w.tensor));
    const before = await stateOf(restored);
    // Before: TypeError "Cannot read properties of null (reading 'map')".
    expect(() => restored.flush()).toThrow(InvalidArgumentError);
    expect(() => restored.flush()).toThrow(
      "AccumulatingOptimizer.flush: restored micro-batches must be matched to the model's variables by a new micro-batch before a flush, got 1.",
    );
    expect(await stateOf(restored)).toEqual(before);
    // The next micro-batch binds the restored sums; the update equals the original's.
    const copy = track(makeMlp());
    for (const [i, v] of copy.variables.entries()) v.assign(model.variables[i]!);
    microStep(model, optimizer, data, 8, 16);
    microStep(copy, restored, data, 8, 16);
    expect(restored.flush()).toMatchObject({ updated: true, updateCount: 1 });
    optimizer.flush();
    expect(maxAbsDiff(copy.variables, model.variables)).toBe(0);
  });

  it('getConfig / fromConfig round trip, registration and errors', () => {
    registerAccumulatingOptimizer();
    registerAccumulatingOptimizer();
    const optimizer = track(
      new AccumulatingOptimizer(tf.train.adam(0.002, 0.8, 0.99, 1e-6), {
        k: 5,
        clipNorm: 2,
        nonFinite: 'throw',
      }),
    );
    expect(optimizer.getClassName()).toBe('AccumulatingOptimizer');
    expect(AccumulatingOptimizer.className).toBe('AccumulatingOptimizer');
    const config = optimizer.getConfig();
    expect(config).toEqual({
      k: 5,
      clipNorm: 2,
      nonFinite: 'throw',
      optimizer: {
        className: 'Adam',
        config: { learningRate: 0.002, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 },
      },
    });
    const [cls, fromConfig] =
      tf.serialization.SerializationMap.getMap().classNameMap.AccumulatingOptimizer!;
    const rebuilt = track(
      fromConfig(cls, JSON.parse(JSON.stringify(config))) as AccumulatingOptimizer,
    );
    expect(rebuilt).toBeInstanceOf(AccumulatingOptimizer);
    expect(rebuilt.getConfig()).toEqual(config);
    expect(rebuilt.inner.getClassName()).toBe('Adam');

    const unknown = () =>
      AccumulatingOptimizer.fromConfig(AccumulatingOptimizer, {
        ...config,
        optimizer: { className: 'Nope', config: {} },
      });
    expect(unknown).toThrow(StateRestoreError);
    expect(unknown).toThrow(
      "AccumulatingOptimizer.fromConfig: the inner optimizer class 'Nope' is not registered.",
    );
    const badK = () => AccumulatingOptimizer.fromConfig(AccumulatingOptimizer, { ...config, k: 0 });
    expect(badK).toThrow(StateRestoreError);
    expect(badK).toThrow(
      'AccumulatingOptimizer.fromConfig: cannot rebuild the optimizer: AccumulatingOptimizer: k must be an integer >= 1, got 0.',
    );

    const scheduled = track(new AccumulatingOptimizer(tf.train.sgd(0.1), { k: () => 2 }));
    expect(() => scheduled.getConfig()).toThrow(InvalidArgumentError);
    expect(() => scheduled.getConfig()).toThrow(
      'AccumulatingOptimizer.getConfig: k must be a number for the optimizer to be serializable',
    );
  });
});
