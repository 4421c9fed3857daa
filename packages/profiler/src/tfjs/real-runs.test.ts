// Issue 11, "advice that knows its context", on real runs: model.fit on the WebAssembly
// backend with SIMD in Node (where WebAssembly threads cannot work), and a custom loop whose
// checkpoint phase really writes checkpoints (@trainkit/core/node).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '@trainkit/backend';
import { saveCheckpoint } from '@trainkit/core/node';
import { afterAll, describe, expect, it } from 'vitest';
import { seededClassifier } from '../../../../step-unit.shared';
import { formatProfileReport } from '../format-profile-report';
import { createProfiler } from '../profiler';
import { summarizeProfile } from '../summarize-profile';
import { type FitProfileResult, profilerCallback } from './profiler-callback';

afterAll(async () => {
  await tf.setBackend('cpu');
});

function mlp(): tfl.Sequential {
  return seededClassifier(32, 4);
}

describe('profiler advice on real runs', () => {
  it('model.fit on WebAssembly with SIMD in Node: no advice to use WebAssembly, SIMD or threads', async () => {
    const selection = await selectBackend({ backend: 'wasm' });
    expect(selection).toMatchObject({ backend: 'wasm', simd: true, threads: 1 });
    // tfjs-layers keeps one tensor per compiled model after dispose (with or without
    // callbacks); the profiler callback must add none.
    const fit = async (callbacks: tfl.CustomCallback[]): Promise<number> => {
      const before = tf.memory().numTensors;
      const x = tf.randomNormal([512, 32], 0, 1, 'float32', 3);
      const y = tf.oneHot(tf.randomUniform([512], 0, 4, 'int32', 4), 4);
      const model = mlp();
      await model.fit(x, y, { epochs: 2, batchSize: 32, verbose: 0, callbacks });
      model.optimizer.dispose();
      model.dispose();
      tf.dispose([x, y]);
      return tf.memory().numTensors - before;
    };
    let result: FitProfileResult | undefined;
    const callback = profilerCallback({
      log: () => {},
      onReport: (report) => {
        result = report;
      },
    });
    expect(await fit([callback])).toBe(await fit([]));
    const { report, text } = result!;
    expect(report.bottleneck?.phase).toBe('step');
    // The callback detected wasm, SIMD and Node: the faster-backend line says so.
    expect(report.bottleneck?.advice).toContain(
      'The WebAssembly backend already runs with SIMD; WebAssembly threads do not work in Node: tfjs-node (native TensorFlow, multi-threaded) is faster where it installs.',
    );
    expect(text).not.toMatch(/WASM with SIMD|with SIMD and threads|use WebAssembly/);
    // The same report when the caller passes selectBackend()'s result.
    const explicit = summarizeProfile(callback.profiler.state(), { backend: selection });
    expect(explicit.bottleneck?.advice).toEqual(report.bottleneck?.advice);
  });

  it('a checkpoint phase that writes real checkpoints gets checkpoint advice, not logging advice', async () => {
    await tf.setBackend('cpu');
    const directory = await mkdtemp(join(tmpdir(), 'profiler-ckpt-'));
    try {
      const model = mlp();
      const x = tf.randomNormal([64, 32], 0, 1, 'float32', 5);
      const y = tf.oneHot(tf.randomUniform([64], 0, 4, 'int32', 6), 4);
      const profiler = createProfiler({ phases: ['step', 'checkpoint'], warn: () => {} });
      for (let i = 0; i < 6; i += 1) {
        profiler.phase('step');
        await model.trainOnBatch(x, y);
        profiler.phase('checkpoint'); // every iteration: far too often
        const tensors = await Promise.all(
          model.getWeights().map(async (weight, j) => ({
            name: `w${j}`,
            dtype: 'float32' as const,
            shape: weight.shape,
            values: (await weight.data()) as Float32Array,
          })),
        );
        await saveCheckpoint(directory, { state: { iteration: i }, tensors }, { keep: 2 });
        profiler.endIteration(64);
      }
      model.optimizer.dispose();
      model.dispose();
      tf.dispose([x, y]);
      const report = summarizeProfile(profiler.state(), { warmupIterations: 1 });
      const checkpoint = report.phases.find((phase) => phase.name === 'checkpoint')!;
      expect(checkpoint.category).toBe('checkpoint');
      // fsync'ed writes of the weights take a visible share of every iteration.
      expect(checkpoint.share).toBeGreaterThan(0.1);
      const text = formatProfileReport(report);
      expect(text).toMatch(/ {2}- Checkpoints are too frequent: save by wall-clock time/);
      expect(text).not.toMatch(/Logging is too frequent/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
