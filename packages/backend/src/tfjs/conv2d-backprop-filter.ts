import {
  backend_util,
  type Conv2DBackpropFilterAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { convBackpropFilterGemm } from './conv-gemm';
import { composeKernels, WASM } from './wasm-kernel-calls';

/**
 * `Conv2DBackpropFilter` for the WebAssembly backend, which ships none (so
 * CNN training throws there). With trainkit's SIMD kernels it is
 * `patchesᵀ · dy` on trainkit's GEMM, a chunk of output positions at a time
 * ({@link convBackpropFilterGemm}). Without them (no WebAssembly SIMD, a
 * shared memory, or dilated filters) it is computed with kernels wasm has: a
 * stride-1 `Conv2D` whose input is `x` with batch and channels swapped and
 * whose filter is `dy`, dilated by the forward stride:
 *
 * ```
 * dW[p, q, ci, co] = Σ_{b,i,j} x[b, i·sh + p − top, j·sw + q − left, ci] · dy[b, i, j, co]
 *                  = conv2d(xᵀ[ci, H, W, b], dyᵀ[i, j, b, co], stride 1, dilation (sh, sw),
 *                           pad top/left as in the forward pass)[ci, p, q, co]
 * ```
 *
 * The bottom/right padding is chosen so the result is exactly `kh × kw`;
 * rows and columns of `x` that no output reads (possible with 'valid' and a
 * stride > 1) are cropped instead. Works for any stride, 'same', 'valid' or
 * explicit padding, any kernel size, NHWC and NCHW (NCHW is transposed to
 * NHWC first). Only the summation order differs from the reference kernel.
 */
export const conv2DBackpropFilterWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as Conv2DBackpropFilterAttrs;
  const channelsLast = backend_util.convertConv2DDataFormat(dataFormat) === 'channelsLast';
  return composeKernels(backend as KernelBackend, (scope) => {
    let x4: TensorInfo = x;
    let dy4: TensorInfo = dy;
    if (!channelsLast) {
      x4 = scope.run('Transpose', { x }, { perm: [0, 2, 3, 1] });
      dy4 = scope.run('Transpose', { x: dy }, { perm: [0, 2, 3, 1] });
    }
    const info = backend_util.computeConv2DInfo(
      x4.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      nhwcPad(pad, channelsLast),
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const [batch, inHeight, inWidth, inChannels] = x4.shape as [number, number, number, number];
    const { top, left } = info.padInfo;
    const viaGemm = convBackpropFilterGemm(backend, x4, dy4, info);
    if (viaGemm !== undefined) return viaGemm;
    let bottom = info.filterHeight - inHeight - top + (info.outHeight - 1) * info.strideHeight;
    let right = info.filterWidth - inWidth - left + (info.outWidth - 1) * info.strideWidth;
    if (bottom < 0 || right < 0) {
      x4 = scope.run(
        'Slice',
        { x: x4 },
        {
          begin: [0, 0, 0, 0],
          size: [batch, inHeight + Math.min(bottom, 0), inWidth + Math.min(right, 0), inChannels],
        },
      );
      bottom = Math.max(bottom, 0);
      right = Math.max(right, 0);
    }
    const xT = scope.run('Transpose', { x: x4 }, { perm: [3, 1, 2, 0] });
    const dyT = scope.run('Transpose', { x: dy4 }, { perm: [1, 2, 0, 3] });
    const product = scope.run(
      'Conv2D',
      { x: xT, filter: dyT },
      {
        strides: [1, 1],
        pad: [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dilations: [info.strideHeight, info.strideWidth],
      },
    );
    return scope.run('Transpose', { x: product }, { perm: [1, 2, 0, 3] });
  });
};

/** Converts an explicit NCHW padding to NHWC; other paddings pass through. */
export function nhwcPad<T>(pad: T, channelsLast: boolean): T {
  if (channelsLast || !Array.isArray(pad)) return pad;
  const explicit = pad as unknown as [number, number][];
  return [explicit[0], explicit[2], explicit[3], explicit[1]] as unknown as T;
}

/** Kernel config registered by `registerWasmTrainingKernels`. */
export const conv2DBackpropFilterWasmConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: WASM,
  kernelFunc: conv2DBackpropFilterWasm,
};
