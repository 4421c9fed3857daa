/**
 * One `model.fit` with every trainkit callback plus tfjs' own `earlyStopping`, in a
 * caller-chosen order, as an outside user would write it (the packages' built entries).
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { AccumulatingOptimizer } from '@trainkit/accumulate';
import { accumulationCallback } from '@trainkit/accumulate/tfjs';
import { createHistory, type TrainingHistory } from '@trainkit/curves';
import { earlyStoppingCallback, historyCallback } from '@trainkit/curves/tfjs';
import { profilerCallback } from '@trainkit/profiler/tfjs';
import { trainingMonitorCallback } from '@trainkit/sanity/tfjs';
import { linear } from '@trainkit/schedules';
import {
  batchLearningRateScheduler,
  epochLearningRateScheduler,
  reduceLearningRateOnPlateau,
} from '@trainkit/schedules/tfjs';
import { scalarSeries } from '@trainkit/tensorboard';
import { createSummaryWriter, readLogdir } from '@trainkit/tensorboard/node';
import { tensorBoardCallback } from '@trainkit/tensorboard/tfjs';

/** The callbacks of the run, by name; `tfjs-early-stopping` is `tf.callbacks.earlyStopping`. */
export const callbackNames = [
  'accumulation',
  'batch-lr',
  'epoch-lr',
  'plateau',
  'history',
  'early-stopping',
  'tensorboard',
  'profiler',
  'sanity-monitor',
  'tfjs-early-stopping',
] as const;
export type CallbackName = (typeof callbackNames)[number];

/** Learning rate per optimizer update (the step), and per epoch. */
export const batchSchedule = linear({
  initialValue: 0.05,
  endValue: 0.01,
  transitionSteps: 20,
});
export const epochSchedule = (epoch: number) => 0.1 / (epoch + 1);

export interface EveryCallbackOptions {
  /** Micro-batches per update of the AccumulatingOptimizer. */
  readonly k: number;
  readonly samples: number;
  readonly batchSize: number;
  readonly epochs: number;
  /** Receives the callbacks before `fit`, by name. */
  readonly inspect?: (callbacks: Record<string, unknown>) => void;
}

/** What one run produced: the values that must not depend on the order of the callbacks. */
export interface EveryCallbackResult {
  /** `optimizer.iterations` after `fit`: the updates applied. */
  readonly updates: number;
  /** Micro-batches still pending in the accumulator after `fit`. */
  readonly pendingMicroBatches: number;
  /** Steps the batch learning-rate schedule was asked for, in call order. */
  readonly scheduledSteps: number[];
  /** `fit`'s returned history (every key the callbacks wrote into the epoch logs). */
  readonly fitHistory: Record<string, number[]>;
  /** The curves history's training and validation series. */
  readonly curves: Pick<TrainingHistory, 'train' | 'validation'> & { epochs: number[] };
  /** TensorBoard scalars (loss tags) per run: tag -> [step, value] pairs. */
  readonly tensorboard: Record<string, Record<string, [number, number][]>>;
  /** Histogram events written for the weights. */
  readonly histogramEvents: number;
  /** Iterations the profiler recorded. */
  readonly profiledIterations: number;
  /** Samples the profiler recorded. */
  readonly profiledSamples: number;
  /** The best epoch of the curves early stopping. */
  readonly bestEpoch: number | null;
  /** The plateau callback's state after training. */
  readonly plateauLearningRate: number | undefined;
  /** The model's weights after training (after the best weights were restored). */
  readonly weights: number[][];
  /** `tf.memory().numTensors` after everything was disposed, minus before. */
  readonly leakedTensors: number;
}

function seededData(samples: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.randomUniform([samples, 4], -1, 1, 'float32', seed) as tf.Tensor2D;
    const w = tf.tensor2d([0.5, -1, 2, 0.25], [4, 1]);
    const y = tf.add(tf.matMul(x, w), tf.randomNormal([samples, 1], 0, 0.1, 'float32', seed + 1));
    return { x, y: y as tf.Tensor2D };
  });
}

/** True for what tfjs-layers accepts as `callbacks[0]` without wrapping the list. */
export function isTfjsCallback(value: unknown): boolean {
  return value instanceof tfl.CustomCallback || value instanceof tfl.Callback;
}

/**
 * Trains a small MLP with an {@link AccumulatingOptimizer} (SGD inside) and every trainkit
 * callback plus `tf.callbacks.earlyStopping`, the callbacks in `order`.
 */
export async function fitWithEveryCallback(
  order: readonly CallbackName[],
  options: EveryCallbackOptions,
): Promise<EveryCallbackResult> {
  const before = tf.memory().numTensors;
  const logdir = mkdtempSync(join(tmpdir(), 'trainkit-integration-'));
  try {
    const train = seededData(options.samples, 1);
    const validation = seededData(16, 3);
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({
          units: 6,
          inputShape: [4],
          activation: 'tanh',
          kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }),
        }),
        tfl.layers.dense({
          units: 1,
          kernelInitializer: tfl.initializers.glorotUniform({ seed: 6 }),
        }),
      ],
    });
    const optimizer = new AccumulatingOptimizer(tf.train.sgd(0.05), { k: options.k });
    model.compile({ optimizer, loss: 'meanSquaredError' });

    const scheduledSteps: number[] = [];
    const history = createHistory({ name: 'every-callback' });
    const stopper = earlyStoppingCallback({ patience: 100, restoreBestWeights: true });
    const plateau = reduceLearningRateOnPlateau({ patience: 0, factor: 0.5, logKey: 'lr_plateau' });
    const profiler = profilerCallback({ log: () => undefined });
    const factories: Record<CallbackName, () => unknown> = {
      accumulation: () => accumulationCallback(optimizer),
      'batch-lr': () =>
        batchLearningRateScheduler({
          schedule: (step) => {
            scheduledSteps.push(step);
            return batchSchedule(step);
          },
          logKey: 'lr_batch',
        }),
      'epoch-lr': () => epochLearningRateScheduler({ schedule: epochSchedule, logKey: 'lr_epoch' }),
      plateau: () => plateau,
      history: () => historyCallback({ history, diagnoseAtEnd: false, log: () => undefined }),
      'early-stopping': () => stopper,
      tensorboard: () =>
        tensorBoardCallback(logdir, {
          createWriter: createSummaryWriter,
          updateFreq: 'batch',
          histogramFreq: 1,
        }),
      profiler: () => profiler,
      'sanity-monitor': () => trainingMonitorCallback({ model, log: false, reportAtEnd: false }),
      'tfjs-early-stopping': () =>
        tfl.callbacks.earlyStopping({ monitor: 'val_loss', patience: 50 }),
    };
    const callbacks = order.map((name) => factories[name]());
    // A plain object first makes tfjs-layers wrap every callback of the list, which then
    // loops until the heap runs out or throws; fail here rather than hang.
    if (!isTfjsCallback(callbacks[0])) {
      throw new Error(`callback ${order[0]} is not a tf.CustomCallback or tf.Callback instance`);
    }
    options.inspect?.(Object.fromEntries(order.map((name, i) => [name, callbacks[i]])));

    const fitted = await model.fit(train.x, train.y, {
      epochs: options.epochs,
      batchSize: options.batchSize,
      shuffle: false,
      verbose: 0,
      validationData: [validation.x, validation.y],
      callbacks: callbacks as tfl.CustomCallbackArgs[],
    });

    const runs = await readLogdir(logdir);
    const tensorboard: EveryCallbackResult['tensorboard'] = {};
    let histogramEvents = 0;
    for (const [run, contents] of runs) {
      const scalars: Record<string, [number, number][]> = {};
      for (const [tag, points] of scalarSeries(contents.events)) {
        // Keys other callbacks add to the logs appear only when they run first (as in Keras).
        if (!tag.endsWith('loss')) continue;
        scalars[tag] = points.map((point) => [point.step, point.value]);
      }
      tensorboard[run] = scalars;
      histogramEvents += contents.events.filter((event) =>
        event.summaries.some((summary) => summary.kind === 'histogram'),
      ).length;
    }
    const state = profiler.profiler.state();
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    const result = {
      updates: optimizer.iterations,
      pendingMicroBatches: optimizer.state.miniStep,
      scheduledSteps,
      fitHistory: fitted.history as Record<string, number[]>,
      curves: {
        train: history.train,
        validation: history.validation,
        epochs: history.epochs.map((record) => record.epoch),
      },
      tensorboard,
      histogramEvents,
      profiledIterations: state.totals.iterations,
      profiledSamples: state.totals.samples,
      bestEpoch: stopper.state.bestEpoch,
      plateauLearningRate: plateau.state?.learningRate,
      weights,
    };
    tf.dispose([train.x, train.y, validation.x, validation.y]);
    model.dispose();
    optimizer.dispose();
    return { ...result, leakedTensors: tf.memory().numTensors - before };
  } finally {
    rmSync(logdir, { recursive: true, force: true });
  }
}

/** A seeded permutation (mulberry32 + Fisher-Yates), the same on every platform. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
