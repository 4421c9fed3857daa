import {
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type UnsortedSegmentSumAttrs,
  util,
} from '@tensorflow/tfjs-core';
import { requireDtypes, requireHeapBackend, WASM } from './wasm-kernel-calls';

/**
 * `UnsortedSegmentSum` for the WebAssembly backend, which ships none, so the
 * gradient of `tf.gather` (and of every `embedding` layer) throws there:
 * `out[s, ...] = Σ_{i : segmentIds[i] = s} x[i, ...]`, written as a
 * JavaScript loop over WebAssembly memory. Sums run in float64 in row order
 * and are rounded once, like the CPU backend's kernel, so finite inputs give
 * the CPU result bit for bit. Ids outside `[0, numSegments)` are dropped (the
 * CPU kernel drops them too). Unlike the CPU kernel, NaN or ±Infinity in one
 * segment's rows do not leak into other segments.
 */
export const unsortedSegmentSumJs: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs.x as TensorInfo;
  const segmentIds = inputs.segmentIds as TensorInfo;
  const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
  requireHeapBackend('UnsortedSegmentSum', backend);
  requireDtypes('UnsortedSegmentSum', { x }, ['float32', 'int32']);
  requireDtypes('UnsortedSegmentSum', { segmentIds }, ['int32']);
  const rows = util.sizeFromShape(segmentIds.shape);
  const sliceSize = util.sizeFromShape(x.shape) / Math.max(rows, 1);
  const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const sums = new Float64Array(numSegments * sliceSize);
  const out = backend.makeOutput(outShape, x.dtype);
  // Views after the allocation: growing WebAssembly memory detaches old views.
  const xs = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array;
  for (let i = 0; i < rows; ++i) {
    const segment = ids[i] as number;
    if (segment < 0 || segment >= numSegments) continue;
    const from = i * sliceSize;
    const to = segment * sliceSize;
    for (let j = 0; j < sliceSize; ++j)
      sums[to + j] = (sums[to + j] as number) + (xs[from + j] as number);
  }
  backend.typedArrayFromHeap(out).set(sums);
  return out;
};

/** Kernel config registered by `registerWasmTrainingKernels`. */
export const unsortedSegmentSumJsConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: WASM,
  kernelFunc: unsortedSegmentSumJs,
};
