import { engine, type NamedTensorMap, type Optimizer, Tensor } from '@tensorflow/tfjs-core';
import { checkArguments, InvalidArgumentError, ShapeMismatchError } from '@trainkit/core';
import { addWeighted, clipByGlobalNorm, type GradientList, groupMean } from './gradient-arithmetic';

/** A tensor with the name of its variable (tfjs `NamedTensor`, not exported by tfjs-core). */
export interface NamedTensor {
  readonly name: string;
  readonly tensor: Tensor;
}

/**
 * Everything an {@link AccumulatingOptimizer} knows, in one record (optax
 * `MultiStepsState`): the counters, the variables it is bound to, the
 * accumulated gradients and the inner optimizer that applies each update.
 *
 * The transitions below never change a record: each returns the next one. A
 * record owns its accumulator tensors; a transition consumes the record it is
 * given (tensors it does not carry over are disposed), so only the newest
 * record may be used.
 */
export interface AccumulatorState {
  /** The optimizer that applies each accumulated update. */
  readonly inner: Optimizer;
  /** Updates applied so far (optax `gradient_step`, tfjs `iterations`). */
  readonly gradientStep: number;
  /** Micro-batches accumulated towards the next update (optax `mini_step`). */
  readonly miniStep: number;
  /** Samples accumulated towards the next update. */
  readonly sampleCount: number;
  /** The sample count of the group's first micro-batch, the unit of the sums (0 between groups). */
  readonly firstSampleCount: number;
  /** Micro-batches dropped so far because a gradient was not finite. */
  readonly skippedMicroBatches: number;
  /**
   * The variables, in the order the inner optimizer sees them; `null` until
   * the first micro-batch and after a restore, until the next one binds them
   * (variables are matched by position, like tfjs optimizer slots).
   */
  readonly variableNames: readonly string[] | null;
  /** The accumulator shapes, from the bound variables or from restored weights. */
  readonly slotShapes: readonly (readonly number[])[] | null;
  /** Variable names recorded in restored weights (informative only). */
  readonly slotNames: readonly string[] | null;
  /**
   * Σᵢ (sᵢ/s₁)·gᵢ per variable: the sum of the group's micro-batch gradients
   * in units of the first one's sample count (null: no gradient yet; empty
   * between groups).
   */
  readonly accumulators: readonly (Tensor | null)[];
}

/** A micro-batch checked by {@link checkMicroBatch}, ready for a transition. */
export interface MicroBatch {
  /** The variables, in the bound order. */
  readonly names: readonly string[];
  /** One gradient per variable (null: none this time). */
  readonly gradients: GradientList;
  /** The variables' shapes. */
  readonly shapes: readonly (readonly number[])[];
  /** The number of samples its mean loss was taken over. */
  readonly sampleCount: number;
}

/** The next update, computed by {@link closeGroup}, for the inner optimizer. */
export interface GroupUpdate {
  /** The record after the group: counters reset, accumulators freed, the update not yet counted. */
  readonly state: AccumulatorState;
  /** The mean (clipped) gradient per variable, for `inner.applyGradients`. */
  readonly gradients: NamedTensor[];
  /** Tensors to dispose once the inner optimizer has applied the update. */
  readonly owned: Tensor[];
}

/**
 * The record of a new wrapper around `inner`: nothing bound, nothing pending.
 *
 * @param inner - The inner optimizer; its `iterations` become the update count.
 * @returns The initial record.
 */
export function initialAccumulatorState(inner: Optimizer): AccumulatorState {
  return {
    inner,
    gradientStep: inner.iterations,
    miniStep: 0,
    sampleCount: 0,
    firstSampleCount: 0,
    skippedMicroBatches: 0,
    variableNames: null,
    slotShapes: null,
    slotNames: null,
    accumulators: [],
  };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}

function registeredVariable(name: string): { shape: number[] } | undefined {
  return (engine().registeredVariables as Record<string, { shape: number[] } | undefined>)[name];
}

/**
 * Checks a micro-batch against the record and orders its gradients like the
 * bound variables: a positive sample count; a map or list of live float32
 * gradients of registered variables, each of its variable's shape; the same
 * variable set as the bound one; shapes that fit restored accumulators.
 * Changes nothing.
 *
 * @param functionName - For error messages, e.g. `'AccumulatingOptimizer.accumulate'`.
 * @param state - The current record.
 * @param gradients - By variable name, or as a `{ name, tensor }` list.
 * @param sampleCount - The samples the micro-batch's mean loss was taken over.
 * @returns The checked micro-batch.
 * @throws InvalidArgumentError or ShapeMismatchError naming what is wrong.
 */
export function checkMicroBatch(
  functionName: string,
  state: AccumulatorState,
  gradients: NamedTensorMap | readonly NamedTensor[],
  sampleCount: number,
): MicroBatch {
  const check = checkArguments(functionName);
  check.positive(
    'sampleCount',
    sampleCount,
    'Pass the number of samples the micro-batch loss was averaged over.',
  );
  const fix = 'Pass tf.variableGrads(...).grads or a list of { name, tensor }.';
  if (typeof gradients !== 'object' || gradients === null) {
    check.fail('gradients', gradients, 'a map or list of gradients', fix);
  }
  const entries: [string, unknown][] = Array.isArray(gradients)
    ? gradients.map((entry, i) => {
        if (typeof entry !== 'object' || entry === null || typeof entry.name !== 'string') {
          return check.fail(`gradients[${i}]`, entry, 'an object { name, tensor }', fix);
        }
        return [entry.name, entry.tensor] as [string, unknown];
      })
    : Object.entries(gradients);
  if (entries.length === 0) check.fail('gradients', gradients, 'at least one gradient', fix);
  const given = new Map<string, Tensor | null>();
  for (const [name, tensor] of entries) {
    if (given.has(name)) {
      check.fail('gradients', name, 'a list without duplicate variable names', fix);
    }
    if (tensor != null && (!(tensor instanceof Tensor) || tensor.isDisposed)) {
      check.fail(`gradients['${name}']`, tensor, 'a live tf.Tensor or null', fix);
    }
    given.set(name, (tensor as Tensor | null | undefined) ?? null);
  }

  const bound = state.variableNames;
  if (bound !== null) {
    const unknown = [...given.keys()].filter((name) => !bound.includes(name));
    const missing = bound.filter((name) => !given.has(name));
    if (unknown.length > 0 || missing.length > 0) {
      const when =
        state.miniStep > 0
          ? `changed between micro-batches of one update (${state.miniStep} pending)`
          : 'differs from the variables this optimizer updates';
      throw new InvalidArgumentError({
        functionName,
        argument: 'gradients',
        value: [...given.keys()],
        expected: `gradients for the variables ${JSON.stringify(bound)}`,
        fix: `The variable set ${when}: ${missing.length > 0 ? `missing ${JSON.stringify(missing)}` : ''}${missing.length > 0 && unknown.length > 0 ? ', ' : ''}${unknown.length > 0 ? `unexpected ${JSON.stringify(unknown)}` : ''}. Pass a null tensor for a variable without gradient, and use one optimizer per variable set.`,
      });
    }
  }
  const names = bound ?? [...given.keys()];
  const shapes: number[][] = [];
  const ordered = names.map((name) => {
    const variable = registeredVariable(name);
    if (variable === undefined) {
      return check.fail(
        'gradients',
        name,
        'gradients of registered tf.Variables',
        `There is no variable named '${name}' (disposed, or a typo). Pass the names from tf.variableGrads or model.trainableWeights.`,
      );
    }
    shapes.push([...variable.shape]);
    return given.get(name) ?? null;
  });
  const expectedShapes = state.slotShapes;
  if (bound === null && expectedShapes !== null) {
    const fixRestore =
      'The restored state was saved for a different model; restore it into the same architecture.';
    if (expectedShapes.length !== names.length) {
      throw new ShapeMismatchError({
        functionName,
        argument: 'gradients (number of variables)',
        expected: expectedShapes.length,
        actual: names.length,
        fix: fixRestore,
      });
    }
    names.forEach((name, i) => {
      if (!sameShape(expectedShapes[i]!, shapes[i]!)) {
        throw new ShapeMismatchError({
          functionName,
          argument: `variable '${name}' (restored accumulator ${i})`,
          expected: [...expectedShapes[i]!],
          actual: shapes[i]!,
          fix: fixRestore,
        });
      }
    });
  }
  ordered.forEach((tensor, i) => {
    if (tensor === null) return;
    if (!sameShape(tensor.shape, shapes[i]!)) {
      throw new ShapeMismatchError({
        functionName,
        argument: `gradients['${names[i]}']`,
        expected: shapes[i]!,
        actual: tensor.shape,
        fix: "A gradient must have its variable's shape.",
      });
    }
    if (tensor.dtype !== 'float32') {
      check.fail(`gradients['${names[i]}'].dtype`, tensor.dtype, "'float32'", fix);
    }
  });
  return { names: [...names], gradients: ordered, shapes, sampleCount };
}

/** Whether `batch` completes the group of `groupSize` micro-batches. */
export function completesGroup(state: AccumulatorState, groupSize: number): boolean {
  return state.miniStep + 1 >= groupSize;
}

/** The record with `batch` counted and its variables bound (the sums not yet updated). */
function bind(state: AccumulatorState, batch: MicroBatch): AccumulatorState {
  const first = state.miniStep === 0;
  if (first) for (const tensor of state.accumulators) tensor?.dispose();
  return {
    ...state,
    accumulators: first ? batch.gradients.map(() => null) : state.accumulators,
    variableNames: batch.names,
    slotShapes: batch.shapes,
    slotNames: null,
    firstSampleCount: first ? batch.sampleCount : state.firstSampleCount,
    sampleCount: state.sampleCount + batch.sampleCount,
  };
}

/** A micro-batch's weight relative to the group's first one. */
function ratioOf(state: AccumulatorState, batch: MicroBatch): number {
  return state.miniStep === 0 ? 1 : batch.sampleCount / state.firstSampleCount;
}

/**
 * Adds a micro-batch that does not complete its group: its gradients, times
 * its weight relative to the group's first micro-batch, join the sums.
 *
 * @param state - The current record (consumed).
 * @param batch - A micro-batch from {@link checkMicroBatch}.
 * @returns The next record (`miniStep` + 1).
 */
export function addMicroBatch(state: AccumulatorState, batch: MicroBatch): AccumulatorState {
  const ratio = ratioOf(state, batch);
  const bound = bind(state, batch);
  return {
    ...bound,
    accumulators: addWeighted(bound.accumulators, batch.gradients, ratio),
    miniStep: state.miniStep + 1,
  };
}

/**
 * Drops a micro-batch whose gradients are not finite, as if it never came
 * (optax `skip_not_finite`): only the count of skipped micro-batches changes.
 *
 * @param state - The current record.
 * @returns The next record.
 */
export function skipMicroBatch(state: AccumulatorState): AccumulatorState {
  return { ...state, skippedMicroBatches: state.skippedMicroBatches + 1 };
}

/**
 * Ends the group: the sample-weighted mean of its micro-batches, clipped to
 * the global norm when `clipNorm` is set, for the inner optimizer. `last` is
 * the micro-batch that completes the group (its gradients go straight into
 * the mean and are never stored); `null` ends a partial group (a flush).
 *
 * The returned record is between groups (counters reset, accumulators freed)
 * and does not count the update yet: apply `gradients` through
 * `state.inner`, dispose `owned`, then {@link countUpdate}.
 *
 * @param functionName - For the error when nothing is bound.
 * @param state - The current record (consumed); its group must not be empty.
 * @param last - The completing micro-batch, or null.
 * @param clipNorm - The global-norm bound, or undefined.
 * @returns The record after the group, the update and the tensors to free.
 * @throws InvalidArgumentError when micro-batches restored by `setWeights`
 *   are pending and no micro-batch has bound them to variables yet.
 */
export function closeGroup(
  functionName: string,
  state: AccumulatorState,
  last: MicroBatch | null,
  clipNorm: number | undefined,
): GroupUpdate {
  const ratio = last === null ? 1 : ratioOf(state, last);
  const bound = last === null ? state : bind(state, last);
  const names = bound.variableNames;
  if (names === null) {
    return checkArguments(functionName).fail(
      'restored micro-batches',
      state.miniStep,
      "matched to the model's variables by a new micro-batch before a flush",
      'Restored accumulators are matched to variables by position when the next micro-batch arrives: add it first, or flush before saving.',
    );
  }
  const { means, owned } = groupMean(
    bound.accumulators,
    last === null ? null : { gradients: last.gradients, ratio },
    bound.sampleCount / bound.firstSampleCount,
  );
  let gradients = means;
  if (clipNorm !== undefined) {
    const clipped = clipByGlobalNorm(means, clipNorm);
    if (clipped !== means) {
      for (const tensor of clipped) if (tensor !== null) owned.push(tensor);
      gradients = clipped;
    }
  }
  return {
    state: { ...bound, accumulators: [], miniStep: 0, sampleCount: 0, firstSampleCount: 0 },
    gradients: names.map((name, i) => ({ name, tensor: gradients[i] as Tensor })),
    owned,
  };
}

/**
 * Counts an update the inner optimizer has applied.
 *
 * @param state - The record {@link closeGroup} returned.
 * @returns The next record (`gradientStep` + 1).
 */
export function countUpdate(state: AccumulatorState): AccumulatorState {
  return { ...state, gradientStep: state.gradientStep + 1 };
}
