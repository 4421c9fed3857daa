import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors';
import { escapeXml, lineChartSvg } from './line-chart-svg';

const paths = (svg: string) => [
  ...svg.matchAll(/<path d="([^"]*)" stroke="(#[0-9a-f]{6})"><title>/g),
];

describe('lineChartSvg', () => {
  it('maps data to the plot area: a 0→1 line spans the axes corner to corner', () => {
    const svg = lineChartSvg({ series: [{ name: 'up', y: [0, 1] }], width: 200, height: 120 });
    // Layout for this input: plot from x = 33 to 182, y = 14 (value 1) to 90 (value 0).
    expect(svg).toContain('<path d="M33 14V90H182" stroke="#555555" fill="none"/>');
    expect(paths(svg).map((match) => match[1])).toEqual(['M33 90L182 14']);
    expect(
      svg.startsWith(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="120" viewBox="0 0 200 120"',
      ),
    ).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    // y ticks 0, 0.5, 1 and x ticks 0, 0.5, 1
    expect([...svg.matchAll(/>([^<]+)<\/text>/g)].map((match) => match[1])).toEqual([
      '0',
      '0.5',
      '1',
      '0',
      '0.5',
      '1',
    ]);
  });

  it('is deterministic', () => {
    const options = {
      title: 'loss',
      series: [
        { name: 'train', y: [3, 2, 1.5, 1.2] },
        { name: 'validation', y: [3.1, 2.4, 2.2, 2.3] },
      ],
    };
    expect(lineChartSvg(options)).toBe(lineChartSvg(options));
  });

  it('draws several series with a legend, each in its own color', () => {
    const svg = lineChartSvg({
      series: [
        { name: 'train', y: [3, 2, 1] },
        { name: 'validation', y: [3, 2.5, 2.4] },
      ],
    });
    expect(paths(svg).map((match) => match[2])).toEqual(['#1f77b4', '#ff7f0e']);
    expect(svg).toContain('>train</text>');
    expect(svg).toContain('>validation</text>');
    expect(lineChartSvg({ series: [{ name: 'only', y: [1, 2] }] })).not.toContain('>only</text>');
  });

  it('leaves a gap at NaN (a new subpath) and at non-positive values on a log scale', () => {
    const linear = lineChartSvg({ series: [{ name: 'a', y: [1, 2, Number.NaN, 3, 4] }] });
    expect(paths(linear)[0]?.[1]?.match(/M/g)).toHaveLength(2);
    const log = lineChartSvg({ yScale: 'log', series: [{ name: 'a', y: [1, 10, 0, 100, 1000] }] });
    const d = paths(log)[0]?.[1] ?? '';
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/L/g)).toHaveLength(2);
    // decades as tick labels
    for (const label of ['>1<', '>10<', '>100<', '>1000<']) expect(log).toContain(label);
  });

  it('reduces 100,000 points to a path no longer than a few points per pixel column', () => {
    const y = Array.from({ length: 100_000 }, (_, t) => Math.sin(t / 100));
    const d = paths(lineChartSvg({ series: [{ name: 'a', y }] }))[0]?.[1] ?? '';
    const commands = d.match(/[ML]/g)?.length ?? 0;
    expect(commands).toBeGreaterThan(500);
    expect(commands).toBeLessThanOrEqual(4 * 600);
    // the extremes survive the reduction
    const ys = [...d.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((match) => Number(match[1]));
    expect(Math.min(...ys)).toBe(14);
  });

  it('escapes every piece of text', () => {
    const svg = lineChartSvg({
      title: '<script>alert("x")</script>',
      xLabel: 'a & b',
      yLabel: "it's",
      series: [
        { name: '</title><g>', y: [1, 2] },
        { name: 'b', y: [2, 1] },
      ],
    });
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('</title><g>');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(svg).toContain('>a &amp; b<');
    expect(svg).toContain('>it&#39;s<');
    expect(escapeXml('a\u0000b\u001fc')).toBe('abc');
  });

  it('validates its size', () => {
    expect(() => lineChartSvg({ series: [{ name: 'a', y: [1] }], width: 100 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => lineChartSvg({ series: [{ name: 'a', y: [1] }], width: 100 })).toThrow(
      'lineChartSvg: width must be an integer >= 160, got 100.',
    );
  });
});

describe('lineChartSvg vertical lines', () => {
  it('draws a dashed line at x with its label, only inside the x domain', () => {
    const svg = lineChartSvg({
      series: [{ name: 'up', y: [0, 1] }],
      width: 200,
      height: 120,
      verticalLines: [{ x: 0.5, label: 'onset <1>' }, { x: 7 }],
    });
    // Plot from x = 33 to 182 (see the first test): x = 0.5 sits at 107.5.
    expect(svg).toContain(
      '<path d="M107.5 14V90" stroke="#666666" stroke-dasharray="4 3" fill="none" class="vertical-line"/>',
    );
    expect(svg).toContain('>onset &lt;1&gt;</text>');
    expect(svg.match(/class="vertical-line"/g)).toHaveLength(1);
    // Without vertical lines the output is unchanged.
    expect(
      lineChartSvg({ series: [{ name: 'up', y: [0, 1] }], width: 200, height: 120 }),
    ).not.toContain('vertical-line');
  });

  /** The label boxes (11 px text: 6.2 px per character, 10 px above the baseline, 3 below) and the legend box. */
  function layout(svg: string, labels: readonly string[]) {
    const boxes = labels.map((label) => {
      const match = new RegExp(`<text x="([\\d.]+)" y="([\\d.]+)"([^>]*)>${label}</text>`).exec(
        svg,
      );
      expect(match, label).not.toBeNull();
      const x = Number(match![1]);
      const y = Number(match![2]);
      const width = label.length * 6.2;
      const left = match![3]!.includes('text-anchor="end"') ? x - width : x;
      return { label, left, right: left + width, top: y - 10, bottom: y + 3 };
    });
    const legend =
      /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="#ffffff" fill-opacity/.exec(
        svg,
      );
    const legendBox =
      legend === null
        ? undefined
        : {
            label: 'legend',
            left: Number(legend[1]),
            top: Number(legend[2]),
            right: Number(legend[1]) + Number(legend[3]),
            bottom: Number(legend[2]) + Number(legend[4]),
          };
    const lines = [
      ...svg.matchAll(/<path d="M([\d.]+) [\d.]+V[\d.]+"[^>]*class="vertical-line"/g),
    ].map((m) => Number(m[1]));
    return { boxes, legendBox, lines };
  }
  type Box = { label: string; left: number; right: number; top: number; bottom: number };
  const overlap = (a: Box, b: Box) =>
    a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

  it('gives close lines labels that overlap neither each other nor the legend (the range-test plot)', () => {
    const y = Array.from({ length: 100 }, (_, i) => 2 - i / 100);
    for (const legend of [true, false]) {
      const svg = lineChartSvg({
        title: 'Learning-rate range test',
        series: legend
          ? [
              { name: 'loss', y },
              { name: 'smoothed loss', y: y.map((v) => v + 0.01) },
            ]
          : [{ name: 'loss', y }],
        legend,
        verticalLines: [
          { x: 60, label: 'trainkit' },
          { x: 61.7, label: 'valley' },
          { x: 63.4, label: 'steepest' },
        ],
      });
      const { boxes, legendBox, lines } = layout(svg, ['trainkit', 'valley', 'steepest']);
      expect(lines).toHaveLength(3);
      expect(lines[1]! - lines[0]!).toBeLessThanOrEqual(10.5); // about 10 px apart
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          expect(overlap(boxes[i]!, boxes[j]!), `${boxes[i]!.label} / ${boxes[j]!.label}`).toBe(
            false,
          );
        }
        if (legendBox !== undefined)
          expect(overlap(boxes[i]!, legendBox), boxes[i]!.label).toBe(false);
        // Inside the chart.
        expect(boxes[i]!.left).toBeGreaterThanOrEqual(0);
        expect(boxes[i]!.right).toBeLessThanOrEqual(640);
      }
      expect(legendBox !== undefined).toBe(legend);
    }
  });

  it('keeps labels of lines far apart on one row at the top, and a label at the right edge inside the plot', () => {
    const svg = lineChartSvg({
      series: [{ name: 'loss', y: Array.from({ length: 100 }, (_, i) => i) }],
      legend: false,
      verticalLines: [
        { x: 10, label: 'a' },
        { x: 50, label: 'b' },
        { x: 99, label: 'right edge' },
      ],
    });
    const { boxes } = layout(svg, ['a', 'b', 'right edge']);
    expect(boxes[0]!.top).toBe(boxes[1]!.top);
    expect(boxes[2]!.right).toBeLessThanOrEqual(640 - 18);
  });

  it('validates the lines', () => {
    expect(() =>
      lineChartSvg({ series: [{ name: 'a', y: [1, 2] }], verticalLines: [{ x: Number.NaN }] }),
    ).toThrow('lineChartSvg: verticalLines[0].x must be a finite number, got NaN.');
    expect(() =>
      lineChartSvg({
        series: [{ name: 'a', y: [1, 2] }],
        verticalLines: 'x' as unknown as [],
      }),
    ).toThrow(InvalidArgumentError);
  });
});

describe('lineChartSvg markers', () => {
  it('dots every finite point of a series with markers: true, at its plot coordinates', () => {
    const svg = lineChartSvg({
      series: [
        { name: 'dense', y: [0, 0.25, 0.5, 0.75, 1] },
        { name: 'sparse', x: [0, 2, 4], y: [1, Number.NaN, 0], markers: true },
      ],
      xRange: [0, 4],
      yRange: [0, 1],
      width: 200,
      height: 120,
      legend: false,
    });
    // Plot from x = 33 to 182 and y = 14 (value 1) to 90 (value 0), as in the first test;
    // the NaN point gets no dot; only the sparse series has dots.
    const group =
      /<g class="markers" fill="(#[0-9a-f]{6})"[^>]*><title>([^<]*)<\/title>(.*?)<\/g>/.exec(svg);
    expect(group?.[1]).toBe('#ff7f0e');
    expect(group?.[2]).toBe('sparse');
    expect(
      [...(group?.[3] ?? '').matchAll(/<circle cx="([^"]+)" cy="([^"]+)" r="2.5"\/>/g)].map((m) => [
        Number(m[1]),
        Number(m[2]),
      ]),
    ).toEqual([
      [33, 14],
      [182, 90],
    ]);
    expect(svg.match(/class="markers"/g)).toHaveLength(1);
  });

  it('leaves points outside a fixed range undotted, shows a dot in the legend, and changes nothing without markers', () => {
    const svg = lineChartSvg({
      series: [
        { name: 'a', y: [0, 5, 1], markers: true },
        { name: 'b', y: [0, 1, 1] },
      ],
      yRange: [0, 2],
    });
    expect(svg.match(/<circle cx="[^"]+" cy="[^"]+" r="2.5"\/>/g)).toHaveLength(2);
    expect(svg.match(/<circle cx="[^"]+" cy="[^"]+" r="2.5" fill="#1f77b4"\/>/g)).toHaveLength(1);
    const plain = { series: [{ name: 'a', y: [0, 5, 1] }] };
    expect(lineChartSvg(plain)).toBe(
      lineChartSvg({ series: [{ name: 'a', y: [0, 5, 1], markers: false }] }),
    );
    expect(lineChartSvg(plain)).not.toContain('<circle');
    expect(() =>
      lineChartSvg({ series: [{ name: 'a', y: [1, 2], markers: 'yes' as unknown as boolean }] }),
    ).toThrow('lineChartSvg: series[0].markers must be');
  });
});
