import { InvalidArgumentError } from '@trainkit/core';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { curvesChartData, curvesSvg, curvesTerminal } from './curves-chart';
import { createHistory, recordTraining, recordValidation, type TrainingHistory } from './history';
import { buildHistory, scenarios } from './test-helpers';

interface SvgNode {
  [key: string]: unknown;
}

/** Parses an SVG document and returns every element with the given name, depth first. */
function elements(svg: string, name: string): SvgNode[] {
  expect(XMLValidator.validate(svg)).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    // Every element is a list (attributes stay plain strings).
    isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
  });
  const root = parser.parse(svg) as SvgNode;
  const found: SvgNode[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node as SvgNode)) {
      if (key === name) for (const item of value as SvgNode[]) found.push(item);
      visit(value);
    }
  };
  visit(root);
  return found;
}

/** The points of a path's `d` (M/L commands only, as the core chart writes data lines). */
function pathPoints(d: string): [number, number][] {
  return [...d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

/** Text content of an element: a plain string, or `#text` when the element has attributes. */
function text(node: SvgNode | string): string {
  return typeof node === 'string' ? node : String(node['#text'] ?? '');
}

/** Data paths: the ones with a <title> naming the series. */
function seriesPaths(svg: string): Map<string, [number, number][]> {
  const result = new Map<string, [number, number][]>();
  for (const path of elements(svg, 'path')) {
    const title = path.title as string[] | undefined;
    if (title === undefined) continue;
    result.set(text(title[0]!), pathPoints(String(path.d)));
  }
  return result;
}

function plotBox(svg: string): { left: number; top: number; right: number; bottom: number } {
  // The clip rectangle is the plot area.
  const clip = elements(svg, 'clipPath')[0]!;
  const rect = (clip.rect as SvgNode[])[0]!;
  const left = Number(rect.x);
  const top = Number(rect.y);
  return { left, top, right: left + Number(rect.width), bottom: top + Number(rect.height) };
}

function simpleRun(): TrainingHistory {
  const history = createHistory({ name: 'simple' });
  // 100 training points, falling linearly from 3 to 1.02; 10 validation points from 2.9 to 2.0.
  for (let t = 0; t < 100; t++) recordTraining(history, t, 3 - 0.02 * t);
  for (let k = 1; k <= 10; k++) recordValidation(history, k * 10 - 1, 3 - 0.1 * k);
  return history;
}

describe('curvesSvg', () => {
  it('draws train and validation paths with the expected points spanning the data range', () => {
    const history = simpleRun();
    const svg = curvesSvg(history, {
      smoothing: { method: 'none' },
      marks: false,
      width: 800,
      height: 400,
    });
    const paths = seriesPaths(svg);
    expect([...paths.keys()]).toEqual(['train', 'validation']);
    const train = paths.get('train')!;
    const validation = paths.get('validation')!;
    // 100 points over ~700 px: one per pixel column, none merged.
    expect(train).toHaveLength(100);
    expect(validation).toHaveLength(10);
    const box = plotBox(svg);
    // x extents: iteration 0 at the left edge, 99 (the last point of both curves) at the right.
    expect(train[0]![0]).toBeCloseTo(box.left, 1);
    expect(train[99]![0]).toBeCloseTo(box.right, 1);
    expect(validation[9]![0]).toBeCloseTo(box.right, 1);
    // y extents: the maximum 3 (first train point) at the top, the minimum 1.02 at the bottom.
    expect(train[0]![1]).toBeCloseTo(box.top, 1);
    expect(train[99]![1]).toBeCloseTo(box.bottom, 1);
    // A validation value maps linearly: 2.0 at 2/3 of the way... (3 - 2) / (3 - 1.02) of the height.
    const expectedY = box.top + ((3 - 2.0) / (3 - 1.02)) * (box.bottom - box.top);
    expect(validation[9]![1]).toBeCloseTo(expectedY, 1);
    // The path is monotone: a falling loss goes down the page (y grows).
    expect(train.every((p, i) => i === 0 || p[1] >= train[i - 1]![1])).toBe(true);
  });

  it('downsamples long curves to maxPoints and keeps their extremes on the axes', () => {
    const history = buildHistory(scenarios.overfitting.spec, { seed: 3 });
    const svg = curvesSvg(history, {
      maxPoints: 200,
      downsampleMethod: 'min-max',
      smoothing: { method: 'none' },
      marks: false,
      width: 900,
    });
    const train = seriesPaths(svg).get('train')!;
    expect(train.length).toBeLessThanOrEqual(200);
    expect(train.length).toBeGreaterThan(150);
    const box = plotBox(svg);
    const ys = train.map((p) => p[1]);
    // The training curve holds both the global maximum and minimum of the chart.
    expect(Math.min(...ys)).toBeCloseTo(box.top, 1);
    expect(Math.max(...ys)).toBeCloseTo(box.bottom, 1);
  });

  it('marks the overfitting onset with a dashed vertical line at the diagnosed iteration', () => {
    const history = buildHistory(scenarios.overfitting.spec, { seed: 1 });
    const data = curvesChartData(history, {}, 400);
    const onset = data.diagnoses[0]!.verdicts.find((v) => v.kind === 'overfitting')!.range.start;
    const svg = curvesSvg(history, { width: 800 });
    const lines = elements(svg, 'path').filter((p) => p.class === 'vertical-line');
    expect(lines).toHaveLength(1);
    const x = pathPoints(String(lines[0]!.d))[0]![0];
    const box = plotBox(svg);
    const train = seriesPaths(svg).get('train')!;
    // The x domain ends at the last recorded iteration of any curve (validation at 1000).
    const lastIteration = Math.max(
      history.train.iterations.at(-1)!,
      history.validation.iterations.at(-1)!,
    );
    expect(lastIteration).toBe(1000);
    expect(x).toBeCloseTo(box.left + (onset / lastIteration) * (box.right - box.left), 1);
    expect(train[0]![0]).toBeCloseTo(box.left, 1);
    const labels = elements(svg, 'text').map(text);
    expect(labels).toContain(`overfitting from ${onset}`);
  });

  it('marks where the loss became NaN, but not a divergence of finite values', () => {
    const broken = buildHistory(scenarios.divergenceNaN.spec, { seed: 1 });
    const brokenLines = curvesChartData(broken, {}, 400).verticalLines;
    expect(brokenLines.map((line) => line.label)).toEqual(['non-finite loss at 600']);
    expect(brokenLines[0]!.x).toBe(600);
    const exploding = buildHistory(scenarios.divergenceExplosion.spec, { seed: 1 });
    const data = curvesChartData(exploding, {}, 400);
    expect(data.diagnoses[0]!.verdicts.map((v) => v.kind)).toContain('divergence');
    expect(data.verticalLines).toEqual([]);
  });

  it('compares several runs in one chart, with a log scale', () => {
    const a = buildHistory(scenarios.ideal.spec, { seed: 1 });
    a.name = 'lr=1e-2';
    const b = buildHistory(scenarios.underfitting.spec, { seed: 2 });
    b.name = 'lr=1e-3';
    const svg = curvesSvg([a, b], { yScale: 'log', marks: false });
    const paths = seriesPaths(svg);
    expect([...paths.keys()]).toEqual([
      'lr=1e-2 train',
      'lr=1e-2 validation',
      'lr=1e-3 train',
      'lr=1e-3 validation',
    ]);
    const labels = elements(svg, 'text').map(text);
    expect(labels).toContain('lr=1e-2 validation');
    // Log scale: y ticks are powers of ten (the losses span 0.3..2.3 -> 1 is a tick).
    expect(labels).toContain('1');
  });

  it('rejects bad input with typed errors', () => {
    expect(() => curvesSvg([])).toThrow(InvalidArgumentError);
    expect(() => curvesSvg({} as TrainingHistory)).toThrow(/runs\[0\] must be a TrainingHistory/);
    expect(() => curvesSvg(createHistory())).toThrow(/at least one run with recorded values/);
    expect(() => curvesSvg(simpleRun(), { maxPoints: 2 })).toThrow(
      'curvesSvg: maxPoints must be an integer >= 4, got 2.',
    );
  });
});

describe('curvesTerminal', () => {
  it('draws a compact chart with a legend and the onset column', () => {
    const history = buildHistory(scenarios.overfitting.spec, { seed: 1 });
    const chart = curvesTerminal(history, { width: 60, height: 10 });
    const lines = chart.split('\n');
    expect(lines[0]!.trim()).toBe('loss');
    expect(lines.at(-1)).toMatch(/\* train {3}\+ validation {3}: overfitting from \d+/);
    expect(lines.every((line) => line.length <= 60)).toBe(true);
    // The onset column is drawn with ':' inside the plot rows, not only named in the legend.
    expect(lines.slice(1, -1).some((line) => line.includes(':'))).toBe(true);
  });
});
