/**
 * 2-D convolutions (NHWC, float32, dilation 1) as matrix products on
 * trainkit's GEMM. The window matrix (im2col; 9 MB for the benchmark CNN's
 * second layer at batch 128) is never materialized: the SIMD module packs
 * its rows (or columns) straight from `x` into the GEMM's packed layout, a
 * cache-sized chunk at a time.
 *
 * - forward: `out[r, co] = patches[r, :] · W[:, co]` (+ bias, relu while the
 *   chunk is in cache), with `W` the filter seen as a `kh kw ci x co` matrix
 *   (its stored layout);
 * - input gradient: `cols = dy · Wᵀ` a chunk of positions at a time, each
 *   window row of `cols` added back where it was read from (col2im);
 * - filter gradient: `dW = patchesᵀ · dy`, summed over the positions in
 *   chunks of the inner dimension.
 *
 * Each output element sums its products in a fixed order (window index for
 * the forward pass, output channel for the input gradient, position for the
 * filter gradient), in float32; results differ from the CPU backend's only
 * by that order (relative error well below 1e-4, tested).
 */
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { type StridedMatrix, wasmGemm } from './simd/gemm';
import { simdKernels } from './simd/instance';
import { wasmMalloc } from './wasm-kernel-calls';

/** Bytes of one chunk of window rows (im2col rows or their gradient). */
const CHUNK_BYTES = 256 * 1024;

/** What a chunked convolution needs: the SIMD kernels, the GEMM, the backend. */
function tools(backend: unknown, info: backend_util.Conv2DInfo, ...tensors: TensorInfo[]) {
  if (tensors.some((t) => t.dtype !== 'float32')) return undefined;
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return undefined;
  if (info.dataFormat !== 'channelsLast') return undefined;
  const simd = simdKernels(backend);
  const gemm = simd === undefined ? undefined : wasmGemm(simd.backend);
  if (simd === undefined || gemm === undefined) return undefined;
  const depth = info.filterHeight * info.filterWidth * info.inChannels;
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const chunk = Math.max(4, Math.floor(CHUNK_BYTES / (4 * Math.max(depth, 1))) & ~3);
  return { kernels: simd.kernels, heap: simd.backend, gemm, depth, rows, chunk };
}

/** The im2col / col2im geometry arguments after `(source, target, r0, count)`. */
function geometry(info: backend_util.Conv2DInfo) {
  return [
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.filterHeight,
    info.filterWidth,
    info.outHeight,
    info.outWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
  ] as const;
}

/** Allocates `bytes` of 16-byte-aligned scratch; returns `[aligned address, pointer to free]`. */
function scratch(
  heap: { wasm: { _malloc(n: number): number } },
  bytes: number,
  kernelName: string,
): [number, number] {
  const pointer = wasmMalloc(heap, bytes + 16, kernelName);
  return [(pointer + 15) & ~15, pointer];
}

/**
 * `conv2d(x, filter)` (+ `bias`, then relu when `relu`) for `info`, or
 * undefined where the GEMM path does not apply (not float32, dilation, no
 * SIMD kernels).
 */
export function convForwardGemm(
  backend: unknown,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | undefined,
  relu: boolean,
  info: backend_util.Conv2DInfo,
): TensorInfo | undefined {
  const t = tools(backend, info, x, filter, ...(bias === undefined ? [] : [bias]));
  if (t === undefined) return undefined;
  const { kernels, heap, gemm, depth, rows } = t;
  const co = info.outChannels;
  const out = heap.makeOutput([info.batchSize, info.outHeight, info.outWidth, co], 'float32');
  if (rows === 0 || co === 0) return out;
  if (depth === 0) {
    heap.typedArrayFromHeap(out).fill(0);
    if (bias !== undefined || relu) {
      const address = heap.typedArrayFromHeap(out).byteOffset;
      const biasAddress = bias === undefined ? 0 : heap.typedArrayFromHeap(bias).byteOffset;
      kernels.bias_act(address, rows, co, biasAddress, bias === undefined ? 0 : 1, relu ? 1 : 0);
    }
    return out;
  }
  try {
    // Addresses after the allocations (offsets do not move when memory grows).
    const xAddress = heap.typedArrayFromHeap(x).byteOffset;
    const outAddress = heap.typedArrayFromHeap(out).byteOffset;
    const w: StridedMatrix = {
      address: heap.typedArrayFromHeap(filter).byteOffset,
      rowStride: co,
      colStride: 1,
    };
    const biasAddress = bias === undefined ? 0 : heap.typedArrayFromHeap(bias).byteOffset;
    const windows = geometry(info);
    gemm.packedProduct(
      (dst, i0, count) => kernels.conv_pack_rows(xAddress, dst, i0, count, ...windows),
      w,
      outAddress,
      rows,
      depth,
      co,
      {
        wholeK: true,
        after:
          bias === undefined && !relu
            ? undefined
            : (i0, count) =>
                kernels.bias_act(
                  outAddress + 4 * i0 * co,
                  count,
                  co,
                  biasAddress,
                  bias === undefined ? 0 : 1,
                  relu ? 1 : 0,
                ),
      },
    );
    return out;
  } catch (error) {
    heap.disposeData(out.dataId);
    throw error;
  }
}

/**
 * The input gradient of `conv2d(x, filter)` for `dy` (shape of the output):
 * `dx` of shape `[batch, inHeight, inWidth, inChannels]`, or undefined where
 * the GEMM path does not apply.
 */
export function convBackpropInputGemm(
  backend: unknown,
  dy: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo | undefined {
  const t = tools(backend, info, dy, filter);
  if (t === undefined) return undefined;
  const { kernels, heap, gemm, depth, rows, chunk } = t;
  const co = info.outChannels;
  const dx = heap.makeOutput(
    [info.batchSize, info.inHeight, info.inWidth, info.inChannels],
    'float32',
  );
  heap.typedArrayFromHeap(dx).fill(0);
  if (rows === 0 || co === 0 || depth === 0) return dx;
  let pointer = 0;
  try {
    const [cols, p] = scratch(heap, 4 * chunk * depth, 'Conv2DBackpropInput');
    pointer = p;
    const dyAddress = heap.typedArrayFromHeap(dy).byteOffset;
    const dxAddress = heap.typedArrayFromHeap(dx).byteOffset;
    // Wᵀ (co x depth): element (c, d) is W[d, c].
    const wT: StridedMatrix = {
      address: heap.typedArrayFromHeap(filter).byteOffset,
      rowStride: 1,
      colStride: co,
    };
    for (let r0 = 0; r0 < rows; r0 += chunk) {
      const count = Math.min(chunk, rows - r0);
      gemm.product(
        { address: dyAddress + 4 * r0 * co, rowStride: co, colStride: 1 },
        wT,
        cols,
        count,
        co,
        depth,
      );
      kernels.col2im_add(cols, dxAddress, r0, count, ...geometry(info));
    }
    return dx;
  } catch (error) {
    heap.disposeData(dx.dataId);
    throw error;
  } finally {
    if (pointer !== 0) heap.wasm._free(pointer);
  }
}

/**
 * The filter gradient of `conv2d(x, filter)` for `dy`: `dW` of shape
 * `[kh, kw, ci, co]`, the sum over output positions in order, or undefined
 * where the GEMM path does not apply.
 */
export function convBackpropFilterGemm(
  backend: unknown,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo | undefined {
  const t = tools(backend, info, x, dy);
  if (t === undefined) return undefined;
  const { kernels, heap, gemm, depth, rows } = t;
  const co = info.outChannels;
  const dw = heap.makeOutput([info.filterHeight, info.filterWidth, info.inChannels, co], 'float32');
  if (depth === 0 || co === 0) return dw;
  if (rows === 0) {
    heap.typedArrayFromHeap(dw).fill(0);
    return dw;
  }
  try {
    const xAddress = heap.typedArrayFromHeap(x).byteOffset;
    const windows = geometry(info);
    // patchesᵀ (depth x positions), packed straight from x; dy (positions x co) as stored.
    gemm.packedProduct(
      (dst, d0, drows, r0, count) =>
        kernels.conv_pack_cols(xAddress, dst, d0, drows, r0, count, ...windows),
      { address: heap.typedArrayFromHeap(dy).byteOffset, rowStride: co, colStride: 1 },
      heap.typedArrayFromHeap(dw).byteOffset,
      depth,
      rows,
      co,
    );
    return dw;
  } catch (error) {
    heap.disposeData(dw.dataId);
    throw error;
  }
}
