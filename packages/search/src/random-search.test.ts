import { describe, expect, it } from 'vitest';
import { manualSearch } from './manual-search';
import { randomConfig, randomSearch } from './random-search';
import { categorical, configKey, defineSpace, integer, logUniform, uniform } from './space';

const space = defineSpace({
  learningRate: logUniform(1e-5, 1e-1),
  dropout: uniform(0, 0.5),
  units: integer(16, 128, { step: 16 }),
  optimizer: categorical(['adam', 'sgd']),
  momentum: uniform(0.5, 0.99, { when: { parameter: 'optimizer', values: ['sgd'] } }),
});

describe('randomSearch', () => {
  it('draws the same configurations for the same seed', () => {
    const a = randomSearch({ space, trials: 20, seed: 7 }).plan([], 'minimize').proposals;
    const b = randomSearch({ space, trials: 20, seed: 7 }).plan([], 'minimize').proposals;
    expect(a.map((p) => p.config)).toEqual(b.map((p) => p.config));
  });

  it('draws different configurations for different seeds', () => {
    const a = randomSearch({ space, trials: 20, seed: 7 }).plan([], 'minimize').proposals;
    const b = randomSearch({ space, trials: 20, seed: 8 }).plan([], 'minimize').proposals;
    const keysA = new Set(a.map((p) => configKey(p.config)));
    expect(b.filter((p) => keysA.has(configKey(p.config)))).toHaveLength(0);
  });

  it('keeps the first draws when a search is extended', () => {
    const short = randomSearch({ space, trials: 5, seed: 3 }).plan([], 'minimize').proposals;
    const long = randomSearch({ space, trials: 10, seed: 3 }).plan([], 'minimize').proposals;
    expect(long.slice(0, 5).map((p) => p.config)).toEqual(short.map((p) => p.config));
  });

  it('stays in the domain and respects conditions', () => {
    const configs = Array.from({ length: 2000 }, (_, i) => randomConfig(space, 11, i));
    for (const config of configs) {
      const lr = config.learningRate as number;
      expect(lr >= 1e-5 && lr <= 1e-1).toBe(true);
      expect((config.units as number) % 16).toBe(0);
      expect('momentum' in config).toBe(config.optimizer === 'sgd');
    }
    // Log-uniform: the median of log10(lr) is near the middle of [-5, -1].
    const logs = configs.map((c) => Math.log10(c.learningRate as number)).sort((a, b) => a - b);
    expect(Math.abs(logs[1000]! - -3)).toBeLessThan(0.15);
    // Uniform dropout: mean near 0.25.
    const mean = configs.reduce((s, c) => s + (c.dropout as number), 0) / configs.length;
    expect(Math.abs(mean - 0.25)).toBeLessThan(0.015);
    // Every integer value appears, each about 1/8 of the time.
    const counts = new Map<number, number>();
    for (const c of configs)
      counts.set(c.units as number, (counts.get(c.units as number) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([16, 32, 48, 64, 80, 96, 112, 128]);
    for (const count of counts.values()) expect(Math.abs(count - 250)).toBeLessThan(60);
  });

  it('refuses a budget of 0 trials and bad seeds', () => {
    expect(() => randomSearch({ space, trials: 0, seed: 1 })).toThrow(
      'randomSearch: trials must be an integer >= 1, got 0. A search needs a budget of at least one trial.',
    );
    expect(() => randomSearch({ space, trials: 3, seed: -1 })).toThrow(
      'randomSearch: seed must be an integer',
    );
  });
});

describe('manualSearch', () => {
  it('keeps the configurations in order, checked against the space', () => {
    const small = defineSpace({
      lr: logUniform(1e-4, 1e-1),
      optimizer: categorical(['adam', 'sgd']),
    });
    const strategy = manualSearch({
      space: small,
      configs: [
        { optimizer: 'sgd', lr: 0.1 },
        { lr: 0.001, optimizer: 'adam' },
      ],
    });
    const proposals = strategy.plan([], 'maximize').proposals;
    expect(proposals.map((p) => p.config)).toEqual([
      { lr: 0.1, optimizer: 'sgd' },
      { lr: 0.001, optimizer: 'adam' },
    ]);
    expect(proposals[1]!.reason).toBe('manual configuration 2 of 2');
  });

  it('names an unknown parameter in a configuration', () => {
    const small = defineSpace({ lr: logUniform(1e-4, 1e-1) });
    expect(() =>
      manualSearch({ space: small, configs: [{ lr: 0.01 }, { lr: 0.01, batch: 32 }] }),
    ).toThrow(
      'manualSearch: configs[1].batch must be a parameter of the space, got 32. Known parameters: lr; remove batch or add it to the space.',
    );
    expect(() => manualSearch({ space: small, configs: [] })).toThrow(
      'configs must be a non-empty array',
    );
  });
});
