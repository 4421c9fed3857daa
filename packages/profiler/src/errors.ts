import { errorMarker, hasErrorMarker, TrainkitError } from '@trainkit/core';

const profilerUsageMarker = errorMarker('ProfilerUsageError');

/** What a {@link ProfilerUsageError} describes. */
export interface ProfilerUsageDetails {
  /** The profiler method called out of order, e.g. `endIteration`. */
  readonly functionName: string;
  /** What is wrong, phrased as a clause, e.g. `no iteration is open`. */
  readonly problem: string;
  /** How to fix it, a full sentence. */
  readonly fix: string;
}

/**
 * A profiler method was called out of order: `endIteration` or `endPhase`
 * without an open iteration, `beginIteration` while one is open, or a time
 * earlier than the previous mark. The profiler's recorded data are unchanged.
 *
 * @example
 * ```ts
 * try {
 *   profiler.endIteration();
 * } catch (error) {
 *   if (ProfilerUsageError.isInstance(error)) console.error(error.message);
 * }
 * ```
 */
export class ProfilerUsageError extends TrainkitError {
  readonly [profilerUsageMarker] = true;
  override name = 'ProfilerUsageError';
  readonly functionName: string;

  constructor(details: ProfilerUsageDetails) {
    super(`${details.functionName}: ${details.problem}. ${details.fix}`);
    this.functionName = details.functionName;
  }

  /** True for a {@link ProfilerUsageError} from any copy of the package. */
  static override isInstance(error: unknown): error is ProfilerUsageError {
    return hasErrorMarker(error, profilerUsageMarker);
  }
}
