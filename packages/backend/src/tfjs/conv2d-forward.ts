import {
  backend_util,
  type Conv2DAttrs,
  type FusedConv2DAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { convForwardGemm } from './conv-gemm';
import { explicitSamePadding } from './same-padding';
import { WASM } from './wasm-kernel-calls';

/**
 * `Conv2D` / `FusedConv2D` for the WebAssembly backend on trainkit's GEMM
 * ({@link convForwardGemm}: im2col chunks times the filter, bias and relu
 * applied while the chunk is in cache) for float32 NHWC convolutions with
 * dilation 1 and, when fused, a bias of one value per output channel (or
 * none) and a linear or relu activation. The shipped kernel (XNNPACK) builds
 * a new operator for every new filter tensor, which in training is every
 * step. Everything else runs the stock kernel with 'same' padding made
 * explicit ({@link explicitSamePadding}).
 */
export function gemmConv2D(stock: KernelConfig, fused: boolean): KernelFunc {
  const fallback = explicitSamePadding(stock, false);
  return (args) => {
    const { inputs, attrs, backend } = args;
    const x = inputs.x as TensorInfo;
    const filter = inputs.filter as TensorInfo;
    const bias = (inputs.bias ?? undefined) as TensorInfo | undefined;
    const { strides, pad, dataFormat, dilations, dimRoundingMode } =
      attrs as unknown as Conv2DAttrs;
    const activation = fused
      ? ((attrs as unknown as FusedConv2DAttrs).activation ?? 'linear')
      : 'linear';
    const channelsLast = backend_util.convertConv2DDataFormat(dataFormat) === 'channelsLast';
    const applies =
      channelsLast &&
      x.shape.length === 4 &&
      filter.shape.length === 4 &&
      inputs.preluActivationWeights == null &&
      (activation === 'linear' || activation === 'relu') &&
      (bias === undefined ||
        (bias.shape.length <= 1 && util.sizeFromShape(bias.shape) === filter.shape[3]));
    if (!applies) return fallback(args);
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      strides,
      dilations,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    return convForwardGemm(backend, x, filter, bias, activation === 'relu', info) ?? fallback(args);
  };
}

/** Builds the wrapped `Conv2D` (`fused` false) or `FusedConv2D` config. */
export function gemmConv2DConfig(stock: KernelConfig, fused: boolean): KernelConfig {
  return { ...stock, backendName: WASM, kernelFunc: gemmConv2D(stock, fused) };
}
