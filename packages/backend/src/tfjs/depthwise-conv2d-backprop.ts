import {
  backend_util,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { requireDtypes, requireHeapBackend, WASM } from './wasm-kernel-calls';

/**
 * `DepthwiseConv2dNativeBackpropFilter` for the WebAssembly backend, which
 * ships none (training a `depthwiseConv2d` or `separableConv2d` layer throws
 * there). A JavaScript loop over WebAssembly memory with the CPU backend's
 * algorithm and summation order (float64 sums rounded once), so results equal
 * the CPU backend's bit for bit; it runs at about the CPU backend's speed, not
 * XNNPACK's. NHWC, dilation 1 (as the stock depthwise gradient requires).
 */
export const depthwiseConv2dBackpropFilterJs: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs.x as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  const { strides, dilations, pad, dimRoundingMode, filterShape } =
    attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  requireHeapBackend('DepthwiseConv2dNativeBackpropFilter', backend);
  requireDtypes('DepthwiseConv2dNativeBackpropFilter', { x, dy });
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  const { strideHeight, strideWidth, filterHeight, filterWidth, batchSize } = info;
  const { inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const multiplier = outChannels / inChannels;
  const out = backend.makeOutput(info.filterShape.slice(), 'float32');
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const dys = backend.typedArrayFromHeap(dy) as Float32Array;
  const dw = backend.typedArrayFromHeap(out) as Float32Array;
  for (let wR = 0; wR < filterHeight; ++wR) {
    const yRMin = Math.max(0, Math.ceil((top - wR) / strideHeight));
    const yRMax = Math.min(outHeight, (inHeight + top - wR) / strideHeight);
    for (let wC = 0; wC < filterWidth; ++wC) {
      const yCMin = Math.max(0, Math.ceil((left - wC) / strideWidth));
      const yCMax = Math.min(outWidth, (inWidth + left - wC) / strideWidth);
      for (let d2 = 0; d2 < outChannels; ++d2) {
        const d1 = Math.trunc(d2 / multiplier);
        let sum = 0;
        for (let b = 0; b < batchSize; ++b) {
          for (let yR = yRMin; yR < yRMax; ++yR) {
            const xR = wR + yR * strideHeight - top;
            const xRow = (b * inHeight + xR) * inWidth;
            const yRow = (b * outHeight + yR) * outWidth;
            for (let yC = yCMin; yC < yCMax; ++yC) {
              const xC = wC + yC * strideWidth - left;
              sum +=
                (xs[(xRow + xC) * inChannels + d1] as number) *
                (dys[(yRow + yC) * outChannels + d2] as number);
            }
          }
        }
        dw[((wR * filterWidth + wC) * inChannels + d1) * multiplier + (d2 % multiplier)] = sum;
      }
    }
  }
  return out;
};

/**
 * `DepthwiseConv2dNativeBackpropInput` for the WebAssembly backend, which
 * ships none. A JavaScript loop over WebAssembly memory with the CPU
 * backend's algorithm and summation order, so results equal the CPU backend's
 * bit for bit. NHWC, dilation 1.
 */
export const depthwiseConv2dBackpropInputJs: KernelFunc = ({ inputs, backend, attrs }) => {
  const dy = inputs.dy as TensorInfo;
  const filter = inputs.filter as TensorInfo;
  const { strides, dilations, pad, dimRoundingMode, inputShape } =
    attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  requireHeapBackend('DepthwiseConv2dNativeBackpropInput', backend);
  requireDtypes('DepthwiseConv2dNativeBackpropInput', { dy, filter });
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  const { batchSize, filterHeight, filterWidth, inChannels, inHeight, inWidth } = info;
  const { outChannels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const topPad = filterHeight - 1 - info.padInfo.top;
  const leftPad = filterWidth - 1 - info.padInfo.left;
  const multiplier = outChannels / inChannels;
  const out = backend.makeOutput(info.inShape.slice(), 'float32');
  const dys = backend.typedArrayFromHeap(dy) as Float32Array;
  const filters = backend.typedArrayFromHeap(filter) as Float32Array;
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  for (let b = 0; b < batchSize; ++b) {
    for (let d1 = 0; d1 < inChannels; ++d1) {
      for (let xR = 0; xR < inHeight; ++xR) {
        const xRCorner = xR - topPad;
        const yRMin = Math.max(0, Math.ceil(xRCorner / strideHeight));
        const yRMax = Math.min(outHeight, (filterHeight + xRCorner) / strideHeight);
        for (let xC = 0; xC < inWidth; ++xC) {
          const xCCorner = xC - leftPad;
          const yCMin = Math.max(0, Math.ceil(xCCorner / strideWidth));
          const yCMax = Math.min(outWidth, (filterWidth + xCCorner) / strideWidth);
          let sum = 0;
          for (let yR = yRMin; yR < yRMax; ++yR) {
            const wR = yR * strideHeight - xRCorner;
            for (let yC = yCMin; yC < yCMax; ++yC) {
              const wC = yC * strideWidth - xCCorner;
              const dyOffset = ((b * outHeight + yR) * outWidth + yC) * outChannels;
              const filterOffset =
                (((filterHeight - 1 - wR) * filterWidth + (filterWidth - 1 - wC)) * inChannels +
                  d1) *
                multiplier;
              for (let dm = 0; dm < multiplier; ++dm) {
                sum +=
                  (dys[dyOffset + d1 * multiplier + dm] as number) *
                  (filters[filterOffset + dm] as number);
              }
            }
          }
          dx[((b * inHeight + xR) * inWidth + xC) * inChannels + d1] = sum;
        }
      }
    }
  }
  return out;
};

/** Kernel config registered by `registerWasmTrainingKernels`. */
export const depthwiseConv2dBackpropFilterJsConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: WASM,
  kernelFunc: depthwiseConv2dBackpropFilterJs,
};

/** Kernel config registered by `registerWasmTrainingKernels`. */
export const depthwiseConv2dBackpropInputJsConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: WASM,
  kernelFunc: depthwiseConv2dBackpropInputJs,
};
