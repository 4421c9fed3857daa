import { InvalidArgumentError } from '@trainkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { phaseAdvice, phaseAdviceTable } from './phase-advice';
import { createProfiler } from './profiler';
import { summarizeProfile } from './summarize-profile';
import { loadFixtureCases, manualClock, replayCase } from './test-helpers';

const close = (actual: number, expected: number): void => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
};

/** Profiles iterations given as lists of [phase, ms] with a fake clock. */
function profile(
  iterations: ReadonlyArray<ReadonlyArray<readonly [string, number]>>,
  options: { slowIterationMs?: number; phases?: string[]; batchSize?: number } = {},
) {
  const time = manualClock();
  const profiler = createProfiler({ clock: time.clock, warn: () => {}, ...options });
  for (const phases of iterations) {
    profiler.beginIteration();
    for (const [name, ms] of phases) {
      if (name === '-') profiler.endPhase();
      else profiler.phase(name);
      time.advance(ms);
    }
    profiler.endIteration();
  }
  return profiler.state();
}

describe('summarizeProfile against NumPy', () => {
  for (const fixture of loadFixtureCases()) {
    it(`matches mean, median, p95, share and throughput (${fixture.name}, ${fixture.phaseMs.length} iterations)`, () => {
      const report = summarizeProfile(replayCase(fixture).state());
      const expected = fixture.expected;
      expect(report.iterations).toBe(fixture.phaseMs.length);
      for (const [key, value] of Object.entries(expected.iteration)) {
        close(report.iteration[key as keyof typeof report.iteration], value);
      }
      expected.phases.forEach((phase, p) => {
        const actual = report.phases[p]!;
        expect(actual.name).toBe(phase.name);
        for (const key of ['meanMs', 'medianMs', 'p95Ms', 'maxMs', 'totalMs', 'share'] as const) {
          close(actual[key], phase[key] as number);
        }
        expect(actual.iterationsWithPhase).toBe(phase.iterationsWithPhase);
      });
      for (const key of ['meanMs', 'medianMs', 'p95Ms', 'share'] as const) {
        close(report.unattributed[key], expected.unattributed[key]!);
      }
      close(report.throughput.iterationsPerSecond, expected.iterationsPerSecond);
      close(report.throughput.samplesPerSecond!, expected.samplesPerSecond);
    });
  }
});

describe('summarizeProfile: bottleneck and advice', () => {
  it('names data loading with the data advice', () => {
    const state = profile(
      [
        [
          ['data', 60],
          ['forward', 20],
          ['backward', 15],
          ['optimizer', 5],
        ],
        [
          ['data', 40],
          ['forward', 20],
          ['backward', 35],
          ['optimizer', 5],
        ],
      ],
      { batchSize: 50 },
    );
    const report = summarizeProfile(state);
    expect(report.bottleneck).toEqual({
      phase: 'data',
      category: 'data',
      share: 0.5,
      meanMs: 50,
      summary: 'data takes 50.0% of the iteration (50.0 ms of 100.0 ms on average).',
      advice: phaseAdvice('data').advice,
    });
    expect(report.bottleneck!.advice.join(' ')).toMatch(
      /resolution.*compress.*storage.*[Pp]refetch/s,
    );
    expect(report.throughput).toEqual({ iterationsPerSecond: 10, samplesPerSecond: 500 });
    expect(report.warnings).toEqual([]); // no other phase reaches its warning share
  });

  it('names backprop with smaller-network advice and warns about frequent evaluation', () => {
    const state = profile([
      [
        ['forward', 20],
        ['backward', 45],
        ['evaluation', 25],
        ['logging', 10],
      ],
    ]);
    const report = summarizeProfile(state);
    expect(report.bottleneck?.phase).toBe('backward');
    expect(report.bottleneck?.advice[0]).toMatch(/smaller network \(fewer layers/);
    expect(
      report.warnings.map((w) => (w.kind === 'phase-share' ? [w.phase, w.share] : w.kind)),
    ).toEqual([
      ['evaluation', 0.25],
      ['logging', 0.1],
    ]);
    const evaluation = report.warnings[0]!;
    expect(evaluation.message).toBe(
      'evaluation takes 25.0% of the iteration (warning from 20.0%).',
    );
    expect(evaluation.kind === 'phase-share' && evaluation.advice[0]).toMatch(/every n iterations/);
  });

  it('points at unattributed time when most of the iteration is outside phases', () => {
    const report = summarizeProfile(
      profile([
        [
          ['-', 70],
          ['forward', 30],
        ],
      ]),
    );
    expect(report.bottleneck?.phase).toBe('unattributed');
    expect(report.bottleneck?.advice[0]).toMatch(/add phase marks/);
    expect(report.unattributed.share).toBe(0.7);
  });

  it('recognizes phase names in other spellings', () => {
    expect(phaseAdvice('Data-Loading').category).toBe('data');
    expect(phaseAdvice('data_loading').category).toBe('data');
    expect(phaseAdvice('backprop').category).toBe('backward');
    expect(phaseAdvice('optimizer step').category).toBe('optimizer');
    expect(phaseAdvice('val').category).toBe('evaluation');
    expect(phaseAdvice('tensorboard').category).toBe('logging');
    expect(phaseAdvice('augment').category).toBe('custom');
    const categories = phaseAdviceTable.map((row) => row.category);
    expect(new Set(categories).size).toBe(categories.length);
    expect(phaseAdviceTable.every((row) => row.advice.length > 0)).toBe(true);
  });

  it('reports slow iterations once, with their count, the first and the slowest', () => {
    const state = profile(
      [[['step', 300]], [['step', 700]], [['step', 200]], [['step', 900]], [['step', 650]]],
      { slowIterationMs: 500 },
    );
    const report = summarizeProfile(state);
    const slow = report.warnings.filter((w) => w.kind === 'slow-iterations');
    expect(slow).toEqual([
      {
        kind: 'slow-iterations',
        count: 3,
        totalIterations: 5,
        thresholdMs: 500,
        firstIteration: 1,
        slowestIteration: 3,
        slowestMs: 900,
        message:
          '3 of 5 iterations took longer than 500 ms (first: iteration 1; slowest: iteration 3, 900.0 ms). ' +
          'Things get dicey above 500 ms per iteration: start with the bottleneck: step takes 100.0% of the iteration (550.0 ms of 550.0 ms on average).',
      },
    ]);
  });

  it('calls a single slow first iteration warm-up', () => {
    const report = summarizeProfile(
      profile([[['step', 900]], [['step', 100]]], { slowIterationMs: 500 }),
    );
    const [warning] = report.warnings;
    expect(warning?.message).toMatch(/Only the first iteration was slow: likely warm-up/);
  });

  it('leaves warm-up iterations out of the statistics', () => {
    const state = profile([[['step', 900]], [['step', 100]], [['step', 300]]]);
    const report = summarizeProfile(state, { warmupIterations: 1 });
    expect(report.iterations).toBe(2);
    expect(report.firstIteration).toBe(1);
    expect(report.iteration.meanMs).toBe(200);
    expect(report.iteration.maxMs).toBe(300);
    expect(summarizeProfile(state, { warmupIterations: 10 }).iterations).toBe(0);
  });

  it('summarizes an empty profile without a bottleneck', () => {
    const report = summarizeProfile(createProfiler({ phases: ['data'] }).state());
    expect(report.iterations).toBe(0);
    expect(report.bottleneck).toBeNull();
    expect(report.throughput).toEqual({ iterationsPerSecond: 0, samplesPerSecond: null });
    expect(report.phases.map((p) => [p.name, p.meanMs])).toEqual([['data', 0]]);
  });

  it('rejects a bad warm-up count', () => {
    const state = createProfiler().state();
    expect(() => summarizeProfile(state, { warmupIterations: -1 })).toThrow(InvalidArgumentError);
    expect(() => summarizeProfile(state, { warmupIterations: 1.5 })).toThrow(
      'summarizeProfile: warmupIterations must be an integer >= 0, got 1.5.',
    );
  });

  it('has shares adding up to 1 and ordered quantiles (property)', () => {
    const phaseList = fc.array(
      fc.tuple(
        fc.constantFrom('data', 'forward', 'backward', '-', 'eval'),
        fc.integer({ min: 0, max: 400 }),
      ),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(fc.array(phaseList, { minLength: 1, maxLength: 25 }), (iterations) => {
        const report = summarizeProfile(profile(iterations));
        const rows = [...report.phases, report.unattributed];
        if (report.iteration.totalMs > 0) {
          close(
            rows.reduce((sum, row) => sum + row.share, 0),
            1,
          );
          expect(report.bottleneck!.share).toBe(Math.max(...rows.map((row) => row.share)));
        }
        for (const row of [...rows]) {
          expect(row.medianMs).toBeLessThanOrEqual(row.p95Ms);
          expect(row.p95Ms).toBeLessThanOrEqual(row.maxMs);
          expect(row.meanMs).toBeLessThanOrEqual(row.maxMs);
        }
        const it = report.iteration;
        expect(it.minMs <= it.p10Ms && it.p10Ms <= it.medianMs && it.medianMs <= it.p90Ms).toBe(
          true,
        );
        expect(it.p90Ms <= it.p95Ms && it.p95Ms <= it.maxMs).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
