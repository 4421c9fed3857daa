import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HParamsPluginContent } from '@trainkit/tensorboard';
import { scalarSeries } from '@trainkit/tensorboard';
import { readLogdir } from '@trainkit/tensorboard/node';
import { describe, expect, it } from 'vitest';
import { manualSearch } from '../manual-search';
import { runSearch } from '../run-search';
import { categorical, defineSpace, logUniform } from '../space';
import { writeSearchHParams } from './tensorboard-hparams';

async function sampleResult() {
  return runSearch({
    strategy: manualSearch({
      space: defineSpace({ lr: logUniform(1e-4, 1), optimizer: categorical(['adam', 'sgd']) }),
      configs: [
        { lr: 0.1, optimizer: 'adam' },
        { lr: 0.01, optimizer: 'sgd' },
        { lr: 1, optimizer: 'sgd' },
      ],
    }),
    direction: 'minimize',
    objective: async (trial) => {
      const lr = trial.config.lr as number;
      if (lr === 1) throw new Error('diverged');
      for (let step = 1; step <= 3; step++) await trial.report(lr + 1 / step, step);
      return lr;
    },
  });
}

function hparamsOf(
  events: readonly { summaries: readonly { kind: string }[] }[],
): HParamsPluginContent[] {
  return events.flatMap((e) =>
    e.summaries
      .filter((s) => s.kind === 'hparams')
      .map((s) => (s as unknown as { data: HParamsPluginContent }).data),
  );
}

describe('writeSearchHParams', () => {
  it('writes the experiment and one session per trial that TensorBoard reads back', async () => {
    const result = await sampleResult();
    const logdir = join(mkdtempSync(join(tmpdir(), 'trainkit-hparams-')), 'search');
    const written = await writeSearchHParams(result, logdir);
    expect(written.map((d) => d.slice(logdir.length + 1))).toEqual([
      'trial-0',
      'trial-1',
      'trial-2',
    ]);

    const runs = await readLogdir(logdir);
    expect([...runs.keys()].sort()).toEqual(['.', 'trial-0', 'trial-1', 'trial-2']);
    const [experiment] = hparamsOf(runs.get('.')!.events);
    expect(experiment?.kind).toBe('experiment');
    if (experiment?.kind !== 'experiment') return;
    expect(experiment.experiment.hparams.map((h) => [h.name, h.domain])).toEqual([
      ['lr', { min: 0.01, max: 1 }],
      ['optimizer', ['adam', 'sgd']],
      ['search/stage', [1]],
      ['search/state', ['finished', 'failed']],
    ]);
    expect(experiment.experiment.metrics.map((m) => m.tag)).toEqual([
      'search/value',
      'search/report',
    ]);

    const session = hparamsOf(runs.get('trial-1')!.events);
    expect(session.map((c) => c.kind)).toEqual(['session-start', 'session-end']);
    if (session[0]?.kind === 'session-start') {
      expect(session[0].sessionStart.hparams).toEqual({
        lr: 0.01,
        optimizer: 'sgd',
        'search/stage': 1,
        'search/state': 'finished',
      });
    }
    if (session[1]?.kind === 'session-end') expect(session[1].sessionEnd.status).toBe('success');
    const scalars = scalarSeries(runs.get('trial-1')!.events);
    expect(scalars.get('search/report')!.map((p) => [p.step, p.value])).toEqual([
      [1, Math.fround(1.01)],
      [2, Math.fround(0.51)],
      [3, Math.fround(0.01 + 1 / 3)],
    ]);
    expect(scalars.get('search/value')!.map((p) => p.value)).toEqual([Math.fround(0.01)]);

    const failed = hparamsOf(runs.get('trial-2')!.events);
    if (failed[1]?.kind === 'session-end') expect(failed[1].sessionEnd.status).toBe('failure');
    expect(failed.map((c) => c.kind)).toEqual(['session-start', 'session-end']);
  });

  it('refuses a directory with content unless asked to replace an earlier export', async () => {
    const result = await sampleResult();
    const logdir = mkdtempSync(join(tmpdir(), 'trainkit-hparams-'));
    await writeSearchHParams(result, logdir);
    await expect(writeSearchHParams(result, logdir)).rejects.toThrow(
      'writeSearchHParams: logdir must be an empty or new directory',
    );
    writeFileSync(join(logdir, 'notes.txt'), 'keep me');
    await writeSearchHParams(result, logdir, { replace: true });
    const runs = await readLogdir(logdir);
    expect(hparamsOf(runs.get('.')!.events)).toHaveLength(1);
    expect(hparamsOf(runs.get('trial-0')!.events)).toHaveLength(2);
  });
});
