/**
 * Calls to kernels registered for the WebAssembly backend at the TensorInfo
 * level, for kernels composed from other kernels. Intermediate results are
 * tracked in a {@link KernelScope} and released when the composed kernel
 * returns, so a composed kernel leaks nothing and adds no tensors to the
 * engine's bookkeeping.
 */
import {
  type DataType,
  getKernel,
  type KernelBackend,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

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
      throw new Error(`Kernel '${kernelName}' not registered for backend '${WASM}'`);
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
