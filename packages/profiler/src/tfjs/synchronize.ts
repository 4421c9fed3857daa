import * as tf from '@tensorflow/tfjs-core';
import { checkArguments } from '@trainkit/core';
import type { Profiler } from '../profiler';

/** Backends whose kernels run after the call that queued them returns. */
const asynchronousBackends = new Set(['webgl', 'webgpu']);

/** When {@link synchronizedProfiler} waits for the backend. */
export type SynchronizeMode = 'auto' | 'always' | 'never';

/** Options of {@link synchronizedProfiler}. */
export interface SynchronizedProfilerOptions {
  /**
   * `'auto'` (default): wait only on asynchronous backends (`webgl`,
   * `webgpu`), where a phase's kernels may still run after the phase's code
   * returned; CPU, WASM and tfjs-node execute synchronously. `'always'`: wait
   * at every boundary. `'never'`: pass straight through.
   */
  readonly synchronize?: SynchronizeMode;
}

/** Tensors a boundary waits for: their values are read back before the mark. */
export type WaitFor = tf.Tensor | readonly tf.Tensor[];

/**
 * A {@link Profiler} whose boundaries first wait until the backend has
 * finished the queued work, so that time spent by asynchronous kernels is
 * attributed to the phase that queued them. The sync time itself counts
 * toward the phase that ends.
 */
export interface SynchronizedProfiler {
  /** The wrapped profiler (read its `state()`). */
  readonly profiler: Profiler;
  /** Whether boundaries wait on the current backend. */
  synchronizing(): boolean;
  /** Waits, then starts an iteration. */
  beginIteration(waitFor?: WaitFor): Promise<void>;
  /** Waits, then starts `phase` (ending the running one). */
  phase(phase: string | number, waitFor?: WaitFor): Promise<void>;
  /** Waits, then ends the running phase. */
  endPhase(waitFor?: WaitFor): Promise<void>;
  /** Waits, then ends the iteration. */
  endIteration(samples?: number, waitFor?: WaitFor): Promise<void>;
}

/**
 * Waits until the active backend has executed the work queued so far.
 *
 * With `waitFor`, reads those tensors back (`await t.data()`): a readback
 * completes after every earlier command of the in-order GPU queue, so pass a
 * tensor the phase produced (the loss, the updated weights). Without it,
 * reads back a 1-element `tf.fill` probe, which runs as a device program on
 * WebGL/WebGPU after the queued work, and disposes it.
 *
 * Cost: one readback and a promise turn (tens of microseconds on the CPU
 * backend, see the package benchmark; on a GPU it also ends the overlap of
 * CPU and GPU work, so synchronize only while profiling).
 *
 * @param waitFor - Tensors to read back; default a 1-element probe.
 * @returns A promise that resolves when the backend is idle.
 *
 * @example
 * ```ts
 * const loss = optimizer.minimize(() => lossFn(model, batch), true);
 * await synchronizeBackend(loss);
 * ```
 */
export async function synchronizeBackend(waitFor?: WaitFor): Promise<void> {
  if (waitFor !== undefined) {
    const list: readonly tf.Tensor[] = Array.isArray(waitFor) ? waitFor : [waitFor as tf.Tensor];
    list.forEach((tensor, i) => {
      // A tensor, recognized by the one method used (works across copies of tfjs-core).
      if (typeof (tensor as { data?: unknown } | null)?.data !== 'function') {
        checkArguments('synchronizeBackend').fail(
          Array.isArray(waitFor) ? `waitFor[${i}]` : 'waitFor',
          tensor,
          'a tensor (or a list of tensors) the phase produced',
          'Pass the tensor to read back, or nothing to wait with a probe.',
        );
      }
    });
    if (list.length > 0) {
      await Promise.all(list.map((tensor) => tensor.data()));
      return;
    }
  }
  const probe = tf.fill([1], 1);
  try {
    await probe.data();
  } finally {
    probe.dispose();
  }
}

/**
 * Wraps a profiler so that each boundary can synchronize TensorFlow.js
 * first (see {@link SynchronizedProfilerOptions.synchronize}). Without
 * synchronization, a WebGL phase that only queues kernels looks instant and
 * the next readback phase (often logging) takes the blame.
 *
 * @param profiler - From `createProfiler`.
 * @param options - See {@link SynchronizedProfilerOptions}.
 * @returns A {@link SynchronizedProfiler} whose methods return promises.
 *
 * @example
 * ```ts
 * const profiler = createProfiler({ batchSize: 64 });
 * const sync = synchronizedProfiler(profiler); // waits on webgl/webgpu only
 * await sync.phase('data');
 * const { xs, ys } = nextBatch();
 * await sync.phase('train step');
 * const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.predict(xs)), true)!;
 * await sync.endIteration(64, loss);
 * ```
 */
export function synchronizedProfiler(
  profiler: Profiler,
  options: SynchronizedProfilerOptions = {},
): SynchronizedProfiler {
  const check = checkArguments('synchronizedProfiler');
  options = check.options('options', options, "{ synchronize: 'auto' }");
  if (typeof profiler !== 'object' || profiler === null || typeof profiler.phase !== 'function') {
    check.fail('profiler', profiler, 'a profiler from createProfiler');
  }
  const mode =
    options.synchronize === undefined
      ? 'auto'
      : check.oneOf('synchronize', options.synchronize, ['auto', 'always', 'never'] as const);
  const synchronizing = (): boolean =>
    mode === 'always' || (mode === 'auto' && asynchronousBackends.has(tf.getBackend()));
  const wait = (waitFor: WaitFor | undefined): Promise<void> | undefined =>
    synchronizing() ? synchronizeBackend(waitFor) : undefined;
  return {
    profiler,
    synchronizing,
    async beginIteration(waitFor) {
      await wait(waitFor);
      profiler.beginIteration();
    },
    async phase(phase, waitFor) {
      await wait(waitFor);
      profiler.phase(phase);
    },
    async endPhase(waitFor) {
      await wait(waitFor);
      profiler.endPhase();
    },
    async endIteration(samples, waitFor) {
      await wait(waitFor);
      profiler.endIteration(samples);
    },
  };
}
