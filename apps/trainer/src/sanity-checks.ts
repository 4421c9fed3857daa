import * as tf from '@tensorflow/tfjs-core';
import type { AccumulatingOptimizer } from '@trainkit/accumulate';
import { loadMnist, type MnistData } from '@trainkit/mnist';
import {
  type CheckResult,
  checkDuplicates,
  checkInputScale,
  checkLabels,
  fingerprintRows,
  type LearningRateRunResult,
  type RangeTestAnalysis,
} from '@trainkit/sanity';
import {
  type CustomLoopTarget,
  checkEvaluationMode,
  checkGradientFreshness,
  checkInitialLoss,
  checkOutputLossPairing,
  discreteLearningRateTest,
  overfitLadder,
  type RangeTestOptions,
  rangeTest,
  type SanityCheckName,
  type SanityData,
  sanityCheckNames,
} from '@trainkit/sanity/tfjs';
import { deriveSeed } from '@trainkit/stats';
import { BatchGatherer, loadTrainingData, type TrainingData } from './data';
import { buildModel, inputShape } from './model';
import { buildOptimizer } from './optimizer';
import type { TrainOptions } from './options';
import { type PlantedBug, plantDataBugs } from './planted-bugs';
import { batchGradients, batchLoss } from './train-step';

/** How the checks are set up. */
export interface SanitySetupOptions {
  /** Training rows the model checks use (the first of the training split). Default 2000. */
  readonly rows?: number;
  /** Bugs to plant (demonstration and tests). */
  readonly plants?: readonly PlantedBug[];
}

/**
 * Everything the checks run on: the run's data split (as `train` makes it),
 * the model, optimizer and loss of the run's options (as `train` builds
 * them), a slice of training rows as tensors, validation rows for the
 * ladder's held-out column, and the test file's rows for the leakage check
 * only (hashed; no model ever sees them here).
 */
export interface SanitySetup {
  readonly options: TrainOptions;
  readonly plants: readonly PlantedBug[];
  /** The data split, with any planted data bug. */
  readonly data: TrainingData;
  /** The test file as the checks see it (the duplicates check; never evaluated here). */
  readonly test: MnistData;
  /** `fingerprintRows` of the test images, for the test-split guard. */
  readonly testFingerprint: string;
  /** The custom-loop target: the trainer's model, loss (with weight decay) and inner optimizer. */
  readonly target: CustomLoopTarget;
  /** The first `rows` training rows: x and one-hot y. */
  readonly sample: SanityData;
  /** Up to 1,000 validation rows (the ladder's held-out accuracy). */
  readonly heldOut: SanityData;
  /** The trainer's micro-batch step on tensors (gradients handed to the accumulating optimizer). */
  readonly step: (x: tf.Tensor, y: tf.Tensor) => void;
  /** The accumulating optimizer the step uses (around `target.optimizer`). */
  readonly optimizer: AccumulatingOptimizer;
  dispose(): void;
}

const classes = 10;

function rowsOf(gatherer: BatchGatherer, indices: Int32Array): SanityData {
  const { x, y } = gatherer.gather(indices);
  const targets = tf.tidy(() => tf.cast(tf.oneHot(y, classes), 'float32'));
  y.dispose();
  return { x, y: targets };
}

/**
 * Loads the data and builds the model as `train` would for `options`, and
 * plants the requested bugs into what the checks see.
 *
 * @param options - The run's options (model, data, optimizer, learning rate, weight decay, seed).
 * @param setup - Rows for the model checks and the planted bugs.
 * @returns The setup; call `dispose()` when done.
 */
export async function prepareSanity(
  options: TrainOptions,
  setup: SanitySetupOptions = {},
): Promise<SanitySetup> {
  const plants = setup.plants ?? [];
  const split = await loadTrainingData(options);
  const testFile = await loadMnist({ split: 'test' });
  const { data: planted, test } = plantDataBugs(split.data, split.train, testFile, plants);
  const data: TrainingData = { ...split, data: planted };
  const shape = inputShape(options.model);
  const rows = Math.min(setup.rows ?? 2000, data.train.length);
  const gatherer = new BatchGatherer(planted, shape, Math.max(rows, 1000));
  const sample = rowsOf(gatherer, data.train.subarray(0, rows));
  const heldOut = rowsOf(gatherer, data.validation.subarray(0, 1000));
  const { model, dropout } = buildModel(options.model, options.seed, options.dropout);
  const optimizer = buildOptimizer(options);
  // A new dropout mask for every update, as train draws one per micro-batch: the seed
  // follows the inner optimizer's update count, which the checks' snapshots restore, so a
  // step repeated from the same state draws the same mask (the freshness check needs that)
  // while a check that trains for many updates does not train one fixed half of the units.
  const reseedDropout = () => {
    if (dropout.length === 0) return;
    const seed = deriveSeed(options.seed, optimizer.inner.iterations);
    for (const layer of dropout) layer.seed = seed;
  };
  reseedDropout();
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const softmaxFirst = plants.includes('softmax-before-loss');
  const outputs = (x: tf.Tensor, training: boolean): tf.Tensor => {
    const logits = model.apply(x, { training }) as tf.Tensor;
    return softmaxFirst ? tf.softmax(logits) : logits;
  };
  const weightDecay = options.weightDecay;
  const loss = (x: tf.Tensor, y: tf.Tensor): tf.Scalar => {
    reseedDropout();
    const dataLoss = softmaxFirst
      ? (tf.losses.softmaxCrossEntropy(y, outputs(x, true)) as tf.Scalar)
      : batchLoss(model, x, y);
    if (weightDecay === 0) return dataLoss;
    // The same gradient as batchGradients' wd * w: d/dw (wd/2 * |w|^2).
    const penalty = tf.addN(variables.map((v) => tf.sum(tf.square(v))));
    return tf.add(dataLoss, tf.mul(penalty, weightDecay / 2)) as tf.Scalar;
  };
  const target: CustomLoopTarget = {
    variables,
    loss,
    optimizer: optimizer.inner,
    predict: (x) => outputs(x, false),
    predictTraining: (x) => outputs(x, true),
    lossFunction: (yTrue, yPred) => tf.losses.softmaxCrossEntropy(yTrue, yPred),
  };
  let stale: tf.NamedTensorMap | undefined;
  const step = (x: tf.Tensor, y: tf.Tensor) => {
    reseedDropout();
    let value: tf.Scalar;
    let grads: tf.NamedTensorMap;
    if (softmaxFirst) {
      ({ value, grads } = tf.variableGrads(() => loss(x, y), variables));
    } else {
      ({ value, grads } = batchGradients(model, variables, x, y, weightDecay));
    }
    if (plants.includes('stale-gradients')) {
      // The bug: gradients summed across steps, never reset.
      const previous = stale;
      const summed =
        previous === undefined
          ? grads
          : tf.tidy(() =>
              Object.fromEntries(
                Object.entries(grads).map(([name, g]) => [name, tf.add(previous[name]!, g)]),
              ),
            );
      if (previous !== undefined) tf.dispose([...Object.values(previous), ...Object.values(grads)]);
      stale = summed;
      grads = Object.fromEntries(Object.entries(summed).map(([name, g]) => [name, g.clone()]));
    }
    optimizer.accumulate(grads, { sampleCount: x.shape[0]! });
    tf.dispose([value, ...Object.values(grads)]);
  };
  return {
    options,
    plants,
    data,
    test,
    // The guard recognizes the real test file.
    testFingerprint: fingerprintRows(testFile.images, 784),
    target,
    sample,
    heldOut,
    step,
    optimizer,
    dispose() {
      tf.dispose([sample.x, sample.y, heldOut.x, heldOut.y, ...Object.values(stale ?? {})]);
      model.dispose();
      optimizer.dispose();
    },
  };
}

/** Runs a check; an error becomes a `fail` naming it (as @trainkit/sanity's suite does). */
export async function safely(
  name: string,
  run: () => CheckResult | Promise<CheckResult>,
): Promise<CheckResult> {
  try {
    return await run();
  } catch (error) {
    return {
      name,
      status: 'fail',
      summary: `the check could not run: ${error instanceof Error ? error.message : String(error)}`,
      measurements: {},
      advice: [
        'Fix the error above (often a shape or type mismatch between the model, the loss and the data).',
      ],
    };
  }
}

function gatherRows(images: Float32Array, indices: Int32Array): Float32Array {
  const out = new Float32Array(indices.length * 784);
  indices.forEach((index, i) => {
    out.set(images.subarray(index * 784, (index + 1) * 784), i * 784);
  });
  return out;
}

/**
 * The data checks, on the whole split (no model): labels (every training
 * label), input scale (the training rows), duplicates across
 * train/validation/test by content hash.
 */
export async function dataChecks(setup: SanitySetup): Promise<CheckResult[]> {
  const { data, test } = setup;
  const { images, labels } = data.data;
  const trainLabels = Int32Array.from(data.train, (i) => labels[i]!);
  const trainRows = gatherRows(images, data.train);
  return [
    await safely('labels', () => checkLabels(trainLabels, { classes })),
    await safely('input-scale', () => checkInputScale(trainRows, { rowLength: 784 })),
    await safely('duplicates', () =>
      checkDuplicates(
        {
          train: trainRows,
          validation: gatherRows(images, data.validation),
          test: test.images,
        },
        { rowLength: 784 },
      ),
    ),
  ];
}

/** The checks of the untrained model: initial loss, output/loss pairing, evaluation mode. */
export async function initialChecks(setup: SanitySetup): Promise<CheckResult[]> {
  const { target, sample } = setup;
  return [
    await safely('initial-loss', () => checkInitialLoss(target, sample, { classes })),
    await safely('output-loss-pairing', () => checkOutputLossPairing(target, sample)),
    await safely('evaluation-mode', () => checkEvaluationMode(target, sample)),
  ];
}

/** The trainer's own step, run four times from one state: are the gradients fresh? */
export function gradientFreshness(setup: SanitySetup): Promise<CheckResult> {
  return safely('gradient-freshness', () =>
    checkGradientFreshness(setup.target, setup.sample, {
      step: setup.step,
      accumulationSteps: setup.options.accumulate,
      optimizer: setup.target.optimizer,
      batchSize: Math.min(
        16,
        Math.floor(setup.sample.x.shape[0]! / (2 * setup.options.accumulate)),
      ),
    }),
  );
}

/** Options of the overfit ladder. */
export interface LadderOptions {
  /** Sizes, default 1, 4, 10, 100, 1000 (those above the rows are dropped). */
  readonly sizes?: readonly number[];
  /** Update budget per size. Default 200. */
  readonly maxSteps?: number;
}

/** Overfit one sample, one batch, then growing sets (held-out accuracy on validation rows). */
export function overfitCheck(
  setup: SanitySetup,
  options: LadderOptions = {},
): Promise<CheckResult> {
  const rows = setup.sample.x.shape[0]!;
  const sizes = (options.sizes ?? [1, 4, 10, 100, 1000]).filter((size) => size <= rows);
  return safely('overfit-ladder', () =>
    overfitLadder(setup.target, setup.sample, {
      sizes,
      maxSteps: options.maxSteps ?? 200,
      heldOut: setup.heldOut,
      seed: setup.options.seed,
    }),
  );
}

/** The discrete learning-rate test's result with every rate's run. */
export interface DiscreteTestOutcome {
  readonly result: CheckResult;
  readonly runs: readonly LearningRateRunResult[];
  /** The rate the test found best, if any. */
  readonly best: number | undefined;
}

/**
 * The short discrete test: 1e-1, 1e-2, 1e-3, 1e-4 and the configured rate,
 * each trained `iterations` steps from the same state on the same batches.
 */
export async function discreteTest(
  setup: SanitySetup,
  options: { iterations?: number; learningRates?: readonly number[] } = {},
): Promise<DiscreteTestOutcome> {
  let runs: readonly LearningRateRunResult[] = [];
  const result = await safely('discrete-lr-test', async () => {
    const outcome = await discreteLearningRateTest(setup.target, setup.sample, {
      configured: setup.options.learningRate,
      batchSize: Math.min(setup.options.batchSize, setup.sample.x.shape[0]!),
      seed: setup.options.seed,
      ...(options.iterations === undefined ? {} : { iterations: options.iterations }),
      ...(options.learningRates === undefined ? {} : { learningRates: options.learningRates }),
    });
    const { runs: measured, ...check } = outcome;
    runs = measured;
    return check;
  });
  const best = result.measurements.best;
  return { result, runs, best: typeof best === 'number' && best > 0 ? best : undefined };
}

/** The range test (exponential ramp), restored afterwards. */
export async function rangeTestCheck(
  setup: SanitySetup,
  options: RangeTestOptions = {},
): Promise<{ result: CheckResult; analysis: RangeTestAnalysis | undefined }> {
  let analysis: RangeTestAnalysis | undefined;
  const result = await safely('lr-range-test', async () => {
    analysis = await rangeTest(setup.target, setup.sample, {
      batchSize: Math.min(setup.options.batchSize, setup.sample.x.shape[0]!),
      seed: setup.options.seed,
      ...options,
    });
    return analysis.check;
  });
  return { result, analysis };
}

/**
 * The checks of the trainer's suite, in the order they run (`lr-range-test` only when asked):
 * the same checks as sanity's `runSanityChecks`, run here on the trainer's own step and data.
 */
export const trainerSanityChecks = sanityCheckNames;

/** A check of the trainer's suite. */
export type TrainerSanityCheck = SanityCheckName;

/** What the whole suite found. */
export interface SanityOutcome {
  readonly results: readonly CheckResult[];
  readonly discrete: DiscreteTestOutcome | undefined;
  readonly rangeTest: RangeTestAnalysis | undefined;
  /** Seconds per check, by name. */
  readonly seconds: Readonly<Record<string, number>>;
}

/**
 * The suite in order: data checks, initial checks, gradient freshness,
 * overfit ladder, discrete learning-rate test, and the range test when asked;
 * `checks` keeps only some of them.
 *
 * @param setup - From {@link prepareSanity}.
 * @param options - `checks` (default all but the range test), `rangeTest`, `onResult` (called after each check with its seconds).
 */
export async function runSanitySuite(
  setup: SanitySetup,
  options: {
    checks?: readonly TrainerSanityCheck[];
    rangeTest?: boolean;
    onResult?: (result: CheckResult, seconds: number) => void;
  } = {},
): Promise<SanityOutcome> {
  const selected = new Set<string>(
    options.checks ?? trainerSanityChecks.filter((name) => name !== 'lr-range-test'),
  );
  if (options.rangeTest === true) selected.add('lr-range-test');
  const results: CheckResult[] = [];
  const seconds: Record<string, number> = {};
  let start = performance.now();
  const add = (result: CheckResult) => {
    if (!selected.has(result.name)) return;
    const now = performance.now();
    seconds[result.name] = (now - start) / 1000;
    start = now;
    results.push(result);
    options.onResult?.(result, seconds[result.name]!);
  };
  const any = (...names: TrainerSanityCheck[]) => names.some((name) => selected.has(name));
  // The data checks run together: their time is shared between them.
  if (any('labels', 'input-scale', 'duplicates')) {
    for (const result of await dataChecks(setup)) add(result);
  }
  if (any('initial-loss', 'output-loss-pairing', 'evaluation-mode')) {
    for (const result of await initialChecks(setup)) add(result);
  }
  if (any('gradient-freshness')) add(await gradientFreshness(setup));
  if (any('overfit-ladder')) add(await overfitCheck(setup));
  let discrete: DiscreteTestOutcome | undefined;
  if (any('discrete-lr-test')) {
    discrete = await discreteTest(setup);
    add(discrete.result);
  }
  let analysis: RangeTestAnalysis | undefined;
  if (any('lr-range-test')) {
    const range = await rangeTestCheck(setup);
    analysis = range.analysis;
    add(range.result);
  }
  return { results, discrete, rangeTest: analysis, seconds };
}
