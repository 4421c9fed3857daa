// The README examples (examples/*.ts, complete programs shown verbatim, each followed by
// what it prints) run as a user writes them; the values are also checked here.
import { expect } from 'vitest';
import { describeReadmeExamples } from '../../../examples.shared';

describeReadmeExamples(import.meta.url, {
  'examples/check-arguments.ts': (printed) => {
    // 1 - 1/4 at step 1; decaySteps 0 is refused with the argument named.
    expect(printed[0]).toBe('0.75');
    expect(printed[1]).toBe('makeDecay: decaySteps must be an integer >= 1, got 0. decaySteps');
    expect(printed[2]).toBe('a trainkit error');
  },
  'examples/line-charts.ts': (printed) => {
    expect(printed[0]).toBe('true');
    const chart = printed[1]!.split('\n');
    // 10 rows of plot, the x axis and its labels; first point 2.1, last 2e^(-99/30) + 0.1.
    expect(chart).toHaveLength(12);
    expect(chart[0]).toMatch(/^ {2}2\.1 \+\*\*/);
    expect(chart.at(-1)).toMatch(/^ +0 +49\.5 +99$/);
  },
  'examples/serialized-state.ts': (printed) => {
    expect(JSON.parse(printed[0]!)).toEqual({
      format: 'trainkit.example.counter',
      version: 1,
      count: 3,
      values: [0.5, 'NaN', '-0'],
    });
    expect(printed[1]).toBe('{ count: 3, values: [ 0.5, NaN, -0 ] }');
    expect(printed[2]).toBe('values[1]');
  },
  'examples/checkpoints.ts': (printed) => {
    expect(printed).toEqual(['{ epoch: 3, updates: 1266 } Float32Array(4) [ 1, 2, 3, 4 ]']);
  },
});
