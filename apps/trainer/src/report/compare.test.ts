import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfiguration, readHistory, writeConfiguration } from '../artifacts';
import { bestRun, compareRuns, formatComparison, writeComparison } from './compare';
import { writeSyntheticRun } from './synthetic-run';

let work: string;
let a: string;
let b: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'trainkit-compare-'));
  a = path.join(work, 'runs', 'lr-3e-3');
  b = path.join(work, 'runs', 'lr-1e-2');
  await writeSyntheticRun(a, { name: 'lr-3e-3' });
  await writeSyntheticRun(b, {
    name: 'lr-1e-2',
    learningRate: 0.01,
    batchSize: 32,
    best: 0.985,
    test: 0.97,
    lossScale: 1.2,
  });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('compareRuns', () => {
  it('lists exactly the settings that differ, with each run’s value', async () => {
    const comparison = await compareRuns([a, b]);
    expect(comparison.runs.map((r) => r.name)).toEqual(['lr-3e-3', 'lr-1e-2']);
    expect(comparison.differences).toEqual([
      { key: 'batchSize', values: [64, 32] },
      { key: 'learningRate', values: [0.003, 0.01] },
    ]);
    const settings = (await readConfiguration(a))!.settings;
    // Every other key (and the command) is the same: counted, not listed.
    expect(comparison.sameKeys).toBe(Object.keys(settings).length + 1 - 2);
    expect(comparison.notes).toEqual([]);
  });

  it('gives the final metrics of each run side by side and marks the best', async () => {
    const comparison = await compareRuns([a, b]);
    const metric = (name: string) => comparison.metrics.find((m) => m.name === name)!;
    expect(metric('best validation accuracy').values).toEqual([0.98, 0.985]);
    expect(bestRun(metric('best validation accuracy'))).toBe(1);
    expect(metric('test accuracy').values).toEqual([0.975, 0.97]);
    expect(bestRun(metric('test accuracy'))).toBe(0);
    const lastA = (await readHistory(a))!.train.values.at(-1)!;
    const lastB = (await readHistory(b))!.train.values.at(-1)!;
    expect(metric('final training loss').values).toEqual([lastA, lastB]);
    expect(lastB).toBeCloseTo(1.2 * lastA, 12);
    expect(bestRun(metric('final training loss'))).toBe(0);
    // Equal values: no best.
    expect(metric('optimizer updates').values).toEqual([300, 300]);
    expect(bestRun(metric('training time'))).toBeUndefined();
    expect(metric('cross-validation accuracy (mean)').values[0]).toBeCloseTo(0.98, 12);
  });

  it('counts a key one run lacks as a difference and names runs without artifacts', async () => {
    const c = path.join(work, 'other', 'lr-3e-3');
    await writeSyntheticRun(c, { name: 'c' });
    const configuration = (await readConfiguration(c))!;
    const { budget: _budget, ...settings } = configuration.settings;
    await writeConfiguration(c, { command: 'train', settings });
    const comparison = await compareRuns([a, c]);
    // Same directory names: the parent folder makes them unique.
    expect(comparison.runs.map((r) => r.name)).toEqual(['runs/lr-3e-3', 'other/lr-3e-3']);
    expect(comparison.differences).toEqual([
      { key: 'command', values: ['recipe', 'train'] },
      { key: 'budget', values: ['quick', undefined] },
    ]);
    const empty = path.join(work, 'empty');
    await mkdir(empty);
    await writeConfiguration(empty, { command: 'train', settings });
    const withEmpty = await compareRuns([a, empty]);
    expect(withEmpty.notes).toEqual([
      'empty: no result.json (not finished?).',
      'empty: no history.json (no curves).',
    ]);
    expect(withEmpty.metrics.find((m) => m.name === 'test accuracy')!.values).toEqual([
      0.975,
      undefined,
    ]);
  });
});

describe('formatComparison and writeComparison', () => {
  it('prints the differing settings and the metrics as aligned tables', async () => {
    const text = formatComparison(await compareRuns([a, b]));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(
      /^Configuration: 2 settings differ \(\d+ the same\); change one thing at a time to know what helped:$/,
    );
    expect(lines.slice(2, 6)).toEqual([
      'setting       lr-3e-3  lr-1e-2',
      '------------  -------  -------',
      'batchSize          64       32',
      'learningRate    0.003     0.01',
    ]);
    const metrics = lines.slice(lines.indexOf('Final metrics (* best):') + 2);
    expect(metrics.slice(0, 6)).toEqual([
      'metric                              lr-3e-3    lr-1e-2',
      '--------------------------------  ---------  ---------',
      'best validation accuracy           98.00%     98.50% *',
      'best validation loss                 0.07       0.07',
      'best epoch                              3          3',
      'test accuracy                      97.50% *   97.00%',
    ]);
  });

  it('writes a standalone page with the curves of both runs overlaid', async () => {
    const out = path.join(work, 'compare-out');
    const written = await writeComparison(await compareRuns([a, b]), out);
    const html = await readFile(written.html, 'utf8');
    expect([...html.matchAll(/<section id="([^"]+)">/g)].map((m) => m[1])).toEqual([
      'differences',
      'curves',
      'metrics',
    ]);
    // Two runs x (train, validation): four lines, named by run.
    const series = [
      ...html.matchAll(/<path d="[^"]+" stroke="#[0-9a-f]{6}"><title>([^<]+)<\/title>/g),
    ].map((m) => m[1]);
    expect(series).toEqual([
      'lr-3e-3 train',
      'lr-3e-3 validation',
      'lr-1e-2 train',
      'lr-1e-2 validation',
    ]);
    expect(html).toContain('<tr><td>learningRate</td><td>0.003</td><td>0.01</td></tr>');
    expect(html).toContain('<td>98.50% (best)</td>');
    expect(html).not.toMatch(/<script/);
    const markdown = await readFile(written.markdown, 'utf8');
    expect(markdown).toContain('| batchSize | 64 | 32 |');
    expect(markdown).toContain('![');
    expect(await readFile(path.join(out, 'compare-figures', 'curves.svg'), 'utf8')).toContain(
      'lr-1e-2 validation',
    );
  });
});
