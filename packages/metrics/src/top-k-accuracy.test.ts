import { InvalidArgumentError, ShapeMismatchError, StateRestoreError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeStateFormat } from '../../../state.shared';
import { close, loadSklearnFixture } from './test-helpers';
import {
  createTopKAccuracy,
  mergeTopKAccuracy,
  resetTopKAccuracy,
  topKAccuracy,
  topKAccuracyFromJSON,
  topKAccuracyToJSON,
  topKAccuracyValue,
  updateTopKAccuracy,
} from './top-k-accuracy';

const fixture = loadSklearnFixture();
const cases = fixture.cases.filter((c) => c.topK.length > 0);

describe('top-k accuracy against scikit-learn top_k_accuracy_score (ties included)', () => {
  it('has cases with ties', () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { scores, results } = c.topK[0]!;
    const flat = Float32Array.from(scores.flat());
    for (const r of results) {
      const weights = r.weighted && c.sampleWeight ? { sampleWeight: c.sampleWeight } : {};
      const fromRows = topKAccuracy(c.yTrue, scores, { k: r.k, ...weights });
      expect(close(fromRows, r.normalized)).toBe(true);
      const count = topKAccuracy(c.yTrue, scores, { k: r.k, normalize: false, ...weights });
      expect(close(count, r.count)).toBe(true);
      if (!r.weighted) {
        // Flat float32 scores: the one-decimal scores keep their ties in float32.
        expect(topKAccuracy(c.yTrue, flat, { k: r.k, numClasses: c.numClasses })).toBe(fromRows);
      }
    }
  });
});

describe('streaming top-k', () => {
  const yTrue = [0, 1, 2, 2];
  const scores = [
    [0.5, 0.2, 0.2],
    [0.3, 0.4, 0.2],
    [0.2, 0.4, 0.3],
    [0.7, 0.2, 0.1],
  ];

  it('hand-checked: k=1 ties rank the higher index first', () => {
    // [0.5, 0.5, 0]: class 1 outranks class 0 on the tie.
    expect(
      topKAccuracy(
        [0, 1],
        [
          [0.5, 0.5, 0],
          [0.5, 0.5, 0],
        ],
        { k: 1 },
      ),
    ).toBe(0.5);
    expect(topKAccuracy(yTrue, scores, { k: 2 })).toBe(0.75);
    expect(topKAccuracy(yTrue, scores, { k: 3 })).toBe(1);
    expect(topKAccuracy([], [], { numClasses: 3 })).toBeNaN();
  });

  it('-Infinity scores rank last', () => {
    expect(
      topKAccuracy([2], [[Number.NEGATIVE_INFINITY, 0, Number.NEGATIVE_INFINITY]], { k: 2 }),
    ).toBe(1);
    expect(topKAccuracy([0], [[Number.NEGATIVE_INFINITY, 0, 1]], { k: 2 })).toBe(0);
  });

  it('merge of batches equals the one-shot value; JSON round trip exact', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 3 }),
            fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 4, maxLength: 4 }),
            fc.double({ min: 0, max: 5, noNaN: true }),
          ),
          { maxLength: 30 },
        ),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 4 }),
        (rows, cut, k) => {
          const a = createTopKAccuracy({ numClasses: 4, k });
          const b = createTopKAccuracy({ numClasses: 4, k });
          const first = rows.slice(0, cut);
          const second = rows.slice(cut);
          updateTopKAccuracy(
            a,
            first.map((r) => r[0]),
            first.map((r) => r[1]),
            {
              sampleWeight: first.map((r) => r[2]),
            },
          );
          updateTopKAccuracy(
            b,
            second.map((r) => r[0]),
            second.map((r) => r[1]),
            {
              sampleWeight: second.map((r) => r[2]),
            },
          );
          const merged = mergeTopKAccuracy(a, b);
          const count = topKAccuracy(
            rows.map((r) => r[0]),
            rows.map((r) => r[1]),
            { k, numClasses: 4, normalize: false, sampleWeight: rows.map((r) => r[2]) },
          );
          expect(close(merged.correct, count)).toBe(true);
          const restored = topKAccuracyFromJSON(
            JSON.parse(JSON.stringify(topKAccuracyToJSON(merged))),
          );
          expect(restored).toEqual(merged);
        },
      ),
    );
  });

  it('value, reset and metadata', () => {
    const state = createTopKAccuracy({ numClasses: 3, k: 1 });
    expect(topKAccuracyValue(state)).toBeNaN();
    updateTopKAccuracy(state, yTrue, scores);
    expect(topKAccuracyValue(state)).toBe(0.5);
    expect(resetTopKAccuracy(state)).toMatchObject({ correct: 0, total: 0 });
    expect(topKAccuracyValue.higherIsBetter).toBe(true);
  });

  it('bad input is rejected before anything is counted', () => {
    const state = createTopKAccuracy({ numClasses: 3, k: 1 });
    updateTopKAccuracy(state, [0], [[1, 0, 0]]);
    const snapshot = { ...state };
    const bad: [() => unknown, new (...args: never[]) => Error, string][] = [
      [
        () =>
          updateTopKAccuracy(
            state,
            [0, 3],
            [
              [1, 0, 0],
              [0, 1, 0],
            ],
          ),
        InvalidArgumentError,
        'updateTopKAccuracy: yTrue[1] must be an integer class index in [0, 2], got 3.',
      ],
      [
        () =>
          updateTopKAccuracy(
            state,
            [0, 1],
            [
              [1, 0, 0],
              [0, Number.NaN, 0],
            ],
          ),
        InvalidArgumentError,
        'updateTopKAccuracy: scores[1][1] must be a number (not NaN), got NaN. NaN scores cannot be ranked; check the model output for divergence.',
      ],
      [
        () =>
          updateTopKAccuracy(
            state,
            [0, 1],
            [
              [1, 0, 0],
              [0, 1],
            ],
          ),
        ShapeMismatchError,
        'updateTopKAccuracy: scores[1] must have shape [3], got [2].',
      ],
      [
        () => updateTopKAccuracy(state, [0, 1], new Float32Array(5)),
        ShapeMismatchError,
        'updateTopKAccuracy: scores must have shape [6], got [5]. Flat scores are row-major [samples, classes]: 2 samples × 3 classes.',
      ],
      [
        () =>
          updateTopKAccuracy(
            state,
            [0, 1],
            [
              [1, 0, 0],
              [0, 1, 0],
            ],
            { sampleWeight: [1, -1] },
          ),
        InvalidArgumentError,
        'updateTopKAccuracy: sampleWeight[1] must be a finite number >= 0, got -1.',
      ],
      [
        () => createTopKAccuracy({ numClasses: 3, k: 0 }),
        InvalidArgumentError,
        'createTopKAccuracy: k must be an integer >= 1, got 0. k counts the best-scored classes.',
      ],
      [
        () => topKAccuracy([0], new Float32Array(3)),
        InvalidArgumentError,
        'topKAccuracy: numClasses must be given for flat scores, got undefined.',
      ],
      [
        () => mergeTopKAccuracy(state, createTopKAccuracy({ numClasses: 3, k: 2 })),
        InvalidArgumentError,
        'mergeTopKAccuracy: sources[0] must be a state with numClasses 3 and k 1',
      ],
    ];
    for (const [call, errorClass, message] of bad) {
      expect(call).toThrow(errorClass);
      expect(call).toThrow(message);
    }
    expect(state).toEqual(snapshot);
  });

  it('fromJSON rejects malformed state', () => {
    const good = topKAccuracyToJSON(createTopKAccuracy({ numClasses: 3 }));
    expect(() => topKAccuracyFromJSON({ ...good, k: 0 })).toThrow(StateRestoreError);
    expect(() => topKAccuracyFromJSON({ ...good, correct: 2, total: 1 })).toThrow(
      'topKAccuracyFromJSON: total must be a finite number >= 2, got 1.',
    );
    expect(() =>
      topKAccuracyFromJSON({ ...good, format: 'trainkit.metrics.confusionMatrix' }),
    ).toThrow('expected format "trainkit.metrics.topKAccuracy"');
  });
});

describe('topKAccuracyToJSON / topKAccuracyFromJSON', () => {
  describeStateFormat({
    format: 'trainkit.metrics.topKAccuracy',
    version: 1,
    toJSON: topKAccuracyToJSON,
    fromJSON: topKAccuracyFromJSON,
    samples: () => [
      createTopKAccuracy({ numClasses: 2, k: 1 }),
      updateTopKAccuracy(
        createTopKAccuracy({ numClasses: 3, k: 2 }),
        [0, 2],
        [
          [0.1, 0.7, 0.2],
          [0.5, 0.4, 0.1],
        ],
        { sampleWeight: [0.25, 3] },
      ),
    ],
  });
});
