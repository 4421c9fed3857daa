import {
  getKernel,
  type KernelConfig,
  registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import { checkArguments } from '@trainkit/core';
import { BACKEND_PACKAGES } from '../backend-selection';
import { BackendUnavailableError } from '../errors';
import { wasmMatMulConfig } from './batch-mat-mul';
import { conv2DBackpropFilterWasmConfig } from './conv2d-backprop-filter';
import { flippedFilterConvBackpropInputConfig } from './conv2d-backprop-input';
import { gemmConv2DConfig } from './conv2d-forward';
import {
  depthwiseConv2dBackpropFilterJsConfig,
  depthwiseConv2dBackpropInputJsConfig,
} from './depthwise-conv2d-backprop';
import { adamUpdateWasmConfig } from './fused-adam';
import {
  registerSoftmaxCrossEntropyGradient,
  softmaxCrossEntropyGradWasmConfig,
  softmaxCrossEntropyWasmConfig,
} from './fused-softmax-cross-entropy';
import { contiguousGatherConfig } from './gather';
import { leadingAxesSumConfig } from './leading-axes-sum';
import { avgPoolGradJsConfig, maxPool2x2Config, maxPoolGradJsConfig } from './pool-grads';
import { explicitSamePaddingConfig } from './same-padding';
import { simdBinaryConfig, simdUnaryConfig } from './simd/elementwise';
import { simdSqrtConfig } from './simd/sqrt';
import { unsortedSegmentSumJsConfig } from './unsorted-segment-sum';
import { WASM } from './wasm-kernel-calls';
import { zeroCopyCastConfig, zeroCopyIdentityConfig } from './zero-copy';

/** The kernels {@link registerWasmTrainingKernels} can register for the wasm backend. */
export const WASM_TRAINING_KERNELS = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'BatchMatMul',
  '_FusedMatMul',
  'MaxPoolGrad',
  'AvgPoolGrad',
  'Conv2D',
  'FusedConv2D',
  'DepthwiseConv2dNative',
  'FusedDepthwiseConv2D',
  'GatherV2',
  'UnsortedSegmentSum',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'Identity',
  'Cast',
  'Sum',
  'Sqrt',
  'TrainkitAdamUpdate',
  'Add',
  'Sub',
  'Multiply',
  'RealDiv',
  'Relu',
  'Step',
  'MaxPool',
  'TrainkitSoftmaxCrossEntropy',
  'TrainkitSoftmaxCrossEntropyGrad',
] as const;

/** Name of a kernel in {@link WASM_TRAINING_KERNELS}. */
export type WasmTrainingKernelName = (typeof WASM_TRAINING_KERNELS)[number];

/**
 * Marks a config registered by trainkit and keeps the config it replaced. A
 * `Symbol.for` key, so that a second copy of this package (ESM and CJS side
 * by side) recognizes it too and never wraps a wrapper.
 */
const trainkitKernel = Symbol.for('trainkit.backend.wasmTrainingKernel');

interface Replaced {
  readonly previous: KernelConfig | undefined;
}

type MarkedConfig = KernelConfig & { [trainkitKernel]?: Replaced };

interface KernelSpec {
  /** The config to register given the one registered now; undefined to skip. */
  readonly build: (stock: KernelConfig | undefined) => KernelConfig | undefined;
}

const specs: Readonly<Record<WasmTrainingKernelName, KernelSpec>> = {
  Conv2DBackpropFilter: {
    // wasm has none; if some other library registered one, keep theirs.
    build: (stock) => (stock === undefined ? conv2DBackpropFilterWasmConfig : undefined),
  },
  Conv2DBackpropInput: {
    build: (stock) =>
      stock === undefined ? undefined : flippedFilterConvBackpropInputConfig(stock),
  },
  BatchMatMul: {
    build: (stock) => (stock === undefined ? undefined : wasmMatMulConfig(stock)),
  },
  _FusedMatMul: {
    build: (stock) => (stock === undefined ? undefined : wasmMatMulConfig(stock)),
  },
  MaxPoolGrad: {
    build: (stock) => (stock === undefined ? undefined : maxPoolGradJsConfig(stock)),
  },
  AvgPoolGrad: {
    build: (stock) => (stock === undefined ? undefined : avgPoolGradJsConfig(stock)),
  },
  Conv2D: {
    build: (stock) => (stock === undefined ? undefined : gemmConv2DConfig(stock, false)),
  },
  FusedConv2D: {
    build: (stock) => (stock === undefined ? undefined : gemmConv2DConfig(stock, true)),
  },
  DepthwiseConv2dNative: {
    build: (stock) => (stock === undefined ? undefined : explicitSamePaddingConfig(stock, true)),
  },
  FusedDepthwiseConv2D: {
    build: (stock) => (stock === undefined ? undefined : explicitSamePaddingConfig(stock, true)),
  },
  GatherV2: {
    build: (stock) => (stock === undefined ? undefined : contiguousGatherConfig(stock)),
  },
  // wasm has none of these three; if some other library registered one, keep theirs.
  UnsortedSegmentSum: {
    build: (stock) => (stock === undefined ? unsortedSegmentSumJsConfig : undefined),
  },
  DepthwiseConv2dNativeBackpropFilter: {
    build: (stock) => (stock === undefined ? depthwiseConv2dBackpropFilterJsConfig : undefined),
  },
  DepthwiseConv2dNativeBackpropInput: {
    build: (stock) => (stock === undefined ? depthwiseConv2dBackpropInputJsConfig : undefined),
  },
  Identity: {
    build: (stock) => (stock === undefined ? undefined : zeroCopyIdentityConfig(stock)),
  },
  Cast: {
    build: (stock) => (stock === undefined ? undefined : zeroCopyCastConfig(stock)),
  },
  Sum: {
    build: (stock) => (stock === undefined ? undefined : leadingAxesSumConfig(stock)),
  },
  Sqrt: {
    build: (stock) => (stock === undefined ? undefined : simdSqrtConfig(stock)),
  },
  Add: { build: (stock) => (stock === undefined ? undefined : simdBinaryConfig(stock, 'Add')) },
  Sub: { build: (stock) => (stock === undefined ? undefined : simdBinaryConfig(stock, 'Sub')) },
  Multiply: {
    build: (stock) => (stock === undefined ? undefined : simdBinaryConfig(stock, 'Multiply')),
  },
  RealDiv: {
    build: (stock) => (stock === undefined ? undefined : simdBinaryConfig(stock, 'RealDiv')),
  },
  MaxPool: { build: (stock) => (stock === undefined ? undefined : maxPool2x2Config(stock)) },
  Relu: { build: (stock) => (stock === undefined ? undefined : simdUnaryConfig(stock, 'Relu')) },
  Step: { build: (stock) => (stock === undefined ? undefined : simdUnaryConfig(stock, 'Step')) },
  // trainkit's own kernel (fusedAdam's update); if something else registered one, keep it.
  TrainkitAdamUpdate: {
    build: (stock) => (stock === undefined ? adamUpdateWasmConfig : undefined),
  },
  // fusedSoftmaxCrossEntropy's forward and gradient kernels.
  TrainkitSoftmaxCrossEntropy: {
    build: (stock) => (stock === undefined ? softmaxCrossEntropyWasmConfig : undefined),
  },
  TrainkitSoftmaxCrossEntropyGrad: {
    build: (stock) => (stock === undefined ? softmaxCrossEntropyGradWasmConfig : undefined),
  },
};

/** Options of {@link registerWasmTrainingKernels}. */
export interface RegisterWasmTrainingKernelsOptions {
  /** Which kernels to register. Default: all of {@link WASM_TRAINING_KERNELS}. */
  readonly kernels?: readonly WasmTrainingKernelName[];
}

/** What {@link registerWasmTrainingKernels} did. */
export interface WasmTrainingKernelsRegistration {
  /** Every requested kernel that is now trainkit's (newly or already registered). */
  readonly kernels: WasmTrainingKernelName[];
  /** The subset registered by this call (empty when called twice). */
  readonly registered: WasmTrainingKernelName[];
}

function marked(config: KernelConfig | undefined): Replaced | undefined {
  return (config as MarkedConfig | undefined)?.[trainkitKernel];
}

function requestedKernels(
  functionName: string,
  kernels: readonly WasmTrainingKernelName[] | undefined,
): readonly WasmTrainingKernelName[] {
  if (kernels === undefined) return WASM_TRAINING_KERNELS;
  const check = checkArguments(functionName);
  const list = check.nonEmptyArray<unknown>('kernels', kernels, 'Leave kernels out to use all.');
  return list.map((name, i) => check.oneOf(`kernels[${i}]`, name, WASM_TRAINING_KERNELS));
}

/**
 * Registers trainkit's training kernels for the TensorFlow.js WebAssembly
 * backend (`wasm` only; other backends are untouched). They are built from
 * kernels wasm has (or, where none fits, JavaScript loops over WebAssembly
 * memory) and fill three kinds of gaps:
 *
 * - Missing kernels (training throws without them): `Conv2DBackpropFilter`
 *   (every CNN; an XNNPACK `Conv2D` over transposed tensors, dilated by the
 *   forward stride), `UnsortedSegmentSum` (gradient of `tf.gather`, every
 *   `embedding` layer), `DepthwiseConv2dNativeBackpropFilter` and
 *   `DepthwiseConv2dNativeBackpropInput` (`depthwiseConv2d`,
 *   `separableConv2d`; JavaScript loops, CPU-backend speed).
 * - Wrong results: `MaxPoolGrad` (the shipped kernel sends the gradient of an
 *   all-negative window to its first element and breaks ties at the last
 *   maximum; replaced by an exact loop matching the CPU backend), and
 *   `Conv2D`, `FusedConv2D`, `DepthwiseConv2dNative`, `FusedDepthwiseConv2D`
 *   with 'same' padding (zeros when a kernel dimension of 1 meets a stride of
 *   2; fixed by passing the equivalent explicit padding).
 * - Slow kernels: `BatchMatMul` / `_FusedMatMul` (transposed operands ran a
 *   scalar loop about 10x slower, and XNNPACK re-packs each new right
 *   operand; replaced by trainkit's SIMD GEMM on the backend's memory, bit
 *   for bit XNNPACK's result, about 1.7x faster than XNNPACK untransposed),
 *   `Sqrt` (scalar; `f32x4.sqrt`, about 8x faster), `Conv2DBackpropInput` (a
 *   scalar loop; replaced by an XNNPACK `Conv2D` with the flipped filter),
 *   `AvgPoolGrad`, `GatherV2` (every `model.fit` batch; contiguous copies),
 *   `Sum` over leading axes (bias gradients; column sums), and the copies of
 *   `Identity` and same-dtype `Cast` (shared data instead).
 *
 * Each applies only where it is exact (it equals the CPU backend's result up
 * to float32 summation order); other cases run the stock kernel. Only the
 * `wasm` backend's registry changes; other backends are untouched.
 * Registering twice is harmless (no double wrapping, no warnings); undo with
 * {@link unregisterWasmTrainingKernels}. Call it after
 * `@tensorflow/tfjs-backend-wasm` is imported (`selectBackend` does both).
 *
 * @param options - {@link RegisterWasmTrainingKernelsOptions}.
 * @returns Which kernels are trainkit's now and which this call registered.
 * @throws {@link BackendUnavailableError} when the wasm backend's kernels are
 *   not registered yet (its package was not imported).
 *
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-wasm';
 * import * as tf from '@tensorflow/tfjs-core';
 * import { registerWasmTrainingKernels } from '@trainkit/backend';
 *
 * await tf.setBackend('wasm');
 * registerWasmTrainingKernels();
 * // model.fit(...) now trains CNNs on wasm, and dense layers about 4x faster.
 * ```
 */
export function registerWasmTrainingKernels(
  options: RegisterWasmTrainingKernelsOptions = {},
): WasmTrainingKernelsRegistration {
  const kernels = requestedKernels('registerWasmTrainingKernels', options.kernels);
  if (getKernel('Conv2D', WASM) === undefined) {
    throw new BackendUnavailableError({
      functionName: 'registerWasmTrainingKernels',
      backend: WASM,
      reason: 'its kernels are not registered (the package was not imported)',
      fix: `Import '${BACKEND_PACKAGES.wasm}' first, or call selectBackend({ backend: 'wasm' }), which does both.`,
    });
  }
  const result: WasmTrainingKernelsRegistration = { kernels: [], registered: [] };
  if (kernels.includes('TrainkitSoftmaxCrossEntropy')) registerSoftmaxCrossEntropyGradient();
  for (const name of kernels) {
    const current = getKernel(name, WASM);
    if (marked(current) !== undefined) {
      result.kernels.push(name);
      continue;
    }
    const built = specs[name].build(current);
    if (built === undefined) continue;
    const config: MarkedConfig = { ...built, [trainkitKernel]: { previous: current } };
    // Unregister first: registerKernel warns when it overwrites.
    if (current !== undefined) unregisterKernel(name, WASM);
    registerKernel(config);
    result.kernels.push(name);
    result.registered.push(name);
  }
  return result;
}

/**
 * Undoes {@link registerWasmTrainingKernels}: each kernel trainkit registered
 * is removed and the config it replaced is registered again (for
 * `Conv2DBackpropFilter`, which wasm lacks, that means none: CNN training on
 * wasm throws again). Kernels someone re-registered after trainkit are left
 * alone. Calling it when nothing is registered does nothing.
 *
 * @param options - which kernels; default all.
 * @returns The kernels restored to their stock state.
 *
 * @example
 * ```ts
 * registerWasmTrainingKernels();
 * // … train …
 * unregisterWasmTrainingKernels();
 * ```
 */
export function unregisterWasmTrainingKernels(
  options: RegisterWasmTrainingKernelsOptions = {},
): WasmTrainingKernelName[] {
  const kernels = requestedKernels('unregisterWasmTrainingKernels', options.kernels);
  const restored: WasmTrainingKernelName[] = [];
  for (const name of kernels) {
    const replaced = marked(getKernel(name, WASM));
    if (replaced === undefined) continue;
    unregisterKernel(name, WASM);
    if (replaced.previous !== undefined) registerKernel(replaced.previous);
    restored.push(name);
  }
  return restored;
}

/**
 * The kernels of {@link WASM_TRAINING_KERNELS} currently registered by trainkit.
 *
 * @example
 * ```ts
 * registeredWasmTrainingKernels(); // ['Conv2DBackpropFilter', 'Conv2DBackpropInput', …]
 * ```
 */
export function registeredWasmTrainingKernels(): WasmTrainingKernelName[] {
  return WASM_TRAINING_KERNELS.filter((name) => marked(getKernel(name, WASM)) !== undefined);
}
