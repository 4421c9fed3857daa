import { keep, type Optimizer, type Scalar, scalar } from '@tensorflow/tfjs-core';
import { checkArguments } from '../check-arguments';
import { formatValue } from '../format-value';

// How to read and set the hyperparameters of any tfjs optimizer (or of a
// wrapper such as @trainkit/accumulate's): plumbing shared by the schedules'
// callbacks and the accumulating optimizer.

/**
 * What {@link setLearningRate} and {@link getLearningRate} accept: any tfjs
 * optimizer, or a wrapper (such as `@trainkit/accumulate`'s) that exposes
 * `setLearningRate(value)` and a numeric `learningRate` (field or getter) or
 * `getLearningRate()`.
 */
export type LearningRateTarget =
  | Optimizer
  | {
      setLearningRate(learningRate: number): void;
      readonly learningRate?: number;
      getLearningRate?(): number;
    }
  | { learningRate: number };

/** What {@link setMomentum} and {@link getMomentum} accept. */
export type MomentumTarget =
  | Optimizer
  | { setMomentum(momentum: number): void; getMomentum?(): number }
  | { beta1: number }
  | { momentum: number };

interface Fields {
  learningRate?: unknown;
  setLearningRate?: unknown;
  getLearningRate?: unknown;
  momentum?: unknown;
  setMomentum?: unknown;
  getMomentum?: unknown;
  beta1?: unknown;
  m?: unknown;
}

function describe(optimizer: unknown): string {
  if (typeof optimizer === 'object' && optimizer !== null) {
    const name = (optimizer as { getClassName?: () => string }).getClassName?.();
    return name ?? (optimizer.constructor?.name || 'an object');
  }
  return formatValue(optimizer);
}

/**
 * Sets the learning rate of any tfjs optimizer, effective from its next update.
 *
 * Order of attempts: a `setLearningRate(value)` method (tfjs SGD and Momentum,
 * which cache `−lr` as a tensor; also any wrapper optimizer that defines one,
 * e.g. a gradient-accumulation wrapper forwarding to its inner optimizer), else
 * the numeric `learningRate` field that Adam, Adagrad, Adadelta, Adamax and
 * RMSProp read at every update (protected in the typings, public at run time).
 * Allocates no tensor except inside SGD/Momentum's own method (one scalar,
 * the previous one disposed).
 *
 * @param optimizer - A tfjs optimizer or a wrapper ({@link LearningRateTarget}).
 * @param value - The new rate, a finite number `>= 0`.
 * @throws InvalidArgumentError for a bad value or an object with neither hook.
 * @example
 * ```ts
 * const optimizer = tf.train.adam(1e-3);
 * setLearningRate(optimizer, schedule(optimizer.iterations));
 * ```
 */
export function setLearningRate(optimizer: LearningRateTarget, value: number): void {
  if (!(typeof value === 'number' && value >= 0 && value !== Number.POSITIVE_INFINITY)) {
    checkArguments('setLearningRate').nonNegative(
      'value',
      value,
      'A schedule returned an invalid rate; check its options.',
    );
  }
  const fields = optimizer as unknown as Fields;
  if (typeof fields?.setLearningRate === 'function') {
    (fields.setLearningRate as (learningRate: number) => void).call(optimizer, value);
  } else if (typeof fields?.learningRate === 'number') {
    fields.learningRate = value;
  } else {
    checkArguments('setLearningRate').fail(
      'optimizer',
      describe(optimizer),
      'a tfjs optimizer (or a wrapper) with a setLearningRate method or a numeric learningRate',
      'Pass the optimizer the model was compiled with.',
    );
  }
}

/**
 * Reads the current learning rate of any tfjs optimizer (or wrapper): a
 * `getLearningRate()` method if there is one, else the numeric `learningRate`
 * field or getter.
 *
 * @param optimizer - A tfjs optimizer or a wrapper ({@link LearningRateTarget}).
 * @returns The learning rate its next update will use.
 * @throws InvalidArgumentError if neither is there.
 * @example
 * ```ts
 * getLearningRate(tf.train.sgd(0.1)); // 0.1
 * ```
 */
export function getLearningRate(optimizer: LearningRateTarget): number {
  const fields = optimizer as unknown as Fields;
  const value =
    typeof fields?.getLearningRate === 'function'
      ? (fields.getLearningRate as () => unknown).call(optimizer)
      : fields?.learningRate;
  if (typeof value !== 'number') {
    return checkArguments('getLearningRate').fail(
      'optimizer',
      describe(optimizer),
      'a tfjs optimizer (or a wrapper) with a numeric learningRate or a getLearningRate method',
    );
  }
  return value;
}

function isTensor(value: unknown): value is Scalar {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { dispose?: unknown }).dispose === 'function' &&
    Array.isArray((value as { shape?: unknown }).shape)
  );
}

/**
 * Sets the momentum of a tfjs optimizer, for the momentum schedules of
 * one-cycle and cyclic learning rates (`oneCycleMomentum`, `cyclicMomentum`).
 *
 * - `tf.train.momentum`: sets the momentum. tfjs' own `setMomentum` only
 *   updates a field, while the update reads a scalar tensor made once in the
 *   constructor; this function replaces that tensor too (the old one is
 *   disposed), so the next update really uses the new momentum.
 * - `tf.train.adam` and `tf.train.adamax`: sets `beta1` (PyTorch's OneCycleLR
 *   does the same with `betas[0]`). Caveat: tfjs' bias correction divides by
 *   `1 − accBeta1`, where `accBeta1` is the running product of the `beta1`
 *   values actually used (starting from the one given at construction), not
 *   `beta1^t` with the current `beta1` as in PyTorch. Both agree while `beta1`
 *   is constant; with a cycled `beta1` the correction follows the product.
 * - `tf.train.rmsprop`: sets its `momentum`.
 * - Any wrapper that defines `setMomentum(value)` (checked after the cases above).
 *
 * @param optimizer - The optimizer ({@link MomentumTarget}).
 * @param value - The momentum or `beta1`, in `[0, 1)`.
 * @throws InvalidArgumentError for a bad value or an optimizer without momentum (SGD, Adagrad, Adadelta).
 * @example
 * ```ts
 * setMomentum(optimizer, oneCycleMomentum({ maxValue: 0.1, totalSteps })(optimizer.iterations));
 * ```
 */
export function setMomentum(optimizer: MomentumTarget, value: number): void {
  const check = checkArguments('setMomentum');
  if (!(typeof value === 'number' && value >= 0 && value < 1)) {
    check.number('value', value, { min: 0, max: 1, maxInclusive: false });
  }
  const fields = optimizer as unknown as Fields;
  if (typeof fields?.momentum === 'number' && isTensor(fields.m)) {
    // tf.train.momentum: the update multiplies by the scalar `m`.
    fields.momentum = value;
    const previous = fields.m;
    fields.m = keep(scalar(value));
    previous.dispose();
  } else if (typeof fields?.setMomentum === 'function') {
    (fields.setMomentum as (momentum: number) => void).call(optimizer, value);
  } else if (typeof fields?.beta1 === 'number') {
    fields.beta1 = value;
  } else if (typeof fields?.momentum === 'number') {
    fields.momentum = value;
  } else {
    check.fail(
      'optimizer',
      describe(optimizer),
      'an optimizer with momentum (Momentum, Adam, Adamax, RMSProp, or a wrapper with setMomentum)',
      'SGD, Adagrad and Adadelta have no momentum to schedule; use tf.train.momentum or adam.',
    );
  }
}

/**
 * Reads the momentum (Momentum, RMSProp) or `beta1` (Adam, Adamax) of an
 * optimizer, or calls a wrapper's `getMomentum()`.
 *
 * @param optimizer - The optimizer ({@link MomentumTarget}).
 * @returns The momentum its next update will use.
 * @throws InvalidArgumentError for an optimizer without momentum.
 * @example
 * ```ts
 * getMomentum(tf.train.adam(1e-3, 0.9)); // 0.9
 * ```
 */
export function getMomentum(optimizer: MomentumTarget): number {
  const fields = optimizer as unknown as Fields;
  const value =
    typeof fields?.getMomentum === 'function'
      ? (fields.getMomentum as () => unknown).call(optimizer)
      : typeof fields?.beta1 === 'number'
        ? fields.beta1
        : fields?.momentum;
  if (typeof value !== 'number') {
    return checkArguments('getMomentum').fail(
      'optimizer',
      describe(optimizer),
      'an optimizer with momentum (Momentum, Adam, Adamax, RMSProp, or a wrapper with getMomentum)',
    );
  }
  return value;
}
