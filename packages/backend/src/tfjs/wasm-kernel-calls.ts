/**
 * Calls to kernels registered for the WebAssembly backend at the TensorInfo
 * level, for kernels composed from other kernels. Intermediate results are
 * tracked in a {@link KernelScope} and released when the composed kernel
 * returns, so a composed kernel leaks nothing and adds no tensors to the
 * engine's bookkeeping.
 */
import {
  type DataType,
  engine,
  getKernel,
  type KernelBackend,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@trainkit/core';
import { BackendUnavailableError } from '../errors';

/** The backend name TensorFlow.js registers the WebAssembly backend under. */
export const WASM = 'wasm';

/** Runs registered wasm kernels and disposes the intermediates it made. */
export class KernelScope {
  private readonly made: TensorInfo[] = [];

  constructor(readonly backend: KernelBackend) {}

  /**
   * Runs the kernel currently registered for wasm under `kernelName` and
   * remembers its output for disposal by {@link KernelScope.release}.
   */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const config = getKernel(kernelName, WASM);
    if (config === undefined) {
      throw new BackendUnavailableError({
        functionName: kernelName,
        backend: WASM,
        reason: `kernel '${kernelName}' is not registered for it (the package was not imported)`,
        fix: "Import '@tensorflow/tfjs-backend-wasm' before running trainkit's kernels (await selectBackend({ backend: 'wasm' }) does).",
      });
    }
    const out = config.kernelFunc({ inputs, attrs, backend: this.backend }) as TensorInfo;
    this.made.push(out);
    return out;
  }

  /**
   * Takes `info`, made by a kernel called directly, for disposal by
   * {@link KernelScope.release} like the outputs of {@link KernelScope.run}.
   */
  adopt(info: TensorInfo): TensorInfo {
    this.made.push(info);
    return info;
  }

  /**
   * Hands `result` to the caller (its data is not disposed, also when it is a
   * reshaped view of an intermediate) and disposes the rest.
   */
  release(result: TensorInfo): TensorInfo {
    for (const info of this.made) {
      if (info.dataId !== result.dataId) this.backend.disposeData(info.dataId);
    }
    this.made.length = 0;
    return result;
  }

  /** Disposes every intermediate (used when a composed kernel throws). */
  releaseAll(): void {
    for (const info of this.made) this.backend.disposeData(info.dataId);
    this.made.length = 0;
  }
}

/**
 * Runs `body` with a fresh {@link KernelScope}; returns its result and
 * disposes every other intermediate, also when `body` throws.
 */
export function composeKernels(
  backend: KernelBackend,
  body: (scope: KernelScope) => TensorInfo,
): TensorInfo {
  const scope = new KernelScope(backend);
  let result: TensorInfo;
  try {
    result = body(scope);
  } catch (error) {
    scope.releaseAll();
    throw error;
  }
  return scope.release(result);
}

/**
 * The parts of the wasm backend (`BackendWasm` of
 * `@tensorflow/tfjs-backend-wasm`) that kernels written in JavaScript use to
 * read and write tensors in place in WebAssembly memory.
 */
export interface HeapBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** True when `backend` exposes {@link HeapBackend} (the wasm backend does). */
export function isHeapBackend(backend: unknown): backend is HeapBackend & KernelBackend {
  const candidate = backend as Partial<HeapBackend> | null;
  return (
    typeof candidate?.makeOutput === 'function' &&
    typeof candidate.typedArrayFromHeap === 'function'
  );
}

/** The name a backend instance is registered under (`cpu`, `webgl`, ...), or its class name. */
function backendName(backend: unknown): string {
  for (const [name, instance] of Object.entries(engine().registry)) {
    if (instance === backend) return name;
  }
  const constructorName = (backend as { constructor?: { name?: string } } | null)?.constructor
    ?.name;
  return constructorName ?? String(backend);
}

/**
 * Narrows `backend` to the wasm backend for a kernel that reads and writes
 * WebAssembly memory, or throws a {@link BackendUnavailableError} naming the
 * kernel and the backend it was called on.
 *
 * @param kernelName - The kernel, e.g. `DepthwiseConv2dNativeBackpropFilter`.
 * @param backend - The backend the kernel was called with.
 */
export function requireHeapBackend(
  kernelName: string,
  backend: unknown,
): asserts backend is HeapBackend & KernelBackend {
  if (isHeapBackend(backend)) return;
  throw new BackendUnavailableError({
    functionName: kernelName,
    backend: backendName(backend),
    reason: `this kernel works in WebAssembly memory, which only the '${WASM}' backend has`,
    fix: "Run it on wasm: await selectBackend({ backend: 'wasm' }) (or tf.setBackend('wasm')).",
  });
}

/**
 * Throws an `InvalidArgumentError` naming the kernel and the input when an
 * input's dtype is not one of `dtypes`.
 *
 * @param kernelName - The kernel, e.g. `TrainkitAdamUpdate`.
 * @param inputs - The inputs to check, by name.
 * @param dtypes - The dtypes the kernel supports for them.
 */
export function requireDtypes(
  kernelName: string,
  inputs: Readonly<Record<string, TensorInfo>>,
  dtypes: readonly DataType[] = ['float32'],
): void {
  for (const [name, info] of Object.entries(inputs)) {
    if (dtypes.includes(info.dtype)) continue;
    throw new InvalidArgumentError({
      functionName: kernelName,
      argument: `${name}.dtype`,
      value: info.dtype,
      expected: dtypes.map((d) => `'${d}'`).join(' or '),
      fix: `The wasm kernel supports ${dtypes.join(' or ')} only: cast the tensor first (tf.cast(t, '${dtypes[0]}')).`,
    });
  }
}

/**
 * `_malloc(bytes)` on the wasm module, throwing a {@link BackendUnavailableError}
 * naming the kernel when WebAssembly memory cannot grow (`_malloc` returns 0).
 *
 * @param heap - The wasm backend (or anything with its `wasm._malloc`).
 * @param bytes - How many bytes.
 * @param kernelName - The kernel that needs the memory, for the message.
 * @returns The allocated pointer (free it with `_free`).
 */
export function wasmMalloc(
  heap: { wasm: { _malloc(n: number): number } },
  bytes: number,
  kernelName: string,
): number {
  const pointer = heap.wasm._malloc(bytes);
  if (pointer !== 0) return pointer;
  throw new BackendUnavailableError({
    functionName: kernelName,
    backend: WASM,
    reason: `its memory could not grow by ${bytes} bytes (malloc returned 0)`,
    fix: 'Use smaller batches, or dispose tensors you no longer need (tf.memory().numTensors counts the live ones).',
  });
}
