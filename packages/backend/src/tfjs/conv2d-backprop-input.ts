import {
  backend_util,
  type Conv2DBackpropInputAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { convBackpropInputGemm } from './conv-gemm';
import { nhwcPad } from './conv2d-backprop-filter';
import { composeKernels, WASM } from './wasm-kernel-calls';

/**
 * Replaces the WebAssembly backend's `Conv2DBackpropInput` (a scalar C++
 * loop). For NHWC float32 with trainkit's SIMD kernels: `dy · Wᵀ` on
 * trainkit's GEMM and col2im, a chunk of output positions at a time
 * ({@link convBackpropInputGemm}; any stride and padding). Otherwise an
 * XNNPACK `Conv2D`: the input gradient of a convolution is a
 * stride-1 correlation of the zero-stuffed output gradient with the flipped
 * filter whose channel axes are swapped:
 *
 * ```
 * dx[b, h, w, ci] = Σ_{p,q,co} dy'[b, h + p − top', w + q − left', co] · W[kh−1−p, kw−1−q, ci, co]
 * top' = kh − 1 − top,  left' = kw − 1 − left
 * ```
 *
 * where `dy'` is `dy` with `stride − 1` zeros inserted between rows and
 * columns (a reshape, a zero `PadV2` and a reshape). Applies to float32 with
 * paddings no larger than the kernel (always true for 'same' and 'valid');
 * anything else runs the stock kernel.
 */
export function flippedFilterConvBackpropInput(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, attrs } = args;
    const dy = inputs.dy as TensorInfo;
    const filter = inputs.filter as TensorInfo;
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
      attrs as unknown as Conv2DBackpropInputAttrs;
    const channelsLast = backend_util.convertConv2DDataFormat(dataFormat) === 'channelsLast';
    const nhwcInputShape: [number, number, number, number] = channelsLast
      ? inputShape
      : [inputShape[0], inputShape[2], inputShape[3], inputShape[1]];
    const info = backend_util.computeConv2DInfo(
      nhwcInputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      nhwcPad(pad, channelsLast),
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
    const [batch, inHeight, inWidth] = nhwcInputShape;
    const { outHeight, outWidth, outChannels } = info;
    const top = kh - 1 - info.padInfo.top;
    const left = kw - 1 - info.padInfo.left;
    // dy' has outHeight·sh rows (the last sh − 1 of them zero).
    let bottom = inHeight + kh - 1 - top - outHeight * sh;
    let right = inWidth + kw - 1 - left - outWidth * sw;
    if (channelsLast) {
      const viaGemm = convBackpropInputGemm(args.backend, dy, filter, info);
      if (viaGemm !== undefined) return viaGemm;
    }
    const applies = dy.dtype === 'float32' && filter.dtype === 'float32' && top >= 0 && left >= 0;
    if (!applies) return stock.kernelFunc(args);
    return composeKernels(args.backend as KernelBackend, (scope) => {
      let grad: TensorInfo = channelsLast
        ? dy
        : scope.run('Transpose', { x: dy }, { perm: [0, 2, 3, 1] });
      if (sh > 1 || sw > 1) {
        const split = scope.run(
          'Reshape',
          { x: grad },
          { shape: [batch, outHeight, 1, outWidth, 1, outChannels] },
        );
        const stuffed = scope.run(
          'PadV2',
          { x: split },
          {
            paddings: [
              [0, 0],
              [0, 0],
              [0, sh - 1],
              [0, 0],
              [0, sw - 1],
              [0, 0],
            ],
            constantValue: 0,
          },
        );
        grad = scope.run(
          'Reshape',
          { x: stuffed },
          { shape: [batch, outHeight * sh, outWidth * sw, outChannels] },
        );
      }
      if (bottom < 0 || right < 0) {
        grad = scope.run(
          'Slice',
          { x: grad },
          {
            begin: [0, 0, 0, 0],
            size: [
              batch,
              outHeight * sh + Math.min(bottom, 0),
              outWidth * sw + Math.min(right, 0),
              outChannels,
            ],
          },
        );
        bottom = Math.max(bottom, 0);
        right = Math.max(right, 0);
      }
      const reversed = scope.run('Reverse', { x: filter }, { dims: [0, 1] });
      const flipped = scope.run('Transpose', { x: reversed }, { perm: [0, 1, 3, 2] });
      const dx = scope.run(
        'Conv2D',
        { x: grad, filter: flipped },
        {
          strides: [1, 1],
          pad: [
            [0, 0],
            [top, bottom],
            [left, right],
            [0, 0],
          ],
          dataFormat: 'NHWC',
          dilations: [1, 1],
        },
      );
      return channelsLast ? dx : scope.run('Transpose', { x: dx }, { perm: [0, 3, 1, 2] });
    });
  };
}

/** Builds the wrapped `Conv2DBackpropInput` config. */
export function flippedFilterConvBackpropInputConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, backendName: WASM, kernelFunc: flippedFilterConvBackpropInput(stock) };
}
