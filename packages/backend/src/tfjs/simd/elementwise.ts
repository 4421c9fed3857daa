import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  type StepAttrs,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { WASM } from '../wasm-kernel-calls';
import { simdKernels } from './instance';

/** The operations of the module's `binary` function, by kernel name. */
const BINARY_OPS = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3 } as const;

/** Name of a kernel {@link simdBinaryConfig} replaces. */
export type BinaryKernelName = keyof typeof BINARY_OPS;

/** How an operand meets the output: 0 the full shape, 1 one row broadcast over rows, 2 a scalar. */
type Mode = 0 | 1 | 2;

/** The shape without leading 1s. */
function core(shape: readonly number[]): readonly number[] {
  let i = 0;
  while (i < shape.length - 1 && shape[i] === 1) i++;
  return shape.slice(i);
}

function suffixOf(short: readonly number[], long: readonly number[]): boolean {
  if (short.length > long.length) return false;
  const offset = long.length - short.length;
  return short.every((d, i) => d === long[offset + i]);
}

/**
 * `rows`, `n` and each operand's {@link Mode} for `out = a op b` with
 * TensorFlow.js broadcasting, or undefined when the operands do not fit one
 * of the three modes (e.g. both broadcast along different axes).
 */
export function broadcastLayout(
  aShape: readonly number[],
  bShape: readonly number[],
  outShape: readonly number[],
): { rows: number; n: number; aMode: Mode; bMode: Mode } | undefined {
  const size = util.sizeFromShape(outShape as number[]);
  const out = core(outShape);
  const mode = (shape: readonly number[]): [Mode, number] | undefined => {
    const length = util.sizeFromShape(shape as number[]);
    if (length === size && util.arraysEqual(core(shape) as number[], out as number[])) {
      return [0, size];
    }
    if (length === 1) return [2, 1];
    if (suffixOf(core(shape), out)) return [1, length];
    return undefined;
  };
  const a = mode(aShape);
  const b = mode(bShape);
  if (a === undefined || b === undefined) return undefined;
  if (a[0] === 1 && b[0] === 1 && a[1] !== b[1]) return undefined;
  if (a[0] !== 0 && b[0] !== 0 && !(a[0] === 1 && b[0] === 1)) {
    // Neither covers the output: only a scalar with a scalar (size 1) fits.
    if (size !== 1) return undefined;
  }
  const n = a[0] === 1 ? a[1] : b[0] === 1 ? b[1] : size;
  return { rows: n === 0 ? 0 : size / n, n, aMode: a[0], bMode: b[0] };
}

/**
 * `Add`, `Sub`, `Multiply` and `RealDiv` on float32 for the WebAssembly
 * backend in trainkit's SIMD module: same shapes, a row broadcast over the
 * leading axes (a bias: `[128, 26, 26, 16] + [16]`, which the shipped kernel
 * runs several times slower than a same-shape add) or a scalar. Each element
 * is one IEEE operation, so the results equal the stock kernels' and the CPU
 * backend's bit for bit. Other dtypes and broadcasts run the stock kernel.
 */
export function simdBinary(stock: KernelConfig, name: BinaryKernelName): KernelFunc {
  const op = BINARY_OPS[name];
  return (args) => {
    const a = args.inputs.a as TensorInfo;
    const b = args.inputs.b as TensorInfo;
    const simd =
      a.dtype === 'float32' && b.dtype === 'float32' ? simdKernels(args.backend) : undefined;
    if (simd === undefined) return stock.kernelFunc(args);
    const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const layout = broadcastLayout(a.shape, b.shape, outShape);
    if (layout === undefined) return stock.kernelFunc(args);
    const { kernels, backend } = simd;
    const out = backend.makeOutput(outShape, 'float32');
    if (layout.rows * layout.n === 0) return out;
    // Addresses after the allocation (offsets do not move when memory grows).
    kernels.binary(
      op,
      backend.typedArrayFromHeap(a).byteOffset,
      layout.aMode,
      backend.typedArrayFromHeap(b).byteOffset,
      layout.bMode,
      backend.typedArrayFromHeap(out).byteOffset,
      layout.rows,
      layout.n,
    );
    return out;
  };
}

/** Builds the wrapped config of `Add`, `Sub`, `Multiply` or `RealDiv`. */
export function simdBinaryConfig(stock: KernelConfig, name: BinaryKernelName): KernelConfig {
  return { ...stock, backendName: WASM, kernelFunc: simdBinary(stock, name) };
}

/**
 * `Relu` (`max(x, 0)`, as the CPU backend: NaN stays NaN, -0 becomes 0) and
 * `Step` (the relu gradient's mask: 1 where x > 0, NaN where x is NaN, else
 * `alpha`) on float32 in trainkit's SIMD module; equal to the CPU backend bit
 * for bit (NaN payloads aside). Other dtypes run the stock kernel.
 */
export function simdUnary(stock: KernelConfig, name: 'Relu' | 'Step'): KernelFunc {
  return (args) => {
    const x = args.inputs.x as TensorInfo;
    const simd = x.dtype === 'float32' ? simdKernels(args.backend) : undefined;
    if (simd === undefined) return stock.kernelFunc(args);
    const { kernels, backend } = simd;
    const out = backend.makeOutput(x.shape.slice(), 'float32');
    const size = util.sizeFromShape(x.shape);
    if (size === 0) return out;
    const alpha = name === 'Step' ? ((args.attrs as unknown as StepAttrs).alpha ?? 0) : 0;
    kernels.unary(
      name === 'Relu' ? 0 : 1,
      backend.typedArrayFromHeap(x).byteOffset,
      backend.typedArrayFromHeap(out).byteOffset,
      size,
      alpha,
    );
    return out;
  };
}

/** Builds the wrapped config of `Relu` or `Step`. */
export function simdUnaryConfig(stock: KernelConfig, name: 'Relu' | 'Step'): KernelConfig {
  return { ...stock, backendName: WASM, kernelFunc: simdUnary(stock, name) };
}
