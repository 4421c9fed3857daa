import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  balancedAccuracy,
  cohenKappa,
  f1Score,
  fbetaScore,
  matthewsCorrelation,
  precision,
  precisionRecallFscoreSupport,
  recall,
} from './classification-metrics';
import { classificationReport } from './classification-report';
import { confusionMatrix } from './confusion-matrix';
import { close, loadSklearnFixture, num, type SklearnCase } from './test-helpers';

const fixture = loadSklearnFixture();

function stateOf(c: SklearnCase) {
  return confusionMatrix(c.yTrue, c.yPred, {
    numClasses: c.numClasses,
    ...(c.sampleWeight ? { sampleWeight: c.sampleWeight } : {}),
  });
}

/**
 * Weighted supports are float sums: scikit-learn adds the weights per class in
 * sample order, trainkit adds per-cell sums, so the last digits of the printed
 * repr can differ, and an integral weighted support prints as `0.0` in
 * scikit-learn but `0` here (documented). Everything else must match exactly.
 */
function expectSameReportUpToSupportRounding(actual: string, expected: string) {
  const actualLines = actual.split('\n');
  const expectedLines = expected.split('\n');
  expect(actualLines.length).toBe(expectedLines.length);
  actualLines.forEach((line, i) => {
    const want = expectedLines[i]!;
    const cut = Math.max(want.lastIndexOf(' '), 0);
    expect(line.slice(0, cut)).toBe(want.slice(0, cut));
    const support = want.slice(cut).trim();
    if (support === '' || support === 'support') {
      expect(line).toBe(want);
    } else {
      expectClose(Number(line.slice(cut)), Number(support), `support in line ${i}`);
    }
  });
}

function expectClose(actual: number, expected: number, what: string) {
  if (!close(actual, expected)) {
    expect.fail(`${what}: expected ${expected}, got ${actual}`);
  }
}

describe.each(fixture.cases.map((c) => [c.name, c] as const))('scikit-learn %s', (_name, c) => {
  const state = stateOf(c);

  it('accuracy equals accuracy_score', () => {
    expectClose(accuracy(state), c.accuracy, 'accuracy');
  });

  it('precision_recall_fscore_support for every average, zero_division, beta and label set', () => {
    expect(c.precisionRecallFscoreSupport.length).toBeGreaterThan(20);
    for (const entry of c.precisionRecallFscoreSupport) {
      const what = `${entry.labels}/${entry.average}/zd=${entry.zeroDivision}/beta=${entry.beta}`;
      const common = { zeroDivision: entry.zeroDivision, beta: entry.beta } as const;
      if (entry.average === null) {
        // Fixtures hold per-class values with labels=range(C): every class.
        const result = precisionRecallFscoreSupport(state, common);
        const expected = entry as unknown as Record<
          'precision' | 'recall' | 'fScore' | 'support',
          number[]
        >;
        for (const key of ['precision', 'recall', 'fScore', 'support'] as const) {
          expect(result[key].length).toBe(c.numClasses);
          expected[key].forEach((value, k) => {
            expectClose(result[key][k]!, num(value), `${what} ${key}[${k}]`);
          });
        }
      } else {
        const result = precisionRecallFscoreSupport(state, {
          ...common,
          average: entry.average,
          labels: entry.labels,
        });
        expectClose(result.precision, num(entry.precision as number), `${what} precision`);
        expectClose(result.recall, num(entry.recall as number), `${what} recall`);
        expectClose(result.fScore, num(entry.fScore as number), `${what} fScore`);
      }
    }
  });

  it('scalar shortcuts agree with the averaged form', () => {
    const macro = precisionRecallFscoreSupport(state, { average: 'macro' });
    expect(precision(state)).toBe(macro.precision);
    expect(recall(state)).toBe(macro.recall);
    expect(f1Score(state)).toBe(macro.fScore);
    expect(fbetaScore(state, { beta: 2, average: 'weighted' })).toBe(
      precisionRecallFscoreSupport(state, { average: 'weighted', beta: 2 }).fScore,
    );
  });

  it('balanced_accuracy_score (plain and adjusted)', () => {
    expectClose(balancedAccuracy(state), num(c.balancedAccuracy.plain), 'plain');
    expectClose(
      balancedAccuracy(state, { adjusted: true }),
      num(c.balancedAccuracy.adjusted),
      'adjusted',
    );
  });

  it('cohen_kappa_score (unweighted, linear, quadratic; present and all labels)', () => {
    for (const entry of c.cohenKappa) {
      const value = cohenKappa(state, {
        labels: entry.labels,
        ...(entry.weights ? { weights: entry.weights } : {}),
      });
      expectClose(value, num(entry.value), `${entry.labels}/${entry.weights}`);
    }
  });

  it('matthews_corrcoef', () => {
    expectClose(matthewsCorrelation(state), c.matthewsCorrelation, 'mcc');
  });

  it('classification_report text, byte for byte', () => {
    for (const entry of c.classificationReport) {
      const text = classificationReport(state, {
        digits: entry.digits,
        labels: entry.labels,
        zeroDivision: entry.zeroDivision,
        ...(entry.classNames ? { classNames: entry.classNames } : {}),
      });
      if (c.sampleWeight === null) {
        expect(text).toBe(entry.text);
      } else {
        expectSameReportUpToSupportRounding(text, entry.text);
      }
    }
  });
});

describe('zero division', () => {
  // Class 2 is never true and never predicted; class 1 is never predicted.
  const state = confusionMatrix([0, 0, 1, 1], [0, 0, 0, 0], { numClasses: 3 });

  it('uses 0, 1 or NaN for 0/0 ratios, per class', () => {
    const zero = precisionRecallFscoreSupport(state, { zeroDivision: 0 });
    expect(Array.from(zero.precision)).toEqual([0.5, 0, 0]);
    expect(Array.from(zero.recall)).toEqual([1, 0, 0]);
    const one = precisionRecallFscoreSupport(state, { zeroDivision: 1 });
    expect(Array.from(one.precision)).toEqual([0.5, 1, 1]);
    expect(Array.from(one.recall)).toEqual([1, 0, 1]);
    // F for class 1: tp = 0 with true > 0 is a real 0, not a zero division.
    expect(Array.from(one.fScore)).toEqual([2 / 3, 0, 1]);
    const nan = precisionRecallFscoreSupport(state, { zeroDivision: Number.NaN });
    expect(Array.from(nan.precision)).toEqual([0.5, Number.NaN, Number.NaN]);
    expect(Array.from(nan.fScore)).toEqual([2 / 3, 0, Number.NaN]);
  });

  it("'warn' gives the same values as 0", () => {
    expect(precisionRecallFscoreSupport(state, { zeroDivision: 'warn' })).toEqual(
      precisionRecallFscoreSupport(state, { zeroDivision: 0 }),
    );
  });

  it('NaN entries are left out of macro and weighted means (scikit-learn >= 1.3)', () => {
    const all = precisionRecallFscoreSupport(state, {
      zeroDivision: Number.NaN,
      labels: 'all',
      average: 'macro',
    });
    // precision: only class 0 is defined.
    expect(all.precision).toBe(0.5);
    // recall: classes 0 (1) and 1 (0); class 2 is NaN.
    expect(all.recall).toBe(0.5);
    const onlyUndefined = precisionRecallFscoreSupport(state, {
      zeroDivision: Number.NaN,
      labels: [2],
      average: 'macro',
    });
    expect(onlyUndefined.precision).toBeNaN();
  });

  it('weighted average with zero support follows scikit-learn', () => {
    // Averaging over class 2 only: no true and no predicted samples.
    expect(
      precisionRecallFscoreSupport(state, { labels: [2], average: 'weighted', zeroDivision: 1 }),
    ).toEqual({ precision: 1, recall: 1, fScore: 1, support: 0 });
    // Averaging over a class that is predicted but never true: (0, zeroDivision, 0).
    const predictedOnly = confusionMatrix([0, 0], [1, 1], { numClasses: 2 });
    expect(
      precisionRecallFscoreSupport(predictedOnly, {
        labels: [1],
        average: 'weighted',
        zeroDivision: 1,
      }),
    ).toEqual({ precision: 0, recall: 1, fScore: 0, support: 0 });
  });

  it('the empty matrix: accuracy and balanced accuracy NaN, MCC 0, kappa NaN by default', () => {
    const empty = confusionMatrix([], [], { numClasses: 3 });
    expect(accuracy(empty)).toBeNaN();
    expect(balancedAccuracy(empty)).toBeNaN();
    expect(matthewsCorrelation(empty)).toBe(0);
    expect(cohenKappa(empty)).toBeNaN();
    expect(cohenKappa(empty, { zeroDivision: 0 })).toBe(0);
    expect(f1Score(empty, { zeroDivision: 1 })).toBe(1);
  });
});

describe('hand-derived values', () => {
  it('binary average reports the positive class', () => {
    const state = confusionMatrix([0, 1, 1, 1, 0], [0, 1, 0, 1, 1]);
    // class 1: tp 2, pred 3, true 3.
    expect(precisionRecallFscoreSupport(state, { average: 'binary' })).toEqual({
      precision: 2 / 3,
      recall: 2 / 3,
      fScore: (2 * 2) / (3 + 3),
      support: 3,
    });
    expect(precision(state, { average: 'binary', positiveLabel: 0 })).toBe(0.5);
  });

  it('MCC of a 2x2 table equals the phi coefficient', () => {
    // tn=3, fp=1, fn=2, tp=4
    const state = confusionMatrix([0, 0, 0, 0, 1, 1, 1, 1, 1, 1], [0, 0, 0, 1, 0, 0, 1, 1, 1, 1]);
    const phi = (4 * 3 - 1 * 2) / Math.sqrt((4 + 1) * (4 + 2) * (3 + 1) * (3 + 2));
    expect(matthewsCorrelation(state)).toBeCloseTo(phi, 14);
  });

  it('accepts a plain matrix', () => {
    expect(
      accuracy([
        [2, 1],
        [0, 1],
      ]),
    ).toBe(0.75);
  });
});

describe('metadata', () => {
  it('every scalar metric says higher is better, with bounds', () => {
    for (const metric of [accuracy, balancedAccuracy, precision, recall, f1Score, fbetaScore]) {
      expect(metric.higherIsBetter).toBe(true);
      expect([metric.lowerBound, metric.upperBound]).toEqual([0, 1]);
    }
    expect(cohenKappa.lowerBound).toBe(-1);
    expect(matthewsCorrelation.metricName).toBe('matthewsCorrelation');
  });
});

describe('bad options', () => {
  const state = confusionMatrix([0, 1, 2], [0, 1, 1]);
  it.each([
    [
      'zeroDivision 2',
      () => precisionRecallFscoreSupport(state, { zeroDivision: 2 }),
      "precisionRecallFscoreSupport: zeroDivision must be 0, 1, NaN or 'warn', got 2.",
    ],
    [
      'unknown average',
      () => precisionRecallFscoreSupport(state, { average: 'samples' as 'macro' }),
      "precisionRecallFscoreSupport: average must be one of 'micro', 'macro', 'weighted', 'binary', got \"samples\".",
    ],
    [
      'binary with 3 classes',
      () => f1Score(state, { average: 'binary' }),
      "f1Score: average must be 'micro', 'macro' or 'weighted' for more than two classes",
    ],
    [
      'label out of range',
      () => precision(state, { labels: [0, 3] }),
      'precision: labels[1] must be an integer >= 0 and <= 2, got 3.',
    ],
    [
      'duplicate label',
      () => recall(state, { labels: [1, 1] }),
      'recall: labels[1] must be unique, got 1. List each class once.',
    ],
    [
      'negative beta',
      () => fbetaScore(state, { beta: -1 }),
      'fbetaScore: beta must be a finite number >= 0, got -1.',
    ],
    [
      'kappa weights',
      () => cohenKappa(state, { weights: 'cubic' as 'linear' }),
      "cohenKappa: weights must be one of 'linear', 'quadratic', got \"cubic\".",
    ],
    [
      'not a matrix',
      () => accuracy([[1, 2], [3]]),
      'accuracy: matrix[1] must have shape [2], got [1].',
    ],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
    try {
      call();
    } catch (error) {
      expect((error as Error).name).toMatch(/InvalidArgumentError|ShapeMismatchError/);
    }
  });

  it('reports InvalidArgumentError for options', () => {
    expect(() => balancedAccuracy(state, { adjusted: 'yes' as unknown as boolean })).toThrow(
      InvalidArgumentError,
    );
  });
});
