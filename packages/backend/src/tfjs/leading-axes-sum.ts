import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  type SumAttrs,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { simdKernels } from './simd/instance';
import { isHeapBackend, WASM } from './wasm-kernel-calls';

/**
 * How many leading axes `axes` reduces: `r` when the normalized, sorted axes
 * are exactly `0, 1, …, r - 1` with `r` below the rank, else 0 (not a
 * leading-axes reduction).
 */
function leadingAxesCount(axes: readonly number[], rank: number): number {
  const sorted = [...new Set(axes)].sort((a, b) => a - b);
  if (sorted.length === 0 || sorted.length >= rank) return 0;
  for (let i = 0; i < sorted.length; i++) if (sorted[i] !== i) return 0;
  return sorted.length;
}

/**
 * Column sums of a row-major `rows` x `cols` matrix: `out[j] = Σᵢ x[i, j]`,
 * accumulated in float64 in row order and rounded to float32 once, which is
 * the CPU backend's `Sum` (it transposes, then adds each output's values in
 * that order into a JavaScript number). Four rows per pass keep the same
 * order of additions (JavaScript evaluates `a + b + c` left to right).
 */
function columnSums(
  x: Float32Array,
  out: Float32Array,
  rows: number,
  cols: number,
  acc: Float64Array,
): void {
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const r0 = i * cols;
    const r1 = r0 + cols;
    const r2 = r1 + cols;
    const r3 = r2 + cols;
    for (let j = 0; j < cols; ++j) {
      acc[j] =
        (acc[j] as number) +
        (x[r0 + j] as number) +
        (x[r1 + j] as number) +
        (x[r2 + j] as number) +
        (x[r3 + j] as number);
    }
  }
  for (; i < rows; ++i) {
    const r = i * cols;
    for (let j = 0; j < cols; ++j) acc[j] = (acc[j] as number) + (x[r + j] as number);
  }
  out.set(acc);
}

/**
 * `Sum` over leading axes (`axis` 0, or 0 and 1, …: the bias gradient of
 * every dense and convolution layer, `sum(dy, 0)` over the batch) for the
 * WebAssembly backend, as column sums over WebAssembly memory. The shipped
 * kernel transposes the input to make the reduced axes innermost, and that
 * transpose is slow for power-of-two batch sizes (a 128x256 transpose costs
 * more than the sums). Results equal the CPU backend's bit for bit (float64
 * accumulation in the same order), in trainkit's SIMD module (float64x2
 * lanes) where it runs, else in JavaScript. Applies to float32 inputs;
 * other dtypes and other axes run the stock kernel.
 */
export function leadingAxesSum(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as TensorInfo;
    const { axis, keepDims } = attrs as unknown as SumAttrs;
    if (x.dtype !== 'float32' || !isHeapBackend(backend)) return stock.kernelFunc(args);
    const axes = util.parseAxisParam(axis, x.shape);
    const leading = leadingAxesCount(axes, x.shape.length);
    const rows = util.sizeFromShape(x.shape.slice(0, leading));
    const cols = util.sizeFromShape(x.shape.slice(leading));
    if (leading === 0 || rows * cols === 0) return stock.kernelFunc(args);
    const reducedShape = x.shape.slice(leading);
    const outShape = keepDims
      ? backend_util.expandShapeToKeepDim(reducedShape, axes)
      : reducedShape;
    const out = backend.makeOutput(outShape, 'float32');
    const simd = simdKernels(backend);
    if (simd !== undefined) {
      // The same sums in trainkit's SIMD module (float64 lanes, same order).
      const acc = simd.backend.wasm._malloc(8 * cols + 16);
      if (acc !== 0) {
        try {
          simd.kernels.column_sums(
            backend.typedArrayFromHeap(x).byteOffset,
            rows,
            cols,
            (acc + 15) & ~15,
            backend.typedArrayFromHeap(out).byteOffset,
          );
          return out;
        } finally {
          simd.backend.wasm._free(acc);
        }
      }
    }
    // Views after the allocation: growing WebAssembly memory detaches old views.
    columnSums(
      backend.typedArrayFromHeap(x) as Float32Array,
      backend.typedArrayFromHeap(out) as Float32Array,
      rows,
      cols,
      new Float64Array(cols),
    );
    return out;
  };
}

/** Builds the wrapped `Sum` config. */
export function leadingAxesSumConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, backendName: WASM, kernelFunc: leadingAxesSum(stock) };
}
