import * as tf from '@tensorflow/tfjs-core';
import { CustomCallback } from '@tensorflow/tfjs-layers';
import { checkArguments, createFitStepCounter } from '@trainkit/core';
import { type EstimateTimesOptions, estimateTimes, type TimeEstimates } from '../estimate-times';
import { formatDuration } from '../format-duration';
import { formatProfileReport } from '../format-profile-report';
import { type BackendInUse, checkAdviceContext, type PhaseCategory } from '../phase-advice';
import { createProfiler, type Profiler } from '../profiler';
import { type ProfileReport, summarizeProfile } from '../summarize-profile';
import { estimateTimeToTrend, type TrendEstimate } from '../trend-estimate';

/**
 * The phase names {@link profilerCallback} records.
 *
 * @example
 * ```ts
 * const report = summarizeProfile(callback.profiler.state());
 * report.phases.find((p) => p.name === fitPhases.evaluation)?.share;
 * ```
 */
export const fitPhases = {
  /** onBatchBegin to onBatchEnd: slicing the batch, forward, backward and the update, all inside tfjs. */
  step: 'step',
  /** Between batches: other callbacks, yielding, and with `fitDataset` loading the next batch. */
  betweenBatches: 'between batches',
  /** Validation: measured exactly inside `fit`, or the gap before the epoch end with `fitDataset`. */
  evaluation: 'evaluation',
} as const;

/** What {@link ProfilerCallbackOptions.onReport} receives at the end of training. */
export interface FitProfileResult {
  readonly report: ProfileReport;
  /** Time per epoch; `null` when no batch completed. */
  readonly estimates: TimeEstimates | null;
  /** Time until the batch losses showed a clear trend; `null` without losses. */
  readonly trend: TrendEstimate | null;
  /** The printed text. */
  readonly text: string;
}

/** Options of {@link profilerCallback}. */
export interface ProfilerCallbackOptions {
  /**
   * Record into this profiler (keep it to export the trace later). Default: a
   * new one with the phases of {@link fitPhases}. The callback also exposes
   * it as `callback.profiler`.
   */
  readonly profiler?: Profiler;
  /** Threshold of the slow-iteration warning for a new profiler. Default 500 ms. */
  readonly slowIterationMs?: number;
  /** Clock of a new profiler, in milliseconds. Default `performance.now()`. */
  readonly clock?: () => number;
  /** Receives the report text at the end of training. Default `console.log`. */
  readonly log?: (text: string) => void;
  /** Also log one line per epoch (epoch time, estimate of the rest). Default `false`. */
  readonly logEveryEpoch?: boolean;
  /** Receives the structured result at the end of training. */
  readonly onReport?: (result: FitProfileResult) => void;
  /** First batches left out of the statistics (warm-up). Default 0. */
  readonly warmupIterations?: number;
  /**
   * The backend the run uses, for the advice. Default: detected when training
   * begins (`tf.getBackend()`, tfjs' platform, and for wasm its SIMD and
   * multithreading flags).
   */
  readonly backend?: BackendInUse;
  /**
   * What phases with unusual names do (for a `profiler` you pass and mark
   * yourself as well), e.g. `{ ckpt: 'checkpoint' }`.
   */
  readonly phaseCategories?: Readonly<Record<string, PhaseCategory>>;
  /**
   * Time validation inside `model.fit` exactly by wrapping the model's
   * (private) `testLoop` during training. Default `true`; with `false`,
   * `fit`'s validation counts toward the last batch's step.
   */
  readonly measureValidation?: boolean;
}

/** A tfjs-layers callback that profiles `model.fit` / `model.fitDataset`. */
export type ProfilerCallback = CustomCallback & { readonly profiler: Profiler };

interface TestLoopOwner {
  testLoop?: (...args: unknown[]) => unknown;
  readonly optimizer?: unknown;
}

/**
 * A `model.fit` / `model.fitDataset` callback that times every batch and
 * epoch and prints a profile at the end of training.
 *
 * Inside tfjs-layers the forward pass, backward pass and update of a batch
 * run in one call, so one iteration (batch) splits into `step` (onBatchBegin
 * to onBatchEnd), `between batches` (the gap until the next batch: other
 * callbacks, yielding and, with `fitDataset`, loading the next batch; the
 * first batch of an epoch also gets the gap since the epoch began) and
 * `evaluation` (validation: `fit` runs it inside the last batch, timed
 * exactly through the wrapped `testLoop`; `fitDataset` runs it after the last
 * batch, so the gap before `onEpochEnd` counts as evaluation when the epoch
 * logs hold `val_` values).
 *
 * One iteration is one optimizer update (trainkit's step unit): a batch, or,
 * with an accumulating optimizer (e.g. `@trainkit/accumulate`'s, k
 * micro-batches per update), the micro-batches of one update, their `step`
 * and `between batches` times added up. Iteration counts, samples per
 * iteration and time estimates then agree with the schedules' steps.
 *
 * Timing is synchronized: tfjs-layers reads the batch's loss back before it
 * calls `onBatchEnd`, so asynchronous backends finish the step first.
 *
 * @param options - See {@link ProfilerCallbackOptions}.
 * @returns A `CustomCallback` with a `profiler` property.
 *
 * @example
 * ```ts
 * const callback = profilerCallback({ log: (text) => console.log(text) });
 * await model.fit(xs, ys, { epochs: 5, batchSize: 64, validationSplit: 0.1, callbacks: [callback] });
 * writeFileSync('fit.trace.json', JSON.stringify(toChromeTrace(callback.profiler.state())));
 * ```
 */
export function profilerCallback(options: ProfilerCallbackOptions = {}): ProfilerCallback {
  options = checkArguments('profilerCallback').options('options', options, '{ log: console.log }');
  const check = checkArguments('profilerCallback');
  const log =
    options.log === undefined
      ? (text: string) => console.log(text)
      : check.callable<(text: string) => void>('log', options.log);
  const onReport =
    options.onReport === undefined
      ? undefined
      : check.callable<(result: FitProfileResult) => void>('onReport', options.onReport);
  const logEveryEpoch =
    options.logEveryEpoch === undefined
      ? false
      : check.boolean('logEveryEpoch', options.logEveryEpoch);
  const measureValidation =
    options.measureValidation === undefined
      ? true
      : check.boolean('measureValidation', options.measureValidation);
  const warmupIterations =
    options.warmupIterations === undefined
      ? 0
      : check.integer('warmupIterations', options.warmupIterations, { min: 0 });
  const given = checkAdviceContext('profilerCallback', {
    ...(options.backend === undefined ? {} : { backend: options.backend }),
    ...(options.phaseCategories === undefined ? {} : { phaseCategories: options.phaseCategories }),
  });
  let profiler: Profiler;
  if (options.profiler === undefined) {
    profiler = createProfiler({
      phases: [fitPhases.step, fitPhases.betweenBatches, fitPhases.evaluation],
      ...(options.slowIterationMs === undefined
        ? {}
        : { slowIterationMs: options.slowIterationMs }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
  } else {
    profiler = options.profiler;
    if (typeof profiler !== 'object' || profiler === null || typeof profiler.phase !== 'function') {
      check.fail('profiler', profiler, 'a profiler from createProfiler');
    }
  }
  const step = profiler.phaseId(fitPhases.step);
  const between = profiler.phaseId(fitPhases.betweenBatches);
  const evaluation = profiler.phaseId(fitPhases.evaluation);

  let model: TestLoopOwner | undefined;
  let originalTestLoop: TestLoopOwner['testLoop'];
  let ownTestLoop = false;
  let active = false;
  let epochStart = 0;
  let firstBatchOfEpoch = true;
  let gapStart = -1; // start of the gap after the last batch end, not yet recorded
  // One iteration is one optimizer update: with an accumulating optimizer it spans the
  // micro-batches (fit's batches) of the update.
  const steps = createFitStepCounter();
  let updateDone = true; // the last batch completed an update
  let iterationSamples = 0;
  let batchesSeen = 0;
  let iterationsEnded = 0;
  let evaluatedThisEpoch = false;
  let running = -1;
  let epochsDone = 0;
  const losses: number[] = [];
  let backend = given.backend;

  const mark = (phase: number, at: number): void => {
    profiler.phase(phase, at);
    running = phase;
  };
  const flushGap = (label: number): void => {
    if (gapStart < 0) return;
    mark(label, gapStart);
    gapStart = -1;
  };

  const endIteration = (at?: number): void => {
    profiler.endIteration(iterationSamples, at);
    iterationSamples = 0;
    iterationsEnded++;
    running = -1;
  };

  /** Iterations (optimizer updates) per epoch, from fit's batches per epoch. */
  const iterationsPerEpoch = (params: Record<string, unknown> | undefined): number | undefined => {
    if (params === undefined) return undefined;
    const { steps: batchSteps, samples, batchSize } = params;
    let batches: number | undefined;
    if (typeof batchSteps === 'number' && batchSteps > 0) batches = batchSteps;
    else if (typeof samples === 'number' && typeof batchSize === 'number' && batchSize > 0) {
      batches = Math.ceil(samples / batchSize);
    }
    if (batches === undefined || batchesSeen === 0 || iterationsEnded === batchesSeen) {
      return batches;
    }
    // Gradient accumulation: the updates per batch seen so far.
    return Math.max(1, Math.round((batches * iterationsEnded) / batchesSeen));
  };

  const estimate = (
    extra: Omit<EstimateTimesOptions, 'warmupIterations'>,
  ): TimeEstimates | null => {
    const state = profiler.state();
    if (state.totals.iterations <= warmupIterations) return null;
    return estimateTimes(state, { ...extra, warmupIterations });
  };

  const callback = new CustomCallback(
    {
      onTrainBegin: async () => {
        if (given.backend === undefined) backend = await detectBackend();
        active = true;
        epochsDone = 0;
        losses.length = 0;
        steps.start(model?.optimizer);
        updateDone = true;
        iterationSamples = 0;
        batchesSeen = 0;
        iterationsEnded = 0;
        if (measureValidation && model !== undefined && typeof model.testLoop === 'function') {
          const owner = model;
          ownTestLoop = Object.hasOwn(owner, 'testLoop');
          const original = owner.testLoop!;
          originalTestLoop = original;
          owner.testLoop = function profiledTestLoop(this: unknown, ...args: unknown[]) {
            if (!active || !profiler.iterationOpen) return original.apply(this, args);
            flushGap(between);
            const resume = running;
            evaluatedThisEpoch = true;
            mark(evaluation, profiler.now());
            try {
              return original.apply(this, args);
            } finally {
              if (resume >= 0) mark(resume, profiler.now());
              else {
                profiler.endPhase();
                running = -1;
              }
            }
          };
        }
      },
      onEpochBegin: () => {
        epochStart = profiler.now();
        firstBatchOfEpoch = true;
        evaluatedThisEpoch = false;
      },
      onBatchBegin: () => {
        const now = profiler.now();
        if (profiler.iterationOpen) {
          flushGap(between);
          // Within an update's micro-batches the iteration goes on.
          if (updateDone) endIteration(now);
        }
        if (!profiler.iterationOpen) {
          if (firstBatchOfEpoch) {
            profiler.beginIteration(epochStart);
            if (now > epochStart) mark(between, epochStart);
          } else {
            profiler.beginIteration(now);
          }
        }
        firstBatchOfEpoch = false;
        mark(step, now);
      },
      onBatchEnd: (_batch, logs) => {
        const now = profiler.now();
        gapStart = now;
        batchesSeen++;
        const size = logs?.size;
        iterationSamples += typeof size === 'number' && size >= 0 ? size : 0;
        const update = steps.batchEnd(model?.optimizer, logs);
        updateDone = update !== undefined;
        const loss = update?.logs.loss;
        if (typeof loss === 'number') losses.push(loss);
      },
      onEpochEnd: (epoch, logs) => {
        const now = profiler.now();
        // An epoch-end flush of an accumulating optimizer completes the waiting update;
        // otherwise the update's micro-batches continue into the next epoch.
        const flushed = steps.sync(model?.optimizer);
        if (flushed !== undefined) {
          updateDone = true;
          if (typeof flushed.logs.loss === 'number') losses.push(flushed.logs.loss);
        }
        if (profiler.iterationOpen && updateDone) {
          // fitDataset (no sample count in params) validates after the last batch;
          // fit validates inside the last batch (timed by the testLoop wrapper or left in the step).
          const params = callback.params as Record<string, unknown> | undefined;
          const validatesAfterLastBatch = params !== undefined && params.samples == null;
          const validated =
            validatesAfterLastBatch &&
            !evaluatedThisEpoch &&
            logs !== undefined &&
            Object.keys(logs).some((key) => key.startsWith('val_'));
          flushGap(validated ? evaluation : between);
          endIteration(now);
        }
        epochsDone += 1;
        if (logEveryEpoch) {
          const perEpoch = iterationsPerEpoch(
            callback.params as Record<string, unknown> | undefined,
          );
          const epochs = (callback.params as Record<string, unknown> | undefined)?.epochs;
          const totalEpochs = typeof epochs === 'number' ? epochs : undefined;
          const estimates =
            perEpoch === undefined
              ? null
              : estimate({
                  iterationsPerEpoch: perEpoch,
                  ...(totalEpochs === undefined
                    ? {}
                    : { totalIterations: Math.max(1, totalEpochs * perEpoch) }),
                  completedIterations: profiler.completedIterations,
                });
          const rest =
            estimates?.remaining != null && estimates.remaining.iterations > 0
              ? `; about ${formatRange(estimates.remaining.expectedMs, estimates.remaining.lowMs, estimates.remaining.highMs)} left`
              : '';
          log(`epoch ${epoch + 1}: ${formatDuration(now - epochStart)}${rest}`);
        }
      },
      onTrainEnd: () => {
        active = false;
        if (model !== undefined && originalTestLoop !== undefined) {
          if (ownTestLoop) model.testLoop = originalTestLoop;
          else delete model.testLoop;
          originalTestLoop = undefined;
        }
        if (profiler.iterationOpen) {
          flushGap(between);
          endIteration();
        }
        const state = profiler.state();
        const report = summarizeProfile(state, {
          warmupIterations,
          ...(backend === undefined ? {} : { backend }),
          ...(given.phaseCategories === undefined
            ? {}
            : { phaseCategories: given.phaseCategories }),
          // Micro-batches per update when the optimizer accumulates gradients.
          ...(iterationsEnded > 0 && batchesSeen > iterationsEnded
            ? { accumulationSteps: Math.max(1, Math.round(batchesSeen / iterationsEnded)) }
            : iterationsEnded > 0
              ? { accumulationSteps: 1 }
              : {}),
        });
        const perEpoch = iterationsPerEpoch(callback.params as Record<string, unknown> | undefined);
        const estimates =
          perEpoch === undefined ? null : estimate({ iterationsPerEpoch: perEpoch });
        const finite = losses.filter((value) => Number.isFinite(value));
        const trend =
          finite.length === 0
            ? null
            : estimateTimeToTrend(finite, {
                ...(report.iterations > 0 ? { msPerIteration: report.iteration.meanMs } : {}),
              });
        const text = [
          `profilerCallback: ${epochsDone} epoch(s), ${iterationsEnded === batchesSeen ? `${state.totals.iterations} batches` : `${state.totals.iterations} iterations (optimizer updates of ${batchesSeen} micro-batches)`}. Phases: step = forward + backward + update inside tfjs; between batches = callbacks, yielding, data loading (fitDataset); evaluation = validation.`,
          formatProfileReport(report, {
            ...(estimates === null ? {} : { estimates }),
            ...(trend === null ? {} : { trend }),
          }),
        ].join('\n');
        log(text);
        onReport?.({ report, estimates, trend, text });
      },
    },
    'never',
  );
  const setModel = callback.setModel.bind(callback);
  callback.setModel = (container) => {
    setModel(container);
    model = container as unknown as TestLoopOwner;
  };
  return Object.assign(callback, { profiler });
}

function formatRange(expected: number, low: number, high: number): string {
  return `${formatDuration(expected)} (${formatDuration(low)} to ${formatDuration(high)})`;
}

/** A flag of tfjs' environment, or `undefined` when it is not registered (its backend is not loaded). */
async function flag(name: string): Promise<boolean | undefined> {
  try {
    return Boolean(await tf.env().getAsync(name));
  } catch {
    return undefined;
  }
}

/** The backend in use: its name, tfjs' platform, and for wasm its SIMD and threads. */
async function detectBackend(): Promise<BackendInUse | undefined> {
  const name = tf.getBackend();
  if (typeof name !== 'string') return undefined;
  const environment = tf.env().platformName === 'node' ? 'node' : 'browser';
  if (name !== 'wasm') return { backend: name, environment };
  const simd = await flag('WASM_HAS_SIMD_SUPPORT');
  const threads = await flag('WASM_HAS_MULTITHREAD_SUPPORT');
  return {
    backend: name,
    environment,
    simd: simd ?? null,
    // Without multithreading support the wasm backend computes on one thread.
    threads: threads === false ? 1 : null,
  };
}
