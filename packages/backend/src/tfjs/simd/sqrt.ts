import { type KernelConfig, type KernelFunc, type TensorInfo, util } from '@tensorflow/tfjs-core';
import { WASM } from '../wasm-kernel-calls';
import { simdKernels } from './instance';

/**
 * `Sqrt` for float32 on the WebAssembly backend with `f32x4.sqrt` (four
 * correctly rounded square roots per instruction; equal bit for bit to the
 * CPU backend, NaN for negative inputs). The shipped kernel computes one
 * element at a time, about 8x slower, and every Adam, RMSProp, Adagrad and
 * Adadelta step takes the square root of each weight's second moment.
 */
export function simdSqrt(stock: KernelConfig): KernelFunc {
  return (args) => {
    const x = args.inputs.x as TensorInfo;
    const simd = x.dtype === 'float32' ? simdKernels(args.backend) : undefined;
    if (simd === undefined) return stock.kernelFunc(args);
    const { kernels, backend } = simd;
    const out = backend.makeOutput(x.shape, 'float32');
    const size = util.sizeFromShape(x.shape);
    if (size > 0) {
      // Addresses after the allocation (offsets do not move when memory grows).
      kernels.sqrt(
        backend.typedArrayFromHeap(x).byteOffset,
        backend.typedArrayFromHeap(out).byteOffset,
        size,
      );
    }
    return out;
  };
}

/** Builds the wrapped `Sqrt` config. */
export function simdSqrtConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, backendName: WASM, kernelFunc: simdSqrt(stock) };
}
