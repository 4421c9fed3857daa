import {
  backend_util,
  type Conv2DAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { WASM } from './wasm-kernel-calls';

/**
 * Wraps a stock convolution kernel of the WebAssembly backend (`Conv2D`,
 * `FusedConv2D`, `DepthwiseConv2dNative`, `FusedDepthwiseConv2D`) so that
 * 'same' padding is passed as the equivalent explicit padding. The shipped
 * kernels hand 'same' to XNNPACK's own SAME mode, which computes wrong outputs
 * (zeros) when a kernel dimension of 1 meets a stride of 2 along it, e.g. a
 * 1x3 kernel with strides [2, 1] (160 of 2,952 small configurations tested);
 * with explicit padding every configuration matches the CPU backend. The
 * padding is computed by TensorFlow.js itself (`computeConv2DInfo`), so the
 * result is the same convolution.
 */
export function explicitSamePadding(stock: KernelConfig, depthwise: boolean): KernelFunc {
  return (args) => {
    const { inputs, attrs } = args;
    const { pad, strides, dilations, dataFormat, dimRoundingMode } =
      attrs as unknown as Conv2DAttrs;
    const x = inputs.x as TensorInfo;
    const filter = inputs.filter as TensorInfo;
    const channelsLast = backend_util.convertConv2DDataFormat(dataFormat) === 'channelsLast';
    if (pad !== 'same' || !channelsLast || x.shape.length !== 4) return stock.kernelFunc(args);
    const { padInfo } = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      strides,
      dilations,
      pad,
      dimRoundingMode,
      depthwise,
      'channelsLast',
    );
    return stock.kernelFunc({
      ...args,
      attrs: {
        ...attrs,
        pad: [
          [0, 0],
          [padInfo.top, padInfo.bottom],
          [padInfo.left, padInfo.right],
          [0, 0],
        ],
      },
    });
  };
}

/** Builds the wrapped config of a convolution kernel. */
export function explicitSamePaddingConfig(stock: KernelConfig, depthwise: boolean): KernelConfig {
  return { ...stock, backendName: WASM, kernelFunc: explicitSamePadding(stock, depthwise) };
}
