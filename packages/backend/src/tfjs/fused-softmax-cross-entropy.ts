import type {
  KernelBackend,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { composeKernels, type KernelScope, requireHeapBackend, WASM } from './wasm-kernel-calls';

/** Name of the fused loss kernel (wasm only; registered by `registerWasmTrainingKernels`). */
export const SOFTMAX_CROSS_ENTROPY = 'TrainkitSoftmaxCrossEntropy';

/** Name of its gradient kernel (wasm only; registered with it). */
export const SOFTMAX_CROSS_ENTROPY_GRAD = 'TrainkitSoftmaxCrossEntropyGrad';

/** Attributes of {@link SOFTMAX_CROSS_ENTROPY_GRAD}: which input's gradient. */
interface GradAttrs {
  readonly wrt: 'labels' | 'logits';
}

/** `x` as float32: itself, or a `Cast` (what `tf.mul` does to int32 or bool labels). */
function asFloat(scope: KernelScope, x: TensorInfo): TensorInfo {
  return x.dtype === 'float32' ? x : scope.run('Cast', { x }, { dtype: 'float32' });
}

/**
 * `logits - logSumExp(logits, last axis, keepDims)`, kernel for kernel what
 * `tf.losses.softmaxCrossEntropy` runs (`logSumExp` is max, subtract, exp,
 * sum, log, add), so the bits are the same.
 */
function logSoftmax(scope: KernelScope, logits: TensorInfo): TensorInfo {
  const rank = logits.shape.length;
  const axis = [rank - 1];
  const xMax = scope.run('Max', { x: logits }, { reductionIndices: axis, keepDims: true });
  const exps = scope.run('Exp', { x: scope.run('Sub', { a: logits, b: xMax }) });
  const logSum = scope.run('Log', {
    x: scope.run('Sum', { x: exps }, { axis, keepDims: false }),
  });
  const res = scope.run('Add', {
    a: scope.run('Reshape', { x: xMax }, { shape: logSum.shape }),
    b: logSum,
  });
  const lse = scope.run('Reshape', { x: res }, { shape: [...logits.shape.slice(0, -1), 1] });
  return scope.run('Sub', { a: logits, b: lse });
}

/** A float32 scalar tensor info holding `value` (tfjs' `scalar(value)`). */
function scalarInfo(scope: KernelScope, value: number): TensorInfo {
  const backend = scope.backend;
  requireHeapBackend(SOFTMAX_CROSS_ENTROPY, backend);
  const info = scope.adopt(backend.makeOutput([], 'float32'));
  (backend.typedArrayFromHeap(info) as Float32Array)[0] = value;
  return info;
}

/**
 * The mean softmax cross-entropy of `logits` against `labels` (same shape,
 * classes on the last axis): the kernels of `tf.losses.softmaxCrossEntropy`
 * with its defaults (no weights, no label smoothing, the mean over the rows)
 * called one after the other on the backend, without the engine's per-op
 * bookkeeping: 12 kernel calls inside one dispatch instead of 21 dispatches
 * (and one gradient kernel instead of 17), with the same bits.
 */
export const softmaxCrossEntropyWasm: KernelFunc = ({ inputs, backend }) => {
  const { labels, logits } = inputs as { labels: TensorInfo; logits: TensorInfo };
  return composeKernels(backend as KernelBackend, (scope) => {
    const rank = logits.shape.length;
    const logResult = logSoftmax(scope, logits);
    const cost = scope.run('Neg', {
      x: scope.run('Multiply', { a: logResult, b: asFloat(scope, labels) }),
    });
    const perRow = scope.run('Sum', { x: cost }, { axis: [rank - 1], keepDims: false });
    const total = scope.run(
      'Sum',
      { x: perRow },
      { axis: null as unknown as number[], keepDims: false },
    );
    return scope.run('RealDiv', {
      a: total,
      b: scalarInfo(scope, tf.util.sizeFromShape(perRow.shape)),
    });
  });
};

/**
 * The gradient of {@link softmaxCrossEntropyWasm} with respect to `logits`
 * (`dy / rows · (softmax - labels)`) or `labels` (`dy / rows · (labels -
 * softmax)`, what tfjs' custom gradient returns), kernel for kernel the
 * stock gradient: `RealDiv` (the mean's), then the product with `exp(logits -
 * logSumExp) - labels` (the sum's gradient multiplies by ones, which changes
 * no bit).
 */
export const softmaxCrossEntropyGradWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, labels, logits } = inputs as {
    dy: TensorInfo;
    labels: TensorInfo;
    logits: TensorInfo;
  };
  const { wrt } = attrs as unknown as GradAttrs;
  return composeKernels(backend as KernelBackend, (scope) => {
    const rows = tf.util.sizeFromShape(logits.shape.slice(0, -1));
    const dRow = scope.run('RealDiv', { a: dy, b: scalarInfo(scope, rows) });
    const softmax = scope.run('Exp', { x: logSoftmax(scope, logits) });
    const targets = asFloat(scope, labels);
    const difference =
      wrt === 'logits'
        ? scope.run('Sub', { a: softmax, b: targets })
        : scope.run('Sub', { a: targets, b: softmax });
    return scope.run('Multiply', { a: dRow, b: difference });
  });
};

/** Kernel configs registered by `registerWasmTrainingKernels`. */
export const softmaxCrossEntropyWasmConfig: KernelConfig = {
  kernelName: SOFTMAX_CROSS_ENTROPY,
  backendName: WASM,
  kernelFunc: softmaxCrossEntropyWasm,
};

export const softmaxCrossEntropyGradWasmConfig: KernelConfig = {
  kernelName: SOFTMAX_CROSS_ENTROPY_GRAD,
  backendName: WASM,
  kernelFunc: softmaxCrossEntropyGradWasm,
};

let gradientRegistered = false;

/**
 * Registers the gradient of {@link SOFTMAX_CROSS_ENTROPY} (once per process;
 * a gradient of a trainkit kernel name, so no stock gradient changes).
 */
export function registerSoftmaxCrossEntropyGradient(): void {
  if (gradientRegistered || tf.getGradient(SOFTMAX_CROSS_ENTROPY) !== undefined) {
    gradientRegistered = true;
    return;
  }
  tf.registerGradient({
    kernelName: SOFTMAX_CROSS_ENTROPY,
    inputsToSave: ['labels', 'logits'],
    gradFunc: (dy, saved) => {
      const [labels, logits] = saved as [tf.Tensor, tf.Tensor];
      const grad = (wrt: GradAttrs['wrt']) => () =>
        tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY_GRAD, { dy: dy as tf.Tensor, labels, logits }, {
          wrt,
        } as unknown as NamedAttrMap) as tf.Tensor;
      return { labels: grad('labels'), logits: grad('logits') };
    },
  });
  gradientRegistered = true;
}

/**
 * `tf.losses.softmaxCrossEntropy` with one dispatch forward and one backward
 * on the WebAssembly backend: the mean over the rows of
 * `-Σ labels · log(softmax(logits))`, classes on the last axis. The kernels
 * that run are the stock op's (max, subtract, exp, sum, log, ... on the
 * backend's registry), called directly inside one trainkit kernel instead of
 * 21 engine dispatches (plus 17 for the gradient), so the loss and its
 * gradients are bit for bit those of `tf.losses.softmaxCrossEntropy`.
 *
 * The fused path runs when the active backend is `wasm` with the trainkit
 * training kernels registered (`selectBackend` does it), for float32 logits
 * and float32, int32 or bool labels of the same non-empty shape; anything
 * else (other backends, `weights`, `labelSmoothing`, another `reduction`)
 * calls `tf.losses.softmaxCrossEntropy` itself, errors included.
 *
 * @param onehotLabels - One-hot (or soft) targets, the shape of `logits`.
 * @param logits - Unnormalized scores, classes on the last axis.
 * @param weights - As in `tf.losses.softmaxCrossEntropy` (stock path).
 * @param labelSmoothing - As in `tf.losses.softmaxCrossEntropy` (stock path unless 0).
 * @param reduction - As in `tf.losses.softmaxCrossEntropy` (stock path unless the default).
 * @returns The loss (a scalar with the defaults).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { fusedAdam, fusedSoftmaxCrossEntropy, selectBackend } from '@trainkit/backend';
 *
 * await selectBackend({ backend: 'wasm' });
 * const optimizer = fusedAdam(1e-3);
 * optimizer.minimize(() =>
 *   fusedSoftmaxCrossEntropy(tf.oneHot(labels, 10), model.apply(x, { training: true }) as tf.Tensor),
 * );
 * ```
 */
export function fusedSoftmaxCrossEntropy<T extends tf.Tensor, O extends tf.Tensor>(
  onehotLabels: T | tf.TensorLike,
  logits: T | tf.TensorLike,
  weights?: tf.Tensor | tf.TensorLike,
  labelSmoothing = 0,
  reduction: tf.Reduction = tf.Reduction.SUM_BY_NONZERO_WEIGHTS,
): O {
  if (
    weights == null &&
    labelSmoothing === 0 &&
    reduction === tf.Reduction.SUM_BY_NONZERO_WEIGHTS &&
    onehotLabels instanceof tf.Tensor &&
    logits instanceof tf.Tensor &&
    logits.dtype === 'float32' &&
    (onehotLabels.dtype === 'float32' ||
      onehotLabels.dtype === 'int32' ||
      onehotLabels.dtype === 'bool') &&
    logits.rank >= 1 &&
    logits.size > 0 &&
    tf.util.arraysEqual(onehotLabels.shape, logits.shape) &&
    tf.getBackend() === WASM &&
    tf.getKernel(SOFTMAX_CROSS_ENTROPY, WASM) !== undefined &&
    tf.getKernel(SOFTMAX_CROSS_ENTROPY_GRAD, WASM) !== undefined
  ) {
    registerSoftmaxCrossEntropyGradient();
    return tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY, {
      labels: onehotLabels,
      logits,
    }) as O;
  }
  return tf.losses.softmaxCrossEntropy(
    onehotLabels,
    logits,
    weights,
    labelSmoothing,
    reduction,
  ) as O;
}
