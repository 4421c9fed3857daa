import { InvalidArgumentError } from '@trainkit/core';
import { describe, expect, it } from 'vitest';
import { type BackendInUse, backendAdvice, phaseAdvice, phaseAdviceTable } from './phase-advice';
import { createProfiler } from './profiler';
import { summarizeProfile } from './summarize-profile';
import { manualClock } from './test-helpers';

/** One iteration per list of [phase, ms], with a manual clock. */
function profile(iterations: ReadonlyArray<ReadonlyArray<readonly [string, number]>>) {
  const time = manualClock();
  const profiler = createProfiler({ clock: time.clock, warn: () => {} });
  for (const phases of iterations) {
    for (const [name, ms] of phases) {
      profiler.phase(name);
      time.advance(ms);
    }
    profiler.endIteration();
  }
  return profiler.state();
}

const text = (advice: readonly string[]) => advice.join('\n');

describe('phase advice knows what the phase does', () => {
  it('a checkpoint phase gets checkpoint advice, never "logging is too frequent"', () => {
    for (const name of ['checkpoint', 'Checkpointing', 'save', 'ckpt', 'save_checkpoint']) {
      const row = phaseAdvice(name);
      expect(row.category, name).toBe('checkpoint');
      expect(text(row.advice)).toMatch(/^Checkpoints are too frequent/);
      expect(text(row.advice)).not.toMatch(/[Ll]ogging/);
    }
    expect(phaseAdvice('tensorboard').category).toBe('logging');
    const report = summarizeProfile(
      profile(
        Array.from({ length: 4 }, () => [['step', 50] as const, ['checkpoint', 30] as const]),
      ),
    );
    const warning = report.warnings.find((w) => w.kind === 'phase-share');
    expect(warning).toMatchObject({ phase: 'checkpoint', category: 'checkpoint', share: 0.375 });
    expect(warning?.kind === 'phase-share' && text(warning.advice)).not.toMatch(/[Ll]ogging/);
  });

  it('phases with other names get the category the caller declares', () => {
    const state = profile([
      [
        ['write weights', 60],
        ['step', 40],
      ],
    ]);
    expect(summarizeProfile(state).bottleneck?.category).toBe('custom');
    const report = summarizeProfile(state, { phaseCategories: { 'write weights': 'checkpoint' } });
    expect(report.bottleneck).toMatchObject({ phase: 'write weights', category: 'checkpoint' });
    expect(report.phases[0]!.category).toBe('checkpoint');
    expect(report.bottleneck?.advice[0]).toMatch(/^Checkpoints are too frequent/);
    expect(() => summarizeProfile(state, { phaseCategories: { x: 'saving' as never } })).toThrow(
      `summarizeProfile: phaseCategories['x'] must be one of 'data', 'forward'`,
    );
  });

  it('a run that accumulates gradients is not told to start accumulating', () => {
    const state = profile([
      [
        ['optimizer', 60],
        ['forward', 40],
      ],
    ]);
    expect(text(summarizeProfile(state).bottleneck!.advice)).toMatch(/@trainkit\/accumulate/);
    const advice = text(summarizeProfile(state, { accumulationSteps: 4 }).bottleneck!.advice);
    expect(advice).not.toMatch(/@trainkit\/accumulate/);
    expect(advice).toMatch(/more micro-batches per update than the 4 the run uses now/);
    expect(() => summarizeProfile(state, { accumulationSteps: 0 })).toThrow(InvalidArgumentError);
  });
});

describe('backend advice never recommends what the run already uses', () => {
  const node = (backend: string, extra: Partial<BackendInUse> = {}) =>
    text(backendAdvice({ backend, environment: 'node', ...extra }));
  const browser = (backend: string, extra: Partial<BackendInUse> = {}) =>
    text(backendAdvice({ backend, environment: 'browser', ...extra }));

  it('wasm with SIMD in Node: tfjs-node, never WebAssembly threads or SIMD', () => {
    const advice = node('wasm', { simd: true, threads: 1 });
    expect(advice).toBe(
      'The WebAssembly backend already runs with SIMD; WebAssembly threads do not work in Node: tfjs-node (native TensorFlow, multi-threaded) is faster where it installs.',
    );
    // Same for the selection report of @trainkit/backend (extra fields are fine).
    expect(
      backendAdvice({
        backend: 'wasm',
        simd: true,
        threads: 1,
        environment: 'node',
        reason: 'x',
      } as BackendInUse),
    ).toEqual([advice]);
    expect(node('wasm', { simd: false })).toMatch(/runs without SIMD: load its SIMD binary/);
  });

  it('in Node no advice recommends threads; each backend is told of a faster one, not itself', () => {
    for (const backend of [undefined, 'cpu', 'wasm', 'tensorflow', 'webgl']) {
      const advice = text(
        backendAdvice(
          backend === undefined
            ? { backend: 'x', environment: 'node' }
            : { backend, environment: 'node' },
        ),
      );
      expect(advice).not.toMatch(/with SIMD and threads|use threads|can use threads/);
    }
    expect(node('cpu')).toMatch(/^The cpu backend is plain JavaScript: use WebAssembly with SIMD/);
    expect(node('tensorflow')).not.toMatch(/use tfjs-node \(|tfjs-node \(native TensorFlow\) or/);
    expect(node('tensorflow')).toMatch(/tfjs-node-gpu/);
    expect(text(backendAdvice(undefined))).toMatch(/^Use a faster backend: tfjs-node/); // tests run in Node
  });

  it('in the browser: WebGPU is the end of the line, WebGL is told about WebGPU, wasm about threads', () => {
    expect(backendAdvice({ backend: 'webgpu', environment: 'browser' })).toEqual([]);
    expect(browser('webgl')).toBe('Try the WebGPU backend where the browser supports it.');
    expect(browser('wasm', { simd: true, threads: 1 })).toMatch(/cross-origin isolated .* threads/);
    expect(browser('wasm', { simd: true, threads: 4 })).not.toMatch(/threads/);
    expect(browser('wasm', { simd: true, threads: 4 })).not.toMatch(/SIMD/);
    expect(browser('cpu')).toMatch(/WebGPU, WebGL, or WebAssembly/);
  });

  it('summarizeProfile and phaseAdvice use the backend; the table keeps the general line', () => {
    const state = profile([
      [
        ['train step', 90],
        ['data', 10],
      ],
    ]);
    const wasmNode = { backend: 'wasm', simd: true, threads: 1, environment: 'node' } as const;
    const advice = summarizeProfile(state, { backend: wasmNode }).bottleneck!.advice;
    expect(advice).toEqual([
      'The forward and backward passes dominate: use a smaller network (fewer layers, fewer units or channels).',
      'Lower the input resolution.',
      'The WebAssembly backend already runs with SIMD; WebAssembly threads do not work in Node: tfjs-node (native TensorFlow, multi-threaded) is faster where it installs.',
    ]);
    expect(
      phaseAdvice('step', { backend: { backend: 'webgpu', environment: 'browser' } }).advice,
    ).toHaveLength(2);
    const general = phaseAdviceTable.find((row) => row.category === 'step')!.advice[2];
    expect(general).toMatch(/in Node, tfjs-node .* else WebAssembly with SIMD; in the browser/);
    expect(() => summarizeProfile(state, { backend: { backend: '' } })).toThrow(
      `summarizeProfile: backend.backend must be a backend name such as 'wasm' (tf.getBackend()), got "".`,
    );
    expect(() =>
      summarizeProfile(state, { backend: { backend: 'wasm', environment: 'deno' as never } }),
    ).toThrow(InvalidArgumentError);
  });
});
