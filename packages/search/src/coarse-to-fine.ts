import { type ArgumentChecker, checkArguments, formatValue } from '@trainkit/core';
import { linspace, roundSignificant } from './grid-points';
import type { Config, ParameterValue } from './space';
import { configKey } from './space';
import type { Strategy, StrategyPlan } from './strategy';
import type { Direction, TrialBudget, TrialProposal, TrialView } from './trial';
import { isTerminal, rankFinished } from './trial';

/** How a coarse-to-fine parameter is refined around a good value. */
export type RefineScale = 'log' | 'linear' | 'fixed';

/** One parameter of {@link coarseToFine}. */
export interface CoarseParameter {
  /** The coarse grid values. */
  readonly values: readonly ParameterValue[];
  /**
   * `log`: refine multiplicatively (evenly in log10; a 0 stays 0, it means
   * "off"), for learning rates and weight decay; `linear`: refine additively;
   * `fixed`: keep the parent's value (strings and booleans are always fixed).
   * Default: `log` when every value is a number >= 0 and one is > 0, `linear`
   * for other numbers, `fixed` otherwise.
   */
  readonly scale?: RefineScale;
  /** Round refined values to integers. Default false. */
  readonly integer?: boolean;
  /** Refined values are clamped to [min, max]. Default: unbounded (log: > 0). */
  readonly min?: number;
  readonly max?: number;
}

/** The coarse stage of {@link coarseToFine}. */
export interface CoarseStageOptions {
  /** Epochs per coarse trial (`trial.budget.epochs`). Default 3: a few epochs. */
  readonly epochs?: number;
  /** `trial.budget.learningRateDecay`. Default false. */
  readonly learningRateDecay?: boolean;
  /** The most trials the coarse grid may have; a larger grid is an error. Default: no limit. */
  readonly maxTrials?: number;
}

/** A refined stage of {@link coarseToFine}. */
export interface FineStageOptions {
  /** Epochs per refined trial. Default 15 (the recipe's 10-20, trained longer). */
  readonly epochs?: number;
  /** `trial.budget.learningRateDecay`. Default false: no decay while comparing. */
  readonly learningRateDecay?: boolean;
  /** How many of the previous stage's best finished trials to refine around. Default 3. */
  readonly topK?: number;
  /** Points per refined parameter around each of them (odd keeps the centre). Default 3. */
  readonly pointsPerParameter?: number;
  /**
   * Half-width of the refined interval as a fraction of the previous stage's
   * spacing (the distance to the nearest coarse value, in log10 for log
   * parameters). Default 0.5: the points reach halfway to the neighbours.
   */
  readonly span?: number;
  /** The most trials this stage may run; the best parents' points come first. Default: no limit. */
  readonly maxTrials?: number;
}

/** Options of {@link coarseToFine}. */
export interface CoarseToFineOptions {
  /**
   * The parameters and their coarse values. Default: `learningRate` 1e-1,
   * 1e-2, 1e-3, 1e-4 and `weightDecay` 1e-4, 1e-5, 0, both `log`.
   */
  readonly parameters?: Readonly<Record<string, CoarseParameter>>;
  readonly coarse?: CoarseStageOptions;
  /** One refined stage (default) or several, each refining the previous one. */
  readonly fine?: FineStageOptions | readonly FineStageOptions[];
}

/**
 * The default coarse grid: the recipe's learning rates (1e-1, 1e-2, 1e-3, 1e-4) and weight
 * decays (1e-4, 1e-5, 0), both refined in log space.
 *
 * @example
 * ```ts
 * coarseToFine({ parameters: { ...defaultCoarseParameters, dropout: { values: [0, 0.3], scale: 'linear' } } });
 * ```
 */
export const defaultCoarseParameters: Readonly<Record<string, CoarseParameter>> = Object.freeze({
  learningRate: Object.freeze({ values: Object.freeze([1e-1, 1e-2, 1e-3, 1e-4]), scale: 'log' }),
  weightDecay: Object.freeze({ values: Object.freeze([1e-4, 1e-5, 0]), scale: 'log' }),
});

interface ResolvedParameter {
  readonly name: string;
  readonly values: readonly ParameterValue[];
  readonly scale: RefineScale;
  readonly integer: boolean;
  readonly min: number | undefined;
  readonly max: number | undefined;
}

interface ResolvedFine {
  readonly budget: TrialBudget;
  readonly topK: number;
  readonly pointsPerParameter: number;
  readonly span: number;
  readonly maxTrials: number | undefined;
}

const functionName = 'coarseToFine';

function resolveParameters(
  parameters: Readonly<Record<string, CoarseParameter>>,
): ResolvedParameter[] {
  const check: ArgumentChecker = checkArguments(functionName);
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
    return check.fail('parameters', parameters, 'an object of named parameters');
  }
  const names = Object.keys(parameters);
  if (names.length === 0) {
    check.fail(
      'parameters',
      parameters,
      'a non-empty object',
      'Add a parameter, or omit parameters for the default learning rate x weight decay grid.',
    );
  }
  return names.map((name) => {
    const parameter = parameters[name]!;
    const argument = `parameters.${name}`;
    if (typeof parameter !== 'object' || parameter === null) {
      return check.fail(argument, parameter, 'an object { values, scale? }');
    }
    const values = check.nonEmptyArray<ParameterValue>(
      `${argument}.values`,
      parameter.values,
      'List the coarse values.',
    );
    values.forEach((value, index) => {
      const ok =
        typeof value === 'string' ||
        typeof value === 'boolean' ||
        (typeof value === 'number' && Number.isFinite(value));
      if (!ok)
        check.fail(`${argument}.values[${index}]`, value, 'a finite number, a string or a boolean');
      if (values.indexOf(value) !== index) {
        check.fail(`${argument}.values[${index}]`, value, 'unique', 'Remove the duplicate value.');
      }
    });
    const numeric = values.every((v) => typeof v === 'number');
    const defaultScale: RefineScale = !numeric
      ? 'fixed'
      : values.every((v) => (v as number) >= 0) && values.some((v) => (v as number) > 0)
        ? 'log'
        : 'linear';
    const scale = check.oneOf(`${argument}.scale`, parameter.scale ?? defaultScale, [
      'log',
      'linear',
      'fixed',
    ]);
    if (scale !== 'fixed' && !numeric) {
      check.fail(
        `${argument}.scale`,
        scale,
        "'fixed' for strings and booleans",
        "Only numbers can be refined; use scale: 'fixed'.",
      );
    }
    if (scale === 'log') {
      values.forEach((value, index) => {
        if ((value as number) < 0) {
          check.fail(
            `${argument}.values[${index}]`,
            value,
            ">= 0 for scale 'log'",
            "Use scale: 'linear' for parameters that can be negative.",
          );
        }
      });
      if (!values.some((v) => (v as number) > 0)) {
        check.fail(`${argument}.values`, values, "to hold a value > 0 for scale 'log'");
      }
    }
    const min =
      parameter.min === undefined ? undefined : check.finite(`${argument}.min`, parameter.min);
    const max =
      parameter.max === undefined
        ? undefined
        : check.number(`${argument}.max`, parameter.max, min === undefined ? {} : { min });
    return {
      name,
      values: Object.freeze([...values]),
      scale,
      integer:
        parameter.integer === undefined
          ? false
          : check.boolean(`${argument}.integer`, parameter.integer),
      min,
      max,
    };
  });
}

function resolveFine(options: FineStageOptions, argument: string): ResolvedFine {
  const check: ArgumentChecker = checkArguments(functionName);
  if (typeof options !== 'object' || options === null) {
    return check.fail(argument, options, 'an object of fine-stage options');
  }
  return {
    budget: {
      epochs: check.integer(`${argument}.epochs`, options.epochs ?? 15, {
        min: 1,
        fix: 'Train each trial for at least one epoch.',
      }),
      learningRateDecay: check.boolean(
        `${argument}.learningRateDecay`,
        options.learningRateDecay ?? false,
      ),
    },
    topK: check.integer(`${argument}.topK`, options.topK ?? 3, {
      min: 1,
      fix: 'Refine around at least the best trial.',
    }),
    pointsPerParameter: check.integer(
      `${argument}.pointsPerParameter`,
      options.pointsPerParameter ?? 3,
      { min: 1 },
    ),
    span: check.positive(`${argument}.span`, options.span ?? 0.5),
    maxTrials:
      options.maxTrials === undefined
        ? undefined
        : check.integer(`${argument}.maxTrials`, options.maxTrials, {
            min: 1,
            fix: 'A stage needs a budget of at least one trial; remove the stage instead.',
          }),
  };
}

function toScale(parameter: ResolvedParameter, value: number): number {
  return parameter.scale === 'log' ? Math.log10(value) : value;
}

function fromScale(parameter: ResolvedParameter, t: number): number {
  let value = parameter.scale === 'log' ? roundSignificant(10 ** t) : roundSignificant(t);
  if (parameter.min !== undefined) value = Math.max(parameter.min, value);
  if (parameter.max !== undefined) value = Math.min(parameter.max, value);
  if (parameter.integer) value = Math.round(value);
  return value;
}

/** Distance (in the parameter's scale) from a coarse value to its nearest coarse neighbour. */
function coarseSpacing(parameter: ResolvedParameter, value: number): number {
  const positions = parameter.values
    .map((v) => v as number)
    .filter((v) => parameter.scale !== 'log' || v > 0)
    .map((v) => toScale(parameter, v));
  const center = toScale(parameter, value);
  const distances = positions.map((p) => Math.abs(p - center)).filter((d) => d > 0);
  if (distances.length > 0) return Math.min(...distances);
  // A single usable coarse value: one decade (log) or its own magnitude (linear).
  return parameter.scale === 'log' ? 1 : Math.abs(value) || 1;
}

/** The formatted multiplier or offset between a parent value and a refined one. */
function describeMove(parameter: ResolvedParameter, from: number, to: number): string {
  if (from === to) return `${parameter.name} ${formatValue(to)} (kept)`;
  if (parameter.scale === 'log') {
    const exponent = roundSignificant(Math.log10(to / from));
    return `${parameter.name} ${formatValue(to)} (x10^${Number(exponent.toFixed(3))})`;
  }
  const offset = roundSignificant(to - from);
  return `${parameter.name} ${formatValue(to)} (${offset > 0 ? '+' : ''}${offset})`;
}

/**
 * Coarse-to-fine search, the tuning recipe's workflow (CS231n, "Babysitting
 * the learning process"): stage 1 trains every combination of a coarse grid
 * (by default learning rates 1e-1, 1e-2, 1e-3, 1e-4 times weight decays 1e-4,
 * 1e-5, 0) for a few epochs; stage 2 takes the best `topK` finished
 * configurations and trains a finer grid around each of them (in log space for
 * log parameters: `pointsPerParameter` points spanning halfway to the
 * neighbouring coarse values) for longer (15 epochs) without learning-rate
 * decay. More refined stages can follow, each around the previous stage's
 * best with proportionally finer spacing.
 *
 * Every trial records its stage, its parent (the trial it refines) and why
 * it was chosen. The objective reads `trial.budget` for the epochs and the
 * decay switch. A stage starts when every trial of the previous one has
 * ended (finished, failed or pruned); only finished trials are ranked.
 *
 * @param options - Parameters with coarse values, the coarse stage, the fine stage(s).
 * @returns The strategy for {@link runSearch}.
 * @throws InvalidArgumentError for empty parameters, bad scales, budgets of 0,
 *   or a coarse grid larger than `coarse.maxTrials`.
 *
 * @example
 * ```ts
 * const strategy = coarseToFine({
 *   coarse: { epochs: 2 },
 *   fine: { epochs: 15, topK: 2, pointsPerParameter: 5 },
 * });
 * ```
 */
export function coarseToFine(options: CoarseToFineOptions = {}): Strategy {
  const check: ArgumentChecker = checkArguments(functionName);
  if (typeof options !== 'object' || options === null) {
    check.fail('options', options, 'an object');
  }
  const parameters = resolveParameters(options.parameters ?? defaultCoarseParameters);
  const coarse = options.coarse ?? {};
  const coarseBudget: TrialBudget = {
    epochs: check.integer('coarse.epochs', coarse.epochs ?? 3, {
      min: 1,
      fix: 'Train each trial for at least one epoch.',
    }),
    learningRateDecay: check.boolean('coarse.learningRateDecay', coarse.learningRateDecay ?? false),
  };
  const coarseSize = parameters.reduce((size, p) => size * p.values.length, 1);
  if (coarse.maxTrials !== undefined) {
    check.integer('coarse.maxTrials', coarse.maxTrials, {
      min: coarseSize,
      fix:
        coarse.maxTrials < 1
          ? 'A search needs a budget of at least one trial.'
          : `The coarse grid has ${coarseSize} points (${parameters.map((p) => p.values.length).join(' x ')}); raise maxTrials or list fewer coarse values.`,
    });
  }
  const fineList =
    options.fine === undefined ? [{}] : Array.isArray(options.fine) ? options.fine : [options.fine];
  const fine = (fineList as readonly FineStageOptions[]).map((stage, index) =>
    resolveFine(stage, Array.isArray(options.fine) ? `fine[${index}]` : 'fine'),
  );

  // Stage 1: the coarse grid, first parameter slowest.
  const coarseProposals: TrialProposal[] = [];
  const visit = (index: number, partial: Record<string, ParameterValue>, positions: string[]) => {
    if (index === parameters.length) {
      coarseProposals.push({
        config: Object.freeze({ ...partial }),
        stage: 1,
        parent: undefined,
        reason: `coarse grid: ${positions.join(', ')}`,
        budget: coarseBudget,
      });
      return;
    }
    const parameter = parameters[index]!;
    parameter.values.forEach((value, i) => {
      visit(index + 1, { ...partial, [parameter.name]: value }, [
        ...positions,
        `${parameter.name} ${formatValue(value)} (${i + 1} of ${parameter.values.length})`,
      ]);
    });
  };
  visit(0, {}, []);

  /** Spacing per parameter of a trial's neighbourhood, following its lineage. */
  const spacing = (
    trial: TrialView,
    byNumber: ReadonlyMap<number, TrialView>,
    name: string,
  ): number => {
    const parameter = parameters.find((p) => p.name === name)!;
    if (trial.stage === 1 || trial.parent === undefined) {
      return coarseSpacing(parameter, trial.config[name] as number);
    }
    const stage = fine[trial.stage - 2]!;
    const parentSpacing = spacing(byNumber.get(trial.parent)!, byNumber, name);
    return stage.pointsPerParameter > 1
      ? (parentSpacing * 2 * stage.span) / (stage.pointsPerParameter - 1)
      : parentSpacing;
  };

  const refine = (
    stageNumber: number,
    stage: ResolvedFine,
    previous: readonly TrialView[],
    byNumber: ReadonlyMap<number, TrialView>,
    direction: Direction,
  ): TrialProposal[] => {
    const ranked = rankFinished(previous, direction).slice(0, stage.topK);
    const seen = new Set<string>();
    const proposals: TrialProposal[] = [];
    ranked.forEach((parent, rank) => {
      const choices = parameters.map((parameter) => {
        const value = parent.config[parameter.name]!;
        if (
          parameter.scale === 'fixed' ||
          typeof value !== 'number' ||
          (parameter.scale === 'log' && value <= 0)
        ) {
          return [value];
        }
        const h = spacing(parent, byNumber, parameter.name);
        const center = toScale(parameter, value);
        const offsets = linspace(-stage.span * h, stage.span * h, stage.pointsPerParameter);
        const values = offsets.map((offset) =>
          Math.abs(offset) < 1e-12 ? value : fromScale(parameter, center + offset),
        );
        return [...new Set(values)];
      });
      let combos: ParameterValue[][] = [[]];
      for (const values of choices) {
        combos = combos.flatMap((combo) => values.map((value) => [...combo, value]));
      }
      for (const combo of combos) {
        const config: Config = Object.freeze(
          Object.fromEntries(parameters.map((p, i) => [p.name, combo[i]!])),
        );
        const key = configKey(config);
        if (seen.has(key)) continue;
        seen.add(key);
        const moves = parameters.map((p, i) =>
          typeof combo[i] === 'number' && typeof parent.config[p.name] === 'number'
            ? describeMove(p, parent.config[p.name] as number, combo[i] as number)
            : `${p.name} ${formatValue(combo[i])} (kept)`,
        );
        proposals.push({
          config,
          stage: stageNumber,
          parent: parent.trial,
          reason: `refined around trial ${parent.trial} (rank ${rank + 1} of ${ranked.length} in stage ${stageNumber - 1}, value ${formatValue(Number(parent.value!.toPrecision(6)))}): ${moves.join(', ')}`,
          budget: stage.budget,
        });
      }
    });
    return stage.maxTrials === undefined ? proposals : proposals.slice(0, stage.maxTrials);
  };

  const plan = (trials: readonly TrialView[], direction: Direction): StrategyPlan => {
    const proposals: TrialProposal[] = [...coarseProposals];
    const byNumber = new Map(trials.map((t) => [t.trial, t]));
    let previousStart = 0;
    for (let s = 0; s < fine.length; s++) {
      const previousEnd = proposals.length;
      const previous: TrialView[] = [];
      for (let n = previousStart; n < previousEnd; n++) {
        const trial = byNumber.get(n);
        if (trial === undefined || !isTerminal(trial.state)) return { proposals, complete: false };
        previous.push(trial);
      }
      proposals.push(...refine(s + 2, fine[s]!, previous, byNumber, direction));
      previousStart = previousEnd;
    }
    return { proposals, complete: true };
  };

  return Object.freeze({
    description: {
      kind: 'coarse-to-fine',
      parameters: parameters.map((p) => ({
        name: p.name,
        values: p.values,
        scale: p.scale,
        integer: p.integer,
        ...(p.min === undefined ? {} : { min: p.min }),
        ...(p.max === undefined ? {} : { max: p.max }),
      })),
      coarse: {
        ...coarseBudget,
        ...(coarse.maxTrials === undefined ? {} : { maxTrials: coarse.maxTrials }),
      },
      fine: fine.map((f) => ({
        ...f.budget,
        topK: f.topK,
        pointsPerParameter: f.pointsPerParameter,
        span: f.span,
        ...(f.maxTrials === undefined ? {} : { maxTrials: f.maxTrials }),
      })),
    },
    extendable: [],
    parameterNames: parameters.map((p) => p.name),
    plan,
  });
}
