import { checkArguments } from '@trainkit/core';

/**
 * Error rates of one model on the sets of the usual split, all in the same
 * unit (fractions or percentages). Any subset may be given; each gap is
 * computed when both of its ends are present.
 */
export interface ErrorLevels {
  /** Human-level (ground-truth / expert) error: the proxy for the Bayes error. */
  readonly humanError?: number;
  /** Error on the training set. */
  readonly trainingError?: number;
  /** Error on a train-dev set: held-out data from the training distribution. */
  readonly trainDevError?: number;
  /** Error on the dev (validation) set, from the target distribution. */
  readonly devError?: number;
  /** Error on the test set. */
  readonly testError?: number;
}

/** The problems a bias/variance analysis can name. */
export type BiasVarianceProblem =
  | 'avoidable-bias'
  | 'variance'
  | 'data-mismatch'
  | 'dev-overfitting';

/** One gap between two error levels, named, with its remedies. */
export interface BiasVarianceFinding {
  readonly problem: BiasVarianceProblem;
  /** The gap, in the unit of the inputs. */
  readonly gap: number;
  /** The lower level's name, e.g. `'humanError'`. */
  readonly from: keyof ErrorLevels;
  /** The higher level's name, e.g. `'trainingError'`. */
  readonly to: keyof ErrorLevels;
  /** One plain sentence with the numbers. */
  readonly explanation: string;
  /** What to try, most common first. */
  readonly remedies: readonly string[];
}

/** Result of {@link biasVariance}. */
export interface BiasVarianceResult {
  /** trainingError - humanError (humanError taken as 0 when absent, see `humanErrorAssumed`). */
  readonly avoidableBias: number | undefined;
  /** trainDevError - trainingError, or devError - trainingError without a train-dev set. */
  readonly variance: number | undefined;
  /** devError - trainDevError. */
  readonly dataMismatch: number | undefined;
  /** testError - devError: how much the dev set has been overfitted by tuning on it. */
  readonly devOverfitting: number | undefined;
  /** True when no human error was given and 0 was used (avoidable bias is then an upper bound). */
  readonly humanErrorAssumed: boolean;
  /** True when variance was measured against the dev set (no train-dev set): it then includes data mismatch. */
  readonly varianceIncludesMismatch: boolean;
  /** Gaps larger than `tolerance`, largest first. */
  readonly findings: readonly BiasVarianceFinding[];
  /** The largest problem, to work on first, or `'none'`. */
  readonly focus: BiasVarianceProblem | 'none';
  /** One paragraph of advice. */
  readonly advice: string;
}

/** Options of {@link biasVariance}. */
export interface BiasVarianceOptions {
  /** Gaps at or below this are not findings. Default 0 (every positive gap is reported). */
  readonly tolerance?: number;
}

/** The remedies for each problem (after Andrew Ng's "Machine Learning Yearning" and deeplearning.ai course 3). */
export const biasVarianceRemedies: Readonly<Record<BiasVarianceProblem, readonly string[]>> = {
  'avoidable-bias': [
    'train a bigger model (more units or layers)',
    'train longer or with a better optimizer (momentum, RMSprop, Adam) and a tuned learning rate',
    'try a better architecture or search the hyperparameters',
    'reduce regularization if it is strong',
  ],
  variance: [
    'get more training data (or augment it)',
    'add regularization: weight decay (L2), dropout, data augmentation, early stopping',
    'try a better architecture or search the hyperparameters',
    'use a smaller model if more data is out of reach',
  ],
  'data-mismatch': [
    'do error analysis on dev examples to see how they differ from the training data',
    'make the training data more like the dev/test data: collect more of it, or synthesize it (artificial data synthesis)',
  ],
  'dev-overfitting': [
    'get a bigger dev set: the hyperparameters have been tuned to this one',
    'stop tuning on the test set; report it once, at the end',
  ],
};

const problemLabels: Readonly<Record<BiasVarianceProblem, string>> = {
  'avoidable-bias': 'avoidable bias',
  variance: 'variance',
  'data-mismatch': 'data mismatch',
  'dev-overfitting': 'dev-set overfitting',
};

function format(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/**
 * Bias/variance analysis from error levels: names the gap between each pair
 * of neighbouring levels and says which to work on first.
 *
 * | gap | between | name | remedies |
 * |---|---|---|---|
 * | training - human | humanError → trainingError | avoidable bias | bigger model, train longer / better optimizer, better architecture |
 * | train-dev - training (or dev - training) | trainingError → trainDevError | variance | more data, regularization, better architecture |
 * | dev - train-dev | trainDevError → devError | data mismatch | error analysis, make training data like dev (data synthesis) |
 * | test - dev | devError → testError | overfitting of the dev set | bigger dev set |
 *
 * The focus is the largest gap above `tolerance`; ties go to the earlier row
 * (fix bias before variance). Without `humanError`, 0 is used, so the
 * avoidable bias is an upper bound. Without `trainDevError`, variance is
 * measured to the dev set and includes any data mismatch.
 *
 * @param levels - Any subset of the five error levels, same unit, finite and >= 0 (at least two).
 * @param options - `tolerance` (default 0).
 * @returns The gaps, the findings largest first, the focus and advice.
 * @throws InvalidArgumentError for a negative or non-finite level, or fewer than two levels.
 * @example
 * ```ts
 * const result = biasVariance({ humanError: 1, trainingError: 5, devError: 8 });
 * result.avoidableBias; // 4
 * result.variance; // 3
 * result.focus; // 'avoidable-bias': reduce bias first (bigger model, train longer, ...)
 * ```
 */
export function biasVariance(
  levels: ErrorLevels,
  options: BiasVarianceOptions = {},
): BiasVarianceResult {
  const check = checkArguments('biasVariance');
  options = check.options('options', options, '{ tolerance: 0.01 }');
  if (typeof levels !== 'object' || levels === null) check.fail('levels', levels, 'an object');
  const names = ['humanError', 'trainingError', 'trainDevError', 'devError', 'testError'] as const;
  const given: Partial<Record<keyof ErrorLevels, number>> = {};
  for (const name of names) {
    const value = levels[name];
    if (value !== undefined) {
      given[name] = check.nonNegative(
        `levels.${name}`,
        value,
        'Error rates are >= 0, all in the same unit (fractions or percent).',
      );
    }
  }
  if (Object.keys(given).length < 2) {
    check.fail(
      'levels',
      levels,
      'an object with at least two of humanError, trainingError, trainDevError, devError, testError',
      'A gap needs two error levels, e.g. { trainingError: 5, devError: 8 }.',
    );
  }
  const tolerance =
    options.tolerance === undefined ? 0 : check.nonNegative('tolerance', options.tolerance);

  const { humanError, trainingError, trainDevError, devError, testError } = given;
  const humanErrorAssumed = humanError === undefined && trainingError !== undefined;
  const avoidableBias = trainingError === undefined ? undefined : trainingError - (humanError ?? 0);
  const varianceTarget = trainDevError ?? devError;
  const varianceIncludesMismatch =
    trainDevError === undefined && devError !== undefined && trainingError !== undefined;
  const variance =
    trainingError === undefined || varianceTarget === undefined
      ? undefined
      : varianceTarget - trainingError;
  const dataMismatch =
    trainDevError === undefined || devError === undefined ? undefined : devError - trainDevError;
  const devOverfitting =
    devError === undefined || testError === undefined ? undefined : testError - devError;

  const candidates: BiasVarianceFinding[] = [];
  const add = (
    problem: BiasVarianceProblem,
    gap: number | undefined,
    from: keyof ErrorLevels,
    to: keyof ErrorLevels,
    note: string,
  ): void => {
    if (gap === undefined || !(gap > tolerance)) return;
    const fromValue = from === 'humanError' && humanErrorAssumed ? 0 : given[from]!;
    candidates.push({
      problem,
      gap,
      from,
      to,
      explanation: `${problemLabels[problem]} ${format(gap)} (${to} ${format(given[to]!)} - ${from} ${format(fromValue)})${note}.`,
      remedies: biasVarianceRemedies[problem],
    });
  };
  add(
    'avoidable-bias',
    avoidableBias,
    'humanError',
    'trainingError',
    humanErrorAssumed ? '; no human error given, 0 assumed, so this is an upper bound' : '',
  );
  add(
    'variance',
    variance,
    'trainingError',
    trainDevError === undefined ? 'devError' : 'trainDevError',
    varianceIncludesMismatch ? '; without a train-dev set this includes any data mismatch' : '',
  );
  add('data-mismatch', dataMismatch, 'trainDevError', 'devError', '');
  add('dev-overfitting', devOverfitting, 'devError', 'testError', '');
  // Stable sort: equal gaps keep the order above (bias first).
  const findings = [...candidates].sort((a, b) => b.gap - a.gap);
  const top = findings[0];
  const focus = top === undefined ? 'none' : top.problem;
  let advice: string;
  if (top === undefined) {
    advice = `No gap above ${format(tolerance)}: the model is as good as these levels can show. Lower the human-level target or collect harder examples to find the next problem.`;
  } else {
    const others = findings
      .slice(1)
      .map((f) => `${problemLabels[f.problem]} ${format(f.gap)}`)
      .join(', ');
    advice = `Reduce ${problemLabels[top.problem]} first (${format(top.gap)}${others === '' ? '' : `, larger than ${others}`}): ${top.remedies.join('; ')}.`;
  }
  return {
    avoidableBias,
    variance,
    dataMismatch,
    devOverfitting,
    humanErrorAssumed,
    varianceIncludesMismatch,
    findings,
    focus,
    advice,
  };
}
