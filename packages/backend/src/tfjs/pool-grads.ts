import {
  type AvgPoolGradAttrs,
  backend_util,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolAttrs,
  type MaxPoolGradAttrs,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { simdKernels } from './simd/instance';
import { isHeapBackend, WASM } from './wasm-kernel-calls';

/** The first output row (or column) whose pooling window covers input row `x`. */
function firstCovering(x: number, padBefore: number, filter: number, stride: number): number {
  return Math.max(0, Math.ceil((x + padBefore - filter + 1) / stride));
}

/** The last output row (or column) whose pooling window covers input row `x`. */
function lastCovering(x: number, padBefore: number, stride: number, outSize: number): number {
  return Math.min(outSize - 1, Math.floor((x + padBefore) / stride));
}

/**
 * The first maximum (row-major, strict `>` as in the CPU backend, so NaN never
 * wins) of every pooling window and channel, as a pixel index
 * `row * inWidth + col` of its image, or -1 when nothing beats -Infinity.
 */
function firstMaxPositions(xs: Float32Array, info: backend_util.Conv2DInfo): Int32Array {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const positions = new Int32Array(batchSize * outHeight * outWidth * channels);
  let p = 0;
  for (let b = 0; b < batchSize; ++b) {
    const image = b * inHeight * inWidth;
    for (let yR = 0; yR < outHeight; ++yR) {
      const rCorner = yR * strideHeight - top;
      const rMin = Math.max(0, rCorner);
      const rMax = Math.min(inHeight, rCorner + fh);
      for (let yC = 0; yC < outWidth; ++yC) {
        const cCorner = yC * strideWidth - left;
        const cMin = Math.max(0, cCorner);
        const cMax = Math.min(inWidth, cCorner + fw);
        for (let d = 0; d < channels; ++d) {
          let best = Number.NEGATIVE_INFINITY;
          let position = -1;
          for (let r = rMin; r < rMax; ++r) {
            for (let c = cMin; c < cMax; ++c) {
              const pixel = r * inWidth + c;
              const value = xs[(image + pixel) * channels + d] as number;
              if (value > best) {
                best = value;
                position = pixel;
              }
            }
          }
          positions[p++] = position;
        }
      }
    }
  }
  return positions;
}

/**
 * `MaxPoolGrad` for the WebAssembly backend as a JavaScript loop over
 * WebAssembly memory. It reproduces the CPU backend's kernel exactly: the
 * gradient of each window goes to its FIRST maximum in row-major order (NaN
 * and padding never win; a window with no finite-or-infinite maximum passes
 * nothing), and an input covered by several windows sums their gradients in
 * float64 in window order, rounded to float32 once.
 *
 * The shipped wasm kernel is wrong for windows whose values are all negative
 * (it routes the gradient to the window's first element), breaks ties at the
 * last maximum, and is slower (measured 31 ms against 11 ms for a 2x2 pool of
 * 128x26x26x16).
 */
export function maxPoolGradJs(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const dy = inputs.dy as TensorInfo;
    const x = inputs.input as TensorInfo;
    if (x.dtype !== 'float32' || dy.dtype !== 'float32' || !isHeapBackend(backend)) {
      return stock.kernelFunc(args);
    }
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
    const info = backend_util.computePool2DInfo(
      x.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
    const { strideHeight, strideWidth, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
    const { top, left } = info.padInfo;
    const out = backend.makeOutput(x.shape.slice(), 'float32');
    // Views after the allocation: growing WebAssembly memory detaches old views.
    const xs = backend.typedArrayFromHeap(x) as Float32Array;
    const dys = backend.typedArrayFromHeap(dy) as Float32Array;
    const dxs = backend.typedArrayFromHeap(out) as Float32Array;
    if (strideHeight >= fh && strideWidth >= fw) {
      // Windows do not overlap: each input receives at most one gradient, so
      // one pass writes it at the first maximum of its window. `+ 0` turns -0
      // into +0 as the CPU kernel's `0 + dy` does.
      const simd = channels % 4 === 0 ? simdKernels(backend) : undefined;
      if (
        simd !== undefined &&
        fh === 2 &&
        fw === 2 &&
        strideHeight === 2 &&
        strideWidth === 2 &&
        top === 0 &&
        left === 0 &&
        2 * outHeight <= inHeight &&
        2 * outWidth <= inWidth
      ) {
        // 2x2, stride 2, every window inside x: every covered element written in one pass.
        if (inHeight % 2 !== 0 || inWidth % 2 !== 0) dxs.fill(0);
        simd.kernels.max_pool_grad_2x2(
          xs.byteOffset,
          dys.byteOffset,
          dxs.byteOffset,
          batchSize,
          inHeight,
          inWidth,
          channels,
          outHeight,
          outWidth,
        );
        return out;
      }
      dxs.fill(0);
      if (simd !== undefined) {
        // The same loop, 4 channels per step, in trainkit's SIMD module.
        simd.kernels.max_pool_grad_disjoint(
          xs.byteOffset,
          dys.byteOffset,
          dxs.byteOffset,
          batchSize,
          inHeight,
          inWidth,
          channels,
          outHeight,
          outWidth,
          fh,
          fw,
          strideHeight,
          strideWidth,
          top,
          left,
        );
        return out;
      }
      let w = 0;
      for (let b = 0; b < batchSize; ++b) {
        const image = b * inHeight * inWidth;
        for (let yR = 0; yR < outHeight; ++yR) {
          const rCorner = yR * strideHeight - top;
          const rMin = Math.max(0, rCorner);
          const rMax = Math.min(inHeight, rCorner + fh);
          for (let yC = 0; yC < outWidth; ++yC) {
            const cCorner = yC * strideWidth - left;
            const cMin = Math.max(0, cCorner);
            const cMax = Math.min(inWidth, cCorner + fw);
            for (let d = 0; d < channels; ++d, ++w) {
              let best = Number.NEGATIVE_INFINITY;
              let at = -1;
              for (let r = rMin; r < rMax; ++r) {
                for (let c = cMin; c < cMax; ++c) {
                  const index = (image + r * inWidth + c) * channels + d;
                  const value = xs[index] as number;
                  if (value > best) {
                    best = value;
                    at = index;
                  }
                }
              }
              if (at >= 0) dxs[at] = (dys[w] as number) + 0;
            }
          }
        }
      }
      return out;
    }
    const positions = firstMaxPositions(xs, info);
    // Overlapping windows: every input sums, in window order, the gradients of
    // the windows whose maximum it is.
    let q = 0;
    for (let b = 0; b < batchSize; ++b) {
      const outImage = b * outHeight;
      for (let r = 0; r < inHeight; ++r) {
        const yR0 = firstCovering(r, top, fh, strideHeight);
        const yR1 = lastCovering(r, top, strideHeight, outHeight);
        for (let c = 0; c < inWidth; ++c) {
          const yC0 = firstCovering(c, left, fw, strideWidth);
          const yC1 = lastCovering(c, left, strideWidth, outWidth);
          const pixel = r * inWidth + c;
          for (let d = 0; d < channels; ++d) {
            let sum = 0;
            for (let yR = yR0; yR <= yR1; ++yR) {
              for (let yC = yC0; yC <= yC1; ++yC) {
                const w = ((outImage + yR) * outWidth + yC) * channels + d;
                if (positions[w] === pixel) sum += dys[w] as number;
              }
            }
            dxs[q++] = sum;
          }
        }
      }
    }
    return out;
  };
}

/**
 * `AvgPoolGrad` for the WebAssembly backend as a JavaScript loop over
 * WebAssembly memory, reproducing the CPU backend's kernel exactly: each input
 * sums the gradients of the windows covering it in float64, in window order,
 * times `1 / (filterHeight * filterWidth)` (also for windows cut by 'same'
 * padding, as the CPU and wasm kernels do). The shipped wasm kernel is correct
 * but slower (measured 14 ms against 4 ms for a 2x2 pool of 128x26x26x16).
 */
export function avgPoolGradJs(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const dy = inputs.dy as TensorInfo;
    const x = inputs.input as TensorInfo;
    if (x.dtype !== 'float32' || dy.dtype !== 'float32' || !isHeapBackend(backend)) {
      return stock.kernelFunc(args);
    }
    const { filterSize, strides, pad } = attrs as unknown as AvgPoolGradAttrs;
    const info = backend_util.computePool2DInfo(
      x.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
    );
    const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
    const { strideHeight, strideWidth, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
    const { top, left } = info.padInfo;
    const multiplier = 1 / (info.filterHeight * info.filterWidth);
    const out = backend.makeOutput(x.shape.slice(), 'float32');
    const dys = backend.typedArrayFromHeap(dy) as Float32Array;
    const dxs = backend.typedArrayFromHeap(out) as Float32Array;
    if (strideHeight >= fh && strideWidth >= fw) {
      // Windows do not overlap: one pass spreads each window's gradient.
      // `(dy + 0) * m` equals the CPU kernel's `(0 + dy) * m`, also for -0.
      dxs.fill(0);
      let w = 0;
      for (let b = 0; b < batchSize; ++b) {
        const image = b * inHeight * inWidth;
        for (let yR = 0; yR < outHeight; ++yR) {
          const rCorner = yR * strideHeight - top;
          const rMin = Math.max(0, rCorner);
          const rMax = Math.min(inHeight, rCorner + fh);
          for (let yC = 0; yC < outWidth; ++yC, w += channels) {
            const cCorner = yC * strideWidth - left;
            const cMin = Math.max(0, cCorner);
            const cMax = Math.min(inWidth, cCorner + fw);
            for (let r = rMin; r < rMax; ++r) {
              for (let c = cMin; c < cMax; ++c) {
                const base = (image + r * inWidth + c) * channels;
                for (let d = 0; d < channels; ++d) {
                  dxs[base + d] = ((dys[w + d] as number) + 0) * multiplier;
                }
              }
            }
          }
        }
      }
      return out;
    }
    let q = 0;
    for (let b = 0; b < batchSize; ++b) {
      const outImage = b * outHeight;
      for (let r = 0; r < inHeight; ++r) {
        const yR0 = firstCovering(r, top, fh, strideHeight);
        const yR1 = lastCovering(r, top, strideHeight, outHeight);
        for (let c = 0; c < inWidth; ++c) {
          const yC0 = firstCovering(c, left, fw, strideWidth);
          const yC1 = lastCovering(c, left, strideWidth, outWidth);
          for (let d = 0; d < channels; ++d) {
            let sum = 0;
            for (let yR = yR0; yR <= yR1; ++yR) {
              for (let yC = yC0; yC <= yC1; ++yC) {
                sum += dys[((outImage + yR) * outWidth + yC) * channels + d] as number;
              }
            }
            dxs[q++] = sum * multiplier;
          }
        }
      }
    }
    return out;
  };
}

/**
 * `MaxPool` for the WebAssembly backend: 2x2 windows with stride 2 inside
 * the input, float32 NHWC with a channel count that is a multiple of 4 (the
 * usual pooling after a conv layer), in one SIMD pass of trainkit's module;
 * the maximum by strict `>` from -Infinity, as the CPU kernel (NaN never
 * wins). Everything else runs the stock kernel (XNNPACK).
 */
export function maxPool2x2(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as TensorInfo;
    const simd = x.dtype === 'float32' && x.shape.length === 4 ? simdKernels(backend) : undefined;
    if (simd === undefined) return stock.kernelFunc(args);
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolAttrs;
    const info = backend_util.computePool2DInfo(
      x.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const applies =
      info.effectiveFilterHeight === 2 &&
      info.effectiveFilterWidth === 2 &&
      info.strideHeight === 2 &&
      info.strideWidth === 2 &&
      info.padInfo.top === 0 &&
      info.padInfo.left === 0 &&
      2 * info.outHeight <= info.inHeight &&
      2 * info.outWidth <= info.inWidth &&
      info.inChannels % 4 === 0;
    if (!applies) return stock.kernelFunc(args);
    const heap = simd.backend;
    const out = heap.makeOutput(info.outShape.slice(), 'float32');
    if (util.sizeFromShape(info.outShape) === 0) return out;
    simd.kernels.max_pool_2x2(
      heap.typedArrayFromHeap(x).byteOffset,
      heap.typedArrayFromHeap(out).byteOffset,
      info.batchSize,
      info.inHeight,
      info.inWidth,
      info.inChannels,
      info.outHeight,
      info.outWidth,
    );
    return out;
  };
}

/** Builds the wrapped `MaxPool` config. */
export function maxPool2x2Config(stock: KernelConfig): KernelConfig {
  return { ...stock, backendName: WASM, kernelFunc: maxPool2x2(stock) };
}

/** Builds the `MaxPoolGrad` config (falls back to `stock` for non-float32). */
export function maxPoolGradJsConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, backendName: WASM, kernelFunc: maxPoolGradJs(stock) };
}

/** Builds the `AvgPoolGrad` config (falls back to `stock` for non-float32). */
export function avgPoolGradJsConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, backendName: WASM, kernelFunc: avgPoolGradJs(stock) };
}
