import { errorMarker, hasErrorMarker, TrainkitError } from '@trainkit/core';

const backendUnavailableMarker = errorMarker('BackendUnavailableError');

/** What a {@link BackendUnavailableError} describes. */
export interface BackendUnavailableDetails {
  /** The function that needed the backend, e.g. `selectBackend`. */
  readonly functionName: string;
  /** The TensorFlow.js backend name: `tensorflow`, `wasm` or `cpu`. */
  readonly backend: string;
  /** Why it cannot be used, phrased to follow "cannot be used: ". */
  readonly reason: string;
  /** How to fix it, a full sentence (usually an install command). */
  readonly fix: string;
  readonly cause?: unknown;
}

/**
 * A TensorFlow.js backend that was asked for explicitly cannot be loaded or
 * initialized (package not installed, native binary missing, WebAssembly
 * kernels not registered yet).
 *
 * The message reads `fn: backend 'name' cannot be used: reason. fix`.
 *
 * @example
 * ```ts
 * try {
 *   await selectBackend({ backend: 'tensorflow' });
 * } catch (error) {
 *   if (BackendUnavailableError.isInstance(error)) console.error(error.fix);
 * }
 * ```
 */
export class BackendUnavailableError extends TrainkitError {
  readonly [backendUnavailableMarker] = true;
  override name = 'BackendUnavailableError';
  readonly functionName: string;
  readonly backend: string;
  readonly reason: string;
  readonly fix: string;

  constructor(details: BackendUnavailableDetails) {
    super(
      `${details.functionName}: backend '${details.backend}' cannot be used: ${details.reason}. ${details.fix}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.functionName = details.functionName;
    this.backend = details.backend;
    this.reason = details.reason;
    this.fix = details.fix;
  }

  /** True for a {@link BackendUnavailableError} from any copy of the package. */
  static override isInstance(error: unknown): error is BackendUnavailableError {
    return hasErrorMarker(error, backendUnavailableMarker);
  }
}
