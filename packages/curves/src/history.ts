import {
  checkArguments,
  decodeJsonNumber,
  encodeJsonNumber,
  StateRestoreError,
} from '@trainkit/core';
import type { Series } from '@trainkit/stats';

export type { Series };

/** The metrics logged at the end of one epoch. */
export interface EpochRecord {
  /** Epoch index, 0-based, strictly increasing. */
  readonly epoch: number;
  /** Optimizer updates applied when the epoch ended. */
  readonly iteration: number;
  /** Named metrics, e.g. `{ loss: 0.31, acc: 0.91, val_loss: 0.35, val_acc: 0.9 }`. */
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * The learning-curve history of one training run: a plain, JSON-serializable
 * object that the recording functions append to.
 *
 * Iteration convention (trainkit's step unit): the iteration of a
 * measurement is the number of optimizer updates applied before it. The loss
 * of the first mini-batch is recorded at iteration 0 (it is computed before
 * the first update); a validation after an epoch of 100 batches is recorded
 * at iteration 100.
 */
export interface TrainingHistory {
  /** Marks the JSON format. */
  readonly format: 'trainkit.curves.history';
  /** Format version. */
  readonly version: 1;
  /** Run name, shown in legends when several runs are compared. */
  name: string;
  /** Training loss per iteration (the mini-batch loss, in training mode). */
  readonly train: Series;
  /** Validation loss, at any iterations (every n iterations or per epoch). */
  readonly validation: Series;
  /**
   * Optional: the loss on the training set evaluated in evaluation mode (no
   * dropout, fixed weights), to check it agrees with the tracked training loss.
   */
  readonly trainingEvaluation: Series;
  /** Metrics per epoch. */
  readonly epochs: EpochRecord[];
}

/** Options of {@link createHistory}. */
export interface CreateHistoryOptions {
  /** Run name. Default `'run'`. */
  readonly name?: string;
}

/**
 * Creates an empty history.
 *
 * @param options - The run name.
 * @returns An empty {@link TrainingHistory}.
 * @example
 * ```ts
 * const history = createHistory({ name: 'lr=1e-3' });
 * recordTraining(history, 0, 2.31);
 * recordValidation(history, 100, 0.52);
 * ```
 */
export function createHistory(options: CreateHistoryOptions = {}): TrainingHistory {
  const name = options.name ?? 'run';
  if (typeof name !== 'string')
    checkArguments('createHistory').fail('options.name', name, 'a string');
  return {
    format: 'trainkit.curves.history',
    version: 1,
    name,
    train: { iterations: [], values: [] },
    validation: { iterations: [], values: [] },
    trainingEvaluation: { iterations: [], values: [] },
    epochs: [],
  };
}

function append(functionName: string, series: Series, iteration: number, value: number): void {
  const check = checkArguments(functionName);
  check.integer('iteration', iteration, { min: 0 });
  const last = series.iterations[series.iterations.length - 1];
  if (last !== undefined && iteration <= last) {
    check.fail(
      'iteration',
      iteration,
      `> ${last} (the last recorded iteration)`,
      'Record each iteration once, in increasing order.',
    );
  }
  if (typeof value !== 'number') {
    check.fail('value', value, 'a number (NaN and infinities are allowed and kept)');
  }
  series.iterations.push(iteration);
  series.values.push(value);
}

/**
 * Appends a training (mini-batch) loss.
 *
 * @param history - The history to append to.
 * @param iteration - Updates applied before this batch; strictly increasing integer >= 0.
 * @param loss - The batch loss; NaN and infinities are recorded as they are.
 * @throws InvalidArgumentError for a non-integer or non-increasing iteration or a non-number loss.
 * @example
 * ```ts
 * recordTraining(history, 0, 2.302);
 * ```
 */
export function recordTraining(history: TrainingHistory, iteration: number, loss: number): void {
  append('recordTraining', history.train, iteration, loss);
}

/**
 * Appends a validation loss measured after `iteration` updates.
 *
 * @param history - The history to append to.
 * @param iteration - Strictly increasing integer >= 0.
 * @param loss - The validation loss.
 * @example
 * ```ts
 * recordValidation(history, 500, 0.41);
 * ```
 */
export function recordValidation(history: TrainingHistory, iteration: number, loss: number): void {
  append('recordValidation', history.validation, iteration, loss);
}

/**
 * Appends the loss of the training set evaluated in evaluation mode (dropout
 * off, weights fixed) after `iteration` updates. The diagnosis compares it
 * with the tracked training loss around the same iteration.
 *
 * @param history - The history to append to.
 * @param iteration - Strictly increasing integer >= 0.
 * @param loss - The training-set loss.
 * @example
 * ```ts
 * recordTrainingEvaluation(history, 500, 0.28);
 * ```
 */
export function recordTrainingEvaluation(
  history: TrainingHistory,
  iteration: number,
  loss: number,
): void {
  append('recordTrainingEvaluation', history.trainingEvaluation, iteration, loss);
}

/**
 * Appends the metrics of one epoch (as logged by `model.fit`, for example).
 *
 * @param history - The history to append to.
 * @param epoch - 0-based, strictly increasing.
 * @param iteration - Updates applied when the epoch ended (non-decreasing).
 * @param metrics - Numbers by name.
 * @example
 * ```ts
 * recordEpoch(history, 0, 469, { loss: 0.35, acc: 0.9, val_loss: 0.2, val_acc: 0.94 });
 * ```
 */
export function recordEpoch(
  history: TrainingHistory,
  epoch: number,
  iteration: number,
  metrics: Readonly<Record<string, number>>,
): void {
  const check = checkArguments('recordEpoch');
  check.integer('epoch', epoch, { min: 0 });
  check.integer('iteration', iteration, { min: 0 });
  const last = history.epochs[history.epochs.length - 1];
  if (last !== undefined && epoch <= last.epoch) {
    check.fail('epoch', epoch, `> ${last.epoch} (the last recorded epoch)`);
  }
  if (last !== undefined && iteration < last.iteration) {
    check.fail('iteration', iteration, `>= ${last.iteration} (the last epoch's iteration)`);
  }
  if (typeof metrics !== 'object' || metrics === null) {
    check.fail('metrics', metrics, 'an object of numbers');
  }
  const copy: Record<string, number> = {};
  for (const [name, value] of Object.entries(metrics)) {
    if (typeof value !== 'number') check.fail(`metrics.${name}`, value, 'a number');
    copy[name] = value;
  }
  history.epochs.push({ epoch, iteration, metrics: copy });
}

/**
 * Serializes a history to JSON text. NaN, infinities and -0 are written as
 * strings so that {@link historyFromJson} restores every value exactly
 * (finite numbers round-trip exactly through JSON already).
 *
 * @param history - The history.
 * @returns JSON text.
 * @example
 * ```ts
 * await writeFile('run.json', historyToJson(history));
 * ```
 */
export function historyToJson(history: TrainingHistory): string {
  const series = (s: Series) => ({
    iterations: s.iterations,
    values: s.values.map(encodeJsonNumber),
  });
  return JSON.stringify({
    format: history.format,
    version: history.version,
    name: history.name,
    train: series(history.train),
    validation: series(history.validation),
    trainingEvaluation: series(history.trainingEvaluation),
    epochs: history.epochs.map((e) => ({
      epoch: e.epoch,
      iteration: e.iteration,
      metrics: Object.fromEntries(
        Object.entries(e.metrics).map(([k, v]) => [k, encodeJsonNumber(v)]),
      ),
    })),
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function restoreSeries(value: unknown, where: string): Series {
  if (!isRecord(value) || !Array.isArray(value.iterations) || !Array.isArray(value.values)) {
    throw new StateRestoreError(
      'historyFromJson',
      `${where} must be an object with arrays "iterations" and "values".`,
    );
  }
  if (value.iterations.length !== value.values.length) {
    throw new StateRestoreError(
      'historyFromJson',
      `${where}.iterations has ${value.iterations.length} entries but ${where}.values has ${value.values.length}.`,
    );
  }
  const iterations: number[] = [];
  for (let i = 0; i < value.iterations.length; i++) {
    const iteration = value.iterations[i];
    const previous = iterations[i - 1];
    if (
      typeof iteration !== 'number' ||
      !Number.isSafeInteger(iteration) ||
      iteration < 0 ||
      (previous !== undefined && iteration <= previous)
    ) {
      throw new StateRestoreError(
        'historyFromJson',
        `${where}.iterations[${i}] must be an integer >= 0 greater than the previous one, got ${JSON.stringify(iteration)}.`,
      );
    }
    iterations.push(iteration);
  }
  const values = value.values.map((v, i) =>
    decodeJsonNumber('historyFromJson', `${where}.values[${i}]`, v),
  );
  return { iterations, values };
}

/**
 * Restores a history written by {@link historyToJson}, validating its shape.
 *
 * @param json - JSON text.
 * @returns The history, equal value for value (NaN and -0 included) to the one serialized.
 * @throws StateRestoreError when the text is not a trainkit curves history (or has a newer version).
 * @example
 * ```ts
 * const history = historyFromJson(await readFile('run.json', 'utf8'));
 * ```
 */
export function historyFromJson(json: string): TrainingHistory {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new StateRestoreError('historyFromJson', 'the text is not valid JSON.', { cause: error });
  }
  if (!isRecord(parsed) || parsed.format !== 'trainkit.curves.history') {
    throw new StateRestoreError(
      'historyFromJson',
      'the JSON is not a trainkit curves history (format must be "trainkit.curves.history"). Write it with historyToJson.',
    );
  }
  if (parsed.version !== 1) {
    throw new StateRestoreError(
      'historyFromJson',
      `unsupported version ${JSON.stringify(parsed.version)}; this release reads version 1.`,
    );
  }
  if (typeof parsed.name !== 'string') {
    throw new StateRestoreError('historyFromJson', 'name must be a string.');
  }
  if (!Array.isArray(parsed.epochs)) {
    throw new StateRestoreError('historyFromJson', 'epochs must be an array.');
  }
  const epochs: EpochRecord[] = parsed.epochs.map((e, i) => {
    if (
      !isRecord(e) ||
      !Number.isSafeInteger(e.epoch) ||
      !Number.isSafeInteger(e.iteration) ||
      !isRecord(e.metrics)
    ) {
      throw new StateRestoreError(
        'historyFromJson',
        `epochs[${i}] must be { epoch, iteration, metrics }.`,
      );
    }
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(e.metrics)) {
      metrics[k] = decodeJsonNumber('historyFromJson', `epochs[${i}].metrics.${k}`, v);
    }
    return { epoch: e.epoch as number, iteration: e.iteration as number, metrics };
  });
  return {
    format: 'trainkit.curves.history',
    version: 1,
    name: parsed.name,
    train: restoreSeries(parsed.train, 'train'),
    validation: restoreSeries(parsed.validation, 'validation'),
    trainingEvaluation: restoreSeries(parsed.trainingEvaluation, 'trainingEvaluation'),
    epochs,
  };
}
