// The README's custom-loop example, run as written (type-checked with the sources).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  createProfiler,
  estimateTimes,
  formatProfileReport,
  summarizeProfile,
  toChromeTrace,
} from './index';
import { traceProblems } from './test-helpers';

describe('README example', () => {
  it('profiles a custom training loop end to end', async () => {
    const xs = tf.randomNormal([640, 784], 0, 1, 'float32', 1);
    const ys = tf.oneHot(tf.randomUniform([640], 0, 10, 'int32', 2), 10);
    const w = tf.variable(tf.randomNormal([784, 10], 0, 0.05, 'float32', 3));
    const optimizer = tf.train.sgd(0.1);

    const profiler = createProfiler({
      phases: ['data', 'train step', 'logging'],
      batchSize: 64,
      warn: () => {},
    });
    const losses: number[] = [];
    for (let i = 0; i < 50; i += 1) {
      profiler.phase('data');
      const start = (i % 10) * 64;
      const x = tf.slice(xs, [start, 0], [64, 784]);
      const y = tf.slice(ys, [start, 0], [64, 10]);
      profiler.phase('train step');
      const loss = optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(y, tf.matMul(x, w)),
        true,
      )!;
      profiler.phase('logging');
      losses.push((await loss.data())[0]!);
      tf.dispose([x, y, loss]);
      profiler.endIteration();
    }

    const state = profiler.state();
    const report = summarizeProfile(state, { warmupIterations: 1 });
    const text = formatProfileReport(report, {
      estimates: estimateTimes(state, { iterationsPerEpoch: 10, totalEpochs: 20 }),
    });
    expect(report.iterations).toBe(49);
    expect(report.phases.map((p) => [p.name, p.iterationsWithPhase > 0])).toEqual([
      ['data', true],
      ['train step', true],
      ['logging', true],
    ]);
    expect(report.throughput.samplesPerSecond! / report.throughput.iterationsPerSecond).toBeCloseTo(
      64,
      9,
    );
    expect(text).toMatch(/^Profile: 49 iterations \(1 to 49\)/);
    expect(text).toMatch(/Time to finish: .*\(range .* to .*, 150 iterations\)\.$/);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    expect(traceProblems(toChromeTrace(state))).toEqual([]);
    tf.dispose([xs, ys, w]);
  });
});
