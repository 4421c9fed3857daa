import { describe, expect, it } from 'vitest';
import { successiveHalvingPruner } from './successive-halving-pruner';
import { trialView } from './test-helpers';
import type { Direction, TrialView } from './trial';

function decide(
  pruner: ReturnType<typeof successiveHalvingPruner>,
  trial: TrialView,
  others: readonly TrialView[],
  direction: Direction,
) {
  return pruner.decide({ trial, trials: [...others, trial], direction });
}

describe('successiveHalvingPruner (Ray AsyncHyperBandScheduler semantics)', () => {
  it('reproduces the _Bracket docstring example (min_t 1, max_t 10, rf 2)', () => {
    const pruner = successiveHalvingPruner({ minResource: 1, reductionFactor: 2, maxResource: 10 });
    const t1 = trialView(1, 'running', [[1, 2]]);
    const t2 = trialView(2, 'running', [[1, 4]]);
    const t3 = trialView(3, 'running', [[1, 1]]);
    expect(decide(pruner, t1, [], 'maximize').prune).toBe(false); // first at the rung
    expect(decide(pruner, t2, [t1], 'maximize').prune).toBe(false); // 4 >= cutoff 2
    // cutoff = 50th percentile of {2, 4} = 3 > 1: STOP.
    const stop = decide(pruner, t3, [t1, t2], 'maximize');
    expect(stop.prune).toBe(true);
    expect(stop.reason).toBe(
      'value 1 at rung 1 is outside the best 1/2 of 2 other trials (cutoff 3)',
    );
  });

  it('keeps the best quarter at each rung with the default reduction factor 4', () => {
    const pruner = successiveHalvingPruner(); // rungs 1, 4, 16, 64, ...
    // Minimize: four others recorded rung-4 values 1, 2, 3, 4; the best-quarter cutoff is the
    // 25th percentile of the values, 1.75 (75th percentile of the rewards -1..-4 is -1.75).
    const others = [1, 2, 3, 4].map((v, i) =>
      trialView(i, i < 2 ? 'finished' : 'pruned', [
        [1, 10],
        [4, v],
      ]),
    );
    const good = trialView(9, 'running', [
      [1, 10],
      [4, 1.7],
    ]);
    const bad = trialView(9, 'running', [
      [1, 10],
      [4, 1.8],
    ]);
    expect(decide(pruner, good, others, 'minimize').prune).toBe(false);
    expect(decide(pruner, bad, others, 'minimize').reason).toBe(
      'value 1.8 at rung 4 is outside the best 1/4 of 4 other trials (cutoff 1.75)',
    );
  });

  it('judges only at rungs, and never before the grace period', () => {
    const pruner = successiveHalvingPruner({ minResource: 2, reductionFactor: 2 }); // rungs 2, 4, 8
    const others = [0, 1, 2].map((i) =>
      trialView(i, 'finished', [
        [2, 0.1],
        [3, 0.1],
        [4, 0.1],
      ]),
    );
    // Step 1 is before the grace period; step 3 is between rungs.
    expect(decide(pruner, trialView(9, 'running', [[1, 5]]), others, 'minimize').prune).toBe(false);
    const between = trialView(9, 'running', [
      [2, 0.05],
      [3, 5],
    ]);
    expect(decide(pruner, between, others, 'minimize').prune).toBe(false);
    const atRung = trialView(9, 'running', [
      [2, 0.05],
      [3, 5],
      [4, 5],
    ]);
    expect(decide(pruner, atRung, others, 'minimize').prune).toBe(true);
  });

  it('records the largest unrecorded rung a report reaches (Ray: one rung per result)', () => {
    const pruner = successiveHalvingPruner({ minResource: 1, reductionFactor: 4 }); // 1, 4, 16
    // Others recorded rung 1 only with good values; this trial's first report is at step 5:
    // it records rung 4, where nobody else is, so it continues.
    const others = [0, 1].map((i) => trialView(i, 'running', [[1, 0.1]]));
    expect(decide(pruner, trialView(9, 'running', [[5, 9]]), others, 'minimize').prune).toBe(false);
    // Another trial reaching rung 4 is then compared with it.
    const first = trialView(8, 'running', [[5, 9]]);
    expect(
      decide(pruner, trialView(9, 'running', [[4, 10]]), [...others, first], 'minimize').prune,
    ).toBe(true);
  });

  it('refuses a reduction factor <= 1', () => {
    expect(() => successiveHalvingPruner({ reductionFactor: 1 })).toThrow(
      'successiveHalvingPruner: reductionFactor must be a finite number > 1, got 1.',
    );
  });
});
