import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors';
import { lineChartTerminal } from './line-chart-terminal';

describe('lineChartTerminal', () => {
  it('draws a rising line with y labels at the top, middle and bottom rows', () => {
    const text = lineChartTerminal({
      series: [{ name: 'up', y: [0, 1, 2, 3] }],
      width: 24,
      height: 4,
    });
    expect(text).toBe(
      [
        '3 +                 ****',
        '2 +          *******',
        '  |    *******',
        '0 +****',
        '  +---------------------',
        '   0        1.5        3',
      ].join('\n'),
    );
  });

  it('draws several series with distinct markers, a legend and a gap at NaN', () => {
    const text = lineChartTerminal({
      series: [
        { name: 'a', y: [1, 1, Number.NaN, 1, 1] },
        { name: 'b', y: [0, 0.5, 1, 0.5, 0] },
      ],
      width: 24,
      height: 3,
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe('  1 +****** +++++  *****');
    expect(lines.at(-1)).toBe('     * a   + b');
  });

  it('adds title, axis labels, log scale, braille and colors', () => {
    const y = Array.from({ length: 200 }, (_, t) => 0.1 * 0.97 ** t);
    const text = lineChartTerminal({
      title: 'lr',
      xLabel: 'step',
      yLabel: 'value',
      yScale: 'log',
      style: 'braille',
      series: [{ name: 'lr', y }],
      width: 40,
      height: 6,
    });
    const lines = text.split('\n');
    expect(lines[0]?.trim()).toBe('lr');
    expect(lines[1]).toBe('value');
    expect(lines[2]).toBe('    0.1 ┤⠉⠒⠦⢄⣀');
    // middle row: 10^(-1 - 0.4 * (1 + log10(2.33e-4))) on the log scale
    expect(lines[4]?.startsWith('0.00885 ┤')).toBe(true);
    expect(lines[7]).toBe('2.33e-4 ┤                          ⠉⠑⠲⠤⣀'); // 0.1 * 0.97^199
    expect(lines.at(-1)?.trim()).toBe('step');
    const colored = lineChartTerminal({ series: [{ name: 'a', y: [1, 2] }], color: true });
    expect(colored).toContain('\u001b[34m*\u001b[0m');
  });

  it('is deterministic and has no trailing spaces', () => {
    const options = {
      series: [
        { name: 'a', y: [3, 1, 2] },
        { name: 'b', y: [1, 2, 3] },
      ],
    };
    const text = lineChartTerminal(options);
    expect(lineChartTerminal(options)).toBe(text);
    for (const line of text.split('\n')) expect(line).toBe(line.trimEnd());
  });

  it('validates its options', () => {
    expect(() =>
      lineChartTerminal({ series: [{ name: 'a', y: [1] }], style: 'unicode' as never }),
    ).toThrow(InvalidArgumentError);
    expect(() => lineChartTerminal({ series: [{ name: 'a', y: [1] }], height: 2 })).toThrow(
      'lineChartTerminal: height must be an integer >= 3, got 2.',
    );
  });
});

describe('lineChartTerminal vertical lines', () => {
  it('fills the empty cells of the marker column with ":" and lists the label', () => {
    const text = lineChartTerminal({
      series: [{ name: 'up', y: [0, 1, 2, 3] }],
      width: 24,
      height: 4,
      verticalLines: [{ x: 1.5, label: 'onset' }],
    });
    expect(text).toBe(
      [
        '3 +          :      ****',
        '2 +          *******',
        '  |    *******',
        '0 +****      :',
        '  +---------------------',
        '   0        1.5        3',
        '   : onset',
      ].join('\n'),
    );
  });
});
