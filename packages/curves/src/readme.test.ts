// The README examples, as written (the package name resolves to the sources via the vitest
// alias), with their stated results asserted: the README shows the exact printed output.

import { readFileSync } from 'node:fs';
import {
  biasVariance,
  createHistory,
  curvesSvg,
  curvesTerminal,
  diagnose,
  earlyStopping,
  formatDiagnosis,
  historyFromJSON,
  historyToJSON,
  recordTraining,
  recordValidation,
} from '@trainkit/curves';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const shown = (text: string) => expect(readme).toContain(`\`\`\`text\n${text}\n\`\`\``);

describe('README examples', () => {
  it('record, diagnose, plot', () => {
    const history = createHistory({ name: 'mlp' });
    for (let t = 0; t < 1000; t++) {
      const batchNoise = 1 + 0.05 * Math.sin(t * 12.9898); // stands in for mini-batch noise
      recordTraining(history, t, (0.05 + 2.25 * Math.exp(-t / 150)) * batchNoise);
      if (t > 0 && t % 25 === 0) {
        recordValidation(
          history,
          t,
          0.5 + 1.8 * Math.exp(-t / 150) + 0.0008 * Math.max(0, t - 300),
        );
      }
    }
    const diagnosis = diagnose(history);
    const text = formatDiagnosis(diagnosis);
    console.log(text);
    const chart = curvesTerminal(history, { width: 64, height: 10 });
    console.log(chart);
    const svg = curvesSvg(history, { yScale: 'log' });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(historyFromJSON(JSON.stringify(historyToJSON(history)))).toStrictEqual(history);
    shown(text);
    shown(chart);
    expect(readme).toContain(
      'recordValidation(history, t, 0.5 + 1.8 * Math.exp(-t / 150) + 0.0008 * Math.max(0, t - 300));',
    );
  });

  it('bias/variance: the lecture example', () => {
    const result = biasVariance({ humanError: 1, trainingError: 5, devError: 8 });
    console.log(result.avoidableBias, result.variance, result.focus);
    console.log(result.advice);
    expect([result.avoidableBias, result.variance, result.focus]).toEqual([4, 3, 'avoidable-bias']);
    shown(result.advice);
    expect(readme).toContain('biasVariance({ humanError: 1, trainingError: 5, devError: 8 });');
  });

  it('early stopping as a state machine', () => {
    const stopper = earlyStopping({ patience: 2, minDelta: 1e-3 });
    let state = stopper.init();
    for (const valLoss of [0.9, 0.7, 0.71, 0.7, 0.72]) {
      const step = stopper.update(state, valLoss);
      state = step.state;
      if (step.shouldStop) break;
    }
    console.log(JSON.stringify(state));
    shown(JSON.stringify(state));
  });
});
