import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { confusionMatrix } from './confusion-matrix';
import { confusionMatrixToSvg } from './confusion-matrix-svg';

interface Cell {
  t: number;
  p: number;
  value: number;
  fill: string;
}

function cells(svg: string): Cell[] {
  return [
    ...svg.matchAll(
      /<rect x="\d+" y="\d+" width="\d+" height="\d+" fill="(#[0-9a-f]{6})" data-true="(\d+)" data-pred="(\d+)" data-value="([^"]+)">/g,
    ),
  ].map((m) => ({ fill: m[1]!, t: Number(m[2]), p: Number(m[3]), value: Number(m[4]) }));
}

describe('confusionMatrixToSvg', () => {
  // max count 4: white (#ffffff) to black (#000000) gives channel round(255 · (1 − v/4)).
  const state = confusionMatrix(
    [0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 2],
    [0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 0],
  );
  const options = {
    classNames: ['cat', 'dog', 'bird'],
    lowColor: '#fff',
    highColor: '#000000',
  } as const;

  it('one rect per cell whose fill follows the count (hand-derived colours)', () => {
    const svg = confusionMatrixToSvg(state, options);
    const parsed = cells(svg);
    expect(parsed.length).toBe(9);
    const expected: Record<number, string> = {
      0: '#ffffff',
      1: '#bfbfbf',
      2: '#808080',
      3: '#404040',
      4: '#000000',
    };
    for (const cell of parsed) {
      expect(cell.value).toBe(state.counts[cell.t * 3 + cell.p]);
      expect(cell.fill).toBe(expected[cell.value]);
    }
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it('prints values in contrasting colours, class names on both axes and the axis titles', () => {
    const svg = confusionMatrixToSvg(state, options);
    // The black cell (count 4) gets white text; the white cells black text.
    expect(svg).toMatch(/fill="#ffffff">4<\/text>/);
    expect(svg).toMatch(/fill="#000000">0<\/text>/);
    expect(svg.match(/>bird<\/text>/g)?.length).toBe(2);
    expect(svg).toContain('>True label</text>');
    expect(svg).toContain('>Predicted label</text>');
    expect(svg).toContain('<title>true bird, predicted cat: 1</title>');
  });

  it('colours by the normalized matrix when asked', () => {
    const parsed = cells(
      confusionMatrixToSvg(state, { ...options, normalize: 'true', showValues: false }),
    );
    // Rows: [3/4, 1/4, 0], [0, 1, 0], [1/5, 0, 4/5]; max = 1.
    const fill = (t: number, p: number) => parsed.find((c) => c.t === t && c.p === p)!.fill;
    expect(fill(1, 1)).toBe('#000000');
    expect(fill(0, 0)).toBe('#404040'); // round(255 · 0.25) = 64
    expect(fill(2, 0)).toBe('#cccccc'); // round(255 · 0.8) = 204
  });

  it('draws the colour scale when asked: low to high colour, 0 / middle / largest value marked', () => {
    const plain = confusionMatrixToSvg(state, options);
    expect(plain).not.toContain('color-scale');
    const svg = confusionMatrixToSvg(state, { ...options, colorScale: true });
    expect(svg.match(/class="color-scale"/g)).toHaveLength(1);
    // The gradient runs from highColor at the top to lowColor at the bottom.
    expect(svg).toMatch(
      /<linearGradient id="(trainkit-cm-scale-[0-9a-f]{8}-\d+x\d+)" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#000000"\/><stop offset="1" stop-color="#ffffff"\/><\/linearGradient>/,
    );
    const id = /linearGradient id="([^"]+)"/.exec(svg)![1]!;
    expect(svg).toContain(`fill="url(#${id})"`);
    // Largest count 4 at the top of the bar, 2 in the middle, 0 at the bottom.
    const labels = [
      ...svg.matchAll(/<path d="M\d+ ([\d.]+)h4" stroke="#555555"\/><text [^>]*>([^<]+)<\/text>/g),
    ];
    expect(labels.map((m) => m[2])).toEqual(['4', '2', '0']);
    const ys = labels.map((m) => Number(m[1]));
    expect(ys[1]! - ys[0]!).toBeCloseTo(ys[2]! - ys[1]!, 6);
    expect(ys[2]! - ys[0]!).toBe(3 * 48); // the bar is as tall as the grid
    const width = (s: string) => Number(/width="(\d+)"/.exec(s)![1]);
    expect(width(svg)).toBeGreaterThan(width(plain));
    // Normalized: fractions with the requested digits; the cells are unchanged.
    const normalized = confusionMatrixToSvg(state, {
      ...options,
      normalize: 'true',
      colorScale: true,
      digits: 1,
    });
    expect(
      [...normalized.matchAll(/h4" stroke="#555555"\/><text [^>]*>([^<]+)</g)].map((m) => m[1]),
    ).toEqual(['1.0', '0.5', '0.0']);
    expect(cells(svg)).toEqual(cells(plain));
    expect(() => confusionMatrixToSvg(state, { colorScale: 'yes' as unknown as boolean })).toThrow(
      InvalidArgumentError,
    );
  });

  it('escapes XML in names and title', () => {
    const svg = confusionMatrixToSvg(confusionMatrix([0, 1], [0, 1]), {
      classNames: ['<a>', 'b&"c'],
      title: "it's",
    });
    expect(svg).toContain('&lt;a&gt;');
    expect(svg).toContain('b&amp;&quot;c');
    expect(svg).toContain('it&apos;s');
    expect(svg).not.toContain('<a>');
  });

  it('rejects bad colours and sizes', () => {
    expect(() => confusionMatrixToSvg(state, { lowColor: 'blue' })).toThrow(InvalidArgumentError);
    expect(() => confusionMatrixToSvg(state, { lowColor: 'blue' })).toThrow(
      "confusionMatrixToSvg: lowColor must be a colour '#rrggbb' or '#rgb', got \"blue\".",
    );
    expect(() => confusionMatrixToSvg(state, { cellSize: 0 })).toThrow(
      'confusionMatrixToSvg: cellSize must be an integer >= 4 and <= 1000, got 0.',
    );
  });
});
