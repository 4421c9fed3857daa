// Reports whose values sit exactly on a decimal tie at the last printed digit (19/40 at two
// digits, 5/8, 3/16, ...): which side is printed depends on the float computed, so trainkit
// computes each value with scikit-learn's operations (fixtures/generate_ties.py).
import { describe, expect, it } from 'vitest';
import { precisionRecallFscoreSupport } from './classification-metrics';
import { classificationReport } from './classification-report';
import { confusionMatrix } from './confusion-matrix';
import { loadTieFixture, type TieReportCase } from './test-helpers';

const fixture = loadTieFixture();

function stateOf(c: TieReportCase) {
  return confusionMatrix(c.yTrue, c.yPred, {
    numClasses: c.numClasses,
    ...(c.sampleWeight ? { sampleWeight: c.sampleWeight } : {}),
  });
}

/** scikit-learn prints a weighted support as a float (`24.0`); trainkit prints `24` (documented). */
function withIntegerSupports(text: string): string {
  return text.replace(
    / {2}(\d+)\.0$/gm,
    (_, digits: string) => `${digits.padStart(digits.length + 4)}`,
  );
}

describe(`classification report at decimal ties, against scikit-learn ${fixture.sklearn}`, () => {
  it('the issue: every score 19/40, scikit-learn prints precision 0.47 but F1 0.48', () => {
    const c = fixture.reports[0]!;
    expect(c.text).toContain('           0       0.47      0.47      0.48        40');
    expect(classificationReport(stateOf(c), { labels: 'all' })).toBe(c.text);
  });

  it.each(fixture.reports.map((c, i) => [i, c] as const))('case %i, byte for byte', (_i, c) => {
    const text = classificationReport(stateOf(c), {
      digits: c.digits,
      labels: 'all',
      zeroDivision: c.zeroDivision,
    });
    expect(text).toBe(c.sampleWeight === null ? c.text : withIntegerSupports(c.text));
  });

  it.each(fixture.reports.map((c, i) => [i, c] as const))('case %i, the same floats', (_i, c) => {
    const state = stateOf(c);
    const options = { labels: 'all', zeroDivision: c.zeroDivision } as const;
    const perClass = precisionRecallFscoreSupport(state, options);
    expect(Array.from(perClass.precision)).toEqual(c.precision);
    expect(Array.from(perClass.recall)).toEqual(c.recall);
    expect(Array.from(perClass.fScore)).toEqual(c.fScore);
    for (const average of ['micro', 'macro', 'weighted'] as const) {
      const scores = precisionRecallFscoreSupport(state, { ...options, average });
      expect([scores.precision, scores.recall, scores.fScore], average).toEqual(
        c.averages[average],
      );
    }
  });
});
