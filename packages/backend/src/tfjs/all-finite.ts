import * as tf from '@tensorflow/tfjs-core';
import { checkArguments } from '@trainkit/core';
import { simdKernels } from './simd/instance';
import { WASM } from './wasm-kernel-calls';

/**
 * Whether every element of every tensor is finite (no NaN, no ±Infinity):
 * the check before applying gradients (skip a micro-batch whose gradients
 * are not finite). On the WebAssembly backend with trainkit's SIMD module it
 * reads the tensors in place with a bit test, 16 values per iteration, and
 * dispatches no kernel (about 20 µs for the 235,146 gradients of a
 * 784-256-128-10 MLP, where `tf.sum` over each gradient, a float32 sum in
 * order, takes about 10x as long); elsewhere `tf.all(tf.isFinite(x))` per
 * tensor. Integer and boolean tensors are always finite; `null` entries (a
 * variable without a gradient) are skipped; complex and string tensors are
 * refused.
 *
 * @param tensors - The tensors: a list, or a map such as `tf.variableGrads(...).grads`.
 * @returns True when no element is NaN or infinite.
 * @throws InvalidArgumentError (from `@trainkit/core`) for an entry that is not a
 *   live tensor (or null).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { allFinite } from '@trainkit/backend';
 *
 * const { value, grads } = tf.variableGrads(() => loss(x, y));
 * if (allFinite(grads)) optimizer.applyGradients(grads);
 * tf.dispose([value, ...Object.values(grads)]);
 * ```
 */
export function allFinite(
  tensors: readonly (tf.Tensor | null | undefined)[] | tf.NamedTensorMap,
): boolean {
  const check = checkArguments('allFinite');
  const entries: [string, unknown][] = Array.isArray(tensors)
    ? tensors.map((t, i) => [`tensors[${i}]`, t])
    : typeof tensors === 'object' && tensors !== null
      ? Object.entries(tensors).map(([name, t]) => [`tensors['${name}']`, t])
      : check.fail(
          'tensors',
          tensors,
          'a list or a map of tensors',
          'Pass e.g. tf.variableGrads(...).grads.',
        );
  const live: tf.Tensor[] = [];
  for (const [name, entry] of entries) {
    if (entry == null) continue;
    if (!(entry instanceof tf.Tensor) || entry.isDisposed) {
      check.fail(
        name,
        entry instanceof tf.Tensor ? 'a disposed tensor' : entry,
        'a live tf.Tensor (or null)',
        'Check the tensors before disposing them.',
      );
    }
    const t = entry as tf.Tensor;
    if (t.dtype === 'complex64' || t.dtype === 'string') {
      check.fail(`${name}.dtype`, t.dtype, "'float32', 'int32' or 'bool'", 'Check real tensors.');
    }
    if (t.dtype === 'float32') live.push(t);
  }
  const backend = tf.getBackend() === WASM ? tf.backend() : undefined;
  const simd = backend === undefined ? undefined : simdKernels(backend);
  for (const t of live) {
    if (t.size === 0) continue;
    if (simd !== undefined) {
      const data = simd.backend.typedArrayFromHeap(t);
      if (simd.kernels.all_finite(data.byteOffset, t.size) === 0) return false;
      continue;
    }
    const finite = tf.tidy(() => tf.all(tf.isFinite(t)));
    const ok = finite.dataSync()[0] === 1;
    finite.dispose();
    if (!ok) return false;
  }
  return true;
}
