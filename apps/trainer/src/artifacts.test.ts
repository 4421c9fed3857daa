import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StateRestoreError } from '@trainkit/core';
import { createHistory, historyToJSON, recordTraining } from '@trainkit/curves';
import { confusionMatrix, confusionMatrixToJSON } from '@trainkit/metrics';
import { analyzeRangeTest, reportToJSON, sanityReport } from '@trainkit/sanity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeStateFormat } from '../../../state.shared';
import {
  artifactFiles,
  configurationFromJSON,
  configurationSettings,
  configurationToJSON,
  crossValidationFromJSON,
  crossValidationSummary,
  crossValidationToJSON,
  evaluationFromJSON,
  evaluationToJSON,
  type LearningRateFinderRecord,
  learningRateFinderFromJSON,
  learningRateFinderToJSON,
  misclassifiedFromJSON,
  misclassifiedToJSON,
  RunArtifactError,
  type RunConfiguration,
  type RunResult,
  readEvaluation,
  readHistory,
  readLearningRateFinder,
  readMisclassified,
  readResult,
  readRunArtifacts,
  readSchedule,
  readSearch,
  recipeFromJSON,
  recipeToJSON,
  resultFromJSON,
  resultToJSON,
  sampleSchedule,
  scheduleFromJSON,
  scheduleToJSON,
  searchFromJSON,
  searchToJSON,
  writeFileAtomic,
  writeHistory,
  writeResult,
} from './artifacts';
import { defaultTrainOptions } from './options';
import { classNames, rangeCurve, sanityResults, writeSyntheticRun } from './report/synthetic-run';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'trainkit-artifacts-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const result: RunResult = {
  name: 'r',
  backend: 'cpu',
  options: { model: 'mlp', learningRate: 0.002 },
  epochs: 2,
  updates: 40,
  trainingSeconds: 3.5,
  best: { epoch: 2, updates: 40, accuracy: 0.9, loss: 0.3 },
  train: { accuracy: 0.95, loss: 0.2, count: 900 },
  test: { accuracy: 0.88, loss: 0.35 },
};

describe('the trainer formats (state convention)', () => {
  describeStateFormat({
    format: 'trainkit.trainer.options',
    version: 1,
    toJSON: configurationToJSON,
    fromJSON: configurationFromJSON,
    samples: (): RunConfiguration[] => [
      { command: 'train', settings: {} },
      {
        command: 'recipe',
        settings: {
          model: 'cnn',
          learningRate: 0.003,
          clipNorm: null,
          test: true,
          budget: 'quick',
        },
      },
    ],
  });
  describeStateFormat({
    format: 'trainkit.trainer.result',
    version: 1,
    toJSON: resultToJSON,
    fromJSON: resultFromJSON,
    samples: () => [{ ...result, best: null, train: null, test: null }, result],
    optionalFields: ['train'],
  });
  describeStateFormat({
    format: 'trainkit.trainer.schedule',
    version: 1,
    toJSON: scheduleToJSON,
    fromJSON: scheduleFromJSON,
    samples: () => [
      sampleSchedule('constant', 3, () => 0.1),
      sampleSchedule(
        'one-cycle',
        5000,
        (s) => 0.1 * (1 - s / 5000),
        (s) => 0.9 + s / 50_000,
      ),
    ],
  });
  describeStateFormat({
    format: 'trainkit.trainer.evaluation',
    version: 1,
    toJSON: evaluationToJSON,
    fromJSON: evaluationFromJSON,
    samples: () => [
      {
        split: 'test' as const,
        count: 4,
        loss: 0.5,
        accuracy: 0.75,
        classNames: ['a', 'b'],
        matrix: confusionMatrix([0, 0, 1, 1], [0, 1, 1, 1], { numClasses: 2 }),
      },
    ],
  });
  describeStateFormat({
    format: 'trainkit.trainer.misclassified',
    version: 1,
    toJSON: misclassifiedToJSON,
    fromJSON: misclassifiedFromJSON,
    samples: () => [
      {
        split: 'test' as const,
        selection: 'most confident mistakes',
        total: 7,
        width: 2,
        height: 2,
        classNames: ['a', 'b', 'c'],
        samples: [
          {
            index: 5,
            label: 0,
            prediction: 2,
            probabilities: [0.1, 0.2, 0.7],
            pixels: [0, 255, 128, 3],
          },
        ],
      },
    ],
  });
  describeStateFormat<LearningRateFinderRecord>({
    format: 'trainkit.trainer.lrFinder',
    version: 1,
    toJSON: (record) =>
      learningRateFinderToJSON({
        analysis: record.analysis,
        analyzeOptions: record.analyzeOptions,
        ...(record.discrete === null ? {} : { discrete: record.discrete }),
        ...(record.discreteBest === null ? {} : { discreteBest: record.discreteBest }),
        ...(record.applied === null ? {} : { applied: record.applied }),
      }),
    fromJSON: learningRateFinderFromJSON,
    samples: () => [
      {
        analysis: analyzeRangeTest({ ...rangeCurve(), iterations: 100 }, { smoothing: 0.9 }),
        analyzeOptions: { smoothing: 0.9 },
        discrete: [
          {
            learningRate: 0.01,
            configured: true,
            verdict: 'diverged',
            startLoss: 2.3,
            peakLoss: Number.POSITIVE_INFINITY,
            endLoss: Number.NaN,
            relativeDrop: Number.NaN,
            pValue: 1,
            standardError: 0,
          },
        ],
        discreteBest: 0.001,
        applied: 0.001,
      },
    ],
  });
  describeStateFormat({
    format: 'trainkit.trainer.search',
    version: 1,
    toJSON: searchToJSON,
    fromJSON: searchFromJSON,
    samples: () => [
      {
        metric: 'validation accuracy',
        trialDirectories: { '0': 'trials/trial-0' },
        results: {
          format: 'trainkit.search.results' as const,
          version: 1 as const,
          searchId: 's1',
          direction: 'maximize' as const,
          parameterNames: ['learningRate'],
          counts: { pending: 0, running: 0, finished: 1, pruned: 0, failed: 0 } as never,
          best: { trial: 0, value: 0.9, config: { learningRate: 0.01 } },
          rows: [
            {
              rank: 1,
              trial: 0,
              stage: 0,
              state: 'finished',
              value: 0.9,
              config: { learningRate: 0.01 },
            },
          ],
        },
      },
    ],
  });
  describeStateFormat({
    format: 'trainkit.trainer.recipe',
    version: 1,
    toJSON: recipeToJSON,
    fromJSON: recipeFromJSON,
    samples: () => [
      {
        budget: 'quick',
        stoppedAt: 'overfit',
        steps: [
          {
            name: 'overfit',
            title: 'Overfit one batch',
            status: 'fail' as const,
            summary: 's',
            advice: ['a'],
            seconds: 1,
            decision: 'd',
            directory: 'x',
          },
        ],
      },
    ],
  });
  describeStateFormat({
    format: 'trainkit.trainer.crossValidation',
    version: 1,
    toJSON: crossValidationToJSON,
    fromJSON: crossValidationFromJSON,
    samples: () => [
      {
        k: 2,
        method: 'stratified',
        folds: [
          {
            fold: 1,
            trainSize: 10,
            validationSize: 5,
            accuracy: 0.8,
            loss: Number.NaN,
            directory: null,
          },
        ],
      },
    ],
  });
});

describe('artifacts on disk', () => {
  it('round-trips every artifact kind of a run directory through the writers and readers', async () => {
    const dir = path.join(work, 'every');
    const known = await writeSyntheticRun(dir, { name: 'every' });
    expect((await readdir(dir)).sort()).toEqual(Object.values(artifactFiles).sort());
    const { artifacts, errors } = await readRunArtifacts(dir);
    expect(errors).toEqual({});
    expect(artifacts.result).toEqual(known.result);
    expect(artifacts.configuration?.command).toBe('recipe');
    expect(artifacts.configuration?.settings.learningRate).toBe(known.learningRate);
    expect(artifacts.configuration?.settings.budget).toBe('quick');
    expect(artifacts.history?.train.values.length).toBe(30);
    expect(artifacts.profile?.report.iterations).toBe(18); // 20 minus 2 warm-up iterations
    expect(artifacts.schedule?.learningRate).toEqual(new Array(300).fill(known.learningRate));
    expect(Array.from(artifacts.evaluation!.matrix.counts)).toEqual(
      Array.from(confusionMatrix(known.labels, known.predictions, { numClasses: 10 }).counts),
    );
    expect(artifacts.misclassified?.samples.map((s) => [s.label, s.prediction])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    expect(reportToJSON(artifacts.sanity!)).toEqual(reportToJSON(sanityReport(sanityResults)));
    expect(artifacts.lrFinder?.analysis.suggestion).toBe(
      analyzeRangeTest({ ...rangeCurve(), iterations: 80 }).suggestion,
    );
    expect(artifacts.lrFinder?.discrete?.[2]?.endLoss).toBeNaN();
    expect(artifacts.search?.results.best?.config).toEqual({
      learningRate: 0.01,
      batchSize: 32,
      model: 'mlp',
    });
    expect(artifacts.recipe?.steps.map((s) => s.name)).toEqual([
      'data-checks',
      'initial-loss',
      'lr-finder',
      'final',
    ]);
    expect(crossValidationSummary(artifacts.crossValidation!).mean).toBeCloseTo(0.98, 12);
    expect(crossValidationSummary(artifacts.crossValidation!).standardDeviation).toBeCloseTo(
      0.01,
      12,
    );
  });

  it('gives undefined for a missing file and reads what the packages wrote with their own JSON', async () => {
    const dir = path.join(work, 'missing');
    await mkdir(dir);
    expect(await readResult(dir)).toBeUndefined();
    expect((await readRunArtifacts(dir)).artifacts).toEqual(
      Object.fromEntries(
        [
          'configuration',
          'result',
          'history',
          'profile',
          'schedule',
          'evaluation',
          'misclassified',
          'sanity',
          'lrFinder',
          'search',
          'recipe',
          'crossValidation',
        ].map((k) => [k, undefined]),
      ),
    );
    const history = createHistory({ name: 'h' });
    recordTraining(history, 0, 2.5);
    await writeFile(path.join(dir, 'history.json'), JSON.stringify(historyToJSON(history)));
    expect((await readHistory(dir))?.train.values).toEqual([2.5]);
    // A result.json written before the envelope existed (same payload) still reads.
    const { format: _f, version: _v, ...legacy } = resultToJSON(result);
    await writeFile(path.join(dir, 'result.json'), JSON.stringify(legacy));
    expect(await readResult(dir)).toEqual(result);
  });

  it('refuses damaged files with a RunArtifactError naming the file, the problem and the field', async () => {
    const dir = path.join(work, 'damaged');
    await writeSyntheticRun(dir, { name: 'damaged' });
    const expectError = async (
      read: () => Promise<unknown>,
      file: string,
      problem: string,
      field?: string,
    ) => {
      const error = await read().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(RunArtifactError.isInstance(error), String(error)).toBe(true);
      expect(StateRestoreError.isInstance(error)).toBe(true);
      const typed = error as RunArtifactError;
      expect(typed.file).toBe(path.join(dir, file));
      expect(typed.problem).toBe(problem);
      expect(typed.message.startsWith(`${path.join(dir, file)}: `)).toBe(true);
      if (field !== undefined) expect(typed.field).toBe(field);
      return typed;
    };
    const edit = async (file: string, change: (json: Record<string, unknown>) => void) => {
      const json = JSON.parse(await readFile(path.join(dir, file), 'utf8'));
      change(json);
      await writeFile(path.join(dir, file), JSON.stringify(json));
    };
    // Truncated.
    const text = await readFile(path.join(dir, 'result.json'), 'utf8');
    await writeFile(path.join(dir, 'result.json'), text.slice(0, text.length / 2));
    expect((await expectError(() => readResult(dir), 'result.json', 'not-json')).message).toMatch(
      /is not valid JSON .* truncated or edited/,
    );
    await writeFile(path.join(dir, 'result.json'), '');
    expect((await expectError(() => readResult(dir), 'result.json', 'not-json')).message).toContain(
      'the file is empty',
    );
    // Edited fields, each named.
    await edit('evaluation.json', (json) => {
      json.count = 999;
    });
    await expectError(() => readEvaluation(dir), 'evaluation.json', 'corrupt', 'count');
    await edit('evaluation.json', (json) => {
      json.count = 1000;
      (json.confusionMatrix as { counts: number[] }).counts[3] = -1;
    });
    await expectError(() => readEvaluation(dir), 'evaluation.json', 'corrupt', 'counts[3]');
    await edit('misclassified.json', (json) => {
      (json.samples as { prediction: number }[])[1]!.prediction = 1; // equal to its label
    });
    await expectError(
      () => readMisclassified(dir),
      'misclassified.json',
      'corrupt',
      'samples[1].prediction',
    );
    await edit('lr-finder.json', (json) => {
      json.suggestion = (json.suggestion as number) * 3; // not what the stored curve gives
    });
    await expectError(() => readLearningRateFinder(dir), 'lr-finder.json', 'corrupt', 'suggestion');
    await edit('schedule.json', (json) => {
      (json.steps as number[])[5] = 2; // not increasing
    });
    await expectError(() => readSchedule(dir), 'schedule.json', 'corrupt', 'steps[5]');
    await edit('search.json', (json) => {
      (json.results as { format: string }).format = 'something.else';
    });
    const search = await expectError(() => readSearch(dir), 'search.json', 'corrupt', 'format');
    expect(search.format).toBe('trainkit.search.results');
    await edit('history.json', (json) => {
      json.format = 'trainkit.curves.other';
    });
    await expectError(() => readHistory(dir), 'history.json', 'corrupt', 'format');
    // readRunArtifacts keeps the readable ones and lists the others.
    const { artifacts, errors } = await readRunArtifacts(dir);
    expect(Object.keys(errors).sort()).toEqual([
      'evaluation',
      'history',
      'lrFinder',
      'misclassified',
      'result',
      'schedule',
      'search',
    ]);
    expect(artifacts.recipe?.budget).toBe('quick');
    // Unreadable (a directory where the file should be).
    await rm(path.join(dir, 'recipe.json'));
    await mkdir(path.join(dir, 'recipe.json'));
    expect((await readRunArtifacts(dir)).errors.recipe?.problem).toBe('unreadable');
  });

  it('writes atomically: no temporary file stays, a failed write keeps the previous file', async () => {
    const dir = path.join(work, 'atomic');
    await mkdir(dir);
    await writeResult(dir, result);
    const before = await readFile(path.join(dir, 'result.json'), 'utf8');
    expect(JSON.parse(before)).toEqual(resultToJSON(result));
    // The target is a directory: the rename fails, the temporary file is removed.
    await mkdir(path.join(dir, 'history.json'));
    await expect(writeHistory(dir, createHistory())).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['history.json', 'result.json']);
    // A read-only directory: nothing is written, the previous file is intact.
    if (process.getuid?.() !== 0) {
      await chmod(dir, 0o500);
      await expect(writeResult(dir, { ...result, updates: 41 })).rejects.toThrow(/EACCES/);
      await chmod(dir, 0o700);
      expect(await readFile(path.join(dir, 'result.json'), 'utf8')).toBe(before);
    }
    await writeFileAtomic(path.join(dir, 'result.json'), 'new');
    expect(await readFile(path.join(dir, 'result.json'), 'utf8')).toBe('new');
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('configuration and schedule helpers', () => {
  it('flattens the train options: session-only keys dropped, absent values null, the checkpoint interval as text', () => {
    const settings = configurationSettings({
      ...defaultTrainOptions,
      name: 'x',
    } as unknown as Record<string, unknown>);
    for (const key of ['logdir', 'name', 'resume', 'extend', 'overwrite', 'progress'])
      expect(settings).not.toHaveProperty(key);
    expect(settings.clipNorm).toBeNull();
    expect(settings.limit).toBeNull();
    expect(settings.checkpointEvery).toBe('3 minutes');
    expect(settings.learningRate).toBe(defaultTrainOptions.learningRate);
    expect(settings.model).toBe('mlp');
  });

  it('samples every update up to 2000, then 2000 evenly spaced updates including the first and last', () => {
    expect(sampleSchedule('c', 5, (s) => s).steps).toEqual([0, 1, 2, 3, 4]);
    const long = sampleSchedule('c', 10_000, (s) => s * 2);
    expect(long.steps.length).toBe(2000);
    expect(long.steps[0]).toBe(0);
    expect(long.steps.at(-1)).toBe(9999);
    expect(long.learningRate[1]).toBe(2 * long.steps[1]!);
    expect(long.momentum).toBeNull();
  });

  it('checks the evaluation names one class each and the confusion matrix is metrics’ own JSON', () => {
    const matrix = confusionMatrix([0, 1], [0, 1], { numClasses: 2 });
    const json = evaluationToJSON({
      split: 'test',
      count: 2,
      loss: 0.1,
      accuracy: 1,
      classNames: ['a', 'b'],
      matrix,
    });
    expect(json.confusionMatrix).toEqual(confusionMatrixToJSON(matrix));
    expect(() => evaluationFromJSON({ ...json, classNames: ['a'] })).toThrow(
      /classNames must be 2 names/,
    );
    expect(classNames).toHaveLength(10);
  });
});
