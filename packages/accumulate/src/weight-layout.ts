import {
  clone,
  keep,
  type Optimizer,
  type Scalar,
  scalar,
  Tensor,
  tensor1d,
  type Variable,
  zeros,
} from '@tensorflow/tfjs-core';
import { StateRestoreError } from '@trainkit/core';
import type { AccumulatorState, NamedTensor } from './accumulation-state';

/**
 * The layout of `getWeights()` / `setWeights()`, in tfjs order: the update
 * count (`iter`) first, then the wrapper's counters, one accumulator per
 * variable, the inner optimizer's weights (prefixed `inner/`) and Adam's
 * bias-correction products.
 */
const counterNames = [
  'iter',
  'accumulate/mini_step',
  'accumulate/skipped',
  'accumulate/sample_count',
  'accumulate/first_sample_count',
  'accumulate/has_gradient',
] as const;
const accumulatorSuffix = '/accumulated_gradient';
const innerPrefix = 'inner/';
/**
 * tfjs' Adam rebuilds its bias-correction products as `beta^(t+1)` in
 * `setWeights` instead of saving them, which differs (in float32, and wholly
 * once beta1 is scheduled) from the products it accumulated while training.
 * The wrapper saves them after the inner weights so a restore is exact.
 */
const biasCorrectionPrefix = 'bias_correction/';
const biasCorrectionFields = ['accBeta1', 'accBeta2'] as const;

function isVariable(tensor: Tensor): boolean {
  return typeof (tensor as { assign?: unknown }).assign === 'function';
}

function biasCorrectionVariables(optimizer: Optimizer): Variable[] | null {
  const fields = optimizer as unknown as Record<string, unknown>;
  const found = biasCorrectionFields.map((field) => fields[field]);
  return found.every((value) => value instanceof Tensor && isVariable(value))
    ? (found as Variable[])
    : null;
}

/** What {@link stateWeights} returns. */
export interface StateWeights {
  /** The weights in the documented order. */
  readonly weights: NamedTensor[];
  /** Tensors created for this answer (counters, zero accumulators, the inner `iter`), freed by the caller later. */
  readonly created: Tensor[];
}

/**
 * The record as the list `getWeights()` returns: `iter`,
 * `accumulate/mini_step`, `accumulate/skipped`, `accumulate/sample_count`,
 * `accumulate/first_sample_count`, `accumulate/has_gradient` (int32, one flag
 * per variable), one `<variable>/accumulated_gradient` per variable (zeros
 * where nothing is pending), `inner/...`, `bias_correction/...`. The
 * accumulators and the inner weights are returned as they are (not copied).
 *
 * @param state - The record.
 * @returns The weights and the tensors created for them.
 */
export async function stateWeights(state: AccumulatorState): Promise<StateWeights> {
  const created: Tensor[] = [];
  const own = <T extends Tensor>(tensor: T): T => {
    created.push(keep(tensor));
    return tensor;
  };
  const shapes = state.slotShapes ?? [];
  const names = state.variableNames ?? state.slotNames ?? shapes.map((_, i) => `variable_${i}`);
  const pending = (i: number) => (state.miniStep > 0 ? (state.accumulators[i] ?? null) : null);
  const hasGradient = shapes.map((_, i) => (pending(i) === null ? 0 : 1));
  const weights: NamedTensor[] = [
    { name: counterNames[0], tensor: own(scalar(state.gradientStep, 'int32')) },
    { name: counterNames[1], tensor: own(scalar(state.miniStep, 'int32')) },
    { name: counterNames[2], tensor: own(scalar(state.skippedMicroBatches, 'int32')) },
    { name: counterNames[3], tensor: own(scalar(state.sampleCount, 'float32')) },
    { name: counterNames[4], tensor: own(scalar(state.firstSampleCount, 'float32')) },
    { name: counterNames[5], tensor: own(tensor1d(hasGradient, 'int32')) },
    ...shapes.map((shape, i) => ({
      name: `${names[i]}${accumulatorSuffix}`,
      tensor: pending(i) ?? own(zeros([...shape], 'float32')),
    })),
  ];
  const innerWeights = await state.inner.getWeights();
  // tfjs optimizers create a fresh `iter` scalar on every getWeights call
  // (Optimizer.saveIterations); take ownership so repeated saves do not leak.
  const first = innerWeights[0];
  if (first !== undefined && first.name === 'iter' && !isVariable(first.tensor)) {
    created.push(keep(first.tensor));
  }
  const corrections = biasCorrectionVariables(state.inner) ?? [];
  return {
    weights: weights.concat(
      innerWeights.map(({ name, tensor }) => ({ name: `${innerPrefix}${name}`, tensor })),
      corrections.map((variable, i) => ({
        name: `${biasCorrectionPrefix}${biasCorrectionFields[i]}`,
        tensor: variable,
      })),
    ),
    created,
  };
}

/**
 * Restores a record from the list `getWeights()` returned: checks the whole
 * layout first (nothing changes on a bad list), then sets the inner
 * optimizer's weights and Adam's bias corrections, and returns the new record
 * (accumulators copied, matched to variables by position at the next
 * micro-batch). Consumes `state` only when it succeeds.
 *
 * @param functionName - For error messages.
 * @param state - The current record.
 * @param weightValues - The list from `getWeights()`.
 * @returns The restored record.
 * @throws StateRestoreError for a list without that layout, or that the inner optimizer rejects.
 */
export async function restoreStateWeights(
  functionName: string,
  state: AccumulatorState,
  weightValues: readonly NamedTensor[],
): Promise<AccumulatorState> {
  const inner = state.inner;
  const fail = (message: string, cause?: unknown): never => {
    throw new StateRestoreError(
      functionName,
      `${message} Pass the list returned by AccumulatingOptimizer.getWeights().`,
      cause === undefined ? undefined : { cause },
    );
  };
  if (!Array.isArray(weightValues) || weightValues.length < counterNames.length) {
    fail(
      `expected at least ${counterNames.length} weights (${counterNames.join(', ')}), got ${Array.isArray(weightValues) ? weightValues.length : typeof weightValues}.`,
    );
  }
  const numbers: number[][] = [];
  for (const [i, expected] of counterNames.entries()) {
    const entry = weightValues[i];
    if (entry?.name !== expected || !(entry.tensor instanceof Tensor)) {
      fail(`weight ${i} must be '${expected}', got '${String(entry?.name)}'.`);
    }
    numbers.push(Array.from(await entry!.tensor.data<'float32'>()));
  }
  const [iterations, miniStep, skipped, sampleCount, firstSampleCount] = numbers.map(
    (values) => values[0],
  );
  const hasGradient = numbers[5] ?? [];
  const isCount = (value: number | undefined): value is number =>
    value !== undefined && Number.isSafeInteger(value) && value >= 0;
  if (!isCount(iterations) || !isCount(miniStep) || !isCount(skipped)) {
    fail(
      `iter, mini_step and skipped must be integers >= 0, got ${iterations}, ${miniStep}, ${skipped}.`,
    );
  }
  if (
    sampleCount === undefined ||
    firstSampleCount === undefined ||
    !Number.isFinite(sampleCount) ||
    !Number.isFinite(firstSampleCount) ||
    (miniStep! > 0 && (sampleCount <= 0 || firstSampleCount <= 0))
  ) {
    fail(
      `sample_count and first_sample_count must be > 0 while micro-batches are pending, got ${sampleCount} and ${firstSampleCount}.`,
    );
  }
  if (hasGradient.some((flag) => flag !== 0 && flag !== 1)) {
    fail('has_gradient must hold only 0 and 1.');
  }
  const slotCount = hasGradient.length;
  if (miniStep! > 0 && slotCount === 0) {
    fail('micro-batches are pending but no accumulator is stored.');
  }
  const slots = weightValues.slice(counterNames.length, counterNames.length + slotCount);
  if (
    slots.length !== slotCount ||
    slots.some((slot) => !slot.name.endsWith(accumulatorSuffix) || !(slot.tensor instanceof Tensor))
  ) {
    fail(`expected ${slotCount} '<variable>${accumulatorSuffix}' weights after the counters.`);
  }
  const rest = weightValues.slice(counterNames.length + slotCount);
  const corrections = rest.filter((weight) => weight.name.startsWith(biasCorrectionPrefix));
  const innerWeights = rest.filter((weight) => !weight.name.startsWith(biasCorrectionPrefix));
  const targets = corrections.length > 0 ? biasCorrectionVariables(inner) : [];
  if (
    targets === null ||
    (corrections.length > 0 && corrections.length !== biasCorrectionFields.length)
  ) {
    fail(
      `the weights hold bias corrections (${corrections.map((c) => c.name).join(', ')}) that the inner ${inner.getClassName()} optimizer has no place for.`,
    );
  }
  const foreign = innerWeights.find((weight) => !weight.name.startsWith(innerPrefix));
  if (foreign !== undefined) {
    fail(`weight '${foreign.name}' is neither an accumulator nor an 'inner/' weight.`);
  }
  try {
    await inner.setWeights(
      innerWeights.map(({ name, tensor }) => ({ name: name.slice(innerPrefix.length), tensor })),
    );
  } catch (cause) {
    fail(
      `the inner ${inner.getClassName()} optimizer rejected its weights: ${(cause as Error)?.message ?? String(cause)}`,
      cause,
    );
  }
  corrections.forEach((correction, i) => {
    targets![i]!.assign(correction.tensor as Scalar);
  });
  const pending = miniStep! > 0;
  // Copy before freeing: the list may hold this optimizer's own accumulators.
  const accumulators = pending
    ? slots.map((slot, i) => (hasGradient[i] === 1 ? keep(clone(slot.tensor)) : null))
    : [];
  for (const tensor of state.accumulators) tensor?.dispose();
  return {
    inner,
    gradientStep: iterations!,
    miniStep: miniStep!,
    sampleCount: pending ? sampleCount! : 0,
    firstSampleCount: pending ? firstSampleCount! : 0,
    skippedMicroBatches: skipped!,
    variableNames: null,
    slotShapes: slotCount > 0 ? slots.map((slot) => [...slot.tensor.shape]) : null,
    slotNames:
      slotCount > 0 ? slots.map((slot) => slot.name.slice(0, -accumulatorSuffix.length)) : null,
    accumulators,
  };
}
