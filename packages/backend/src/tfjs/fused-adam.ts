import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { checkArguments, ShapeMismatchError } from '@trainkit/core';
import { simdKernels } from './simd/instance';
import { requireDtypes, requireHeapBackend, WASM } from './wasm-kernel-calls';

/** Name of the fused Adam update kernel (wasm only; registered by `registerWasmTrainingKernels`). */
export const ADAM_UPDATE = 'TrainkitAdamUpdate';

/** Attributes of the {@link ADAM_UPDATE} kernel (the optimizer's hyperparameters as numbers). */
interface AdamUpdateAttrs {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly learningRate: number;
}

/**
 * One Adam step for one float32 variable on the WebAssembly backend in one
 * pass over memory: inputs `gradient`, `m`, `v`, `x` (same size) and the
 * float32 scalars `oneMinusAccBeta1`, `oneMinusAccBeta2` (`1 - beta^t`);
 * outputs the new `m`, `v` and `x`. Each operation is rounded to float32 in
 * the order of TensorFlow.js' `AdamOptimizer` (scalars rounded as its scalar
 * tensors are), so the result equals its 14 separate kernels bit for bit on
 * the wasm and CPU backends. `f32x4` in trainkit's SIMD module, or the same
 * arithmetic with `Math.fround` in JavaScript where the module cannot run.
 */
export const adamUpdateWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const { gradient, m, v, x, oneMinusAccBeta1, oneMinusAccBeta2 } = inputs as Record<
    string,
    TensorInfo
  >;
  const { beta1, beta2, epsilon, learningRate } = attrs as unknown as AdamUpdateAttrs;
  requireHeapBackend(ADAM_UPDATE, backend);
  requireDtypes(ADAM_UPDATE, { gradient, m, v, x, oneMinusAccBeta1, oneMinusAccBeta2 } as Record<
    string,
    TensorInfo
  >);
  const size = tf.util.sizeFromShape((x as TensorInfo).shape);
  for (const [name, t] of Object.entries({ gradient, m, v } as Record<string, TensorInfo>)) {
    if (tf.util.sizeFromShape(t.shape) !== size) {
      throw new ShapeMismatchError({
        functionName: ADAM_UPDATE,
        argument: `${name} (size)`,
        expected: size,
        actual: tf.util.sizeFromShape(t.shape),
        fix: 'Pass the gradient and the m and v moments of the variable x itself (all of its size).',
      });
    }
  }
  const shape = (x as TensorInfo).shape.slice();
  const outs = [
    backend.makeOutput(shape, 'float32'),
    backend.makeOutput(shape, 'float32'),
    backend.makeOutput(shape, 'float32'),
  ] as const;
  if (size === 0) return [...outs];
  // Views after the allocations (growing WebAssembly memory detaches old views).
  const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  const c1 = view(oneMinusAccBeta1 as TensorInfo)[0] as number;
  const c2 = view(oneMinusAccBeta2 as TensorInfo)[0] as number;
  const b1 = Math.fround(beta1);
  const omb1 = Math.fround(1 - beta1);
  const b2 = Math.fround(beta2);
  const omb2 = Math.fround(1 - beta2);
  const eps = Math.fround(epsilon);
  const negLr = Math.fround(-learningRate);
  const [gs, ms, vs, xs] = [gradient, m, v, x].map((t) => view(t as TensorInfo)) as [
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  const [outM, outV, outX] = outs.map(view) as [Float32Array, Float32Array, Float32Array];
  const simd = simdKernels(backend);
  if (simd !== undefined) {
    simd.kernels.adam(
      gs.byteOffset,
      ms.byteOffset,
      vs.byteOffset,
      xs.byteOffset,
      outM.byteOffset,
      outV.byteOffset,
      outX.byteOffset,
      size,
      b1,
      omb1,
      b2,
      omb2,
      c1,
      c2,
      eps,
      negLr,
    );
    return [...outs];
  }
  const f = Math.fround;
  for (let i = 0; i < size; i++) {
    const g = gs[i] as number;
    const m1 = f(f((ms[i] as number) * b1) + f(g * omb1));
    const v1 = f(f((vs[i] as number) * b2) + f(f(g * g) * omb2));
    outM[i] = m1;
    outV[i] = v1;
    outX[i] = f(f(f(f(m1 / c1) / f(f(Math.sqrt(f(v1 / c2))) + eps)) * negLr) + (xs[i] as number));
  }
  return [...outs];
};

/** Kernel config registered by `registerWasmTrainingKernels`. */
export const adamUpdateWasmConfig: KernelConfig = {
  kernelName: ADAM_UPDATE,
  backendName: WASM,
  kernelFunc: adamUpdateWasm,
};

/** What `applyGradients` takes: gradients by variable name, or a list of `{ name, tensor }`. */
type VariableGradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];
type NamedTensor = { name: string; tensor: tf.Tensor };

/** The private state of tfjs' `AdamOptimizer` that the fused step reads and updates. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

/**
 * TensorFlow.js' `AdamOptimizer` with the per-variable update fused into one
 * kernel on the WebAssembly backend: one kernel call and one pass over
 * memory per variable instead of 14 kernels (each a dispatch through the
 * engine and a pass over the weights). The arithmetic is the stock
 * optimizer's, operation for operation in float32, so the weights and
 * moments are bit for bit those of `tf.train.adam` (tested on wasm and
 * against the CPU backend). Everything else is inherited: `getWeights` /
 * `setWeights`, `getConfig`, the serialized class name `'Adam'` (a saved
 * model loads with the stock optimizer), `dispose`.
 *
 * The fused step runs when the active backend is `wasm` and the
 * `TrainkitAdamUpdate` kernel is registered (`selectBackend` and
 * `registerWasmTrainingKernels` do that), for float32 variables whose
 * gradient has their shape; anything else takes the stock path.
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  /**
   * Applies one Adam update to each variable named in `variableGradients`.
   *
   * @param variableGradients - gradients by variable name, or a list of `{ name, tensor }`.
   */
  override applyGradients(variableGradients: VariableGradients): void {
    const fused = tf.getBackend() === WASM && tf.getKernel(ADAM_UPDATE, WASM) !== undefined;
    if (!fused) {
      super.applyGradients(variableGradients);
      return;
    }
    const state = this as unknown as AdamState;
    const list = Array.isArray(variableGradients);
    const names = list
      ? (variableGradients as NamedTensor[]).map((v) => v.name)
      : Object.keys(variableGradients);
    const attrs = {
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      learningRate: this.learningRate,
    };
    tf.tidy(() => {
      const oneMinusAccBeta1 = tf.sub(1, state.accBeta1);
      const oneMinusAccBeta2 = tf.sub(1, state.accBeta2);
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name] as tf.Variable;
        if (state.accumulatedFirstMoment[i] == null) {
          state.accumulatedFirstMoment[i] = {
            originalName: `${name}/m`,
            variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
          };
        }
        if (state.accumulatedSecondMoment[i] == null) {
          state.accumulatedSecondMoment[i] = {
            originalName: `${name}/v`,
            variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
          };
        }
        const gradient = list
          ? (variableGradients as NamedTensor[])[i]?.tensor
          : (variableGradients as Record<string, tf.Tensor>)[name];
        if (gradient == null) return;
        const firstMoment = state.accumulatedFirstMoment[i].variable;
        const secondMoment = state.accumulatedSecondMoment[i].variable;
        if (
          value.dtype === 'float32' &&
          gradient.dtype === 'float32' &&
          firstMoment.dtype === 'float32' &&
          secondMoment.dtype === 'float32' &&
          tf.util.arraysEqual(gradient.shape, value.shape) &&
          tf.util.arraysEqual(firstMoment.shape, value.shape) &&
          tf.util.arraysEqual(secondMoment.shape, value.shape)
        ) {
          const [m, v, x] = tf.engine().runKernel(
            ADAM_UPDATE,
            {
              gradient,
              m: firstMoment,
              v: secondMoment,
              x: value,
              oneMinusAccBeta1,
              oneMinusAccBeta2,
            },
            attrs as unknown as tf.NamedAttrMap,
          ) as tf.Tensor[];
          firstMoment.assign(m as tf.Tensor);
          secondMoment.assign(v as tf.Tensor);
          value.assign(x as tf.Tensor);
          return;
        }
        // The stock arithmetic (broadcast gradients, other dtypes).
        const newFirstMoment = tf.add(
          tf.mul(firstMoment, this.beta1),
          tf.mul(gradient, 1 - this.beta1),
        );
        const newSecondMoment = tf.add(
          tf.mul(secondMoment, this.beta2),
          tf.mul(tf.square(gradient), 1 - this.beta2),
        );
        const biasCorrectedFirstMoment = tf.div(newFirstMoment, oneMinusAccBeta1);
        const biasCorrectedSecondMoment = tf.div(newSecondMoment, oneMinusAccBeta2);
        firstMoment.assign(newFirstMoment);
        secondMoment.assign(newSecondMoment);
        value.assign(
          tf.add(
            tf.mul(
              tf.div(
                biasCorrectedFirstMoment,
                tf.add(tf.sqrt(biasCorrectedSecondMoment), this.epsilon),
              ),
              -this.learningRate,
            ),
            value,
          ),
        );
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }
}

/**
 * Adam with the update fused into one WebAssembly kernel per variable: a
 * drop-in for `tf.train.adam` (same arguments, same defaults, the same
 * weights bit for bit) that makes each step of an MLP on the wasm backend
 * cheaper (measured in `bench/`). On other backends, or before the wasm
 * training kernels are registered, it runs the stock arithmetic.
 *
 * @param learningRate - step size (default 0.001).
 * @param beta1 - decay of the first-moment estimate, in [0, 1) (default 0.9).
 * @param beta2 - decay of the second-moment estimate, in [0, 1) (default 0.999).
 * @param epsilon - added to the root of the second moment, > 0 (default: the backend's epsilon, 1e-7).
 * @returns A {@link FusedAdamOptimizer} (a `tf.AdamOptimizer`).
 * @throws InvalidArgumentError (from `@trainkit/core`) for a non-finite learning rate, betas
 *   outside [0, 1) or an epsilon that is not > 0.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { fusedAdam, selectBackend } from '@trainkit/backend';
 *
 * await selectBackend({ backend: 'wasm' });
 * const optimizer = fusedAdam(1e-3); // instead of tf.train.adam(1e-3)
 * model.compile({ optimizer, loss: 'categoricalCrossentropy' });
 * ```
 */
export function fusedAdam(
  learningRate = 0.001,
  beta1 = 0.9,
  beta2 = 0.999,
  epsilon?: number,
): FusedAdamOptimizer {
  const check = checkArguments('fusedAdam');
  check.finite('learningRate', learningRate);
  const beta = {
    min: 0,
    max: 1,
    maxInclusive: false,
    fix: 'Use a decay in [0, 1), e.g. 0.9 or 0.999.',
  };
  check.number('beta1', beta1, beta);
  check.number('beta2', beta2, beta);
  if (epsilon !== undefined)
    check.positive('epsilon', epsilon, 'Leave epsilon out for the backend default (1e-7).');
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
