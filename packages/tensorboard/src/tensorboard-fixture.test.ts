// Cross-check with the real TensorBoard. fixtures/logdir was written by
// fixtures/generate-logs.mjs; fixtures/tensorboard-validation.json records what
// TensorBoard 2.21 (Rust data server and Python data provider) served for it
// (fixtures/validate_with_tensorboard.py). No Python is needed here.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeJsonNumber } from '@trainkit/core';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fixtureLosses,
  fixtureRuns,
  fixtureWeights,
  writeFixtureLogdir,
} from '../fixtures/fixture-logdir.mjs';
import { type DecodedSummary, scalarSeries } from './event-reader';
import { computeHistogram } from './histogram';
import { createSummaryWriter, type RunContents, readLogdir } from './node';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const committed = path.join(fixtures, 'logdir');

interface ServedData {
  runs: string[];
  scalars: Record<string, [number, number | string][]>;
  histogram: { step: number; buckets: [number, number, number][] };
  images: Record<
    string,
    { step: number; width: number; height: number; firstPixel: number[]; sha256: string }[]
  >;
  text: Record<string, { step: number; html: string }[]>;
  hparamsExperiment: {
    description: string;
    hparams: { name: string; type: string; domainDiscrete: unknown; domainInterval: unknown }[];
    metrics: { group: string; tag: string; datasetType: string }[];
  };
  hparamsSessionGroups: {
    name: string;
    hparams: Record<string, unknown>;
    metrics: Record<string, [number, number]>;
    status: string;
  }[];
}
const validation = JSON.parse(
  fs.readFileSync(path.join(fixtures, 'tensorboard-validation.json'), 'utf8'),
) as {
  tensorboardVersion: string;
  rustDataServer: ServedData;
  pythonDataProvider: ServedData;
};

let runs: Map<string, RunContents>;
let scratch: string;
beforeAll(async () => {
  runs = await readLogdir(committed);
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'trainkit-tensorboard-fixture-'));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const summariesOf = (run: string): { step: number; summary: DecodedSummary }[] =>
  runs.get(run)!.events.flatMap((e) => e.summaries.map((summary) => ({ step: e.step, summary })));

describe(`fixture log directory read by TensorBoard ${validation.tensorboardVersion}`, () => {
  it('is still what the writer produces, byte for byte', async () => {
    const fresh = path.join(scratch, 'logdir');
    await writeFixtureLogdir(createSummaryWriter, fresh);
    for (const run of fixtureRuns) {
      const list = (root: string) =>
        fs.readdirSync(path.join(root, run)).filter((n) => n.includes('tfevents'));
      const [committedName] = list(committed);
      const [freshName] = list(fresh);
      // Names agree up to the per-process counter.
      const stem = (name: string) => name.replace(/\.\d+$/, '');
      expect(stem(freshName!)).toBe(stem(committedName!));
      const a = fs.readFileSync(path.join(committed, run, committedName!));
      const b = fs.readFileSync(path.join(fresh, run, freshName!));
      if (run === 'trial-a/samples') {
        // PNG bytes depend on the encoder version; compare what the images decode to.
        const decodeRun = async (root: string) =>
          (await readLogdir(path.join(root, run)))
            .get('.')!
            .events.flatMap((e) =>
              e.summaries.map((s) =>
                s.kind === 'image' ? s.images.map((png) => [...decode(png).data]) : s,
              ),
            );
        expect(await decodeRun(fresh)).toEqual(await decodeRun(committed));
      } else {
        expect(b.equals(a)).toBe(true);
      }
    }
  });

  it('has the runs TensorBoard listed, and no warnings', () => {
    expect([...runs.keys()]).toEqual(validation.rustDataServer.runs);
    expect([...runs.keys()]).toEqual(validation.pythonDataProvider.runs);
    for (const run of runs.values()) expect(run.warnings).toEqual([]);
  });

  it('reads the scalars TensorBoard serves, NaN and infinities included, from both data paths', () => {
    for (const data of [validation.rustDataServer, validation.pythonDataProvider]) {
      for (const [key, points] of Object.entries(data.scalars)) {
        const [run, tag] = key.split('|') as [string, string];
        const ours = scalarSeries(runs.get(run)!.events).get(tag)!;
        expect(ours.map((p) => [p.step, encodeJsonNumber(p.value)])).toEqual(points);
      }
    }
    // And those are the float32 roundings of what was logged.
    expect(
      validation.rustDataServer.scalars['trial-b/validation|epoch_loss']!.map(([, v]) => v),
    ).toEqual(fixtureLosses['trial-b'].validation.map(Math.fround));
  });

  it('reads the histogram TensorBoard draws: buckets from min to max with our default limits', () => {
    const [entry] = summariesOf('trial-a/train').filter(
      ({ summary }) => summary.kind === 'histogram',
    );
    expect(entry!.step).toBe(validation.rustDataServer.histogram.step);
    if (entry!.summary.kind !== 'histogram') throw new Error('expected a histogram');
    const h = entry!.summary.histogram;
    expect(h).toEqual(computeHistogram(fixtureWeights()));
    // TensorBoard's conversion: first left edge = min, later left edges = previous limit,
    // last right edge = max.
    const lefts = [h.min, ...h.bucketLimits.slice(0, -1)];
    const rights = [...h.bucketLimits.slice(0, -1), h.max];
    const triplets = h.bucketCounts.map((count, i) => [lefts[i]!, rights[i]!, count]);
    expect(triplets).toEqual(validation.rustDataServer.histogram.buckets);
    expect(triplets.map((t) => t.map(Math.fround))).toEqual(
      validation.pythonDataProvider.histogram.buckets,
    );
  });

  it('reads the images TensorBoard serves: sample counts, sizes and the exact PNG bytes', () => {
    const images = summariesOf('trial-a/samples').filter(({ summary }) => summary.kind === 'image');
    for (const data of [validation.rustDataServer, validation.pythonDataProvider]) {
      for (const [tag, samples] of Object.entries(data.images)) {
        const ours = images.find(({ summary }) => summary.tag === tag)!;
        if (ours.summary.kind !== 'image') throw new Error('expected an image');
        const pngs = ours.summary.images;
        expect(pngs.length).toBe(samples.length);
        samples.forEach((sample, i) => {
          expect(ours.step).toBe(sample.step);
          expect([ours.summary.kind === 'image' && ours.summary.width, sample.width]).toEqual([
            8, 8,
          ]);
          expect(createHash('sha256').update(pngs[i]!).digest('hex')).toBe(sample.sha256);
          expect([...decode(pngs[i]!).data.slice(0, 3)]).toEqual(sample.firstPixel);
        });
      }
    }
  });

  it('reads the text TensorBoard renders as Markdown and as a table', () => {
    const texts = summariesOf('trial-a/samples').filter(({ summary }) => summary.kind === 'text');
    expect(texts.map(({ step, summary }) => [step, summary])).toEqual([
      [4, { kind: 'text', tag: 'notes', shape: [], text: ['# Fixture\n\nA **markdown** note.'] }],
      [
        4,
        {
          kind: 'text',
          tag: 'predictions',
          shape: [3, 2],
          text: ['label', 'predicted', '7', '7', '4', '9'],
        },
      ],
    ]);
    const served = validation.rustDataServer.text;
    expect(served.notes![0]!.html).toBe(
      '<h1>Fixture</h1>\n<p>A <strong>markdown</strong> note.</p>',
    );
    expect(served.predictions![0]!.html.match(/<tr>/g)).toHaveLength(3);
    expect(served.predictions![0]!.html).toContain('<td><p>predicted</p></td>');
  });

  it('reads the hparams experiment and sessions TensorBoard compares', () => {
    const experiment = summariesOf('.').find(({ summary }) => summary.kind === 'hparams')!.summary;
    if (experiment.kind !== 'hparams' || experiment.data.kind !== 'experiment')
      throw new Error('expected an experiment');
    const servedExperiment = validation.rustDataServer.hparamsExperiment;
    expect(experiment.data.experiment.description).toBe(servedExperiment.description);
    const typeNames = {
      number: 'DATA_TYPE_FLOAT64',
      string: 'DATA_TYPE_STRING',
      boolean: 'DATA_TYPE_BOOL',
    };
    expect(
      experiment.data.experiment.hparams
        .map((h) => ({ name: h.name, type: typeNames[h.type!] }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    ).toEqual(servedExperiment.hparams.map((h) => ({ name: h.name, type: h.type })));
    expect(experiment.data.experiment.metrics.map((m) => ({ group: m.group, tag: m.tag }))).toEqual(
      servedExperiment.metrics.map((m) => ({ group: m.group, tag: m.tag })),
    );
    for (const group of validation.rustDataServer.hparamsSessionGroups) {
      const start = summariesOf(group.name).find(
        ({ summary }) => summary.kind === 'hparams' && summary.data.kind === 'session-start',
      )!.summary;
      if (start.kind !== 'hparams' || start.data.kind !== 'session-start')
        throw new Error('expected a session');
      expect(start.data.sessionStart.hparams).toEqual(group.hparams);
      expect(group.status).toBe('STATUS_SUCCESS');
      // The metric TensorBoard shows is the last value of <session>/<group> epoch_loss.
      const last = (run: string) =>
        scalarSeries(runs.get(`${group.name}/${run}`)!.events)
          .get('epoch_loss')!
          .at(-1)!;
      expect(group.metrics['validation|epoch_loss']).toEqual([
        last('validation').step,
        last('validation').value,
      ]);
      expect(group.metrics['train|epoch_loss']).toEqual([last('train').step, last('train').value]);
    }
  });
});
