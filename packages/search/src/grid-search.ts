import { type ArgumentChecker, checkArguments } from '@trainkit/core';
import { checkBudget } from './budget';
import { gridPoints } from './grid-points';
import type { Config, ParameterValue, SearchSpace } from './space';
import { isActive } from './space';
import type { Strategy } from './strategy';
import type { TrialBudget, TrialProposal } from './trial';

/** Options of {@link gridSearch}. */
export interface GridSearchOptions {
  readonly space: SearchSpace;
  /**
   * Points for each range parameter (uniform, log-uniform, integer): one
   * number for all, or per parameter name. Default 5. Categorical parameters
   * always use all their values.
   */
  readonly pointsPerParameter?: number | Readonly<Record<string, number>>;
  /** Passed to every trial as `trial.budget`. */
  readonly budget?: TrialBudget;
}

function pointsFor(
  functionName: string,
  space: SearchSpace,
  pointsPerParameter: number | Readonly<Record<string, number>> | undefined,
): Map<string, ParameterValue[]> {
  const check: ArgumentChecker = checkArguments(functionName);
  const names = space.parameters.map((p) => p.name);
  if (typeof pointsPerParameter === 'object' && pointsPerParameter !== null) {
    for (const key of Object.keys(pointsPerParameter)) {
      if (!names.includes(key)) {
        check.fail(
          `pointsPerParameter.${key}`,
          pointsPerParameter[key],
          'a parameter of the space',
          `Known parameters: ${names.join(', ')}.`,
        );
      }
    }
  }
  const result = new Map<string, ParameterValue[]>();
  for (const parameter of space.parameters) {
    const raw =
      typeof pointsPerParameter === 'number'
        ? pointsPerParameter
        : (pointsPerParameter?.[parameter.name] ?? 5);
    const argument =
      typeof pointsPerParameter === 'number'
        ? 'pointsPerParameter'
        : `pointsPerParameter.${parameter.name}`;
    const count = check.integer(argument, raw, {
      min: 1,
      fix: 'Use at least one point per parameter.',
    });
    result.set(parameter.name, gridPoints(parameter, count));
  }
  return result;
}

/**
 * Every combination of the grid values of the space's parameters (the exact
 * Cartesian product; a conditional parameter only multiplies the
 * combinations where it is active). Order: the first parameter varies
 * slowest, the last fastest.
 *
 * @example
 * ```ts
 * gridConfigs(defineSpace({ a: categorical([1, 2]), b: categorical(['x', 'y']) }));
 * // [{ a: 1, b: 'x' }, { a: 1, b: 'y' }, { a: 2, b: 'x' }, { a: 2, b: 'y' }]
 * ```
 */
export function gridConfigs(
  space: SearchSpace,
  pointsPerParameter?: number | Readonly<Record<string, number>>,
): Config[] {
  return productOf('gridConfigs', space, pointsPerParameter);
}

function productOf(
  functionName: string,
  space: SearchSpace,
  pointsPerParameter: number | Readonly<Record<string, number>> | undefined,
): Config[] {
  const points = pointsFor(functionName, space, pointsPerParameter);
  let partials: Record<string, ParameterValue>[] = [{}];
  for (const parameter of space.parameters) {
    const values = points.get(parameter.name)!;
    const next: Record<string, ParameterValue>[] = [];
    for (const partial of partials) {
      if (!isActive(parameter, partial)) {
        next.push(partial);
        continue;
      }
      for (const value of values) next.push({ ...partial, [parameter.name]: value });
    }
    partials = next;
  }
  return partials.map((config) => Object.freeze(config));
}

/**
 * Grid search: every combination of the listed values and of `n` evenly
 * spaced points per range (geometric for log ranges), like scikit-learn's
 * `GridSearchCV` over a `ParameterGrid`.
 *
 * @param options - The space, points per range parameter (default 5), an optional budget.
 * @returns The strategy for {@link runSearch}.
 *
 * @example
 * ```ts
 * const strategy = gridSearch({
 *   space: defineSpace({ learningRate: logUniform(1e-4, 1e-1), batchSize: categorical([32, 64]) }),
 *   pointsPerParameter: 4, // 1e-4, 1e-3, 1e-2, 1e-1
 * });
 * ```
 */
export function gridSearch(options: GridSearchOptions): Strategy {
  const check: ArgumentChecker = checkArguments('gridSearch');
  if (typeof options !== 'object' || options === null || options.space === undefined) {
    check.fail('space', options?.space, 'a space from defineSpace()');
  }
  const space = options.space;
  const pointsPerParameter = options.pointsPerParameter ?? 5;
  const budget = checkBudget('gridSearch', 'budget', options.budget);
  const configs = productOf('gridSearch', space, pointsPerParameter);
  const proposals: TrialProposal[] = configs.map((config, index) => ({
    config,
    stage: 1,
    parent: undefined,
    reason: `grid point ${index + 1} of ${configs.length}`,
    budget,
  }));
  return Object.freeze({
    description: {
      kind: 'grid',
      space,
      pointsPerParameter,
      ...(budget === undefined ? {} : { budget }),
    },
    extendable: [],
    parameterNames: space.parameters.map((p) => p.name),
    plan: () => ({ proposals, complete: true }),
  });
}
