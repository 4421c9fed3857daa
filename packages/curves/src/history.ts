import {
  checkArguments,
  encodeJsonNumber,
  encodeJsonNumbers,
  type JsonNumber,
  readStateEnvelope,
  type StateEnvelope,
  type StateReader,
  stateEnvelope,
} from '@trainkit/core';
import type { Series } from '@trainkit/stats';

export type { Series };

const FORMAT = 'trainkit.curves.history' as const;

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
 * The learning-curve history of one training run: a plain object that the
 * recording functions append to. It carries its own `format` and `version`
 * (it is its own envelope); save it with {@link historyToJSON}, which also
 * encodes NaN, infinities and -0.
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
  options = checkArguments('createHistory').options('options', options, "{ name: 'mlp' }");
  const name = options.name ?? 'run';
  if (typeof name !== 'string') checkArguments('createHistory').fail('name', name, 'a string');
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

/**
 * Checks that a value is a {@link TrainingHistory} (from `createHistory` or
 * `historyFromJSON`): the right `format` and its series. Internal.
 */
export function checkHistory(
  functionName: string,
  history: unknown,
  argument = 'history',
): TrainingHistory {
  const candidate = history as Partial<TrainingHistory> | null;
  const isSeries = (series: unknown) =>
    typeof series === 'object' &&
    series !== null &&
    Array.isArray((series as Series).iterations) &&
    Array.isArray((series as Series).values);
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    candidate.format !== FORMAT ||
    !isSeries(candidate.train) ||
    !isSeries(candidate.validation) ||
    !isSeries(candidate.trainingEvaluation) ||
    !Array.isArray(candidate.epochs)
  ) {
    checkArguments(functionName).fail(
      argument,
      history,
      'a TrainingHistory',
      'Create one with createHistory(), or read one with historyFromJSON().',
    );
  }
  return history as TrainingHistory;
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
  append('recordTraining', checkHistory('recordTraining', history).train, iteration, loss);
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
  append('recordValidation', checkHistory('recordValidation', history).validation, iteration, loss);
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
  append(
    'recordTrainingEvaluation',
    checkHistory('recordTrainingEvaluation', history).trainingEvaluation,
    iteration,
    loss,
  );
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
  checkHistory('recordEpoch', history);
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

/** A serialized {@link TrainingHistory}, as {@link historyToJSON} writes it. */
export interface HistoryJSON extends StateEnvelope<'trainkit.curves.history', 1> {
  readonly name: string;
  readonly train: SeriesJSON;
  readonly validation: SeriesJSON;
  readonly trainingEvaluation: SeriesJSON;
  readonly epochs: {
    readonly epoch: number;
    readonly iteration: number;
    readonly metrics: Record<string, JsonNumber>;
  }[];
}

/** A serialized {@link Series}: values encoded with `encodeJsonNumber`. */
export interface SeriesJSON {
  readonly iterations: number[];
  readonly values: JsonNumber[];
}

const seriesToJSON = (s: Series): SeriesJSON => ({
  iterations: [...s.iterations],
  values: encodeJsonNumbers(s.values),
});

/**
 * Serializes a history to a JSON-safe object in the versioned envelope
 * (`{ format: 'trainkit.curves.history', version: 1, ... }`). NaN, infinities
 * and -0 are written as strings so that {@link historyFromJSON} restores
 * every value exactly (finite numbers round-trip exactly through JSON already).
 *
 * @param history - The history.
 * @returns A JSON-safe object; `JSON.stringify` it to save it.
 * @example
 * ```ts
 * await writeFile('run.json', JSON.stringify(historyToJSON(history)));
 * ```
 */
export function historyToJSON(history: TrainingHistory): HistoryJSON {
  checkHistory('historyToJSON', history);
  return stateEnvelope(FORMAT, 1, {
    name: history.name,
    train: seriesToJSON(history.train),
    validation: seriesToJSON(history.validation),
    trainingEvaluation: seriesToJSON(history.trainingEvaluation),
    epochs: history.epochs.map((e) => ({
      epoch: e.epoch,
      iteration: e.iteration,
      metrics: Object.fromEntries(
        Object.entries(e.metrics).map(([k, v]) => [k, encodeJsonNumber(v)]),
      ),
    })),
  });
}

function readSeries(read: StateReader, field: string): Series {
  const series = read.object(field);
  const iterations = series.numbers('iterations');
  const values = series.jsonNumbers('values');
  if (values.length !== iterations.length) {
    series.fail(
      'values',
      `an array of ${iterations.length} values (one per iteration)`,
      series.value('values'),
    );
  }
  for (let i = 0; i < iterations.length; i++) {
    const iteration = iterations[i]!;
    if (
      !Number.isSafeInteger(iteration) ||
      iteration < 0 ||
      (i > 0 && iteration <= iterations[i - 1]!)
    ) {
      series.fail(
        `iterations[${i}]`,
        i === 0 ? 'an integer >= 0' : `an integer > ${iterations[i - 1]} (increasing)`,
        iteration,
      );
    }
  }
  return { iterations, values };
}

/**
 * Restores a history written by {@link historyToJSON} (the object, its JSON
 * round trip or its JSON text), validating every field.
 *
 * @param json - What {@link historyToJSON} returned.
 * @returns The history, equal value for value (NaN and -0 included) to the one serialized.
 * @throws StateRestoreError naming the field when it is not a trainkit curves history of this version.
 * @example
 * ```ts
 * const history = historyFromJSON(await readFile('run.json', 'utf8'));
 * ```
 */
export function historyFromJSON(json: unknown): TrainingHistory {
  const read = readStateEnvelope('historyFromJSON', json, {
    format: FORMAT,
    version: 1,
    writer: 'historyToJSON',
  });
  const name = read.string('name');
  const train = readSeries(read, 'train');
  const validation = readSeries(read, 'validation');
  const trainingEvaluation = readSeries(read, 'trainingEvaluation');
  const epochs: EpochRecord[] = read.array('epochs').map((value, i) => {
    const epoch = read.element('epochs', i, value);
    const metricsReader = epoch.object('metrics');
    const metrics: Record<string, number> = {};
    for (const key of Object.keys(metricsReader.record))
      metrics[key] = metricsReader.jsonNumber(key);
    return { epoch: epoch.count('epoch'), iteration: epoch.count('iteration'), metrics };
  });
  return {
    format: FORMAT,
    version: 1,
    name,
    train,
    validation,
    trainingEvaluation,
    epochs,
  };
}
