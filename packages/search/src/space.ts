import { type ArgumentChecker, checkArguments, formatValue } from '@trainkit/core';

/** A hyperparameter value: a number, a string or a boolean. */
export type ParameterValue = number | string | boolean;

/** One configuration: parameter name -> value. Inactive conditional parameters are absent. */
export type Config = Readonly<Record<string, ParameterValue>>;

/**
 * When a conditional parameter is active: the earlier `parameter` (a
 * categorical one) takes one of `values`. Otherwise the parameter is absent
 * from the configuration (not sampled, not gridded).
 */
export interface Condition {
  readonly parameter: string;
  readonly values: readonly ParameterValue[];
}

/** Options every parameter accepts. */
export interface ParameterOptions {
  /** Makes the parameter conditional, see {@link Condition}. */
  readonly when?: Condition;
}

/** A categorical parameter: one of the listed values. */
export interface CategoricalParameter {
  readonly kind: 'categorical';
  readonly values: readonly ParameterValue[];
  readonly when?: Condition;
}

/** A real parameter uniform on [low, high]. */
export interface UniformParameter {
  readonly kind: 'uniform';
  readonly low: number;
  readonly high: number;
  readonly when?: Condition;
}

/** A real parameter whose logarithm is uniform on [log low, log high]; low > 0. */
export interface LogUniformParameter {
  readonly kind: 'log-uniform';
  readonly low: number;
  readonly high: number;
  readonly when?: Condition;
}

/** An integer parameter on `low, low + step, ..., high`, optionally log-scaled (step 1). */
export interface IntegerParameter {
  readonly kind: 'integer';
  readonly low: number;
  readonly high: number;
  readonly step: number;
  readonly log: boolean;
  readonly when?: Condition;
}

/** Any parameter of a {@link SearchSpace}. */
export type Parameter =
  | CategoricalParameter
  | UniformParameter
  | LogUniformParameter
  | IntegerParameter;

/** A parameter with its name, as a {@link SearchSpace} lists it. */
export type NamedParameter = Parameter & { readonly name: string };

/**
 * A validated search space: the parameters in declaration order. Plain JSON
 * (the journal stores it to recognise the search when resuming).
 */
export interface SearchSpace {
  readonly parameters: readonly NamedParameter[];
}

function withCondition<T extends Parameter>(
  functionName: string,
  parameter: T,
  options: ParameterOptions | undefined,
): T {
  if (options?.when === undefined) return Object.freeze(parameter);
  const check: ArgumentChecker = checkArguments(functionName);
  const when = options.when;
  if (typeof when !== 'object' || when === null || typeof when.parameter !== 'string') {
    check.fail(
      'when',
      when,
      "an object { parameter, values } like { parameter: 'optimizer', values: ['sgd'] }",
    );
  }
  check.nonEmptyArray('when.values', when.values, 'List the values that activate it.');
  return Object.freeze({
    ...parameter,
    when: Object.freeze({ parameter: when.parameter, values: Object.freeze([...when.values]) }),
  }) as unknown as T;
}

function checkRange(functionName: string, low: unknown, high: unknown, positive: boolean): void {
  const check: ArgumentChecker = checkArguments(functionName);
  if (positive) {
    check.positive(
      'low',
      low,
      'A log-uniform range needs low > 0 (the logarithm of 0 is -Infinity); use uniform() to include 0, or a small positive low such as 1e-8.',
    );
  } else {
    check.finite('low', low);
  }
  check.number('high', high, {
    min: low as number,
    minInclusive: false,
    fix: 'Pass low < high; for a single value use categorical([value]).',
  });
}

/**
 * A categorical parameter: the grid uses every value, random search picks one
 * uniformly.
 *
 * @param values - Numbers, strings or booleans, no duplicates.
 * @param options - `when` to make it conditional.
 * @returns The parameter, for {@link defineSpace}.
 *
 * @example
 * ```ts
 * const optimizer = categorical(['adam', 'sgd']);
 * ```
 */
export function categorical(
  values: readonly ParameterValue[],
  options?: ParameterOptions,
): CategoricalParameter {
  const check: ArgumentChecker = checkArguments('categorical');
  check.nonEmptyArray('values', values, 'List at least one value.');
  values.forEach((value, index) => {
    const ok =
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value));
    if (!ok) check.fail(`values[${index}]`, value, 'a finite number, a string or a boolean');
    if (values.indexOf(value) !== index) {
      check.fail(`values[${index}]`, value, 'unique', 'Remove the duplicate value.');
    }
  });
  return withCondition(
    'categorical',
    { kind: 'categorical', values: Object.freeze([...values]) },
    options,
  );
}

/**
 * A real parameter uniform on [low, high] (grid: evenly spaced points
 * including both ends).
 *
 * @param low - Lower end, finite.
 * @param high - Upper end, > low.
 * @param options - `when` to make it conditional.
 * @returns The parameter, for {@link defineSpace}.
 *
 * @example
 * ```ts
 * const dropout = uniform(0, 0.5);
 * ```
 */
export function uniform(low: number, high: number, options?: ParameterOptions): UniformParameter {
  checkRange('uniform', low, high, false);
  return withCondition('uniform', { kind: 'uniform', low, high }, options);
}

/**
 * A real parameter whose logarithm is uniform on [log low, log high] (grid:
 * geometrically spaced points including both ends), the usual choice for
 * learning rates and weight decay.
 *
 * @param low - Lower end, > 0.
 * @param high - Upper end, > low.
 * @param options - `when` to make it conditional.
 * @returns The parameter, for {@link defineSpace}.
 *
 * @example
 * ```ts
 * const learningRate = logUniform(1e-4, 1e-1);
 * ```
 */
export function logUniform(
  low: number,
  high: number,
  options?: ParameterOptions,
): LogUniformParameter {
  checkRange('logUniform', low, high, true);
  return withCondition('logUniform', { kind: 'log-uniform', low, high }, options);
}

/** Options of {@link integer}. */
export interface IntegerOptions extends ParameterOptions {
  /** Spacing of the allowed values, default 1; `high - low` must be a multiple. */
  readonly step?: number;
  /** Log-scaled (sampling and grid in log space); needs low >= 1 and step 1. Default false. */
  readonly log?: boolean;
}

/**
 * An integer parameter on `low, low + step, ..., high`.
 *
 * @param low - Smallest value, an integer.
 * @param high - Largest value, an integer > low with `(high - low) % step === 0`.
 * @param options - `step` (default 1), `log` (default false), `when`.
 * @returns The parameter, for {@link defineSpace}.
 *
 * @example
 * ```ts
 * const units = integer(32, 256, { step: 32 });
 * ```
 */
export function integer(low: number, high: number, options: IntegerOptions = {}): IntegerParameter {
  const check: ArgumentChecker = checkArguments('integer');
  check.integer('low', low);
  check.integer('high', high, {
    min: low + 1,
    fix: 'Pass low < high; for a single value use categorical([value]).',
  });
  const step = check.integer('step', options.step ?? 1, { min: 1 });
  const log = check.boolean('log', options.log ?? false);
  if ((high - low) % step !== 0) {
    check.fail(
      'high',
      high,
      `low + k * step (low ${low}, step ${step})`,
      `Use high = ${low + Math.floor((high - low) / step) * step}.`,
    );
  }
  if (log && low < 1) {
    check.fail(
      'low',
      low,
      '>= 1 when log is true',
      'Start a log-scaled integer range at 1 or more.',
    );
  }
  if (log && step !== 1) {
    check.fail('step', step, '1 when log is true', 'Drop step or set log: false.');
  }
  return withCondition('integer', { kind: 'integer', low, high, step, log }, options);
}

function checkParameter(name: string, value: unknown): Parameter {
  const check: ArgumentChecker = checkArguments('defineSpace');
  const argument = `parameters.${name}`;
  if (typeof value !== 'object' || value === null) {
    return check.fail(
      argument,
      value,
      'a parameter such as logUniform(1e-4, 1e-1) or categorical([...])',
    );
  }
  const parameter = value as Parameter;
  const options = parameter.when === undefined ? undefined : { when: parameter.when };
  // Rebuild through the factories so that hand-written objects get the same checks.
  switch (parameter.kind) {
    case 'categorical':
      return categorical(parameter.values, options);
    case 'uniform':
      return uniform(parameter.low, parameter.high, options);
    case 'log-uniform':
      return logUniform(parameter.low, parameter.high, options);
    case 'integer':
      return integer(parameter.low, parameter.high, {
        step: parameter.step,
        log: parameter.log,
        ...options,
      });
    default:
      return check.fail(
        `${argument}.kind`,
        (parameter as { kind?: unknown }).kind,
        "one of 'categorical', 'uniform', 'log-uniform', 'integer'",
        'Build parameters with categorical(), uniform(), logUniform() or integer().',
      );
  }
}

/**
 * Validates a search space. Parameters keep their declaration order; a
 * conditional parameter must come after the categorical parameter it depends
 * on, and its condition values must be values of that parameter.
 *
 * @param parameters - Name -> parameter, built with {@link categorical},
 *   {@link uniform}, {@link logUniform}, {@link integer}.
 * @returns The space (plain JSON).
 * @throws InvalidArgumentError for an empty space, a bad parameter or a bad condition.
 *
 * @example
 * ```ts
 * const space = defineSpace({
 *   learningRate: logUniform(1e-4, 1e-1),
 *   optimizer: categorical(['adam', 'sgd']),
 *   momentum: uniform(0.8, 0.99, { when: { parameter: 'optimizer', values: ['sgd'] } }),
 * });
 * ```
 */
export function defineSpace(parameters: Readonly<Record<string, Parameter>>): SearchSpace {
  const check: ArgumentChecker = checkArguments('defineSpace');
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
    check.fail('parameters', parameters, 'an object of named parameters');
  }
  const names = Object.keys(parameters);
  if (names.length === 0) {
    check.fail(
      'parameters',
      parameters,
      'a non-empty object',
      'Add at least one parameter, e.g. { learningRate: logUniform(1e-4, 1e-1) }.',
    );
  }
  const list: NamedParameter[] = [];
  for (const name of names) {
    if (name === '') check.fail('parameters', parameters, 'named with non-empty names');
    const parameter = checkParameter(name, parameters[name]);
    if (parameter.when !== undefined) {
      const parent = list.find((p) => p.name === parameter.when?.parameter);
      if (parent === undefined || parent.kind !== 'categorical') {
        check.fail(
          `parameters.${name}.when.parameter`,
          parameter.when.parameter,
          `a categorical parameter declared before ${name}`,
          `Declare the categorical parameter first; known so far: ${list.map((p) => p.name).join(', ') || 'none'}.`,
        );
      }
      for (const [index, value] of parameter.when.values.entries()) {
        if (!parent.values.includes(value)) {
          check.fail(
            `parameters.${name}.when.values[${index}]`,
            value,
            `one of ${formatValue(parent.values)}`,
          );
        }
      }
    }
    list.push(Object.freeze({ name, ...parameter }));
  }
  return Object.freeze({ parameters: Object.freeze(list) });
}

/**
 * Whether `parameter` is active given the values chosen for earlier parameters.
 *
 * @example
 * ```ts
 * isActive(space.parameters[2]!, { optimizer: 'sgd' }); // true when momentum is 'when sgd'
 * ```
 */
export function isActive(parameter: Parameter, partial: Config): boolean {
  if (parameter.when === undefined) return true;
  const parentValue = partial[parameter.when.parameter];
  return parentValue !== undefined && parameter.when.values.includes(parentValue);
}

/** Why `value` is outside the domain of `parameter`, or undefined when it is inside. */
export function domainProblem(parameter: Parameter, value: unknown): string | undefined {
  switch (parameter.kind) {
    case 'categorical':
      return parameter.values.includes(value as ParameterValue)
        ? undefined
        : `one of ${formatValue(parameter.values)}`;
    case 'uniform':
    case 'log-uniform':
      return typeof value === 'number' && value >= parameter.low && value <= parameter.high
        ? undefined
        : `a number in [${parameter.low}, ${parameter.high}]`;
    case 'integer':
      return typeof value === 'number' &&
        Number.isInteger(value) &&
        value >= parameter.low &&
        value <= parameter.high &&
        (value - parameter.low) % parameter.step === 0
        ? undefined
        : `an integer in [${parameter.low}, ${parameter.high}] on steps of ${parameter.step} from ${parameter.low}`;
  }
}

/**
 * Checks that `config` is a configuration of `space`: every active parameter
 * present with a value in its domain, no inactive or unknown parameter.
 * Returns the configuration with its keys in the space's order.
 *
 * @param functionName - For the error message.
 * @param argument - For the error message, e.g. `configs[2]`.
 * @throws InvalidArgumentError naming the parameter and the fix.
 *
 * @example
 * ```ts
 * checkConfig(space, { learningRate: 0.01, optimizer: 'adam' }, 'manualSearch', 'configs[0]');
 * ```
 */
export function checkConfig(
  space: SearchSpace,
  config: unknown,
  functionName: string,
  argument: string,
): Config {
  const check: ArgumentChecker = checkArguments(functionName);
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    return check.fail(argument, config, 'an object of parameter values');
  }
  const record = config as Record<string, unknown>;
  const names = space.parameters.map((p) => p.name);
  for (const key of Object.keys(record)) {
    if (!names.includes(key)) {
      check.fail(
        `${argument}.${key}`,
        record[key],
        'a parameter of the space',
        `Known parameters: ${names.join(', ')}; remove ${key} or add it to the space.`,
      );
    }
  }
  const result: Record<string, ParameterValue> = {};
  for (const parameter of space.parameters) {
    const value = record[parameter.name];
    if (!isActive(parameter, result)) {
      if (value !== undefined) {
        check.fail(
          `${argument}.${parameter.name}`,
          value,
          `absent (it applies only when ${parameter.when?.parameter} is ${formatValue(parameter.when?.values)})`,
          `Remove ${parameter.name} from this configuration.`,
        );
      }
      continue;
    }
    if (value === undefined) {
      check.fail(
        `${argument}.${parameter.name}`,
        value,
        'set',
        `Give ${parameter.name} a value (${domainProblem(parameter, undefined)}).`,
      );
    }
    const problem = domainProblem(parameter, value);
    if (problem !== undefined) check.fail(`${argument}.${parameter.name}`, value, problem);
    result[parameter.name] = value as ParameterValue;
  }
  return Object.freeze(result);
}

/**
 * A canonical string for a configuration (keys sorted), used to recognise
 * duplicates.
 *
 * @example
 * ```ts
 * configKey({ b: 1, a: 'x' }) === configKey({ a: 'x', b: 1 }); // true
 * ```
 */
export function configKey(config: Config): string {
  return JSON.stringify(
    Object.keys(config)
      .sort()
      .map((key) => [key, config[key]]),
  );
}
