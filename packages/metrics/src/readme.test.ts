// The README examples (examples/*.ts, complete programs shown verbatim) run as a user writes
// them; what they print is checked against hand-derived values and the README's text blocks.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { describeReadmeExamples } from '../../../examples.shared';
import { classificationReport } from './classification-report';
import {
  confusionMatrix,
  confusionMatrixToJSON,
  createConfusionMatrix,
  updateConfusionMatrix,
} from './confusion-matrix';
import { confusionMatrixToPng } from './confusion-matrix-png';
import { confusionMatrixToSvg } from './confusion-matrix-svg';
import { confusionMatrixToText } from './confusion-matrix-text';
import {
  createRunningMean,
  runningMeanToJSON,
  runningMeanValue,
  updateRunningMean,
} from './running-mean';
import { createTopKAccuracy, topKAccuracyToJSON, updateTopKAccuracy } from './top-k-accuracy';

const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
const classNames = ['cat', 'dog', 'bird'];

/** The streaming example's matrix, built here from its two batches. */
function streamingState() {
  const state = createConfusionMatrix(3);
  updateConfusionMatrix(state, [0, 1, 2, 2, 0], [0, 2, 2, 2, 0]);
  updateConfusionMatrix(state, new Int32Array([1, 0, 2, 1]), new Int32Array([1, 0, 1, 1]));
  return state;
}

describeReadmeExamples(import.meta.url, {
  'examples/streaming.ts': (printed) => {
    // 7 of 9 right; per class (tp, fp, fn): cat (3, 0, 0), dog (2, 1, 1), bird (2, 1, 1).
    expect(printed.slice(0, 3)).toEqual([
      '0.7777777777777778',
      '0.7777777777777777',
      '0.6666666666666667 0.6666666666666666',
    ]);
    const state = streamingState();
    const report = classificationReport(state, { classNames });
    const table = confusionMatrixToText(state, { classNames });
    expect(printed[3]).toBe(report);
    expect(printed[4]).toBe(table);
    expect(readme).toContain(`\`\`\`text\n${report}\`\`\``);
    expect(readme).toContain(`\`\`\`text\n${table}\`\`\``);
    // The merged matrix: the JSON round trip plus one bird weighted 0.5.
    expect(printed.at(-1)).toBe('[ [ 3, 0, 0 ], [ 0, 2, 1 ], [ 0, 1, 2.5 ] ]');
  },
  'examples/running-statistics.ts': ([epochLoss, curve]) => {
    expect(epochLoss).toBe('0.7384615384615384');
    const expected = (0.9 * 64 + 0.7 * 64 + 0.6 * 64 + 0.8 * 16) / 208;
    expect(Number(epochLoss)).toBeCloseTo(expected, 15);
    // The running mean after each batch: 0.9, (0.9 + 0.7) / 2, (0.9 + 0.7 + 0.6) / 3, then the epoch loss.
    const [, values] = curve!.match(/^Float64Array\(4\) \[ (.*) \]$/)!;
    const curveValues = values!.split(', ').map(Number);
    expect(curveValues[0]).toBe(0.9);
    expect(curveValues[1]).toBeCloseTo(0.8, 15);
    expect(curveValues[2]).toBeCloseTo(2.2 / 3, 15);
    expect(curveValues[3]).toBe(Number(epochLoss));
  },
  'examples/images.ts': (printed) => {
    expect(printed).toEqual(['<svg Uint8Array(3) [ 80, 78, 71 ]']);
  },
  'examples/tfjs.ts': (printed) => {
    // Row 2 ([0.1, 0.9, 0.4], label 2) is the only top-1 miss; label 2 is its second best.
    expect(printed).toEqual(['0.75 1']);
  },
});

describe('README', () => {
  it('the images example draws what its comments say: an SVG document and a decodable PNG', () => {
    const state = confusionMatrix([0, 0, 1, 1, 2, 2, 2], [0, 1, 1, 1, 2, 0, 2], { numClasses: 3 });
    const svg = confusionMatrixToSvg(state, { classNames, title: 'Validation' });
    expect(svg).toContain('>Validation</text>');
    expect(svg.match(/<rect [^>]*data-value/g)?.length).toBe(9);
    const image = decode(confusionMatrixToPng(state, { classNames, normalize: 'true' }));
    expect(image.width).toBeGreaterThan(120);
    expect(image.channels).toBe(3);
  });

  it('the state format section shows real serialized states', () => {
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
      confusionMatrixToJSON(streamingState()),
      topKAccuracyToJSON(top2),
      runningMeanToJSON(running),
    ].map((json) => JSON.stringify(json));
    expect(readme).toContain(`\`\`\`text\n${lines.join('\n')}\n\`\`\``);
    // The epoch loss the running-statistics example prints is this state's value.
    expect(runningMeanValue(running)).toBe(0.7384615384615384);
  });
});
