/**
 * One step unit for `model.fit` callbacks: the number of optimizer updates
 * applied so far. With gradient accumulation one update takes several
 * micro-batches (batches of `fit`), so callbacks that record per step group
 * the micro-batches of each update.
 */

/**
 * The updates an optimizer has applied, when it applies one update per
 * several micro-batches (gradient accumulation); `undefined` for any other
 * optimizer (there, every batch is one update).
 *
 * Recognized by shape, without depending on the package that provides it: a
 * numeric `iterations` (the updates, which tfjs optimizers count) and a
 * `state` with a numeric `miniStep` (the micro-batches waiting for the next
 * update), as `@trainkit/accumulate`'s `AccumulatingOptimizer` has.
 *
 * @param optimizer - Usually `model.optimizer`.
 * @returns The update count, or `undefined` when the optimizer does not accumulate.
 *
 * @example
 * ```ts
 * accumulatedUpdates(model.optimizer); // 12 after 48 batches with k = 4; undefined for tf.train.adam
 * ```
 */
export function accumulatedUpdates(optimizer: unknown): number | undefined {
  if (typeof optimizer !== 'object' || optimizer === null) return undefined;
  const { iterations, state } = optimizer as { iterations?: unknown; state?: unknown };
  if (typeof iterations !== 'number') return undefined;
  if (typeof state !== 'object' || state === null) return undefined;
  return typeof (state as { miniStep?: unknown }).miniStep === 'number' ? iterations : undefined;
}

/** One optimizer update, from the micro-batches that made it. */
export interface CompletedUpdate {
  /** The update's step: the updates applied before it (0 for the first). */
  readonly step: number;
  /**
   * Every numeric batch-log value (except `batch` and `size`) as the
   * sample-weighted mean over the update's micro-batches (the value itself
   * for a single micro-batch).
   */
  readonly logs: Readonly<Record<string, number>>;
  /** Samples of the micro-batches (`logs.size`; a micro-batch without it counts 1). */
  readonly samples: number;
  /** The number of micro-batches (1 without accumulation). */
  readonly microBatches: number;
}

/** See {@link createFitStepCounter}. */
export interface FitStepCounter {
  /** The step of the next update: the first step plus the updates completed since {@link FitStepCounter.start}. */
  readonly step: number;
  /** Micro-batches seen since the last completed update. */
  readonly pendingMicroBatches: number;
  /** Starts counting (at `onTrainBegin`); `firstStep` (default 0) is the step of the first update. */
  start(optimizer: unknown, firstStep?: number): void;
  /**
   * Adds a finished micro-batch (at `onBatchEnd`, after the optimizer ran):
   * returns the update it completed, or `undefined` while its group waits.
   */
  batchEnd(
    optimizer: unknown,
    logs?: Readonly<Record<string, unknown>>,
  ): CompletedUpdate | undefined;
  /**
   * Returns the waiting group as an update when the optimizer applied it
   * since the last batch (a flush at the end of an epoch); call at
   * `onEpochEnd` before reading {@link FitStepCounter.step}.
   */
  sync(optimizer: unknown): CompletedUpdate | undefined;
}

const bookkeepingKeys = new Set(['batch', 'size']);

/**
 * Counts optimizer updates in a `model.fit` callback and groups the batch logs
 * of each update, so that a history, TensorBoard steps and a profile agree
 * with schedules (which read `optimizer.iterations`) when the optimizer
 * accumulates gradients. Without accumulation (see {@link accumulatedUpdates})
 * every batch is one update and its logs pass through unchanged.
 *
 * @returns A counter to call from `onTrainBegin`, `onBatchEnd` and `onEpochEnd`.
 *
 * @example
 * ```ts
 * const steps = createFitStepCounter();
 * new tf.CustomCallback({
 *   onTrainBegin: () => steps.start(model.optimizer),
 *   onBatchEnd: (_batch, logs) => {
 *     const update = steps.batchEnd(model.optimizer, logs);
 *     if (update) writer.scalar('batch_loss', update.logs.loss!, update.step);
 *   },
 * });
 * ```
 */
export function createFitStepCounter(): FitStepCounter {
  let step = 0;
  let lastCount: number | undefined;
  let microBatches = 0;
  let samples = 0;
  let weightSum = 0;
  let single: Record<string, number> = {};
  const sums = new Map<string, number>();

  const complete = (advanced: number): CompletedUpdate => {
    const logs: Record<string, number> = {};
    if (microBatches === 1) Object.assign(logs, single);
    else for (const [key, sum] of sums) logs[key] = sum / weightSum;
    const update = { step: step + advanced - 1, logs, samples, microBatches };
    step += advanced;
    microBatches = 0;
    samples = 0;
    weightSum = 0;
    single = {};
    sums.clear();
    return update;
  };

  /** How many updates the optimizer applied since the last look (undefined: every batch is one). */
  const advancedBy = (optimizer: unknown): number | undefined => {
    const count = accumulatedUpdates(optimizer);
    if (count === undefined) {
      lastCount = undefined;
      return undefined;
    }
    const advanced = lastCount === undefined ? 0 : count - lastCount;
    lastCount = count;
    return Math.max(0, advanced);
  };

  return {
    get step() {
      return step;
    },
    get pendingMicroBatches() {
      return microBatches;
    },
    start(optimizer, firstStep = 0) {
      step = firstStep;
      lastCount = accumulatedUpdates(optimizer);
      microBatches = 0;
      samples = 0;
      weightSum = 0;
      single = {};
      sums.clear();
    },
    batchEnd(optimizer, logs) {
      const size = logs?.size;
      const weight = typeof size === 'number' && Number.isFinite(size) && size > 0 ? size : 1;
      microBatches++;
      samples += weight;
      weightSum += weight;
      for (const [key, value] of Object.entries(logs ?? {})) {
        if (bookkeepingKeys.has(key) || typeof value !== 'number') continue;
        if (microBatches === 1) single[key] = value;
        sums.set(key, (sums.get(key) ?? 0) + weight * value);
      }
      const advanced = advancedBy(optimizer);
      if (advanced === undefined) return complete(1);
      return advanced > 0 ? complete(advanced) : undefined;
    },
    sync(optimizer) {
      if (microBatches === 0) return undefined;
      const advanced = advancedBy(optimizer);
      return advanced !== undefined && advanced > 0 ? complete(advanced) : undefined;
    },
  };
}
