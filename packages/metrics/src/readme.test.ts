import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decode } from 'fast-png';
import { describe, expect, it, vi } from 'vitest';
import { imagesExample } from '../examples/images';
import { runningStatisticsExample } from '../examples/running-statistics';
import { streamingExample } from '../examples/streaming';
import { classificationReport } from './classification-report';
import { confusionMatrixToArray, confusionMatrixToJSON } from './confusion-matrix';
import { confusionMatrixToText } from './confusion-matrix-text';
import { createRunningMean, runningMeanToJSON, updateRunningMean } from './running-mean';
import { createTopKAccuracy, topKAccuracyToJSON, updateTopKAccuracy } from './top-k-accuracy';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const readme = readFileSync(root('README.md'), 'utf8');

describe('README', () => {
  it('shows every example file verbatim', () => {
    const blocks = [...readme.matchAll(/<!-- example: (\S+) -->\n\n```ts\n([\s\S]*?)\n```/g)];
    expect(blocks.map((b) => b[1])).toEqual([
      'examples/streaming.ts',
      'examples/running-statistics.ts',
      'examples/images.ts',
      'examples/tfjs.ts',
    ]);
    for (const [, path, code] of blocks) {
      expect(code).toBe(readFileSync(root(path!), 'utf8').trimEnd());
    }
  });

  it('streaming example: values, the printed report and table', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const { state, merged } = streamingExample();
    const printed = log.mock.calls.map((call) => call.map(String).join(' '));
    log.mockRestore();
    expect(printed.slice(0, 3)).toEqual([
      '0.7777777777777778',
      '0.7777777777777777',
      '0.6666666666666667 0.6666666666666666',
    ]);
    const report = classificationReport(state, { classNames: ['cat', 'dog', 'bird'] });
    const table = confusionMatrixToText(state, { classNames: ['cat', 'dog', 'bird'] });
    expect(printed[3]).toBe(report);
    expect(readme).toContain(`\`\`\`text\n${report}\`\`\``);
    expect(readme).toContain(`\`\`\`text\n${table}\`\`\``);
    expect(confusionMatrixToArray(merged)).toEqual([
      [3, 0, 0],
      [0, 2, 1],
      [0, 1, 2.5],
    ]);
  });

  it('running statistics example: hand-checked epoch loss', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const result = runningStatisticsExample();
    log.mockRestore();
    expect(result.epochLoss).toBeCloseTo((0.9 * 64 + 0.7 * 64 + 0.6 * 64 + 0.8 * 16) / 208, 15);
    expect(result.epochLoss).toBe(result.curve[3]);
    expect(result.curve[1]).toBeCloseTo(0.8, 15);
  });

  it('the state format section shows real serialized states', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const { state } = streamingExample();
    log.mockRestore();
    const running = createRunningMean();
    for (const [loss, size] of [
      [0.9, 64],
      [0.7, 64],
      [0.6, 64],
      [0.8, 16],
    ] as const) {
      updateRunningMean(running, loss, size);
    }
    const top2 = updateTopKAccuracy(
      createTopKAccuracy({ numClasses: 3, k: 2 }),
      [0, 1, 2, 2],
      [
        [2, 0.1, -1],
        [0.3, 1.5, 0.2],
        [0.1, 0.9, 0.4],
        [-0.5, 0.2, 3.1],
      ],
    );
    const lines = [
      confusionMatrixToJSON(state),
      topKAccuracyToJSON(top2),
      runningMeanToJSON(running),
    ].map((json) => JSON.stringify(json));
    expect(readme).toContain(`\`\`\`text\n${lines.join('\n')}\n\`\`\``);
  });

  it('images example: an SVG document and a decodable PNG', () => {
    const { svg, png } = imagesExample();
    expect(svg).toContain('>Validation</text>');
    expect(svg.match(/<rect [^>]*data-value/g)?.length).toBe(9);
    const image = decode(png);
    expect(image.width).toBeGreaterThan(120);
    expect(image.channels).toBe(3);
  });
});
