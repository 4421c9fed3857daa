/**
 * The pure part of backend selection: names, the report type, the install
 * hints and the formatting of the report. No TensorFlow.js import here.
 */

/** TensorFlow.js backends trainkit can select, fastest first. */
export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;

/**
 * A TensorFlow.js backend: `tensorflow` is the native backend of
 * `@tensorflow/tfjs-node`, `wasm` the WebAssembly backend of
 * `@tensorflow/tfjs-backend-wasm`, `cpu` the pure-JavaScript backend of
 * `@tensorflow/tfjs-backend-cpu`.
 */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** One backend that selection tried, in the order it tried them. */
export interface BackendAttempt {
  /** The backend tried. */
  readonly name: BackendName;
  /** Whether it loaded and initialized. */
  readonly ok: boolean;
  /** Why it was used or why not (`not installed`, the load error, …). */
  readonly reason: string;
}

/** What {@link selectBackend} chose and why; print it with {@link formatBackendSelection}. */
export interface BackendSelection {
  /** The backend now active in TensorFlow.js (`tf.getBackend()`). */
  readonly backend: BackendName;
  /** Why this backend runs, one sentence. */
  readonly reason: string;
  /** Every backend tried, in order, including the chosen one (last). */
  readonly tried: readonly BackendAttempt[];
  /** wasm only: whether the SIMD binary runs; `null` for other backends. */
  readonly simd: boolean | null;
  /**
   * Threads the backend computes with: the XNNPACK thread count for wasm
   * (1 in Node, where TensorFlow.js disables wasm threads), 1 for cpu, and
   * `null` for tensorflow (TensorFlow's own thread pools, sized to the cores).
   */
  readonly threads: number | null;
  /** wasm only: the training kernels registered by the selection (empty otherwise). */
  readonly trainingKernels: readonly string[];
}

/** The npm package that provides each backend. */
export const BACKEND_PACKAGES: Readonly<Record<BackendName, string>> = {
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/** The TensorFlow.js version trainkit pins its peers to. */
export const TFJS_VERSION = '4.22.0';

/** How to make a backend available, a full sentence. */
export function installHint(backend: BackendName): string {
  const install = `npm install ${BACKEND_PACKAGES[backend]}@${TFJS_VERSION}`;
  switch (backend) {
    case 'tensorflow':
      return `Install it with \`${install}\` (its install script downloads libtensorflow from storage.googleapis.com; where that download is blocked, use backend 'wasm').`;
    case 'wasm':
      return `Install it with \`${install}\` (it ships its .wasm binaries, no download at install time).`;
    case 'cpu':
      return `Install it with \`${install}\`.`;
  }
}

/**
 * Formats a {@link BackendSelection} for a log or a terminal, one line for the
 * choice and one per backend tried.
 *
 * @example
 * ```ts
 * console.log(formatBackendSelection(await selectBackend()));
 * // backend: wasm (SIMD; 1 thread; 18 trainkit training kernels) - the native backend is not available; …
 * //   tensorflow: no - not installed (optional peer @tensorflow/tfjs-node)
 * //   wasm: yes - SIMD binary from …/tfjs-backend-wasm/dist/
 * ```
 */
export function formatBackendSelection(selection: BackendSelection): string {
  const details: string[] = [];
  if (selection.simd !== null) details.push(selection.simd ? 'SIMD' : 'no SIMD');
  if (selection.threads !== null) {
    details.push(`${selection.threads} thread${selection.threads === 1 ? '' : 's'}`);
  }
  const kernels = selection.trainingKernels.length;
  if (kernels > 0) details.push(`${kernels} trainkit training kernel${kernels === 1 ? '' : 's'}`);
  const head = `backend: ${selection.backend}${details.length > 0 ? ` (${details.join('; ')})` : ''} - ${selection.reason}`;
  const lines = selection.tried.map(
    (attempt) => `  ${attempt.name}: ${attempt.ok ? 'yes' : 'no'} - ${attempt.reason}`,
  );
  return [head, ...lines].join('\n');
}
