import {
  type _FusedMatMulAttrs,
  type BatchMatMulAttrs,
  broadcast_util,
  type DataId,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type NamedTensorInfoMap,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { wasmGemm } from './simd/gemm';
import { simdKernels } from './simd/instance';
import { composeKernels, type KernelScope, WASM } from './wasm-kernel-calls';

/**
 * Cost of XNNPACK packing one element of a matmul's right operand, relative
 * to transposing one element with the wasm `Transpose` kernel. XNNPACK packs
 * the right operand into its own layout whenever it sees a tensor for the
 * first time (about 5 ns per element on the development machine, against
 * about 1 ns to transpose one).
 */
const PACK_COST = 5;

/** The transposed layout must be estimated at least this much cheaper. */
const MARGIN = 0.9;

/** How {@link wasmMatMul} runs `C = op(A)·op(B)` on XNNPACK. */
export type MatMulLayout = 'direct' | 'transposed';

/**
 * Chooses the layout for `C[m, n] = op(A)[m, k]·op(B)[k, n]` on the wasm
 * backend, whose fast path (XNNPACK) takes untransposed operands and packs
 * the right one:
 *
 * - `'direct'`: `C = op(A)·op(B)`, transposing `A` and `B` explicitly where
 *   flagged; packs `k·n` elements.
 * - `'transposed'`: `Cᵀ = op(B)ᵀ·op(A)ᵀ`, then `C = (Cᵀ)ᵀ`; packs `k·m`
 *   elements and transposes whatever is not already in place.
 *
 * The estimate counts packed elements at {@link PACK_COST} and transposed
 * elements at 1. When the right operand is used as it is (`!transposeB`)
 * and XNNPACK keeps it packed (`rightPacked`: the same tensor was a right
 * operand before), packing is free and the direct layout wins (inference
 * with fixed weights).
 *
 * @param m - Rows of `C`.
 * @param k - The inner dimension.
 * @param n - Columns of `C`.
 * @param transposeA - Whether `A` is stored transposed (`[k, m]`).
 * @param transposeB - Whether `B` is stored transposed (`[n, k]`).
 * @param rightPacked - Whether `B` was a right operand before (XNNPACK keeps it packed).
 * @returns The cheaper layout.
 *
 * @example
 * ```ts
 * matMulLayout(128, 784, 256, false, false, false); // 'transposed': the first dense layer's forward pass
 * matMulLayout(128, 256, 128, false, false, false); // 'direct'
 * ```
 */
export function matMulLayout(
  m: number,
  k: number,
  n: number,
  transposeA: boolean,
  transposeB: boolean,
  rightPacked: boolean,
): MatMulLayout {
  const packDirect = rightPacked && !transposeB ? 0 : PACK_COST * k * n;
  const direct = packDirect + (transposeA ? m * k : 0) + (transposeB ? k * n : 0);
  const transposed =
    PACK_COST * k * m + (transposeB ? 0 : k * n) + (transposeA ? 0 : m * k) + m * n;
  return transposed < MARGIN * direct ? 'transposed' : 'direct';
}

/**
 * Data used before as the untransposed right operand of a matmul. The second
 * time a tensor is used so (fixed weights at inference, a weight shared
 * across time steps), the direct layout runs: XNNPACK packs it once and
 * keeps it packed (per tensor id) until the tensor is disposed. Weak, so
 * entries go with their tensors.
 */
const seenRight = new WeakSet<DataId>();

/**
 * `x` (a `[rows, cols]` matrix) transposed to `[cols, rows]`. When `rows` is
 * a multiple of 128 (batch sizes and layer widths usually are) and `cols` is
 * 128 to 800, the wasm `Transpose` kernel's rank-2 loop writes with a
 * power-of-two stride and runs at 2.5-4 ns per element; the same moves as a
 * rank-3 transpose (`[rows, cols / 8, 8]`, permutation `[1, 2, 0]`) run at
 * 0.7-1.8 ns (measured on the development machine; other shapes keep the
 * rank-2 kernel, which is faster for them).
 */
function transposeMatrix(scope: KernelScope, x: TensorInfo): TensorInfo {
  const [rows, cols] = x.shape as [number, number];
  const block = rows % 128 === 0 && cols >= 128 && cols <= 800 && cols % 8 === 0 ? 8 : 0;
  if (block === 0) return scope.run('Transpose', { x }, { perm: [1, 0] });
  const split = { dataId: x.dataId, shape: [rows, cols / block, block], dtype: x.dtype };
  const out = scope.run('Transpose', { x: split }, { perm: [1, 2, 0] });
  return { dataId: out.dataId, shape: [cols, rows], dtype: out.dtype };
}

/** `x` seen as the matrix of its last two axes (all leading axes are 1). */
function matrix(x: TensorInfo): TensorInfo {
  return { dataId: x.dataId, shape: x.shape.slice(-2), dtype: x.dtype };
}

/** A rank-3 view `[1, rows, cols]`, the shape the stock kernels expect. */
function batchOfOne(x: TensorInfo): TensorInfo {
  return { dataId: x.dataId, shape: [1, ...x.shape], dtype: x.dtype };
}

function isSingleMatrix(shape: readonly number[]): boolean {
  return shape.length >= 2 && util.sizeFromShape(shape.slice(0, -2)) === 1;
}

/**
 * `op(A)·op(B)` with trainkit's GEMM ({@link wasmGemm}) for float32 operands,
 * with `_FusedMatMul`'s bias (one value per column) and linear or relu
 * activation applied in one pass over the product, single or batched (equal batch shapes,
 * or one side a single matrix broadcast over the other's batch; an inner
 * dimension of 0 gives zeros); undefined
 * for every other call, which then takes the paths below.
 */
function trainkitGemm(args: Parameters<KernelFunc>[0]): TensorInfo | undefined {
  const { inputs, attrs, backend } = args;
  const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
  const { activation } = attrs as Partial<_FusedMatMulAttrs>;
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  if (
    a.dtype !== 'float32' ||
    b.dtype !== 'float32' ||
    a.shape.length < 2 ||
    b.shape.length < 2 ||
    inputs.preluActivationWeights != null ||
    (activation !== undefined && activation !== 'linear' && activation !== 'relu')
  ) {
    return undefined;
  }
  const bias = (inputs.bias ?? undefined) as TensorInfo | undefined;
  const [aRows, aCols] = a.shape.slice(-2) as [number, number];
  const [bRows, bCols] = b.shape.slice(-2) as [number, number];
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const n = transposeB ? bRows : bCols;
  if (k !== (transposeB ? bCols : bRows) || m === 0 || n === 0) return undefined;
  // A bias of one value per output column (a dense layer's), applied with the
  // activation while the product is in cache.
  if (
    bias !== undefined &&
    (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== n)
  ) {
    return undefined;
  }
  const relu = activation === 'relu';
  const aBatch = util.sizeFromShape(a.shape.slice(0, -2));
  const bBatch = util.sizeFromShape(b.shape.slice(0, -2));
  const outer = broadcast_util.assertAndGetBroadcastShape(
    a.shape.slice(0, -2),
    b.shape.slice(0, -2),
  );
  const batch = util.sizeFromShape(outer);
  if ((aBatch !== batch && aBatch !== 1) || (bBatch !== batch && bBatch !== 1) || batch === 0) {
    return undefined;
  }
  const simd = simdKernels(backend);
  const gemm = simd === undefined ? undefined : wasmGemm(simd.backend);
  if (simd === undefined || gemm === undefined) return undefined;
  const heap = simd.backend;
  const out = heap.makeOutput([...outer, m, n], 'float32');
  const epilogue = () => {
    if (bias === undefined && !relu) return;
    simd.kernels.bias_act(
      heap.typedArrayFromHeap(out).byteOffset,
      batch * m,
      n,
      bias === undefined ? 0 : heap.typedArrayFromHeap(bias).byteOffset,
      bias === undefined ? 0 : 1,
      relu ? 1 : 0,
    );
  };
  if (k === 0) {
    // An empty sum is 0 (the stock kernel returns uninitialized memory here).
    heap.typedArrayFromHeap(out).fill(0);
    epilogue();
    return out;
  }
  try {
    gemm.matMul(
      { info: a, transposed: transposeA, batch: aBatch },
      { info: b, transposed: transposeB, batch: bBatch },
      out,
      m,
      k,
      n,
      batch,
    );
    epilogue();
  } catch (error) {
    (backend as KernelBackend).disposeData(out.dataId);
    throw error;
  }
  return out;
}

/**
 * Wraps a stock matmul kernel (`BatchMatMul` or `_FusedMatMul`) of the
 * WebAssembly backend. The wasm backend only sends untransposed single
 * matrices to XNNPACK; every transposed combination runs a scalar loop about
 * 10x slower, and backpropagation through a dense layer always uses
 * transposed matmuls (`dA = dY·Bᵀ`, `dB = Aᵀ·dY`). XNNPACK also packs the
 * right operand every time it sees a new tensor, which in training is every
 * call (the weights change after each step).
 *
 * So transposed operands are transposed explicitly, and the product runs in
 * the layout {@link matMulLayout} estimates cheaper: `op(A)·op(B)`, or
 * `(op(B)ᵀ·op(A)ᵀ)ᵀ`, which packs `op(A)ᵀ` instead (the first dense layer's
 * input batch rather than its larger weights). Both run the same XNNPACK
 * products over `k` in the same order, so the result does not depend on the
 * layout (bit for bit, measured on random shapes).
 *
 * Applies to single matrices (every leading dimension 1) in float32; batched
 * matmuls take the stock path unchanged (wasm runs those in the same scalar
 * loop with or without transposes). A `_FusedMatMul` with a bias or an
 * activation only uses the direct layout (the stock kernel fuses them).
 */
export function wasmMatMul(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, attrs } = args;
    const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
    const a = inputs.a as TensorInfo;
    const b = inputs.b as TensorInfo;
    const fast = trainkitGemm(args);
    if (fast !== undefined) return fast;
    if (
      a.dtype !== 'float32' ||
      b.dtype !== 'float32' ||
      !isSingleMatrix(a.shape) ||
      !isSingleMatrix(b.shape) ||
      util.sizeFromShape(a.shape) === 0 ||
      util.sizeFromShape(b.shape) === 0
    ) {
      return stock.kernelFunc(args);
    }
    const [aRows, aCols] = a.shape.slice(-2) as [number, number];
    const [bRows, bCols] = b.shape.slice(-2) as [number, number];
    const m = transposeA ? aCols : aRows;
    const k = transposeA ? aRows : aCols;
    const kB = transposeB ? bCols : bRows;
    const n = transposeB ? bRows : bCols;
    util.assert(
      k === kB,
      () =>
        `Error in matMul: inner shapes (${k}) and (${kB}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
    const { activation } = attrs as Partial<_FusedMatMulAttrs>;
    const fused =
      inputs.bias != null ||
      inputs.preluActivationWeights != null ||
      (activation !== undefined && activation !== 'linear');
    const layout = fused
      ? 'direct'
      : matMulLayout(m, k, n, transposeA, transposeB, seenRight.has(b.dataId));
    if (!transposeB) seenRight.add(b.dataId);
    if (layout === 'direct' && !transposeA && !transposeB) return stock.kernelFunc(args);
    const outShape = [
      ...broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)),
      m,
      n,
    ];
    const product = (left: TensorInfo, right: TensorInfo): TensorInfo => {
      const plain: NamedTensorInfoMap = { ...inputs, a: batchOfOne(left), b: batchOfOne(right) };
      return stock.kernelFunc({
        ...args,
        inputs: plain,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      }) as TensorInfo;
    };
    return composeKernels(args.backend as KernelBackend, (scope) => {
      const a2 = matrix(a);
      const b2 = matrix(b);
      let out: TensorInfo;
      if (layout === 'direct') {
        out = product(
          transposeA ? transposeMatrix(scope, a2) : a2,
          transposeB ? transposeMatrix(scope, b2) : b2,
        );
      } else {
        const outTransposed = scope.adopt(
          product(
            transposeB ? b2 : transposeMatrix(scope, b2),
            transposeA ? a2 : transposeMatrix(scope, a2),
          ),
        );
        out = transposeMatrix(scope, matrix(outTransposed));
      }
      return { dataId: out.dataId, shape: outShape, dtype: out.dtype };
    });
  };
}

/** Builds the wrapped config for `BatchMatMul` or `_FusedMatMul`. */
export function wasmMatMulConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, backendName: WASM, kernelFunc: wasmMatMul(stock) };
}
