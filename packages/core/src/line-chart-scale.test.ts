import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeMismatchError } from './errors';
import { formatTick, niceTicks, prepareLineChart, yTicks } from './line-chart-scale';

describe('niceTicks', () => {
  it('picks multiples of 1, 2 or 5 × 10^k inside the domain, exactly', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.001, 0.1, 5)).toEqual([0.02, 0.04, 0.06, 0.08, 0.1]);
    expect(niceTicks(0, 999, 6)).toEqual([0, 200, 400, 600, 800]);
    expect(niceTicks(-0.3, 0.3, 4)).toEqual([-0.2, 0, 0.2]);
    expect(niceTicks(0.1, 0.7, 6)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    expect(niceTicks(5, 5, 3)).toEqual([5]);
  });
});

describe('yTicks on a log scale', () => {
  it('uses the powers of ten in the domain', () => {
    expect(yTicks([-3, -1], 'log', 5)).toEqual([-3, -2, -1]);
  });
  it('adds 2× and 5× within one decade', () => {
    const ticks = yTicks([Math.log10(0.015), Math.log10(0.09)], 'log', 5).map((v) =>
      Number((10 ** v).toPrecision(6)),
    );
    expect(ticks).toEqual([0.02, 0.05]);
  });
});

describe('formatTick', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [0.05, '0.05'],
    [0.1 / 3, '0.0333'],
    [1200, '1200'],
    [1e-4, '1e-4'],
    [2.5e-5, '2.5e-5'],
    [123456, '1.23e+5'],
    [-0.5, '-0.5'],
  ])('%s -> %s', (value, text) => {
    expect(formatTick(value)).toBe(text);
  });
});

describe('prepareLineChart', () => {
  it('turns NaN, infinities and (log) non-positive values into gaps and computes domains', () => {
    const chart = prepareLineChart('f', {
      yScale: 'log',
      series: [
        {
          name: 'a',
          y: [1, 0, -1, Number.NaN, 100, Number.POSITIVE_INFINITY],
          x: [0, 1, 2, 3, 4, 5],
        },
      ],
    });
    expect(Array.from(chart.series[0]?.y ?? [])).toEqual([
      0,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      2,
      Number.NaN,
    ]);
    expect(chart.y).toEqual([0, 2]);
    expect(chart.x).toEqual([0, 4]);
    expect(chart.legend).toBe(false);
  });

  it('widens a flat domain', () => {
    expect(prepareLineChart('f', { series: [{ name: 'a', y: [0.1, 0.1] }] }).y).toEqual([
      0.05, 0.15000000000000002,
    ]);
    expect(prepareLineChart('f', { series: [{ name: 'a', y: [0] }] }).x).toEqual([-0.5, 0.5]);
  });

  it('rejects bad input with typed errors', () => {
    expect(() => prepareLineChart('f', { series: [] })).toThrow(
      'f: series must be a non-empty array, got []. Give at least one series: { name, y } (and optionally x).',
    );
    expect(() => prepareLineChart('f', { series: [{ name: 'a', y: [1, 2], x: [1] }] })).toThrow(
      ShapeMismatchError,
    );
    expect(() => prepareLineChart('f', { series: [{ name: 'a', y: [1, 2], x: [1] }] })).toThrow(
      'f: series[0].x must have shape 2, got 1. Give one x per y value.',
    );
    expect(() => prepareLineChart('f', { series: [{ name: 1 as never, y: [1] }] })).toThrow(
      'f: series[0].name must be a string, got 1.',
    );
    expect(() =>
      prepareLineChart('f', { series: [{ name: 'a', y: [1] }], yScale: 'log10' as never }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      prepareLineChart('f', { series: [{ name: 'a', y: [1] }], yScale: 'log', yRange: [0, 1] }),
    ).toThrow(
      'f: yRange must be a [min, max] pair of finite numbers with min < max, got [0, 1]. Give [min, max] with 0 < min < max (the y scale is logarithmic).',
    );
  });
});
