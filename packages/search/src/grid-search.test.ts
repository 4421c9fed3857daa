import { describe, expect, it } from 'vitest';
import { gridPoints } from './grid-points';
import { gridConfigs, gridSearch } from './grid-search';
import { categorical, configKey, defineSpace, integer, logUniform, uniform } from './space';

describe('gridPoints', () => {
  it('spaces log ranges geometrically and prints decades cleanly', () => {
    expect(gridPoints(logUniform(1e-4, 1e-1), 4)).toEqual([1e-4, 1e-3, 1e-2, 1e-1]);
    expect(gridPoints(logUniform(1e-3, 1e-1), 3)).toEqual([1e-3, 1e-2, 1e-1]);
    expect(gridPoints(logUniform(1, 100), 1)).toEqual([10]);
  });

  it('spaces uniform ranges evenly, ends included', () => {
    expect(gridPoints(uniform(0, 1), 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(gridPoints(uniform(-1, 1), 1)).toEqual([0]);
  });

  it('snaps integer points to the step grid without duplicates', () => {
    expect(gridPoints(integer(32, 256, { step: 32 }), 3)).toEqual([32, 160, 256]);
    expect(gridPoints(integer(1, 4), 10)).toEqual([1, 2, 3, 4]);
    expect(gridPoints(integer(1, 1000, { log: true }), 4)).toEqual([1, 10, 100, 1000]);
  });
});

describe('gridSearch', () => {
  it('enumerates exactly the Cartesian product, last parameter fastest', () => {
    const space = defineSpace({
      learningRate: logUniform(1e-3, 1e-1),
      batchSize: categorical([32, 64]),
      dropout: uniform(0, 0.5),
    });
    const configs = gridConfigs(space, { learningRate: 3, dropout: 2 });
    expect(configs).toHaveLength(3 * 2 * 2);
    expect(configs.slice(0, 4)).toEqual([
      { learningRate: 1e-3, batchSize: 32, dropout: 0 },
      { learningRate: 1e-3, batchSize: 32, dropout: 0.5 },
      { learningRate: 1e-3, batchSize: 64, dropout: 0 },
      { learningRate: 1e-3, batchSize: 64, dropout: 0.5 },
    ]);
    // Every combination exactly once.
    const keys = new Set(configs.map(configKey));
    expect(keys.size).toBe(12);
    for (const learningRate of [1e-3, 1e-2, 1e-1]) {
      for (const batchSize of [32, 64]) {
        for (const dropout of [0, 0.5]) {
          expect(keys.has(configKey({ learningRate, batchSize, dropout }))).toBe(true);
        }
      }
    }
  });

  it('multiplies conditional parameters only where they are active', () => {
    const space = defineSpace({
      optimizer: categorical(['adam', 'sgd']),
      momentum: uniform(0.8, 0.99, { when: { parameter: 'optimizer', values: ['sgd'] } }),
      learningRate: logUniform(1e-4, 1e-1),
    });
    const configs = gridConfigs(space, 4);
    // adam: 4 learning rates; sgd: 4 momenta x 4 learning rates.
    expect(configs).toHaveLength(4 + 16);
    expect(configs.filter((c) => c.optimizer === 'adam').every((c) => !('momentum' in c))).toBe(
      true,
    );
    expect(
      configs.filter((c) => c.optimizer === 'sgd').every((c) => typeof c.momentum === 'number'),
    ).toBe(true);
  });

  it('proposes every point once, in stage 1, with its position as the reason', () => {
    const strategy = gridSearch({
      space: defineSpace({ a: categorical([1, 2, 3]) }),
      budget: { epochs: 2, learningRateDecay: true },
    });
    const plan = strategy.plan([], 'minimize');
    expect(plan.complete).toBe(true);
    expect(plan.proposals.map((p) => [p.config.a, p.stage, p.parent, p.reason])).toEqual([
      [1, 1, undefined, 'grid point 1 of 3'],
      [2, 1, undefined, 'grid point 2 of 3'],
      [3, 1, undefined, 'grid point 3 of 3'],
    ]);
    expect(plan.proposals[0]!.budget).toEqual({ epochs: 2, learningRateDecay: true });
  });

  it('refuses unknown parameters and zero points', () => {
    const space = defineSpace({ a: uniform(0, 1) });
    expect(() => gridSearch({ space, pointsPerParameter: { b: 3 } })).toThrow(
      'gridSearch: pointsPerParameter.b must be a parameter of the space',
    );
    expect(() => gridSearch({ space, pointsPerParameter: 0 })).toThrow(
      'gridSearch: pointsPerParameter must be an integer >= 1, got 0.',
    );
    expect(() => gridSearch({ space, budget: { epochs: 0, learningRateDecay: false } })).toThrow(
      'gridSearch: budget.epochs must be an integer >= 1, got 0.',
    );
  });
});
