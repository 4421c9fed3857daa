import { InvalidArgumentError, ShapeMismatchError, StateRestoreError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeStateFormat } from '../../../state.shared';
import {
  type ConfusionMatrixState,
  cloneConfusionMatrix,
  confusionMatrix,
  confusionMatrixFromJSON,
  confusionMatrixToArray,
  confusionMatrixToJSON,
  createConfusionMatrix,
  mergeConfusionMatrices,
  normalizeConfusionMatrix,
  resetConfusionMatrix,
  updateConfusionMatrix,
} from './confusion-matrix';
import { close, loadSklearnFixture } from './test-helpers';

const fixture = loadSklearnFixture();

describe('confusion matrix against scikit-learn confusion_matrix', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const weights = c.sampleWeight ? { sampleWeight: c.sampleWeight } : {};
    const oneShot = confusionMatrix(c.yTrue, c.yPred, { numClasses: c.numClasses, ...weights });
    // Streaming in uneven batches gives the same counts.
    const streamed = createConfusionMatrix(c.numClasses);
    const yTrue = Int32Array.from(c.yTrue);
    const yPred = Int32Array.from(c.yPred);
    for (let start = 0; start < yTrue.length; start += 37) {
      const end = Math.min(yTrue.length, start + 37);
      updateConfusionMatrix(
        streamed,
        yTrue.subarray(start, end),
        yPred.subarray(start, end),
        c.sampleWeight ? { sampleWeight: c.sampleWeight.slice(start, end) } : {},
      );
    }
    for (const state of [oneShot, streamed]) {
      for (const normalize of [undefined, 'true', 'pred', 'all'] as const) {
        const actual = confusionMatrixToArray(state, normalize ? { normalize } : {});
        const expected = c.confusionMatrix[normalize ?? 'None'];
        expect(actual.length).toBe(c.numClasses);
        actual.forEach((row, t) => {
          row.forEach((value, p) => {
            if (!close(value, expected[t]![p]!)) {
              expect.fail(`${normalize}[${t}][${p}]: ${value} != ${expected[t]![p]}`);
            }
          });
        });
        if (!c.sampleWeight && !normalize) expect(actual).toEqual(expected);
      }
    }
  });
});

describe('streaming state', () => {
  it('follows the sklearn docstring example (rows = true, cols = predicted)', () => {
    const state = confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]);
    expect(state.numClasses).toBe(3);
    expect(confusionMatrixToArray(state)).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
    expect(state.counts[2 * 3 + 0]).toBe(1); // true 2, predicted 0
  });

  it('accepts every numeric array type', () => {
    const expected = [
      [1, 1],
      [0, 2],
    ];
    const inputs: [ArrayLike<number>, ArrayLike<number>][] = [
      [
        [0, 0, 1, 1],
        [0, 1, 1, 1],
      ],
      [new Uint8Array([0, 0, 1, 1]), new Uint8Array([0, 1, 1, 1])],
      [new Int16Array([0, 0, 1, 1]), new Uint32Array([0, 1, 1, 1])],
      [new Float32Array([0, 0, 1, 1]), new Float64Array([0, 1, 1, 1])],
    ];
    for (const [t, p] of inputs) {
      expect(confusionMatrixToArray(confusionMatrix(t, p, { numClasses: 2 }))).toEqual(expected);
    }
  });

  it('weights add their value to the cell', () => {
    const state = createConfusionMatrix(2);
    updateConfusionMatrix(state, [0, 0, 1], [0, 1, 1], { sampleWeight: [0.5, 2, 0] });
    expect(Array.from(state.counts)).toEqual([0.5, 2, 0, 0]);
  });

  it('reset zeroes in place, clone is independent', () => {
    const state = confusionMatrix([0, 1], [1, 1]);
    const snapshot = cloneConfusionMatrix(state);
    expect(resetConfusionMatrix(state)).toBe(state);
    expect(Array.from(state.counts)).toEqual([0, 0, 0, 0]);
    expect(Array.from(snapshot.counts)).toEqual([0, 1, 0, 1]);
  });

  it('normalize: rows / columns / total, with 0/0 -> 0', () => {
    const state = confusionMatrix([0, 0, 0, 1], [0, 1, 1, 1], { numClasses: 3 });
    expect(Array.from(normalizeConfusionMatrix(state, 'true'))).toEqual([
      1 / 3,
      2 / 3,
      0,
      0,
      1,
      0,
      0,
      0,
      0,
    ]);
    expect(Array.from(normalizeConfusionMatrix(state, 'pred'))).toEqual([
      1,
      2 / 3,
      0,
      0,
      1 / 3,
      0,
      0,
      0,
      0,
    ]);
    expect(Array.from(normalizeConfusionMatrix(state, 'all'))).toEqual([
      0.25, 0.5, 0, 0, 0.25, 0, 0, 0, 0,
    ]);
    expect(Array.from(normalizeConfusionMatrix(createConfusionMatrix(2), 'all'))).toEqual([
      0, 0, 0, 0,
    ]);
  });
});

const labelBatch = (numClasses: number) =>
  fc
    .array(
      fc.tuple(
        fc.integer({ min: 0, max: numClasses - 1 }),
        fc.integer({ min: 0, max: numClasses - 1 }),
        fc.double({ min: 0, max: 10, noNaN: true }),
      ),
      { maxLength: 40 },
    )
    .map((rows) => ({
      yTrue: rows.map((r) => r[0]),
      yPred: rows.map((r) => r[1]),
      weights: rows.map((r) => r[2]),
    }));

describe('properties', () => {
  it('merge(update(a), update(b)) equals update(a ∪ b) (exact for counts)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 6 })
          .chain((c) => fc.tuple(fc.constant(c), labelBatch(c), labelBatch(c))),
        ([c, a, b]) => {
          const left = confusionMatrix(a.yTrue, a.yPred, { numClasses: c });
          const right = confusionMatrix(b.yTrue, b.yPred, { numClasses: c });
          const union = confusionMatrix([...a.yTrue, ...b.yTrue], [...a.yPred, ...b.yPred], {
            numClasses: c,
          });
          expect(mergeConfusionMatrices(left, right).counts).toEqual(union.counts);
        },
      ),
    );
  });

  it('merge of weighted states equals the union up to float rounding', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 5 })
          .chain((c) => fc.tuple(fc.constant(c), labelBatch(c), labelBatch(c))),
        ([c, a, b]) => {
          const left = confusionMatrix(a.yTrue, a.yPred, {
            numClasses: c,
            sampleWeight: a.weights,
          });
          const right = confusionMatrix(b.yTrue, b.yPred, {
            numClasses: c,
            sampleWeight: b.weights,
          });
          const union = confusionMatrix([...a.yTrue, ...b.yTrue], [...a.yPred, ...b.yPred], {
            numClasses: c,
            sampleWeight: [...a.weights, ...b.weights],
          });
          const merged = mergeConfusionMatrices(left, right);
          merged.counts.forEach((v, i) => {
            expect(close(v, union.counts[i]!, 1e-12)).toBe(true);
          });
        },
      ),
    );
  });

  it('toJSON / fromJSON round trip is exact (through a JSON string)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((c) => fc.tuple(fc.constant(c), labelBatch(c))),
        ([c, a]) => {
          const state = confusionMatrix(a.yTrue, a.yPred, {
            numClasses: c,
            sampleWeight: a.weights,
          });
          const restored = confusionMatrixFromJSON(
            JSON.parse(JSON.stringify(confusionMatrixToJSON(state))),
          );
          expect(restored.numClasses).toBe(c);
          expect(restored.counts).toEqual(state.counts);
          expect(
            confusionMatrixFromJSON(JSON.stringify(confusionMatrixToJSON(state))).counts,
          ).toEqual(state.counts);
        },
      ),
    );
  });

  it("normalize 'true' rows sum to 1 (or are all 0), 'pred' columns too, 'all' sums to 1", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((c) => fc.tuple(fc.constant(c), labelBatch(c))),
        ([c, a]) => {
          const state = confusionMatrix(a.yTrue, a.yPred, {
            numClasses: c,
            sampleWeight: a.weights,
          });
          const rows = normalizeConfusionMatrix(state, 'true');
          const cols = normalizeConfusionMatrix(state, 'pred');
          for (let k = 0; k < c; k++) {
            let rowSum = 0;
            let rowCount = 0;
            let colSum = 0;
            let colCount = 0;
            for (let j = 0; j < c; j++) {
              rowSum += rows[k * c + j]!;
              rowCount += state.counts[k * c + j]!;
              colSum += cols[j * c + k]!;
              colCount += state.counts[j * c + k]!;
            }
            expect(rowCount === 0 ? rowSum === 0 : Math.abs(rowSum - 1) < 1e-12).toBe(true);
            expect(colCount === 0 ? colSum === 0 : Math.abs(colSum - 1) < 1e-12).toBe(true);
          }
          const all = normalizeConfusionMatrix(state, 'all').reduce((x, y) => x + y, 0);
          const total = state.counts.reduce((x, y) => x + y, 0);
          expect(total === 0 ? all === 0 : Math.abs(all - 1) < 1e-12).toBe(true);
        },
      ),
    );
  });
});

describe('bad input: typed errors and nothing partially added', () => {
  const fresh = () => confusionMatrix([0, 1, 2], [0, 1, 1]);
  const before = Array.from(fresh().counts);

  it.each([
    [
      'label out of range (at the end of the batch)',
      (s: ConfusionMatrixState) => updateConfusionMatrix(s, [0, 1, 3], [0, 1, 2]),
      InvalidArgumentError,
      'updateConfusionMatrix: yTrue[2] must be an integer class index in [0, 2], got 3. Labels must be integers 0..numClasses-1: check numClasses or remap the labels.',
    ],
    [
      'negative prediction',
      (s: ConfusionMatrixState) => updateConfusionMatrix(s, [0, 1], new Int32Array([0, -1])),
      InvalidArgumentError,
      'updateConfusionMatrix: yPred[1] must be an integer class index in [0, 2], got -1.',
    ],
    [
      'non-integer label',
      (s: ConfusionMatrixState) => updateConfusionMatrix(s, [0, 1.5], [0, 1]),
      InvalidArgumentError,
      'yTrue[1] must be an integer class index in [0, 2], got 1.5.',
    ],
    [
      'NaN label',
      (s: ConfusionMatrixState) =>
        updateConfusionMatrix(s, new Float32Array([0, 0]), new Float32Array([1, Number.NaN])),
      InvalidArgumentError,
      'yPred[1] must be an integer class index in [0, 2], got NaN.',
    ],
    [
      'string label',
      (s: ConfusionMatrixState) => updateConfusionMatrix(s, ['1'] as unknown as number[], [1]),
      InvalidArgumentError,
      'yTrue[0] must be an integer class index in [0, 2], got "1".',
    ],
    [
      'length mismatch',
      (s: ConfusionMatrixState) => updateConfusionMatrix(s, [0, 1], [0]),
      ShapeMismatchError,
      'updateConfusionMatrix: yPred must have shape [2], got [1].',
    ],
    [
      'weights length mismatch',
      (s: ConfusionMatrixState) => updateConfusionMatrix(s, [0, 1], [0, 1], { sampleWeight: [1] }),
      ShapeMismatchError,
      'updateConfusionMatrix: sampleWeight must have shape [2], got [1].',
    ],
    [
      'negative weight',
      (s: ConfusionMatrixState) =>
        updateConfusionMatrix(s, [0, 1], [0, 1], { sampleWeight: [1, -0.5] }),
      InvalidArgumentError,
      'updateConfusionMatrix: sampleWeight[1] must be a finite number >= 0, got -0.5. Sample weights must be finite and non-negative.',
    ],
    [
      'NaN weight',
      (s: ConfusionMatrixState) =>
        updateConfusionMatrix(s, [0, 1], [0, 1], { sampleWeight: [Number.NaN, 1] }),
      InvalidArgumentError,
      'sampleWeight[0] must be a finite number >= 0, got NaN.',
    ],
    [
      'infinite weight',
      (s: ConfusionMatrixState) =>
        updateConfusionMatrix(s, [0, 1], [0, 1], { sampleWeight: [1, Number.POSITIVE_INFINITY] }),
      InvalidArgumentError,
      'sampleWeight[1] must be a finite number >= 0, got Infinity.',
    ],
    [
      'not an array',
      (s: ConfusionMatrixState) => updateConfusionMatrix(s, 3 as unknown as number[], [0]),
      InvalidArgumentError,
      'updateConfusionMatrix: yTrue must be an array or a numeric typed array, got 3.',
    ],
    [
      'merge with other class count',
      (s: ConfusionMatrixState) =>
        mergeConfusionMatrices(s, createConfusionMatrix(3), createConfusionMatrix(4)),
      ShapeMismatchError,
      'mergeConfusionMatrices: sources[1].numClasses must have shape 3, got 4. Only matrices over the same classes can be merged.',
    ],
  ])('%s', (_name, call, errorClass, message) => {
    const state = fresh();
    expect(() => call(state)).toThrow(errorClass);
    expect(() => call(state)).toThrow(message);
    expect(Array.from(state.counts)).toEqual(before);
  });

  it('rejects bad class counts and states', () => {
    expect(() => createConfusionMatrix(0)).toThrow(
      'createConfusionMatrix: numClasses must be an integer >= 1 and <= 46340, got 0. Pass the number of classes of the problem, e.g. 10 for MNIST.',
    );
    expect(() => createConfusionMatrix(2.5)).toThrow(InvalidArgumentError);
    expect(() => confusionMatrix([], [])).toThrow(
      'confusionMatrix: numClasses must be given when there are no labels, got undefined. Pass numClasses explicitly.',
    );
    expect(() =>
      updateConfusionMatrix(
        { kind: 'confusionMatrix', numClasses: 3, counts: new Float64Array(4) },
        [0],
        [0],
      ),
    ).toThrow('updateConfusionMatrix: state must be a confusion matrix state');
  });
});

describe('large batches (single-pass path, N >= 4·C²)', () => {
  it('counts like a naive loop for every length and type (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((c) =>
          fc.tuple(
            fc.constant(c),
            fc.array(
              fc.tuple(fc.integer({ min: 0, max: c - 1 }), fc.integer({ min: 0, max: c - 1 })),
              {
                maxLength: 150,
              },
            ),
          ),
        ),
        ([c, pairs]) => {
          const naive = new Float64Array(c * c);
          for (const [t, p] of pairs) naive[t * c + p]! += 1;
          const yTrue = Int32Array.from(pairs, (x) => x[0]);
          const yPred = pairs.map((x) => x[1]);
          const state = createConfusionMatrix(c);
          updateConfusionMatrix(state, yTrue, yPred);
          updateConfusionMatrix(state, yTrue, yPred);
          expect(state.counts).toEqual(naive.map((v) => 2 * v));
        },
      ),
    );
  });

  it('reports the first bad label of yTrue, then of yPred, and adds nothing', () => {
    const n = 1001;
    const yTrue = new Int32Array(n).map((_, i) => i % 3);
    const yPred = new Float64Array(n).map((_, i) => (i + 1) % 3);
    yPred[500] = 2.5;
    yTrue[700] = 3;
    yTrue[1000] = -1;
    const state = confusionMatrix([0], [0], { numClasses: 3 });
    expect(() => updateConfusionMatrix(state, yTrue, yPred)).toThrow(
      'updateConfusionMatrix: yTrue[700] must be an integer class index in [0, 2], got 3.',
    );
    yTrue[700] = 0;
    expect(() => updateConfusionMatrix(state, yTrue, yPred)).toThrow(
      'yTrue[1000] must be an integer class index in [0, 2], got -1.',
    );
    yTrue[1000] = 0;
    expect(() => updateConfusionMatrix(state, yTrue, yPred)).toThrow(
      'yPred[500] must be an integer class index in [0, 2], got 2.5.',
    );
    expect(Array.from(state.counts)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0]);
    yPred[500] = 2;
    updateConfusionMatrix(state, yTrue, yPred);
    expect(state.counts.reduce((a, b) => a + b, 0)).toBe(1 + n);
  });
});

describe('confusionMatrixFromJSON rejects malformed state', () => {
  const good = confusionMatrixToJSON(confusionMatrix([0, 1], [1, 1]));
  it.each([
    [
      'not an object',
      42,
      'confusionMatrixFromJSON: expected a trainkit.metrics.confusionMatrix state object, got 42. Pass the object confusionMatrixToJSON returned.',
    ],
    [
      'invalid JSON text',
      '{',
      'confusionMatrixFromJSON: the text is not valid JSON (expected a trainkit.metrics.confusionMatrix state).',
    ],
    [
      'wrong format',
      { ...good, format: 'other' },
      'expected format "trainkit.metrics.confusionMatrix", got "other".',
    ],
    [
      'wrong version',
      { ...good, version: 2 },
      'trainkit.metrics.confusionMatrix version 2 was written by a newer release; this one reads version 1.',
    ],
    [
      'bad numClasses',
      { ...good, numClasses: 0 },
      'numClasses must be an integer >= 1 and <= 46340, got 0.',
    ],
    [
      'wrong count length',
      { ...good, counts: [1, 2, 3] },
      'counts must be an array of length 4, got [1, 2, 3].',
    ],
    [
      'negative count',
      { ...good, counts: [0, 1, -1, 1] },
      'counts[2] must be a finite number >= 0, got -1.',
    ],
    [
      'null count',
      { ...good, counts: [0, null, 0, 1] },
      'counts[1] must be a finite number >= 0, got null.',
    ],
  ])('%s', (_name, json, message) => {
    expect(() => confusionMatrixFromJSON(json)).toThrow(StateRestoreError);
    expect(() => confusionMatrixFromJSON(json)).toThrow(message);
  });
});

describe('confusionMatrixToJSON / confusionMatrixFromJSON', () => {
  describeStateFormat({
    format: 'trainkit.metrics.confusionMatrix',
    version: 1,
    toJSON: confusionMatrixToJSON,
    fromJSON: confusionMatrixFromJSON,
    samples: () => [
      createConfusionMatrix(1),
      updateConfusionMatrix(createConfusionMatrix(3), [0, 1, 2, 2], [0, 2, 2, 1], {
        sampleWeight: [1, 0.5, 2.25, 1e-300],
      }),
    ],
  });
});
