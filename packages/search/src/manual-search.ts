import { type ArgumentChecker, checkArguments } from '@trainkit/core';
import { checkBudget } from './budget';
import type { Config, SearchSpace } from './space';
import { checkConfig } from './space';
import type { Strategy } from './strategy';
import type { TrialBudget, TrialProposal } from './trial';

/** Options of {@link manualSearch}. */
export interface ManualSearchOptions {
  readonly space: SearchSpace;
  /** The configurations to try, in order; each must fit the space. */
  readonly configs: readonly Config[];
  /** Passed to every trial as `trial.budget`. */
  readonly budget?: TrialBudget;
}

/**
 * A hand-written list of configurations ("try these three"), checked
 * against the space up front: an unknown parameter, a missing one or a value
 * outside its range is an error at construction, not at trial 7.
 *
 * @param options - The space, the configurations, an optional budget.
 * @returns The strategy for {@link runSearch}.
 *
 * @example
 * ```ts
 * const strategy = manualSearch({
 *   space,
 *   configs: [{ learningRate: 0.01, optimizer: 'adam' }, { learningRate: 0.1, optimizer: 'sgd' }],
 * });
 * ```
 */
export function manualSearch(options: ManualSearchOptions): Strategy {
  const check: ArgumentChecker = checkArguments('manualSearch');
  if (typeof options !== 'object' || options === null || options.space === undefined) {
    check.fail('space', options?.space, 'a space from defineSpace()');
  }
  check.nonEmptyArray('configs', options.configs, 'List at least one configuration.');
  const space = options.space;
  const configs = options.configs.map((config, index) =>
    checkConfig(space, config, 'manualSearch', `configs[${index}]`),
  );
  const budget = checkBudget('manualSearch', 'budget', options.budget);
  const proposals: TrialProposal[] = configs.map((config, index) => ({
    config,
    stage: 1,
    parent: undefined,
    reason: `manual configuration ${index + 1} of ${configs.length}`,
    budget,
  }));
  return Object.freeze({
    description: { kind: 'manual', space, configs, ...(budget === undefined ? {} : { budget }) },
    extendable: [],
    parameterNames: space.parameters.map((p) => p.name),
    plan: () => ({ proposals, complete: true }),
  });
}
