import * as tf from '@tensorflow/tfjs-core';
import { checkArguments } from '@trainkit/core';
import {
  BACKEND_NAMES,
  BACKEND_PACKAGES,
  type BackendAttempt,
  type BackendName,
  type BackendSelection,
  installHint,
} from '../backend-selection';
import { BackendUnavailableError } from '../errors';
import { registerWasmTrainingKernels } from './wasm-training-kernels';

/** File names of the three WebAssembly binaries `@tensorflow/tfjs-backend-wasm` ships. */
export type WasmBinaryName =
  | 'tfjs-backend-wasm.wasm'
  | 'tfjs-backend-wasm-simd.wasm'
  | 'tfjs-backend-wasm-threaded-simd.wasm';

/** Options of {@link selectBackend}. */
export interface SelectBackendOptions {
  /**
   * The backend to use. `'auto'` (default) tries `tensorflow`, then `wasm`,
   * then `cpu`, falling through silently when a package is not installed or
   * does not load. A named backend is used or a {@link BackendUnavailableError}
   * is thrown that says how to install it.
   */
  readonly backend?: BackendName | 'auto';
  /**
   * wasm only: `true` (default) loads the SIMD binary when the JavaScript
   * engine supports WebAssembly SIMD (Node >= 16 does); `false` forces the
   * plain binary (sets the `WASM_HAS_SIMD_SUPPORT` flag to false).
   */
  readonly simd?: boolean;
  /**
   * wasm only: where the `.wasm` binaries are, passed to the backend's
   * `setWasmPaths` before it initializes: a directory prefix ending in `/`
   * or a map from each binary name to its path or URL. Default in Node: the
   * `dist/` directory of the installed `@tensorflow/tfjs-backend-wasm`, so a
   * bundled app still finds them. `false` leaves the backend's own lookup (or
   * an earlier `setWasmPaths` call) alone. Ignored once wasm is initialized.
   */
  readonly wasmPaths?: string | Readonly<Record<WasmBinaryName, string>> | false;
  /**
   * wasm only: register the training kernels that fill the WebAssembly
   * backend's gaps ({@link registerWasmTrainingKernels}). Default `true`.
   */
  readonly trainingKernels?: boolean;
}

/** How selection loads each backend package; replaced in tests. */
export type BackendLoaders = Readonly<Record<BackendName, () => Promise<unknown>>>;

interface WasmModule {
  setWasmPaths(prefixOrFileMap: string | Record<string, string>, usePlatformFetch?: boolean): void;
  getThreadsCount(): number;
}

// A variable specifier: TypeScript and bundlers must not try to resolve the
// optional native package at build time.
const tfjsNodeSpecifier: string = BACKEND_PACKAGES.tensorflow;

const defaultLoaders: BackendLoaders = {
  tensorflow: () => import(tfjsNodeSpecifier),
  wasm: () => import('@tensorflow/tfjs-backend-wasm'),
  cpu: () => import('@tensorflow/tfjs-backend-cpu'),
};

type Outcome =
  | { ok: true; reason: string; simd: boolean | null; threads: number | null; kernels: string[] }
  | { ok: false; reason: string; cause?: unknown };

function errorMessage(error: unknown): string {
  if (error instanceof Error) return (error.message.split('\n')[0] ?? '').replace(/\.$/, '');
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return String((error as { message: unknown }).message);
  }
  return String(error);
}

/**
 * True when `error` says the package itself (not one of its files, such as a
 * native binding) is missing: Node's `ERR_MODULE_NOT_FOUND` /
 * `MODULE_NOT_FOUND`, or a bundler's or Vite's "could not resolve", naming the
 * package in quotes.
 */
function isPackageMissing(error: unknown, packageName: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = errorMessage(error);
  const missing =
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /cannot find (module|package)|could not resolve|failed to resolve/i.test(message);
  return missing && (message.includes(`'${packageName}'`) || message.includes(`"${packageName}"`));
}

function loadFailure(backend: BackendName, error: unknown): Outcome {
  const packageName = BACKEND_PACKAGES[backend];
  if (isPackageMissing(error, packageName)) {
    return { ok: false, reason: `not installed (optional peer ${packageName})`, cause: error };
  }
  return {
    ok: false,
    reason: `${packageName} failed to load: ${errorMessage(error)}`,
    cause: error,
  };
}

async function defaultWasmDirectory(): Promise<string | undefined> {
  if (!tf.env().getBool('IS_NODE')) return undefined;
  const { createRequire } = await import('node:module');
  const { dirname, join, sep } = await import('node:path');
  const require = createRequire(import.meta.url);
  const manifest = require.resolve(`${BACKEND_PACKAGES.wasm}/package.json`);
  return join(dirname(manifest), 'dist') + sep;
}

function isInitialized(backend: BackendName): boolean {
  return tf.engine().registry[backend] !== undefined;
}

async function activate(backend: BackendName): Promise<string | undefined> {
  // setBackend logs and returns false when the backend's factory throws.
  const ok = await tf.setBackend(backend);
  if (!ok || tf.getBackend() !== backend) {
    return `tf.setBackend('${backend}') failed (TensorFlow.js printed the cause above)`;
  }
  return undefined;
}

async function tryTensorflow(loaders: BackendLoaders): Promise<Outcome> {
  try {
    await loaders.tensorflow();
  } catch (error) {
    return loadFailure('tensorflow', error);
  }
  if (tf.findBackendFactory('tensorflow') === null) {
    return {
      ok: false,
      reason: `${BACKEND_PACKAGES.tensorflow} loaded but registered no 'tensorflow' backend (a second copy of @tensorflow/tfjs-core?)`,
    };
  }
  const failed = await activate('tensorflow');
  if (failed !== undefined) return { ok: false, reason: failed };
  return {
    ok: true,
    reason: 'native TensorFlow (libtensorflow)',
    simd: null,
    threads: null,
    kernels: [],
  };
}

async function tryWasm(
  loaders: BackendLoaders,
  options: Required<Pick<SelectBackendOptions, 'simd' | 'trainingKernels'>> &
    Pick<SelectBackendOptions, 'wasmPaths'>,
): Promise<Outcome> {
  let wasm: WasmModule;
  try {
    wasm = (await loaders.wasm()) as WasmModule;
  } catch (error) {
    return loadFailure('wasm', error);
  }
  let from = 'from its default location';
  if (!isInitialized('wasm')) {
    if (!options.simd) tf.env().set('WASM_HAS_SIMD_SUPPORT', false);
    const paths =
      options.wasmPaths === undefined ? await defaultWasmDirectory() : options.wasmPaths;
    if (paths !== undefined && paths !== false) {
      try {
        wasm.setWasmPaths(paths as string | Record<string, string>);
      } catch (error) {
        return { ok: false, reason: `setWasmPaths failed: ${errorMessage(error)}`, cause: error };
      }
      from = typeof paths === 'string' ? `from ${paths}` : 'from the given wasmPaths';
    }
  } else {
    from = 'already initialized';
  }
  const failed = await activate('wasm');
  if (failed !== undefined) return { ok: false, reason: failed };
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const kernels = options.trainingKernels ? registerWasmTrainingKernels().kernels : [];
  return {
    ok: true,
    reason: `${simd ? 'SIMD' : 'plain (no SIMD)'} binary ${from}`,
    simd: Boolean(simd),
    threads: wasm.getThreadsCount(),
    kernels,
  };
}

async function tryCpu(loaders: BackendLoaders): Promise<Outcome> {
  try {
    await loaders.cpu();
  } catch (error) {
    // Another copy (e.g. the @tensorflow/tfjs union package) may have registered it.
    if (tf.findBackendFactory('cpu') === null) return loadFailure('cpu', error);
  }
  const failed = await activate('cpu');
  if (failed !== undefined) return { ok: false, reason: failed };
  return { ok: true, reason: 'pure JavaScript', simd: null, threads: 1, kernels: [] };
}

const autoReasons: Readonly<Record<BackendName, string>> = {
  tensorflow: 'the native backend loads, the fastest choice',
  wasm: 'the native backend is not available; WebAssembly is the fastest backend that loads',
  cpu: 'neither the native nor the WebAssembly backend loads; the pure-JavaScript backend is slow (about 20x slower than wasm for an MLP)',
};

/**
 * {@link selectBackend} with replaceable package loaders (used by the tests to
 * simulate a working or broken `@tensorflow/tfjs-node`).
 *
 * @internal
 */
export async function selectBackendWith(
  options: SelectBackendOptions,
  loaders: BackendLoaders,
): Promise<BackendSelection> {
  const check = checkArguments('selectBackend');
  const choice = check.oneOf('backend', options.backend ?? 'auto', ['auto', ...BACKEND_NAMES]);
  const simd = check.boolean('simd', options.simd ?? true);
  const trainingKernels = check.boolean('trainingKernels', options.trainingKernels ?? true);
  const wasmPaths = options.wasmPaths;
  if (
    wasmPaths !== undefined &&
    wasmPaths !== false &&
    typeof wasmPaths !== 'string' &&
    (typeof wasmPaths !== 'object' || wasmPaths === null)
  ) {
    check.fail(
      'wasmPaths',
      wasmPaths,
      'a directory string, a map from each .wasm file name to its path, or false',
    );
  }
  const candidates: readonly BackendName[] = choice === 'auto' ? BACKEND_NAMES : [choice];
  const tried: BackendAttempt[] = [];
  let lastFailure: Extract<Outcome, { ok: false }> | undefined;
  for (const name of candidates) {
    const outcome =
      name === 'tensorflow'
        ? await tryTensorflow(loaders)
        : name === 'wasm'
          ? await tryWasm(loaders, { simd, trainingKernels, wasmPaths })
          : await tryCpu(loaders);
    tried.push({ name, ok: outcome.ok, reason: outcome.reason });
    if (outcome.ok) {
      return {
        backend: name,
        reason: choice === 'auto' ? autoReasons[name] : `backend '${name}' was asked for`,
        tried,
        simd: outcome.simd,
        threads: outcome.threads,
        trainingKernels: outcome.kernels,
      };
    }
    lastFailure = outcome;
  }
  if (choice !== 'auto') {
    throw new BackendUnavailableError({
      functionName: 'selectBackend',
      backend: choice,
      reason: lastFailure?.reason ?? 'unknown',
      fix: installHint(choice),
      cause: lastFailure?.cause,
    });
  }
  throw new BackendUnavailableError({
    functionName: 'selectBackend',
    backend: 'auto',
    reason: `no backend loads (${tried.map((t) => `${t.name}: ${t.reason}`).join('; ')})`,
    fix: installHint('wasm'),
    cause: lastFailure?.cause,
  });
}

/**
 * Picks and activates the fastest TensorFlow.js backend that can train:
 * `@tensorflow/tfjs-node` (native) when it loads, otherwise WebAssembly (SIMD
 * when supported, binaries loaded from the installed package), otherwise the
 * pure-JavaScript CPU backend. A missing or broken optional package falls
 * through silently (it is listed in `tried`); an explicit `backend` overrides
 * the order and throws a {@link BackendUnavailableError} naming the install
 * command when it cannot load. With wasm it also registers the training
 * kernels ({@link registerWasmTrainingKernels}) unless
 * `trainingKernels: false`.
 *
 * Nothing happens on import: packages are loaded by this call.
 *
 * @param options - {@link SelectBackendOptions}.
 * @returns The {@link BackendSelection} report (print it with {@link formatBackendSelection}).
 * @throws {@link BackendUnavailableError} when the named backend (or, with
 *   `'auto'`, every backend) cannot be used; `InvalidArgumentError` for bad options.
 *
 * @example
 * ```ts
 * import { formatBackendSelection, selectBackend } from '@trainkit/backend';
 *
 * const selection = await selectBackend(); // or { backend: 'wasm' }
 * console.log(formatBackendSelection(selection));
 * ```
 */
export function selectBackend(options: SelectBackendOptions = {}): Promise<BackendSelection> {
  return selectBackendWith(options, defaultLoaders);
}
