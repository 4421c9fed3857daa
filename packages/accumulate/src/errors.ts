import { errorMarker, hasErrorMarker, TrainkitError } from '@trainkit/core';

const nonFiniteGradientMarker = errorMarker('NonFiniteGradientError');

/** What a {@link NonFiniteGradientError} describes. */
export interface NonFiniteGradientDetails {
  /** The method that received the gradients, e.g. `AccumulatingOptimizer.accumulate`. */
  readonly functionName: string;
  /** Names of the variables whose gradient holds a NaN or an infinity. */
  readonly variableNames: readonly string[];
  /** Optimizer updates applied before this micro-batch. */
  readonly updateCount: number;
  /** Micro-batches already accumulated in the current update (0-based index of this one). */
  readonly miniStep: number;
}

/**
 * A micro-batch's gradients contain NaN or an infinity and the optimizer was
 * built with `nonFinite: 'throw'`. The optimizer's state is unchanged.
 *
 * @example
 * ```ts
 * try {
 *   optimizer.accumulate(grads, { sampleCount: 32 });
 * } catch (error) {
 *   if (NonFiniteGradientError.isInstance(error)) console.warn(error.variableNames);
 * }
 * ```
 */
export class NonFiniteGradientError extends TrainkitError {
  readonly [nonFiniteGradientMarker] = true;
  override name = 'NonFiniteGradientError';
  readonly functionName: string;
  readonly variableNames: readonly string[];
  readonly updateCount: number;
  readonly miniStep: number;

  constructor(details: NonFiniteGradientDetails) {
    const names = details.variableNames.map((name) => `'${name}'`).join(', ');
    super(
      `${details.functionName}: the gradients of ${names} contain NaN or Infinity ` +
        `(micro-batch ${details.miniStep + 1} of update ${details.updateCount + 1}). ` +
        'Lower the learning rate, guard the loss against log(0) and division by zero, ' +
        "or build the optimizer with nonFinite: 'skip' to drop such micro-batches.",
    );
    this.functionName = details.functionName;
    this.variableNames = details.variableNames;
    this.updateCount = details.updateCount;
    this.miniStep = details.miniStep;
  }

  /** True for a {@link NonFiniteGradientError} from any copy of the package. */
  static override isInstance(error: unknown): error is NonFiniteGradientError {
    return hasErrorMarker(error, nonFiniteGradientMarker);
  }
}
