import {
  type GatherV2Attrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { isHeapBackend, WASM } from './wasm-kernel-calls';

/** Below this many elements per slice, a plain loop beats `TypedArray.set`. */
const SET_THRESHOLD = 16;

/**
 * `GatherV2` for the WebAssembly backend as contiguous copies in WebAssembly
 * memory: `out[outer, i, inner] = x[outer, indices[i], inner]`. `model.fit`
 * gathers every shuffled batch of the training set with it; the shipped wasm
 * kernel computes a strided address per element and was measured at about a
 * quarter of an MLP training step. A copy, so the result is bit-for-bit the
 * stock one. Applies with `batchDims` 0 and int32 indices; other cases run
 * the stock kernel. Out-of-range indices throw the stock kernel's error.
 */
export function contiguousGather(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as TensorInfo;
    const indices = inputs.indices as TensorInfo;
    const { axis, batchDims } = attrs as unknown as GatherV2Attrs;
    if (
      (batchDims ?? 0) !== 0 ||
      indices.dtype !== 'int32' ||
      x.dtype === 'string' ||
      x.dtype === 'complex64' ||
      !isHeapBackend(backend)
    ) {
      return stock.kernelFunc(args);
    }
    const parsedAxis = util.parseAxisParam(axis, x.shape)[0] as number;
    const dimSize = x.shape[parsedAxis] as number;
    const outerSize = util.sizeFromShape(x.shape.slice(0, parsedAxis));
    const sliceSize = util.sizeFromShape(x.shape.slice(parsedAxis + 1));
    const outShape = [
      ...x.shape.slice(0, parsedAxis),
      ...indices.shape,
      ...x.shape.slice(parsedAxis + 1),
    ];
    const indexValues = backend.typedArrayFromHeap(indices) as Int32Array;
    const count = indexValues.length;
    for (let i = 0; i < count; ++i) {
      const index = indexValues[i] as number;
      if (index < 0 || index > dimSize - 1) {
        util.assert(
          false,
          () => `GatherV2: the index value ${index} is not in [0, ${dimSize - 1}]`,
        );
      }
    }
    const out = backend.makeOutput(outShape, x.dtype);
    if (util.sizeFromShape(outShape) === 0) return out;
    // Views after the allocation: growing WebAssembly memory detaches old views.
    const ids = backend.typedArrayFromHeap(indices) as Int32Array;
    const xs = backend.typedArrayFromHeap(x);
    const os = backend.typedArrayFromHeap(out);
    let o = 0;
    for (let outer = 0; outer < outerSize; ++outer) {
      const base = outer * dimSize;
      for (let i = 0; i < count; ++i) {
        const from = (base + (ids[i] as number)) * sliceSize;
        if (sliceSize >= SET_THRESHOLD) {
          os.set(xs.subarray(from, from + sliceSize), o);
          o += sliceSize;
        } else {
          for (let j = 0; j < sliceSize; ++j) os[o++] = xs[from + j] as number;
        }
      }
    }
    return out;
  };
}

/** Builds the wrapped `GatherV2` config. */
export function contiguousGatherConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, backendName: WASM, kernelFunc: contiguousGather(stock) };
}
