import type {
  CastAttrs,
  DataId,
  DataType,
  KernelBackend,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { isHeapBackend, WASM } from './wasm-kernel-calls';

/** Dtypes the wasm backend stores as one typed array in WebAssembly memory. */
const SHAREABLE: ReadonlySet<DataType> = new Set<DataType>(['float32', 'int32', 'bool']);

interface RefCountingBackend {
  incRef(dataId: DataId): void;
}

function isRefCounting(backend: unknown): backend is RefCountingBackend & KernelBackend {
  return typeof (backend as Partial<RefCountingBackend> | null)?.incRef === 'function';
}

/**
 * The same data under a second reference: the backend's reference count of
 * `x.dataId` goes up by one and the output shares it, as `Reshape` does on
 * wasm and `Identity` does on the CPU and WebGL backends. Tensors are
 * immutable, so sharing is indistinguishable from a copy.
 */
function share(backend: RefCountingBackend, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/**
 * `Identity` for the WebAssembly backend without the copy: the output shares
 * the input's data (reference counted), like the CPU backend's kernel. The
 * engine runs `Identity` for every tensor a gradient saves (`clone` in
 * `saveTensorsForBackwardMode`): about 30 per MLP training step, the first
 * layer's 784x256 weights among them, which the shipped kernel copied each
 * time. Applies to float32, int32 and bool; other dtypes run the stock kernel.
 */
export function zeroCopyIdentity(stock: KernelConfig): KernelFunc {
  return (args) => {
    const x = args.inputs.x as TensorInfo;
    if (!SHAREABLE.has(x.dtype) || !isRefCounting(args.backend)) return stock.kernelFunc(args);
    return share(args.backend, x);
  };
}

/**
 * `Cast` for the WebAssembly backend. When the dtype does not change
 * (tfjs-layers casts float32 tensors to float32 a dozen times per training
 * step) the output shares the input's data instead of copying it, like the
 * CPU backend's kernel. Casting float32 or int32 to bool is computed as
 * `x !== 0` (NaN is true), as on the CPU backend: the shipped kernel
 * converts the numbers to bytes (0.5 becomes false, -2 becomes 254). Other
 * casts run the stock kernel.
 */
export function zeroCopyCast(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { backend } = args;
    const x = args.inputs.x as TensorInfo;
    const { dtype } = args.attrs as unknown as CastAttrs;
    if (dtype === x.dtype && SHAREABLE.has(dtype) && isRefCounting(backend)) {
      return share(backend, x);
    }
    if (
      dtype === 'bool' &&
      (x.dtype === 'float32' || x.dtype === 'int32') &&
      isHeapBackend(backend)
    ) {
      const out = backend.makeOutput([...x.shape], 'bool');
      // Views after the allocation: growing WebAssembly memory detaches old views.
      const values = backend.typedArrayFromHeap(x);
      const flags = backend.typedArrayFromHeap(out);
      for (let i = 0; i < values.length; ++i) flags[i] = values[i] !== 0 ? 1 : 0;
      return out;
    }
    return stock.kernelFunc(args);
  };
}

/** Builds the wrapped `Identity` config. */
export function zeroCopyIdentityConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, backendName: WASM, kernelFunc: zeroCopyIdentity(stock) };
}

/** Builds the wrapped `Cast` config. */
export function zeroCopyCastConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, backendName: WASM, kernelFunc: zeroCopyCast(stock) };
}
