import { type ArgumentChecker, checkArguments } from '@trainkit/core';
import type { TrialBudget } from './trial';

/** Validates a {@link TrialBudget} option (`epochs` an integer >= 1, `learningRateDecay` a boolean). */
export function checkBudget(
  functionName: string,
  argument: string,
  budget: TrialBudget | undefined,
): TrialBudget | undefined {
  if (budget === undefined) return undefined;
  const check: ArgumentChecker = checkArguments(functionName);
  if (typeof budget !== 'object' || budget === null) {
    return check.fail(argument, budget, 'an object { epochs, learningRateDecay }');
  }
  return Object.freeze({
    epochs: check.integer(`${argument}.epochs`, budget.epochs, {
      min: 1,
      fix: 'Train each trial for at least one epoch.',
    }),
    learningRateDecay: check.boolean(`${argument}.learningRateDecay`, budget.learningRateDecay),
  });
}
