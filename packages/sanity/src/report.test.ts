import { InvalidArgumentError, StateRestoreError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { describeStateFormat } from '../../../state.shared';
import type { CheckResult } from './check-result';
import { formatNumber } from './format-number';
import { formatReport, reportFromJSON, reportToJSON, sanityReport } from './report';

const results: CheckResult[] = [
  {
    name: 'initial-loss',
    status: 'pass',
    summary: 'initial loss 2.31, expected 2.303',
    measurements: { loss: 2.31, expected: Math.log(10) },
    advice: [],
  },
  {
    name: 'output-loss-pairing',
    status: 'fail',
    summary: 'softmax outputs go into a loss that expects logits',
    measurements: {
      rowSum: 1,
      nonFinite: Number.NaN,
      flags: [1, Number.POSITIVE_INFINITY],
      probabilities: true,
    },
    advice: ['Remove the final softmax.'],
  },
  {
    name: 'overfit-ladder',
    status: 'warn',
    summary: 'no generalization',
    measurements: {},
    advice: ['Check the labels.', 'Shuffle.'],
    table: [
      { size: 1, steps: 3, heldOut: 0.1 },
      { size: 10, steps: 25, heldOut: 0.125 },
    ],
  },
  {
    name: 'duplicates',
    status: 'skipped',
    summary: 'skipped: no test',
    measurements: {},
    advice: [],
    reason: 'no test',
  },
];

describe('sanityReport and formatReport', () => {
  it('counts statuses and takes the worst', () => {
    const report = sanityReport(results);
    expect(report.status).toBe('fail');
    expect(report.counts).toEqual({ pass: 1, warn: 1, fail: 1, skipped: 1 });
  });

  it('prints fail first, advice and tables', () => {
    expect(formatReport(sanityReport(results))).toBe(
      [
        'sanity: 1 fail, 1 warn, 1 pass, 1 skipped',
        'FAIL    output-loss-pairing  softmax outputs go into a loss that expects logits',
        '        -> Remove the final softmax.',
        'WARN    overfit-ladder       no generalization',
        '        -> Check the labels.',
        '        -> Shuffle.',
        '        size  steps  heldOut',
        '           1      3      0.1',
        '          10     25    0.125',
        'PASS    initial-loss         initial loss 2.31, expected 2.303',
        'SKIPPED duplicates           skipped: no test',
      ].join('\n'),
    );
  });

  it('keeps the run order and lists measurements on request', () => {
    const text = formatReport(results[0]!, { order: 'run', measurements: true });
    expect(text).toBe(
      [
        'sanity: 0 fail, 0 warn, 1 pass',
        'PASS    initial-loss  initial loss 2.31, expected 2.303',
        '        loss: 2.31',
        '        expected: 2.303',
      ].join('\n'),
    );
    expect(() => formatReport(results[0]!, { order: 'name' as 'run' })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('formatNumber', () => {
  it('keeps 4 significant digits, exponents for small and large', () => {
    expect(formatNumber(Math.LN10)).toBe('2.303');
    expect(formatNumber(0.00001234)).toBe('1.234e-5');
    expect(formatNumber(1e-4)).toBe('1e-4');
    expect(formatNumber(0.0012346)).toBe('0.001235');
    expect(formatNumber(12345678.9)).toBe('1.235e7');
    expect(formatNumber(42)).toBe('42');
    expect(formatNumber(Number.NaN)).toBe('NaN');
  });
});

describe('reportToJSON / reportFromJSON', () => {
  it('round-trips exactly through JSON text, NaN and infinities included', () => {
    const report = sanityReport(results);
    const json = JSON.parse(JSON.stringify(reportToJSON(report)));
    expect(json.format).toBe('trainkit.sanity.report');
    expect(json.version).toBe(1);
    expect(json.results[1].measurements.nonFinite).toBe('NaN');
    expect(reportFromJSON(json)).toEqual(report);
  });

  it('names the field that is wrong', () => {
    const good = JSON.parse(JSON.stringify(reportToJSON(sanityReport(results))));
    // biome-ignore lint/suspicious/noExplicitAny: the test mutates arbitrary fields of parsed JSON
    const broken = (mutate: (json: any) => void) => {
      const copy = structuredClone(good);
      mutate(copy);
      return () => reportFromJSON(copy);
    };
    expect(broken((j) => (j.results[0].status = 'ok'))).toThrow(/results\[0\]\.status/);
    expect(broken((j) => (j.results[1].measurements.rowSum = null))).toThrow(
      /results\[1\]\.measurements\.rowSum/,
    );
    expect(broken((j) => (j.results[2].advice = [1]))).toThrow(/results\[2\]\.advice\[0\]/);
    expect(broken((j) => (j.status = 'pass'))).toThrow(
      /status must be the worst status of the results \('fail'\)/,
    );
    expect(broken((j) => (j.results[2].table[1].steps = {}))).toThrow(StateRestoreError);
  });

  describeStateFormat({
    format: 'trainkit.sanity.report',
    version: 1,
    toJSON: reportToJSON,
    fromJSON: reportFromJSON,
    samples: () => [sanityReport([]), sanityReport(results)],
  });
});
