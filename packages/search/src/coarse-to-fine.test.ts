import { describe, expect, it } from 'vitest';
import { coarseToFine } from './coarse-to-fine';
import { gridConfigs } from './grid-search';
import { runSearch } from './run-search';
import { defineSpace, logUniform } from './space';
import type { Direction, TrialView } from './trial';

/** Marks planned trials as ended with the given values (by trial number). */
function ended(
  proposals: ReturnType<ReturnType<typeof coarseToFine>['plan']>['proposals'],
  values: (n: number) => number,
): TrialView[] {
  return proposals.map((p, trial) => ({
    ...p,
    trial,
    state: 'finished',
    value: values(trial),
    reports: [],
    attempts: 1,
    owner: undefined,
    error: undefined,
    createdAt: 0,
    startedAt: 0,
    endedAt: 0,
  }));
}

describe('coarseToFine plan', () => {
  it('starts with the recipe coarse grid: 4 learning rates x 3 weight decays, a few epochs', () => {
    const plan = coarseToFine().plan([], 'minimize');
    expect(plan.complete).toBe(false);
    expect(plan.proposals.map((p) => [p.config.learningRate, p.config.weightDecay])).toEqual([
      [0.1, 1e-4],
      [0.1, 1e-5],
      [0.1, 0],
      [0.01, 1e-4],
      [0.01, 1e-5],
      [0.01, 0],
      [0.001, 1e-4],
      [0.001, 1e-5],
      [0.001, 0],
      [1e-4, 1e-4],
      [1e-4, 1e-5],
      [1e-4, 0],
    ]);
    expect(plan.proposals.every((p) => p.stage === 1 && p.parent === undefined)).toBe(true);
    expect(plan.proposals[4]!.budget).toEqual({ epochs: 3, learningRateDecay: false });
    expect(plan.proposals[4]!.reason).toBe(
      'coarse grid: learningRate 0.01 (2 of 4), weightDecay 0.00001 (2 of 3)',
    );
  });

  it('refines around the top-k in log space once every coarse trial has ended', () => {
    const strategy = coarseToFine({
      parameters: {
        learningRate: { values: [1e-1, 1e-2, 1e-3] },
        weightDecay: { values: [1e-4, 0] },
      },
      fine: { topK: 2, pointsPerParameter: 3, epochs: 12 },
    });
    const coarse = strategy.plan([], 'minimize').proposals;
    expect(coarse).toHaveLength(6);
    // Not all coarse trials ended: no refinement yet.
    const partial = ended(coarse, (n) => n).slice(0, 5);
    expect(strategy.plan(partial, 'minimize')).toEqual({ proposals: coarse, complete: false });

    // Best: trial 3 (lr 1e-2, wd 0) with 0.1, then trial 2 (lr 1e-2, wd 1e-4) with 0.2.
    const values = [0.9, 0.8, 0.2, 0.1, 0.7, 0.6];
    const plan = strategy.plan(
      ended(coarse, (n) => values[n]!),
      'minimize',
    );
    expect(plan.complete).toBe(true);
    const fine = plan.proposals.slice(6);
    // Around trial 3: lr 10^-2.5, 1e-2, 10^-1.5 (halfway to the 1e-3 and 1e-1 neighbours); wd 0 stays 0.
    // Around trial 2: the same lrs x wd 10^-4.5, 1e-4, 10^-3.5 (one decade assumed: 1e-4 has no positive neighbour).
    expect(fine.map((p) => [p.parent, p.config.learningRate, p.config.weightDecay])).toEqual([
      [3, 0.00316227766017, 0],
      [3, 0.01, 0],
      [3, 0.0316227766017, 0],
      [2, 0.00316227766017, 0.0000316227766017],
      [2, 0.00316227766017, 1e-4],
      [2, 0.00316227766017, 0.000316227766017],
      [2, 0.01, 0.0000316227766017],
      [2, 0.01, 1e-4],
      [2, 0.01, 0.000316227766017],
      [2, 0.0316227766017, 0.0000316227766017],
      [2, 0.0316227766017, 1e-4],
      [2, 0.0316227766017, 0.000316227766017],
    ]);
    expect(fine.every((p) => p.stage === 2)).toBe(true);
    expect(fine[0]!.budget).toEqual({ epochs: 12, learningRateDecay: false });
    expect(fine[0]!.reason).toBe(
      'refined around trial 3 (rank 1 of 2 in stage 1, value 0.1): learningRate 0.00316227766017 (x10^-0.5), weightDecay 0 (kept)',
    );
  });

  it('refines a second stage with proportionally finer spacing', () => {
    const strategy = coarseToFine({
      parameters: { learningRate: { values: [1e-1, 1e-2, 1e-3] } },
      fine: [{ topK: 1 }, { topK: 1 }],
    });
    const coarse = strategy.plan([], 'maximize').proposals;
    const stage2 = strategy.plan(
      ended(coarse, (n) => [0.1, 0.5, 0.2][n]!),
      'maximize',
    ).proposals;
    expect(stage2.slice(3).map((p) => p.config.learningRate)).toEqual([
      0.00316227766017, 0.01, 0.0316227766017,
    ]);
    // Best of stage 2: 10^-2.5 (trial 3). Stage 3 spacing 0.5 decade -> points +-0.25 decade.
    const stage3 = strategy.plan(
      ended(stage2, (n) => [0.1, 0.5, 0.2, 0.9, 0.5, 0.1][n]!),
      'maximize',
    );
    expect(stage3.complete).toBe(true);
    const refined = stage3.proposals.slice(6);
    expect(refined.map((p) => [p.stage, p.parent])).toEqual([
      [3, 3],
      [3, 3],
      [3, 3],
    ]);
    const expected = [10 ** -2.75, 10 ** -2.5, 10 ** -2.25];
    refined.forEach((p, i) => {
      expect(Math.abs((p.config.learningRate as number) / expected[i]! - 1)).toBeLessThan(1e-10);
    });
  });

  it('caps a fine stage at maxTrials, best parent first', () => {
    const strategy = coarseToFine({
      parameters: { a: { values: [1, 2, 3], scale: 'linear' } },
      fine: { topK: 3, pointsPerParameter: 5, maxTrials: 4 },
    });
    const coarse = strategy.plan([], 'minimize').proposals;
    const fine = strategy
      .plan(
        ended(coarse, (n) => [3, 1, 2][n]!),
        'minimize',
      )
      .proposals.slice(3);
    expect(fine.map((p) => [p.parent, p.config.a])).toEqual([
      [1, 1.5],
      [1, 1.75],
      [1, 2],
      [1, 2.25],
    ]);
  });

  it('refuses empty parameters, zero budgets and a coarse grid over its budget', () => {
    expect(() => coarseToFine({ parameters: {} })).toThrow(
      'coarseToFine: parameters must be a non-empty object',
    );
    expect(() => coarseToFine({ fine: { topK: 0 } })).toThrow(
      'coarseToFine: fine.topK must be an integer >= 1, got 0.',
    );
    expect(() => coarseToFine({ fine: [{}, { maxTrials: 0 }] })).toThrow(
      'fine[1].maxTrials must be an integer >= 1, got 0.',
    );
    expect(() => coarseToFine({ coarse: { maxTrials: 8 } })).toThrow(
      'coarseToFine: coarse.maxTrials must be an integer >= 12, got 8. The coarse grid has 12 points (4 x 3); raise maxTrials or list fewer coarse values.',
    );
    expect(() => coarseToFine({ coarse: { epochs: 0 } })).toThrow(
      'coarse.epochs must be an integer >= 1, got 0.',
    );
    expect(() => coarseToFine({ parameters: { lr: { values: [-1, 1], scale: 'log' } } })).toThrow(
      "parameters.lr.values[0] must be >= 0 for scale 'log'",
    );
    expect(() => coarseToFine({ parameters: { o: { values: ['adam'], scale: 'log' } } })).toThrow(
      'Only numbers can be refined',
    );
  });
});

// Synthetic objectives over log10(learning rate) and log10(weight decay) with known optima.
const log10 = Math.log10;
function bowl(lrStar: number, wdStar: number, direction: Direction) {
  return (config: Record<string, unknown>) => {
    const lr = config.learningRate as number;
    const wd = config.weightDecay as number;
    const wdTerm = wd === 0 ? 4 : (log10(wd) - log10(wdStar)) ** 2;
    const loss = (log10(lr) - log10(lrStar)) ** 2 + 0.5 * wdTerm;
    return direction === 'minimize' ? loss : 0.99 - 0.05 * loss;
  };
}

describe('coarse-to-fine on synthetic objectives', () => {
  const cases = [
    {
      name: 'a loss bowl at lr 3e-3, wd 3e-5 (inside the coarse grid)',
      lr: 3e-3,
      wd: 3e-5,
      direction: 'minimize' as const,
    },
    {
      name: 'an accuracy peak at lr 2e-2, wd 2e-4 (wd beyond the coarse grid)',
      lr: 2e-2,
      wd: 2e-4,
      direction: 'maximize' as const,
    },
  ];
  for (const c of cases) {
    it(`finds ${c.name} within 0.07 decades, with far fewer trials than a fine grid`, async () => {
      const f = bowl(c.lr, c.wd, c.direction);
      const strategy = coarseToFine({
        fine: [
          { topK: 2, pointsPerParameter: 5 },
          { topK: 1, pointsPerParameter: 5 },
        ],
      });
      const result = await runSearch({
        strategy,
        direction: c.direction,
        objective: (trial) => f(trial.config),
      });
      const best = result.best!;
      expect(Math.abs(log10(best.config.learningRate as number) - log10(c.lr))).toBeLessThan(0.07);
      expect(Math.abs(log10(best.config.weightDecay as number) - log10(c.wd))).toBeLessThan(0.07);
      // All three stages ran, and the best trial's lineage goes back to a coarse trial.
      expect(new Set(result.trials.map((t) => t.stage))).toEqual(new Set([1, 2, 3]));
      let trial: TrialView | undefined = best;
      const lineage: number[] = [];
      while (trial !== undefined) {
        lineage.push(trial.stage);
        trial = trial.parent === undefined ? undefined : result.trials[trial.parent];
      }
      expect(lineage.at(-1)).toBe(1);
      expect(lineage).toEqual(Array.from({ length: lineage.length }, (_, i) => lineage.length - i));
      // A grid with the final resolution (1/16 decade) over the coarse ranges
      // (lr 1e-4..1e-1, wd 1e-5..1e-4) has 49 x 17 points.
      const fineGrid = gridConfigs(
        defineSpace({ learningRate: logUniform(1e-4, 1e-1), weightDecay: logUniform(1e-5, 1e-4) }),
        { learningRate: 49, weightDecay: 17 },
      );
      expect(fineGrid).toHaveLength(833);
      expect(result.trials.length).toBeLessThan(90);
      expect(result.trials.length).toBeLessThan(fineGrid.length / 9);
    });
  }
});
