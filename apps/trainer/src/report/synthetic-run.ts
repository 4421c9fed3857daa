// Test support: a run directory with every artifact kind, written through the
// artifacts module's writers, with values the tests can derive by hand.
import { mkdir } from 'node:fs/promises';
import { createHistory, recordTraining, recordValidation } from '@trainkit/curves';
import { confusionMatrix } from '@trainkit/metrics';
import { createProfiler } from '@trainkit/profiler';
import { analyzeRangeTest, type CheckResult, sanityReport } from '@trainkit/sanity';
import {
  categorical,
  defineSpace,
  gridSearch,
  logUniform,
  resultsToJson,
  runSearch,
} from '@trainkit/search';
import {
  configurationSettings,
  type RunResult,
  sampleSchedule,
  writeConfiguration,
  writeCrossValidation,
  writeEvaluation,
  writeHistory,
  writeLearningRateFinder,
  writeMisclassified,
  writeProfile,
  writeRecipe,
  writeResult,
  writeSanity,
  writeSchedule,
  writeSearch,
} from '../artifacts';
import { defaultTrainOptions } from '../options';

export const classNames = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** The known values of a synthetic run. */
export interface SyntheticRun {
  readonly learningRate: number;
  readonly batchSize: number;
  readonly result: RunResult;
  /** Labels and predictions of the evaluation (1000 images: 975 right). */
  readonly labels: Int32Array;
  readonly predictions: Int32Array;
}

/** The range test curve: loss falls from 2.3 to ~0.3 around lr 1e-2, then diverges. */
export function rangeCurve(): { learningRates: number[]; losses: number[] } {
  const learningRates: number[] = [];
  const losses: number[] = [];
  for (let i = 0; i < 80; i++) {
    const lr = 1e-6 * 10 ** ((i * 6) / 79);
    const x = Math.log10(lr) + 2; // 0 at lr 1e-2
    learningRates.push(lr);
    losses.push(x < 0 ? 0.3 + 2 / (1 + Math.exp(-2.5 * (-x - 2))) : 0.3 + 0.8 * x ** 3);
  }
  return { learningRates, losses };
}

/** Sanity results: one pass, one warning with advice, one fail with advice, one skipped. */
export const sanityResults: CheckResult[] = [
  {
    name: 'labels',
    status: 'pass',
    summary: '10 classes, 100 to 120 images each',
    measurements: { classes: 10 },
    advice: [],
  },
  {
    name: 'initial-loss',
    status: 'warn',
    summary: 'initial loss 2.9 vs ln(10) = 2.303',
    measurements: { loss: 2.9 },
    advice: ['Scale the last layer initialization down.'],
  },
  {
    name: 'overfit-ladder',
    status: 'fail',
    summary: 'one batch not overfitted after 200 steps (loss 1.1)',
    measurements: { loss: 1.1 },
    advice: ['Check that the optimizer updates the weights.'],
  },
  {
    name: 'lr-range-test',
    status: 'skipped',
    summary: 'not requested',
    measurements: {},
    advice: [],
    reason: 'not requested (--range-test)',
  },
];

/**
 * Writes a run directory with every artifact kind into `directory`.
 *
 * @param options - The learning rate and batch size (compare tests change them), the name, the accuracies.
 */
export async function writeSyntheticRun(
  directory: string,
  options: {
    readonly name?: string;
    readonly learningRate?: number;
    readonly batchSize?: number;
    readonly best?: number;
    readonly test?: number;
    readonly lossScale?: number;
  } = {},
): Promise<SyntheticRun> {
  await mkdir(directory, { recursive: true });
  const name = options.name ?? 'synthetic';
  const learningRate = options.learningRate ?? 3e-3;
  const batchSize = options.batchSize ?? 64;
  const trainOptions = { ...defaultTrainOptions, learningRate, batchSize, epochs: 3, name };
  await writeConfiguration(directory, {
    command: 'recipe',
    settings: {
      ...configurationSettings(trainOptions as unknown as Record<string, unknown>),
      budget: 'quick',
    },
  });
  const result: RunResult = {
    name,
    backend: 'wasm',
    options: trainOptions as unknown as Record<string, unknown>,
    epochs: 3,
    updates: 300,
    trainingSeconds: 12.5,
    best: { epoch: 3, updates: 300, accuracy: options.best ?? 0.98, loss: 0.07 },
    train: { accuracy: 0.99, loss: 0.03, count: 1000 },
    test: { accuracy: options.test ?? 0.975, loss: 0.08 },
  };
  await writeResult(directory, result);

  // Losses spanning more than a decade (2.3 down to ~0.05): the report draws them on a log scale.
  const scale = options.lossScale ?? 1;
  const history = createHistory({ name });
  for (let step = 0; step < 300; step += 10)
    recordTraining(history, step, scale * (0.05 + 2.25 * Math.exp(-step / 40)));
  for (const step of [50, 100, 150, 200, 250, 300])
    recordValidation(history, step, scale * (0.08 + 2 * Math.exp(-step / 45)));
  await writeHistory(directory, history);

  let now = 0;
  const profiler = createProfiler({
    phases: ['data', 'step', 'evaluation'],
    batchSize,
    clock: () => now,
  });
  for (let i = 0; i < 20; i++) {
    profiler.beginIteration();
    profiler.phase('data');
    now += 1;
    profiler.phase('step');
    now += 3;
    profiler.phase('evaluation');
    now += i % 10 === 9 ? 10 : 0;
    profiler.endIteration(batchSize);
  }
  await writeProfile(directory, profiler.state(), { warmupIterations: 2 });

  await writeSchedule(
    directory,
    sampleSchedule('constant', 300, () => learningRate),
  );

  // 1000 images, 100 per class; 25 mistakes: the first 5 of classes 0-4 predicted as the next class.
  const labels = new Int32Array(1000);
  const predictions = new Int32Array(1000);
  for (let i = 0; i < 1000; i++) {
    const label = Math.floor(i / 100);
    labels[i] = label;
    predictions[i] = label < 5 && i % 100 < 5 ? label + 1 : label;
  }
  const matrix = confusionMatrix(labels, predictions, { numClasses: 10 });
  await writeEvaluation(directory, {
    split: 'test',
    count: 1000,
    loss: 0.08,
    accuracy: 0.975,
    classNames,
    matrix,
  });

  const pixels = (seed: number) => Array.from({ length: 784 }, (_, p) => (p * 7 + seed * 13) % 256);
  await writeMisclassified(directory, {
    split: 'test',
    selection: 'most confident mistakes',
    total: 25,
    width: 28,
    height: 28,
    classNames,
    samples: [0, 1, 2].map((k) => {
      const probabilities = new Array<number>(10).fill(0.01);
      probabilities[k + 1] = 0.91;
      return { index: k * 100, label: k, prediction: k + 1, probabilities, pixels: pixels(k) };
    }),
  });

  await writeSanity(directory, sanityReport(sanityResults));

  const analysis = analyzeRangeTest({ ...rangeCurve(), iterations: 80 });
  await writeLearningRateFinder(directory, {
    analysis,
    discrete: [
      {
        learningRate: 1e-3,
        configured: false,
        verdict: 'drops',
        startLoss: 2.3,
        peakLoss: 2.3,
        endLoss: 1.2,
        relativeDrop: 0.478,
        pValue: 1e-6,
        standardError: 0.05,
      },
      {
        learningRate: 3e-3,
        configured: true,
        verdict: 'drops',
        startLoss: 2.3,
        peakLoss: 2.3,
        endLoss: 0.9,
        relativeDrop: 0.609,
        pValue: 1e-7,
        standardError: 0.05,
      },
      {
        learningRate: 1,
        configured: false,
        verdict: 'diverged',
        startLoss: 2.3,
        peakLoss: Number.POSITIVE_INFINITY,
        endLoss: Number.NaN,
        relativeDrop: Number.NaN,
        pValue: 1,
        standardError: Number.NaN,
      },
    ],
    discreteBest: 3e-3,
    applied: 3e-3,
  });

  // A known grid: 3 learning rates x 2 batch sizes (and one model); the metric peaks at lr 1e-2, batch 32.
  const search = await runSearch({
    strategy: gridSearch({
      space: defineSpace({
        learningRate: logUniform(1e-4, 1),
        batchSize: categorical([32, 64]),
        model: categorical(['mlp']),
      }),
      pointsPerParameter: 3,
    }),
    direction: 'maximize',
    objective: (trial) => {
      const lr = trial.config.learningRate as number;
      return (
        0.99 -
        0.02 * Math.abs(Math.log10(lr) + 2) -
        ((trial.config.batchSize as number) === 64 ? 0.005 : 0)
      );
    },
  });
  await writeSearch(directory, {
    metric: 'validation accuracy',
    results: resultsToJson(search),
    trialDirectories: Object.fromEntries(
      search.trials.map((t) => [String(t.trial), `trials/trial-${t.trial}`]),
    ),
  });

  await writeRecipe(directory, {
    budget: 'quick',
    stoppedAt: null,
    steps: [
      {
        name: 'data-checks',
        title: 'Data and leakage checks',
        status: 'pass',
        summary: 'no duplicates across splits',
        advice: [],
        seconds: 1.5,
        decision: null,
        directory: null,
      },
      {
        name: 'initial-loss',
        title: 'Initial loss',
        status: 'warn',
        summary: 'initial loss 2.9 vs 2.303',
        advice: ['Scale the last layer down.'],
        seconds: 0.4,
        decision: null,
        directory: null,
      },
      {
        name: 'lr-finder',
        title: 'Learning-rate finder',
        status: 'pass',
        summary: 'suggests 3e-3',
        advice: [],
        seconds: 8,
        decision: 'learning rate 3e-3',
        directory: null,
      },
      {
        name: 'final',
        title: 'Final training',
        status: 'pass',
        summary: 'test accuracy 97.50%',
        advice: [],
        seconds: 60,
        decision: null,
        directory: 'final',
      },
    ],
  });

  await writeCrossValidation(directory, {
    k: 3,
    method: 'stratified k-fold, seed 42',
    folds: [
      {
        fold: 0,
        trainSize: 2000,
        validationSize: 1000,
        accuracy: 0.97,
        loss: 0.1,
        directory: 'cv/fold-1',
      },
      {
        fold: 1,
        trainSize: 2000,
        validationSize: 1000,
        accuracy: 0.98,
        loss: 0.09,
        directory: 'cv/fold-2',
      },
      {
        fold: 2,
        trainSize: 2000,
        validationSize: 1000,
        accuracy: 0.99,
        loss: 0.08,
        directory: 'cv/fold-3',
      },
    ],
  });
  return { learningRate, batchSize, result, labels, predictions };
}
