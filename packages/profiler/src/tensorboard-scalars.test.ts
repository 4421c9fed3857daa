import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@trainkit/core';
import { scalarSeries } from '@trainkit/tensorboard';
import { createSummaryWriter, readRun } from '@trainkit/tensorboard/node';
import { afterEach, describe, expect, it } from 'vitest';
import { createProfiler } from './profiler';
import { summarizeProfile } from './summarize-profile';
import { writeIterationScalars, writeProfileScalars } from './tensorboard-scalars';

const f32 = Math.fround;
const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

function recorded() {
  const profiler = createProfiler({ clock: () => 0, warn: () => {}, batchSize: 32 });
  let t = 0;
  for (const [data, step] of [
    [10, 30],
    [20, 20],
    [5, 35],
  ] as const) {
    profiler.phase('data', t);
    profiler.phase('between batches', t + data);
    profiler.endIteration(undefined, t + data + step);
    t += 100;
  }
  return profiler;
}

async function roundTrip(write: (writer: Awaited<ReturnType<typeof createSummaryWriter>>) => void) {
  const logdir = mkdtempSync(join(tmpdir(), 'profiler-tb-'));
  directories.push(logdir);
  const writer = await createSummaryWriter(logdir, { flushIntervalMs: 0, flushOnExit: false });
  write(writer);
  await writer.close();
  const run = await readRun(logdir);
  expect(run.warnings).toEqual([]);
  return scalarSeries(run.events);
}

describe('TensorBoard export through @trainkit/tensorboard', () => {
  it('writes per-iteration phase times and throughput, step = iteration', async () => {
    const profiler = recorded();
    let next = 0;
    const series = await roundTrip((writer) => {
      next = writeIterationScalars(writer, profiler.state(), { fromIteration: 1 });
    });
    expect(next).toBe(3);
    const values = (tag: string) => series.get(tag)?.map((point) => [point.step, point.value]);
    expect(values('profiler/iteration_ms')).toEqual([
      [1, 40],
      [2, 40],
    ]);
    expect(values('profiler/phase_ms/data')).toEqual([
      [1, 20],
      [2, 5],
    ]);
    expect(values('profiler/phase_ms/between_batches')).toEqual([
      [1, 20],
      [2, 35],
    ]);
    expect(values('profiler/samples_per_second')).toEqual([
      [1, 800],
      [2, 800],
    ]);
  });

  it('writes the summary since the last call at one step', async () => {
    const profiler = recorded();
    const report = summarizeProfile(profiler.state());
    const series = await roundTrip((writer) => {
      const since = writeProfileScalars(writer, profiler.state(), { step: 7, prefix: 'timing' });
      expect(since).toBe(3);
      // nothing new: nothing written
      expect(writeProfileScalars(writer, profiler.state(), { step: 8, fromIteration: since })).toBe(
        3,
      );
    });
    const at = (tag: string) => series.get(tag)?.map((point) => [point.step, point.value]);
    expect(at('timing/mean_ms/iteration')).toEqual([[7, 40]]);
    expect(at('timing/mean_ms/data')).toEqual([[7, f32(35 / 3)]]);
    expect(at('timing/share/between_batches')).toEqual([[7, f32(report.phases[1]!.share)]]);
    expect(at('timing/share/unattributed')).toEqual([[7, 0]]);
    expect(at('timing/iterations_per_second')).toEqual([[7, 25]]);
    expect(at('timing/samples_per_second')).toEqual([[7, 800]]);
  });

  it('rejects bad options before writing', () => {
    const state = recorded().state();
    const writer = { scalars: () => {} };
    expect(() => writeProfileScalars(writer, state, { step: -1 })).toThrow(InvalidArgumentError);
    expect(() => writeProfileScalars(writer, state, { step: 1.5 })).toThrow(
      'writeProfileScalars: step must be an integer >= 0, got 1.5.',
    );
    expect(() => writeIterationScalars({} as never, state)).toThrow(
      'writeIterationScalars: writer must be a ScalarSink with scalars(values, step), got {}. Pass e.g. a SummaryWriter from @trainkit/tensorboard.',
    );
    expect(() => writeIterationScalars(writer, state, { prefix: '' })).toThrow(
      'writeIterationScalars: prefix must be a non-empty tag prefix, got "". Use e.g. \'profiler\'.',
    );
  });
});
