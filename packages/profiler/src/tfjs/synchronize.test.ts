import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it, vi } from 'vitest';
import { createProfiler } from '../profiler';
import { manualClock } from '../test-helpers';
import { synchronizeBackend, synchronizedProfiler } from './synchronize';

/** A stand-in for a tensor whose kernels finish later: its readback advances the clock. */
function pendingTensor(advance: () => void): tf.Tensor {
  return {
    data: vi.fn(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      advance();
      return new Float32Array([0]);
    }),
  } as unknown as tf.Tensor;
}

describe('synchronizeBackend', () => {
  it('reads back a probe and disposes it', async () => {
    const before = tf.memory().numTensors;
    await synchronizeBackend();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads back the given tensors', async () => {
    const a = tf.scalar(1);
    const b = tf.scalar(2);
    const spies = [vi.spyOn(a, 'data'), vi.spyOn(b, 'data')];
    await synchronizeBackend([a, b]);
    expect(spies.map((spy) => spy.mock.calls.length)).toEqual([1, 1]);
    tf.dispose([a, b]);
  });
});

describe('synchronizedProfiler', () => {
  it('waits before marking, so the wait counts toward the phase that ends', async () => {
    const time = manualClock();
    const profiler = createProfiler({ clock: time.clock, warn: () => {} });
    const sync = synchronizedProfiler(profiler, { synchronize: 'always' });
    expect(sync.synchronizing()).toBe(true);
    await sync.phase('forward');
    time.advance(1); // the forward code returns after 1 ms, its kernels need 5 ms more
    const output = pendingTensor(() => time.advance(5));
    await sync.phase('logging', output);
    time.advance(2);
    await sync.endIteration(
      4,
      pendingTensor(() => time.advance(0)),
    );
    expect(output.data).toHaveBeenCalledTimes(1);
    expect(profiler.state().iterations.phaseMs).toEqual([[6, 2]]);
  });

  it('does not wait on the synchronous CPU backend in auto mode', async () => {
    expect(tf.getBackend()).toBe('cpu');
    const time = manualClock();
    const profiler = createProfiler({ clock: time.clock, warn: () => {} });
    const sync = synchronizedProfiler(profiler);
    expect(sync.synchronizing()).toBe(false);
    const output = pendingTensor(() => time.advance(5));
    await sync.beginIteration();
    await sync.phase('forward', output);
    time.advance(1);
    await sync.endPhase(output);
    await sync.endIteration(1, output);
    expect(output.data).not.toHaveBeenCalled();
    expect(profiler.state().iterations.phaseMs).toEqual([[1]]);
    expect(synchronizedProfiler(profiler, { synchronize: 'never' }).synchronizing()).toBe(false);
  });

  it('rejects a bad mode or profiler', () => {
    const profiler = createProfiler();
    expect(() => synchronizedProfiler(profiler, { synchronize: 'sometimes' as never })).toThrow(
      InvalidArgumentError,
    );
    expect(() => synchronizedProfiler(profiler, { synchronize: 'sometimes' as never })).toThrow(
      "synchronizedProfiler: synchronize must be one of 'auto', 'always', 'never', got \"sometimes\".",
    );
    expect(() => synchronizedProfiler(null as never)).toThrow(
      'synchronizedProfiler: profiler must be a profiler from createProfiler, got null.',
    );
  });
});
