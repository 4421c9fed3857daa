import { describe, expect, it } from 'vitest';
import { estimateTimes } from './estimate-times';
import { formatDuration } from './format-duration';
import { formatProfileReport } from './format-profile-report';
import { createProfiler } from './profiler';
import { summarizeProfile } from './summarize-profile';

describe('formatDuration', () => {
  it.each([
    [0.4213, '0.42 ms'],
    [85.24, '85.2 ms'],
    [999.94, '999.9 ms'],
    [12_345, '12.3 s'],
    [245_000, '4 min 05 s'],
    [3_599_400, '59 min 59 s'],
    [7_380_000, '2 h 03 min'],
    [2 * 86_400_000 + 4 * 3_600_000, '2 d 04 h'],
    [Number.POSITIVE_INFINITY, '∞'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatProfileReport', () => {
  it('prints the table, the bottleneck, warnings and estimates', () => {
    const profiler = createProfiler({
      clock: () => 0,
      warn: () => {},
      batchSize: 32,
      slowIterationMs: 150,
    });
    let t = 0;
    for (const [data, step] of [
      [60, 40],
      [70, 110],
      [50, 30],
      [60, 40],
    ] as const) {
      profiler.phase('data', t);
      profiler.phase('step', t + data);
      profiler.endIteration(undefined, t + data + step);
      t += 200;
    }
    const state = profiler.state();
    const text = formatProfileReport(summarizeProfile(state), {
      estimates: estimateTimes(state, { iterationsPerEpoch: 100, totalEpochs: 2 }),
    });
    expect(text.split('\n')).toEqual([
      'Profile: 4 iterations (0 to 3); iteration mean 115.0 ms, median 100.0 ms, p95 168.0 ms, max 180.0 ms.',
      'Throughput: 8.70 iterations/s, 278.3 samples/s.',
      'phase                mean     median        p95   share',
      'data              60.0 ms    60.0 ms    68.5 ms   52.2%',
      'step              55.0 ms    40.0 ms    99.5 ms   47.8%',
      'unattributed      0.00 ms    0.00 ms    0.00 ms    0.0%',
      'Bottleneck: data takes 52.2% of the iteration (60.0 ms of 115.0 ms on average).',
      '  - Lower the input resolution: smaller images read, decode and transfer faster.',
      '  - Store the data compressed to cut I/O, or cache it decoded in memory if decoding dominates.',
      '  - Move the data to faster storage: local SSD or memory instead of a network disk.',
      '  - Prefetch: prepare the next batches while the current one trains (dataset.prefetch(n), a worker).',
      'Warning: 1 of 4 iterations took longer than 150 ms (first: iteration 1; slowest: iteration 1, 180.0 ms). ' +
        'Things get dicey above 150 ms per iteration: start with the bottleneck: data takes 52.2% of the iteration (60.0 ms of 115.0 ms on average).',
      'Time per epoch: 11.5 s (range 8.6 s to 15.6 s, 100 iterations).',
      // 2 x 100 - 4 done = 196 left; p10/p90 of single iterations: 86 and 156 ms
      'Time to finish: 22.5 s (range 16.9 s to 30.6 s, 196 iterations).',
    ]);
  });

  it('says so when nothing was recorded', () => {
    expect(formatProfileReport(summarizeProfile(createProfiler().state()))).toBe(
      'Profile: no iterations to summarize (0 completed in total).',
    );
  });
});
