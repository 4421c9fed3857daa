import { type ArgumentChecker, checkArguments } from '@trainkit/core';
import { createRandom, deriveSeed, type Random } from '@trainkit/stats';
import { checkBudget } from './budget';
import type { Config, ParameterValue, SearchSpace } from './space';
import { isActive } from './space';
import type { Strategy } from './strategy';
import type { TrialBudget, TrialProposal } from './trial';

/** Options of {@link randomSearch}. */
export interface RandomSearchOptions {
  readonly space: SearchSpace;
  /** How many configurations to draw, an integer >= 1. */
  readonly trials: number;
  /** Seed, a safe integer >= 0: the same seed draws the same configurations. */
  readonly seed: number;
  /** Passed to every trial as `trial.budget`. */
  readonly budget?: TrialBudget;
}

/**
 * Draws one configuration: each active parameter in order, categorical
 * uniformly among its values, uniform as `low + (high - low) * u`,
 * log-uniform as `exp(log low + (log high - log low) * u)`, integer uniformly
 * among `low, low + step, ..., high` (log-scaled integers: a log-uniform draw
 * on [low - 0.5, high + 0.5] rounded, as Optuna does).
 *
 * @example
 * ```ts
 * sampleConfig(space, createRandom({ seed: 1 }));
 * ```
 */
export function sampleConfig(space: SearchSpace, random: Random): Config {
  const config: Record<string, ParameterValue> = {};
  for (const parameter of space.parameters) {
    if (!isActive(parameter, config)) continue;
    switch (parameter.kind) {
      case 'categorical':
        config[parameter.name] = parameter.values[random.nextInt(parameter.values.length)]!;
        break;
      case 'uniform':
        config[parameter.name] = random.uniform(parameter.low, parameter.high);
        break;
      case 'log-uniform':
        config[parameter.name] = Math.min(
          parameter.high,
          Math.exp(random.uniform(Math.log(parameter.low), Math.log(parameter.high))),
        );
        break;
      case 'integer': {
        const { low, high, step, log } = parameter;
        if (log) {
          const drawn = Math.exp(random.uniform(Math.log(low - 0.5), Math.log(high + 0.5)));
          config[parameter.name] = Math.min(high, Math.max(low, Math.round(drawn)));
        } else {
          config[parameter.name] = low + random.nextInt((high - low) / step + 1) * step;
        }
        break;
      }
    }
  }
  return Object.freeze(config);
}

/**
 * The `index`-th configuration of a seeded random search: drawn with its own
 * generator `createRandom({ seed: deriveSeed(seed, index) })`, so it does not
 * depend on how many configurations come before or after it (a search
 * extended from 20 to 40 trials keeps its first 20).
 *
 * @example
 * ```ts
 * randomConfig(space, 42, 0); // always the same configuration
 * ```
 */
export function randomConfig(space: SearchSpace, seed: number, index: number): Config {
  return sampleConfig(space, createRandom({ seed: deriveSeed(seed, index) }));
}

/**
 * Seeded random search (Bergstra and Bengio, "Random Search for
 * Hyper-Parameter Optimization", JMLR 2012): `trials` independent draws
 * from the space, reproducible by seed, with the PCG32 generator of
 * `@trainkit/splits`.
 *
 * @param options - The space, the number of trials, the seed, an optional budget.
 * @returns The strategy for {@link runSearch}.
 *
 * @example
 * ```ts
 * const strategy = randomSearch({ space, trials: 20, seed: 42 });
 * ```
 */
export function randomSearch(options: RandomSearchOptions): Strategy {
  const check: ArgumentChecker = checkArguments('randomSearch');
  if (typeof options !== 'object' || options === null || options.space === undefined) {
    check.fail('space', options?.space, 'a space from defineSpace()');
  }
  const trials = check.integer('trials', options.trials, {
    min: 1,
    fix: 'A search needs a budget of at least one trial.',
  });
  const seed = check.integer('seed', options.seed, {
    min: 0,
    max: 2 ** 53 - 1,
    fix: 'Use a non-negative safe integer, e.g. 42.',
  });
  const budget = checkBudget('randomSearch', 'budget', options.budget);
  const space = options.space;
  const proposals: TrialProposal[] = Array.from({ length: trials }, (_, index) => ({
    config: randomConfig(space, seed, index),
    stage: 1,
    parent: undefined,
    reason: `random draw ${index + 1} of ${trials} (seed ${seed})`,
    budget,
  }));
  return Object.freeze({
    description: {
      kind: 'random',
      space,
      trials,
      seed,
      ...(budget === undefined ? {} : { budget }),
    },
    extendable: ['trials'],
    parameterNames: space.parameters.map((p) => p.name),
    plan: () => ({ proposals, complete: true }),
  });
}
