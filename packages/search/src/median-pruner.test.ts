import { describe, expect, it } from 'vitest';
import { medianPruner, percentilePruner } from './median-pruner';
import { nanPercentile } from './pruner';
import { trialView } from './test-helpers';
import type { Direction, TrialView } from './trial';

// Five finished trials, values at steps 0..4 (minimize). Hand-computed medians per step:
// step 0: [0.8, 0.9, 1.0, 1.1, 1.2] -> 1.0      step 1: [0.7, 0.85, 0.9, 1.0, 1.05] -> 0.9
// step 2: [0.6, 0.8, 0.8, 0.9, 1.0] -> 0.8      step 3: [0.5, 0.7, 0.75, 0.8, 0.95] -> 0.75
// step 4: [0.4, 0.6, 0.7, 0.7, 0.9] -> 0.7
const curves = [
  [1.0, 0.9, 0.8, 0.7, 0.6],
  [1.2, 1.0, 0.9, 0.8, 0.7],
  [0.8, 0.7, 0.6, 0.5, 0.4],
  [1.1, 1.05, 1.0, 0.95, 0.9],
  [0.9, 0.85, 0.8, 0.75, 0.7],
];
const finished = curves.map((curve, i) => trialView(i, 'finished', curve));

/**
 * Feeds a trial's reports one at a time, as a running trial makes them, and
 * returns the first step at which the pruner says stop (or undefined).
 */
function firstPrunedStep(
  pruner: ReturnType<typeof medianPruner>,
  others: readonly TrialView[],
  reports: readonly (readonly [number, number])[],
  direction: Direction = 'minimize',
): number | undefined {
  for (let i = 1; i <= reports.length; i++) {
    const trial = trialView(99, 'running', reports.slice(0, i));
    const decision = pruner.decide({ trial, trials: [...others, trial], direction });
    if (decision.prune) return reports[i - 1]![0];
  }
  return undefined;
}

const at = (values: readonly number[]) => values.map((v, step) => [step, v] as const);

describe('nanPercentile', () => {
  it('interpolates linearly like numpy and skips NaN', () => {
    expect(nanPercentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(nanPercentile([0.7, 0.85, 0.9, 1.0, 1.05], 25)).toBe(0.85);
    expect(nanPercentile([3, Number.NaN, 1], 50)).toBe(2);
    expect(nanPercentile([10, 20, 30, 40], 75)).toBeCloseTo(32.5, 12);
    expect(Number.isNaN(nanPercentile([Number.NaN], 50))).toBe(true);
  });
});

describe('medianPruner (Optuna MedianPruner semantics)', () => {
  it('prunes at the first step where the best value so far is worse than the median', () => {
    // 0.95 <= 1.0 (step 0), then best 0.92 > 0.9 at step 1.
    expect(firstPrunedStep(medianPruner(), finished, at([0.95, 0.92, 0.5]))).toBe(1);
  });

  it('compares the best value so far, not the latest one, and a tie is not worse', () => {
    // Best stays 0.7: <= 1.0, 0.9, 0.8, 0.75 and == 0.7 at step 4.
    expect(
      firstPrunedStep(medianPruner(), finished, at([0.7, 0.95, 0.95, 0.76, 0.9])),
    ).toBeUndefined();
    // The same curve one notch worse at the end: best 0.7 is still not > 0.7.
    expect(firstPrunedStep(medianPruner(), finished, at([0.71, 0.95, 0.95, 0.76, 0.9]))).toBe(4);
  });

  it('does not prune before startupTrials trials have finished', () => {
    expect(
      firstPrunedStep(medianPruner(), finished.slice(0, 4), at([2, 2, 2, 2, 2])),
    ).toBeUndefined();
    expect(
      firstPrunedStep(medianPruner({ startupTrials: 4 }), finished.slice(0, 4), at([2, 2])),
    ).toBe(0);
  });

  it('counts only finished trials: pruned, failed and running ones are not the reference', () => {
    const others = [
      ...finished.slice(0, 4),
      trialView(10, 'pruned', [0.1, 0.1]),
      trialView(11, 'failed', [0.1, 0.1]),
      trialView(12, 'running', [0.1, 0.1]),
    ];
    expect(firstPrunedStep(medianPruner(), others, at([2, 2, 2]))).toBeUndefined();
  });

  it('waits for the warmup steps', () => {
    // Steps 0 and 1 are warmup; at step 2 the best so far 0.85 > median 0.8.
    expect(
      firstPrunedStep(medianPruner({ warmupSteps: 2 }), finished, at([0.95, 0.92, 0.85])),
    ).toBe(2);
  });

  it('judges only the first report of each interval', () => {
    // interval 2: steps 0, 2, 4 are judged; step 1 (0.92 > 0.9) is not.
    expect(
      firstPrunedStep(medianPruner({ intervalSteps: 2 }), finished, at([0.95, 0.92, 0.85])),
    ).toBe(2);
    // A skipped check is postponed: reports at steps 0 and 3 -> step 3 is the first in [2, 4).
    expect(
      firstPrunedStep(medianPruner({ intervalSteps: 2 }), finished, [
        [0, 0.95],
        [3, 0.96],
      ]),
    ).toBe(3);
    // ... but a second report in the same interval is not judged.
    expect(
      firstPrunedStep(medianPruner({ intervalSteps: 2 }), finished, [
        [0, 0.95],
        [2, 0.7],
        [3, 0.96],
      ]),
    ).toBeUndefined();
  });

  it('needs minTrials finished values at the step', () => {
    expect(
      firstPrunedStep(medianPruner({ minTrials: 6 }), finished, at([2, 2, 2])),
    ).toBeUndefined();
    // Only 2 finished trials reported step 5.
    const longer = [
      ...finished,
      trialView(5, 'finished', [1, 1, 1, 1, 1, 0.1]),
      trialView(6, 'finished', [1, 1, 1, 1, 1, 0.2]),
    ];
    expect(firstPrunedStep(medianPruner({ minTrials: 3 }), longer, [[5, 0.5]])).toBeUndefined();
    expect(firstPrunedStep(medianPruner({ minTrials: 2 }), longer, [[5, 0.5]])).toBe(5);
  });

  it('mirrors for maximize', () => {
    const negated = curves.map((curve, i) =>
      trialView(
        i,
        'finished',
        curve.map((v) => -v),
      ),
    );
    expect(firstPrunedStep(medianPruner(), negated, at([-0.95, -0.92]), 'maximize')).toBe(1);
    expect(firstPrunedStep(medianPruner(), negated, at([-0.95, -0.9]), 'maximize')).toBeUndefined();
  });

  it('explains the decision', () => {
    const trial = trialView(99, 'running', [0.95, 0.92]);
    const decision = medianPruner().decide({
      trial,
      trials: [...finished, trial],
      direction: 'minimize',
    });
    expect(decision).toEqual({
      prune: true,
      reason:
        'best value 0.92 up to step 1 is worse than the median 0.9 of 5 finished trials at step 1',
    });
  });
});

describe('percentilePruner', () => {
  it('keeps the best quarter with percentile 25', () => {
    // 25th percentiles: step 0 -> 0.9, step 1 -> 0.85, step 2 -> 0.8.
    expect(
      firstPrunedStep(percentilePruner({ percentile: 25 }), finished, at([0.85, 0.86, 0.82])),
    ).toBe(2);
  });

  it('refuses a percentile outside 0..100', () => {
    expect(() => percentilePruner({ percentile: 101 })).toThrow(
      'percentilePruner: percentile must be a finite number >= 0 and <= 100, got 101.',
    );
    expect(() => medianPruner({ intervalSteps: 0 })).toThrow('medianPruner: intervalSteps');
  });
});
