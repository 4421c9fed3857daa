import {
  type BatchMatMulAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { composeKernels, WASM } from './wasm-kernel-calls';

/** Swaps the last two axes (the matrix transpose of a batch of matrices). */
function matrixTransposePerm(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

function isSingleMatrix(shape: readonly number[]): boolean {
  return util.sizeFromShape(shape.slice(0, -2)) === 1;
}

/**
 * Wraps a stock matmul kernel (`BatchMatMul` or `_FusedMatMul`) of the
 * WebAssembly backend: when an operand is flagged as transposed, it is
 * transposed explicitly with the `Transpose` kernel and the stock kernel runs
 * without transpose flags. The wasm backend only sends the untransposed
 * single-matrix case to XNNPACK; every transposed combination runs a scalar
 * loop about 10x slower. Backpropagation through a dense layer always uses
 * transposed matmuls (`dA = dY·Bᵀ`, `dB = Aᵀ·dY`).
 *
 * Applies to single matrices (every leading dimension 1) in float32; batched
 * matmuls take the stock path unchanged (wasm runs those in the same scalar
 * loop with or without transposes, so there is nothing to gain).
 */
export function explicitTransposeMatMul(stock: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, attrs } = args;
    const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
    const a = inputs.a as TensorInfo;
    const b = inputs.b as TensorInfo;
    const applies =
      (transposeA || transposeB) &&
      a.dtype === 'float32' &&
      b.dtype === 'float32' &&
      a.shape.length >= 2 &&
      b.shape.length >= 2 &&
      isSingleMatrix(a.shape) &&
      isSingleMatrix(b.shape);
    if (!applies) return stock.kernelFunc(args);
    return composeKernels(args.backend as KernelBackend, (scope) => {
      const $a = transposeA
        ? scope.run('Transpose', { x: a }, { perm: matrixTransposePerm(a.shape.length) })
        : a;
      const $b = transposeB
        ? scope.run('Transpose', { x: b }, { perm: matrixTransposePerm(b.shape.length) })
        : b;
      const out = stock.kernelFunc({
        ...args,
        inputs: { ...inputs, a: $a, b: $b },
        attrs: { ...attrs, transposeA: false, transposeB: false },
      }) as TensorInfo;
      return out;
    });
  };
}

/** Builds the wrapped config for `BatchMatMul` or `_FusedMatMul`. */
export function explicitTransposeMatMulConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, backendName: WASM, kernelFunc: explicitTransposeMatMul(stock) };
}
