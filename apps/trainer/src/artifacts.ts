/**
 * The one definition of what a run directory holds besides its checkpoints and
 * TensorBoard runs: every artifact's file name, its JSON shape, and a writer
 * and a reader for it. Every command (`train`, `sanity`, `lr-find`, `search`,
 * `recipe`) writes through these functions and `report` / `compare` read
 * through them.
 *
 * - Where a package has a JSON form, the file IS that form (curves'
 *   `historyToJSON`, profiler's `profileToJSON`, metrics'
 *   `confusionMatrixToJSON`, sanity's `reportToJSON`, search's
 *   `resultsToJson`), read back with the package's own reader.
 * - The trainer's own records use the state envelope of `@trainkit/core`
 *   (`format: 'trainkit.trainer.<thing>'`, `version: 1`), checked field by
 *   field with `readStateEnvelope`.
 * - Writes are atomic: a temporary file in the same directory, fsynced, then
 *   renamed over the target, so a reader sees the old file or the new one,
 *   never half of one; a failed write leaves no temporary file.
 * - Reads return `undefined` for a missing file and throw
 *   {@link RunArtifactError} (a `StateRestoreError`) naming the file, the
 *   field and the fix for anything else.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  encodeJsonNumber,
  encodeJsonNumbers,
  readStateEnvelope,
  type StateReader,
  StateRestoreError,
  stateEnvelope,
} from '@trainkit/core';
import { historyFromJSON, historyToJSON, type TrainingHistory } from '@trainkit/curves';
import {
  type ConfusionMatrixState,
  confusionMatrixFromJSON,
  confusionMatrixToJSON,
} from '@trainkit/metrics';
import {
  type ProfilerState,
  profileFromJSON,
  profileToJSON,
  type SavedProfile,
  type SummarizeOptions,
} from '@trainkit/profiler';
import {
  type AnalyzeRangeTestOptions,
  analyzeRangeTest,
  type CheckStatus,
  type LearningRateRunResult,
  type RangeTestAnalysis,
  type RangeTestStopReason,
  reportFromJSON,
  reportToJSON,
  type SanityReport,
} from '@trainkit/sanity';
import type { SearchResultJson } from '@trainkit/search';

/** The file of each artifact, relative to the run directory. */
export const artifactFiles = {
  /** The run configuration (every option that decides the run). */
  options: 'options.json',
  /** The outcome: updates, best epoch, test accuracy, training time. */
  result: 'result.json',
  /** The learning curves (curves' `historyToJSON`). */
  history: 'history.json',
  /** Per-phase timings (profiler's `profileToJSON`). */
  profile: 'profile.json',
  /** The learning rate (and momentum) of each update. */
  schedule: 'schedule.json',
  /** A final evaluation: loss, accuracy, the confusion matrix (metrics' `confusionMatrixToJSON`). */
  evaluation: 'evaluation.json',
  /** The most confident mistakes on the evaluated set, with their pixels. */
  misclassified: 'misclassified.json',
  /** The sanity checks (sanity's `reportToJSON`). */
  sanity: 'sanity.json',
  /** The learning-rate range test and the discrete test. */
  lrFinder: 'lr-finder.json',
  /** The hyperparameter search (search's `resultsToJson`) and the trials' run directories. */
  search: 'search.json',
  /** The recipe's steps, in order. */
  recipe: 'recipe.json',
  /** N-fold cross-validation of one configuration. */
  crossValidation: 'cross-validation.json',
} as const;

/** The name of an artifact kind. */
export type ArtifactKind = keyof typeof artifactFiles;

/** Every artifact kind, in the order the report shows them. */
export const artifactKinds = Object.keys(artifactFiles) as ArtifactKind[];

/** Why an artifact could not be read. */
export type RunArtifactProblem = 'unreadable' | 'not-json' | 'corrupt';

/**
 * An artifact file exists but cannot be used: unreadable (permissions, a
 * directory), not JSON, or JSON that fails its format's checks. The message
 * names the file, the field and the fix; `file`, `field`, `format` and
 * `problem` say the same for programs.
 */
export class RunArtifactError extends StateRestoreError {
  override name = 'RunArtifactError';
  /** The file (absolute path). */
  readonly file: string;
  readonly problem: RunArtifactProblem;

  constructor(
    file: string,
    problem: RunArtifactProblem,
    message: string,
    details: { cause?: unknown; format?: string; field?: string } = {},
  ) {
    super(file, message, details);
    this.file = file;
    this.problem = problem;
  }

  /** True for a {@link RunArtifactError}. */
  static override isInstance(error: unknown): error is RunArtifactError {
    return (
      StateRestoreError.isInstance(error) &&
      (error as { name?: unknown }).name === 'RunArtifactError'
    );
  }
}

// ---------------------------------------------------------------------------
// Files

/**
 * Writes `text` to `file` atomically: a temporary file beside it, fsynced,
 * renamed over the target (then the directory fsynced). On failure the
 * temporary file is removed and the previous file, if any, is untouched.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const temporary = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  try {
    const directory = await open(path.dirname(file), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic.
  }
}

/** Artifacts with long number arrays are written on one line; the others indented for reading. */
const compactKinds: ReadonlySet<ArtifactKind> = new Set([
  'history',
  'profile',
  'schedule',
  'misclassified',
  'lrFinder',
]);

async function writeJson(directory: string, kind: ArtifactKind, json: unknown): Promise<string> {
  const file = path.join(directory, artifactFiles[kind]);
  const text = compactKinds.has(kind) ? JSON.stringify(json) : JSON.stringify(json, null, 2);
  await writeFileAtomic(file, `${text}\n`);
  return file;
}

/**
 * Reads an artifact's JSON and parses it with `parse`; `undefined` when the
 * file does not exist. Every failure becomes a {@link RunArtifactError}.
 */
async function readJson<T>(
  directory: string,
  kind: ArtifactKind,
  parse: (json: unknown) => T,
): Promise<T | undefined> {
  const file = path.join(directory, artifactFiles[kind]);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') return undefined;
    throw new RunArtifactError(
      file,
      'unreadable',
      `cannot be read (${code ?? (error as Error).message}). Check the file's permissions, or delete it and write it again.`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RunArtifactError(
      file,
      'not-json',
      `is not valid JSON (${(error as Error).message}${text.length === 0 ? '; the file is empty' : ''}). It was truncated or edited: write it again (re-run the command that made it) or delete it.`,
      { cause: error },
    );
  }
  try {
    return parse(json);
  } catch (error) {
    if (!StateRestoreError.isInstance(error)) throw error;
    throw new RunArtifactError(file, 'corrupt', `${(error as Error).message}`, {
      cause: error,
      ...(error.format === undefined ? {} : { format: error.format }),
      ...(error.field === undefined ? {} : { field: error.field }),
    });
  }
}

function reader(functionName: string, json: unknown, format: string, writer: string): StateReader {
  return readStateEnvelope(functionName, json, { format, version: 1, writer });
}

/** `null` or a reader of a nested object. */
function optionalObject(read: StateReader, field: string): StateReader | undefined {
  return read.value(field) === null ? undefined : read.object(field);
}

function optionalNumber(read: StateReader, field: string): number | undefined {
  return read.value(field) === null ? undefined : read.number(field);
}

function strings(read: StateReader, field: string): string[] {
  return read.array(field).map((value, index) => {
    if (typeof value !== 'string') read.fail(`${field}[${index}]`, 'a string', value);
    return value as string;
  });
}

// ---------------------------------------------------------------------------
// options.json: the run configuration

/** A configuration value: what `compare` compares. */
export type ConfigurationValue = string | number | boolean | null;

/**
 * The run configuration: the command that made the run and every setting
 * that decides its course, flattened to `key: value` (nested options such as
 * `checkpointEvery` become `"3m"`-style strings; absent ones `null`).
 */
export interface RunConfiguration {
  /** `train`, `recipe`, `search`, ... */
  readonly command: string;
  readonly settings: Readonly<Record<string, ConfigurationValue>>;
}

const optionsFormat = 'trainkit.trainer.options';

/** Keys of `TrainOptions` that say how a session runs, not what it trains: not part of the configuration. */
export const sessionOnlyOptions: readonly string[] = [
  'logdir',
  'name',
  'resume',
  'extend',
  'overwrite',
  'progress',
];

/**
 * Flattens an options object (e.g. `TrainOptions`) into configuration
 * settings: session-only keys dropped, `undefined` -> `null`,
 * `{ unit, every }` -> `"<every> <unit>"`, other objects as their JSON text.
 */
export function configurationSettings(
  options: Readonly<Record<string, unknown>>,
): Record<string, ConfigurationValue> {
  const settings: Record<string, ConfigurationValue> = {};
  for (const [key, value] of Object.entries(options)) {
    if (sessionOnlyOptions.includes(key)) continue;
    if (value === undefined || value === null) settings[key] = null;
    else if (typeof value === 'string' || typeof value === 'boolean') settings[key] = value;
    else if (typeof value === 'number')
      settings[key] = Number.isFinite(value) ? value : String(value);
    else if (
      typeof value === 'object' &&
      'unit' in value &&
      'every' in value &&
      Object.keys(value).length === 2
    ) {
      settings[key] =
        `${String((value as { every: unknown }).every)} ${String((value as { unit: unknown }).unit)}`;
    } else settings[key] = JSON.stringify(value);
  }
  return settings;
}

/** The JSON of `options.json`. */
export function configurationToJSON(configuration: RunConfiguration) {
  return stateEnvelope(optionsFormat, 1, {
    command: configuration.command,
    settings: { ...configuration.settings },
  });
}

/** Reads `options.json`'s JSON, checking every setting is a string, a finite number, a boolean or null. */
export function configurationFromJSON(json: unknown): RunConfiguration {
  const read = reader('configurationFromJSON', json, optionsFormat, 'configurationToJSON');
  const command = read.string('command', { nonEmpty: true });
  const settingsReader = read.object('settings');
  const settings: Record<string, ConfigurationValue> = {};
  for (const [key, value] of Object.entries(settingsReader.record)) {
    if (
      !(
        value === null ||
        typeof value === 'string' ||
        typeof value === 'boolean' ||
        (typeof value === 'number' && Number.isFinite(value))
      )
    ) {
      settingsReader.fail(key, 'a string, a finite number, a boolean or null', value);
    }
    settings[key] = value as ConfigurationValue;
  }
  return { command, settings };
}

/** Writes `options.json`. @returns The file's path. */
export function writeConfiguration(directory: string, configuration: RunConfiguration) {
  return writeJson(directory, 'options', configurationToJSON(configuration));
}

/** Reads `options.json` (`undefined` when absent). @throws RunArtifactError */
export function readConfiguration(directory: string) {
  return readJson(directory, 'options', configurationFromJSON);
}

// ---------------------------------------------------------------------------
// result.json

/** The best full-set validation result of a run. */
export interface ResultBest {
  readonly epoch: number;
  readonly updates: number;
  readonly accuracy: number;
  readonly loss: number;
}

/** What a finished training run reached (`result.json`). */
export interface RunResult {
  readonly name: string;
  readonly backend: string;
  /** The options as the run used them (kept for readers of earlier result files). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Epochs completed. */
  readonly epochs: number;
  /** Optimizer updates applied. */
  readonly updates: number;
  readonly trainingSeconds: number;
  readonly best: ResultBest | null;
  /**
   * The final model on (a part of) the training split, in inference mode: the
   * training error of a bias/variance analysis. `null` when not measured.
   */
  readonly train: {
    readonly accuracy: number;
    readonly loss: number;
    readonly count: number;
  } | null;
  /** The test set's result, `null` when it was not evaluated. */
  readonly test: { readonly accuracy: number; readonly loss: number | null } | null;
}

const resultFormat = 'trainkit.trainer.result';

/** The JSON of `result.json`. */
export function resultToJSON(result: RunResult) {
  return stateEnvelope(resultFormat, 1, {
    name: result.name,
    backend: result.backend,
    options: result.options,
    epochs: result.epochs,
    updates: result.updates,
    trainingSeconds: result.trainingSeconds,
    best: result.best,
    train: result.train,
    test: result.test,
  });
}

/** Reads `result.json`'s JSON. */
export function resultFromJSON(json: unknown): RunResult {
  // result.json files written before the envelope existed hold the same payload.
  const legacy =
    typeof json === 'object' &&
    json !== null &&
    !('format' in json) &&
    !('version' in json) &&
    !('kind' in json) &&
    'updates' in json;
  const read = reader(
    'resultFromJSON',
    legacy ? { format: resultFormat, version: 1, ...json } : json,
    resultFormat,
    'resultToJSON',
  );
  const best = optionalObject(read, 'best');
  const test = optionalObject(read, 'test');
  const train = read.has('train') ? optionalObject(read, 'train') : undefined;
  return {
    name: read.string('name', { nonEmpty: true }),
    backend: read.string('backend'),
    options: read.object('options').record,
    epochs: read.count('epochs'),
    updates: read.count('updates'),
    trainingSeconds: read.number('trainingSeconds', { min: 0 }),
    best:
      best === undefined
        ? null
        : {
            epoch: best.integer('epoch', { min: 1 }),
            updates: best.count('updates'),
            accuracy: best.number('accuracy', { min: 0, max: 1 }),
            loss: best.number('loss', { min: 0 }),
          },
    train:
      train === undefined
        ? null
        : {
            accuracy: train.number('accuracy', { min: 0, max: 1 }),
            loss: train.number('loss', { min: 0 }),
            count: train.integer('count', { min: 1 }),
          },
    test:
      test === undefined
        ? null
        : {
            accuracy: test.number('accuracy', { min: 0, max: 1 }),
            loss: test.has('loss') ? (optionalNumber(test, 'loss') ?? null) : null,
          },
  };
}

/** Writes `result.json`. */
export function writeResult(directory: string, result: RunResult) {
  return writeJson(directory, 'result', resultToJSON(result));
}

/** Reads `result.json`. @throws RunArtifactError */
export function readResult(directory: string) {
  return readJson(directory, 'result', resultFromJSON);
}

// ---------------------------------------------------------------------------
// history.json (curves' own format)

/** Writes `history.json` (curves' `historyToJSON`). */
export function writeHistory(directory: string, history: TrainingHistory) {
  return writeJson(directory, 'history', historyToJSON(history));
}

/** Reads `history.json` with curves' `historyFromJSON`. @throws RunArtifactError */
export function readHistory(directory: string) {
  return readJson(directory, 'history', historyFromJSON);
}

// ---------------------------------------------------------------------------
// profile.json (profiler's own format)

/** Writes `profile.json` (profiler's `profileToJSON`: the report and the raw samples). */
export function writeProfile(
  directory: string,
  state: ProfilerState,
  options: SummarizeOptions = {},
) {
  return writeJson(directory, 'profile', profileToJSON(state, options));
}

/** Reads `profile.json` with profiler's `profileFromJSON`. @throws RunArtifactError */
export function readProfile(directory: string): Promise<SavedProfile | undefined> {
  return readJson(directory, 'profile', profileFromJSON);
}

// ---------------------------------------------------------------------------
// schedule.json

/** The schedule as it was applied: the learning rate (and momentum) at sampled updates. */
export interface ScheduleSamples {
  /** The schedule's name (`cosine`, `one-cycle`, ...). */
  readonly schedule: string;
  /** Updates the schedule spans. */
  readonly totalUpdates: number;
  /** The updates sampled, increasing (every update up to {@link maxScheduleSamples}, else evenly spaced). */
  readonly steps: readonly number[];
  /** The learning rate of each sampled update. */
  readonly learningRate: readonly number[];
  /** The momentum (Adam's beta1) of each sampled update, when the schedule sets one. */
  readonly momentum: readonly number[] | null;
}

/** The most updates {@link sampleSchedule} keeps. */
export const maxScheduleSamples = 2000;

/**
 * Samples a schedule at every update of `totalUpdates`, or at
 * {@link maxScheduleSamples} evenly spaced updates (first and last included).
 */
export function sampleSchedule(
  schedule: string,
  totalUpdates: number,
  learningRate: (step: number) => number,
  momentum?: (step: number) => number,
): ScheduleSamples {
  const count = Math.min(totalUpdates, maxScheduleSamples);
  const steps: number[] = [];
  for (let i = 0; i < count; i++) {
    const step = count === totalUpdates ? i : Math.round((i * (totalUpdates - 1)) / (count - 1));
    if (steps.at(-1) !== step) steps.push(step);
  }
  return {
    schedule,
    totalUpdates,
    steps,
    learningRate: steps.map(learningRate),
    momentum: momentum === undefined ? null : steps.map(momentum),
  };
}

const scheduleFormat = 'trainkit.trainer.schedule';

/** The JSON of `schedule.json`. */
export function scheduleToJSON(samples: ScheduleSamples) {
  return stateEnvelope(scheduleFormat, 1, {
    schedule: samples.schedule,
    totalUpdates: samples.totalUpdates,
    steps: [...samples.steps],
    learningRate: encodeJsonNumbers(samples.learningRate),
    momentum: samples.momentum === null ? null : encodeJsonNumbers(samples.momentum),
  });
}

/** Reads `schedule.json`'s JSON: steps increasing, one rate per step. */
export function scheduleFromJSON(json: unknown): ScheduleSamples {
  const read = reader('scheduleFromJSON', json, scheduleFormat, 'scheduleToJSON');
  const totalUpdates = read.count('totalUpdates');
  const steps = read.numbers('steps', { min: 0 });
  steps.forEach((step, i) => {
    if (
      !Number.isInteger(step) ||
      (i > 0 && step <= steps[i - 1]!) ||
      step >= Math.max(1, totalUpdates)
    ) {
      read.fail(`steps[${i}]`, `an integer update in [0, totalUpdates), increasing`, step);
    }
  });
  return {
    schedule: read.string('schedule', { nonEmpty: true }),
    totalUpdates,
    steps,
    learningRate: read.jsonNumbers('learningRate', steps.length),
    momentum: read.value('momentum') === null ? null : read.jsonNumbers('momentum', steps.length),
  };
}

/** Writes `schedule.json`. */
export function writeSchedule(directory: string, samples: ScheduleSamples) {
  return writeJson(directory, 'schedule', scheduleToJSON(samples));
}

/** Reads `schedule.json`. @throws RunArtifactError */
export function readSchedule(directory: string) {
  return readJson(directory, 'schedule', scheduleFromJSON);
}

// ---------------------------------------------------------------------------
// evaluation.json: the confusion matrix (metrics' format) with loss and accuracy

/** A final evaluation of the run's model on one split. */
export interface EvaluationRecord {
  /** `test` (the final evaluation) or `validation`. */
  readonly split: 'test' | 'validation';
  readonly count: number;
  readonly loss: number;
  readonly accuracy: number;
  /** Display name of each class. */
  readonly classNames: readonly string[];
  readonly matrix: ConfusionMatrixState;
}

const evaluationFormat = 'trainkit.trainer.evaluation';

/** The JSON of `evaluation.json` (the matrix as metrics' `confusionMatrixToJSON`). */
export function evaluationToJSON(evaluation: EvaluationRecord) {
  return stateEnvelope(evaluationFormat, 1, {
    split: evaluation.split,
    count: evaluation.count,
    loss: encodeJsonNumber(evaluation.loss),
    accuracy: evaluation.accuracy,
    classNames: [...evaluation.classNames],
    confusionMatrix: confusionMatrixToJSON(evaluation.matrix),
  });
}

/** Reads `evaluation.json`'s JSON; the matrix with metrics' `confusionMatrixFromJSON`, its total must equal `count`. */
export function evaluationFromJSON(json: unknown): EvaluationRecord {
  const read = reader('evaluationFromJSON', json, evaluationFormat, 'evaluationToJSON');
  const matrix = confusionMatrixFromJSON(read.object('confusionMatrix').record);
  const classNames = strings(read, 'classNames');
  if (classNames.length !== matrix.numClasses) {
    read.fail('classNames', `${matrix.numClasses} names (one per class of the matrix)`, classNames);
  }
  const count = read.count('count');
  const total = matrix.counts.reduce((sum, value) => sum + value, 0);
  if (total !== count) read.fail('count', `the matrix's total ${total}`, count);
  return {
    split: read.oneOf('split', ['test', 'validation'] as const),
    count,
    loss: read.jsonNumber('loss'),
    accuracy: read.number('accuracy', { min: 0, max: 1 }),
    classNames,
    matrix,
  };
}

/** Writes `evaluation.json`. */
export function writeEvaluation(directory: string, evaluation: EvaluationRecord) {
  return writeJson(directory, 'evaluation', evaluationToJSON(evaluation));
}

/** Reads `evaluation.json`. @throws RunArtifactError */
export function readEvaluation(directory: string) {
  return readJson(directory, 'evaluation', evaluationFromJSON);
}

// ---------------------------------------------------------------------------
// misclassified.json

/** One misclassified image. */
export interface MisclassifiedSample {
  /** Index in the evaluated split's file. */
  readonly index: number;
  readonly label: number;
  readonly prediction: number;
  /** Softmax probability of each class. */
  readonly probabilities: readonly number[];
  /** `width * height` grey levels 0..255, row by row. */
  readonly pixels: readonly number[];
}

/** A sample of the misclassified images of one split. */
export interface MisclassifiedRecord {
  readonly split: 'test' | 'validation';
  /** How the samples were chosen, e.g. `'most confident mistakes'`. */
  readonly selection: string;
  /** All misclassified images of the split (the samples are some of them). */
  readonly total: number;
  readonly width: number;
  readonly height: number;
  readonly classNames: readonly string[];
  readonly samples: readonly MisclassifiedSample[];
}

const misclassifiedFormat = 'trainkit.trainer.misclassified';

/** The JSON of `misclassified.json`. */
export function misclassifiedToJSON(record: MisclassifiedRecord) {
  return stateEnvelope(misclassifiedFormat, 1, {
    split: record.split,
    selection: record.selection,
    total: record.total,
    width: record.width,
    height: record.height,
    classNames: [...record.classNames],
    samples: record.samples.map((sample) => ({
      index: sample.index,
      label: sample.label,
      prediction: sample.prediction,
      probabilities: [...sample.probabilities],
      pixels: [...sample.pixels],
    })),
  });
}

/** Reads `misclassified.json`'s JSON: labels and predictions are classes, they differ, probabilities sum to 1, pixels are bytes. */
export function misclassifiedFromJSON(json: unknown): MisclassifiedRecord {
  const read = reader('misclassifiedFromJSON', json, misclassifiedFormat, 'misclassifiedToJSON');
  const classNames = strings(read, 'classNames');
  const classes = classNames.length;
  if (classes < 2) read.fail('classNames', 'at least 2 class names', classNames);
  const width = read.integer('width', { min: 1, max: 4096 });
  const height = read.integer('height', { min: 1, max: 4096 });
  const total = read.count('total');
  const list = read.array('samples');
  if (list.length > total) read.fail('samples', `at most total = ${total} samples`, list.length);
  const samples = list.map((value, i): MisclassifiedSample => {
    const sample = read.element('samples', i, value);
    const label = sample.integer('label', { min: 0, max: classes - 1 });
    const prediction = sample.integer('prediction', { min: 0, max: classes - 1 });
    if (prediction === label)
      sample.fail('prediction', `a class other than the label ${label}`, prediction);
    const probabilities = sample.numbers('probabilities', { min: 0, max: 1, length: classes });
    const sum = probabilities.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > 1e-3) sample.fail('probabilities', 'probabilities summing to 1', sum);
    const pixels = sample.numbers('pixels', { min: 0, max: 255, length: width * height });
    const fractional = pixels.findIndex((p) => !Number.isInteger(p));
    if (fractional >= 0)
      sample.fail(`pixels[${fractional}]`, 'an integer grey level 0..255', pixels[fractional]);
    return { index: sample.count('index'), label, prediction, probabilities, pixels };
  });
  return {
    split: read.oneOf('split', ['test', 'validation'] as const),
    selection: read.string('selection'),
    total,
    width,
    height,
    classNames,
    samples,
  };
}

/** Writes `misclassified.json`. */
export function writeMisclassified(directory: string, record: MisclassifiedRecord) {
  return writeJson(directory, 'misclassified', misclassifiedToJSON(record));
}

/** Reads `misclassified.json`. @throws RunArtifactError */
export function readMisclassified(directory: string) {
  return readJson(directory, 'misclassified', misclassifiedFromJSON);
}

// ---------------------------------------------------------------------------
// sanity.json (sanity's own format)

/** Writes `sanity.json` (sanity's `reportToJSON`). */
export function writeSanity(directory: string, report: SanityReport) {
  return writeJson(directory, 'sanity', reportToJSON(report));
}

/** Reads `sanity.json` with sanity's `reportFromJSON`. @throws RunArtifactError */
export function readSanity(directory: string) {
  return readJson(directory, 'sanity', reportFromJSON);
}

// ---------------------------------------------------------------------------
// lr-finder.json

/** A learning-rate suggestion: the rate and the index of its curve point. */
export interface SuggestionRecord {
  readonly learningRate: number;
  readonly index: number;
}

/** What `lr-find` found: the range test (re-analysed on read) and the discrete test. */
export interface LearningRateFinderRecord {
  /** The range test's analysis, recomputed from the stored curve with the stored options. */
  readonly analysis: RangeTestAnalysis;
  /** The options the analysis ran with (smoothing, descent options). */
  readonly analyzeOptions: Readonly<Record<string, number>>;
  /** The discrete test's runs (each candidate rate trained for a few iterations), when it ran. */
  readonly discrete: readonly LearningRateRunResult[] | null;
  /** The rate the discrete test picked, when it picked one. */
  readonly discreteBest: number | null;
  /** The rate written into the configuration by `--apply`, if any. */
  readonly applied: number | null;
}

/** What {@link writeLearningRateFinder} takes. */
export interface LearningRateFinderInput {
  readonly analysis: RangeTestAnalysis;
  /** The options given to `analyzeRangeTest` / `rangeTest` (numbers only). Default `{}`. */
  readonly analyzeOptions?: AnalyzeRangeTestOptions;
  readonly discrete?: readonly LearningRateRunResult[];
  readonly discreteBest?: number;
  readonly applied?: number;
}

const lrFinderFormat = 'trainkit.trainer.lrFinder';

function suggestionJSON(suggestion: { learningRate: number; index: number } | undefined) {
  return suggestion === undefined
    ? null
    : { learningRate: suggestion.learningRate, index: suggestion.index };
}

/**
 * The JSON of `lr-finder.json`: the raw curve (learning rates, losses,
 * iterations, stop reason) and the analysis options, which determine the
 * analysis; plus, for readers of the file, the smoothed curve, the
 * suggestion, the peers' suggestions, and the discrete test's runs.
 */
export function learningRateFinderToJSON(input: LearningRateFinderInput) {
  const { analysis } = input;
  const analyzeOptions: Record<string, number> = {};
  for (const [key, value] of Object.entries(input.analyzeOptions ?? {})) {
    if (typeof value === 'number') analyzeOptions[key] = value;
  }
  return stateEnvelope(lrFinderFormat, 1, {
    learningRates: [...analysis.learningRates],
    losses: encodeJsonNumbers(analysis.losses),
    iterations: analysis.iterations,
    stopReason: analysis.stopReason,
    analyzeOptions,
    smoothed: encodeJsonNumbers(analysis.smoothed),
    suggestion: analysis.suggestion ?? null,
    peers: {
      valley: suggestionJSON(analysis.peers.valley),
      steepest: suggestionJSON(analysis.peers.steepest),
      minimum: suggestionJSON(analysis.peers.minimum),
    },
    discrete:
      input.discrete === undefined
        ? null
        : input.discrete.map((run) => ({
            learningRate: run.learningRate,
            configured: run.configured,
            verdict: run.verdict,
            startLoss: encodeJsonNumber(run.startLoss),
            peakLoss: encodeJsonNumber(run.peakLoss),
            endLoss: encodeJsonNumber(run.endLoss),
            relativeDrop: encodeJsonNumber(run.relativeDrop),
            pValue: encodeJsonNumber(run.pValue),
            standardError: encodeJsonNumber(run.standardError),
          })),
    discreteBest: input.discreteBest ?? null,
    applied: input.applied ?? null,
  });
}

function sameRate(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Reads `lr-finder.json`'s JSON: checks the curve (positive increasing
 * rates, one loss each), re-runs sanity's `analyzeRangeTest` on it and checks
 * that the stored smoothed curve and suggestions match (a mismatch means the
 * file was edited).
 */
export function learningRateFinderFromJSON(json: unknown): LearningRateFinderRecord {
  const read = reader(
    'learningRateFinderFromJSON',
    json,
    lrFinderFormat,
    'learningRateFinderToJSON',
  );
  const learningRates = read.numbers('learningRates', { min: 0, minInclusive: false });
  if (learningRates.length < 2)
    read.fail('learningRates', 'at least 2 learning rates', learningRates.length);
  learningRates.forEach((rate, i) => {
    if (i > 0 && !(rate > learningRates[i - 1]!))
      read.fail(`learningRates[${i}]`, 'increasing learning rates', rate);
  });
  const losses = read.jsonNumbers('losses', learningRates.length);
  const optionsReader = read.object('analyzeOptions');
  const analyzeOptions: Record<string, number> = {};
  for (const key of Object.keys(optionsReader.record))
    analyzeOptions[key] = optionsReader.number(key);
  const iterations = read.integer('iterations', { min: learningRates.length });
  const stopReason = read.oneOf<RangeTestStopReason>('stopReason', [
    'completed',
    'diverged',
    'non-finite',
  ]);
  let analysis: RangeTestAnalysis;
  try {
    analysis = analyzeRangeTest({ learningRates, losses, iterations, stopReason }, analyzeOptions);
  } catch (error) {
    return read.fail(
      'analyzeOptions',
      `options analyzeRangeTest accepts (${(error as Error).message})`,
      analyzeOptions,
    );
  }
  const smoothed = read.jsonNumbers('smoothed', learningRates.length);
  smoothed.forEach((value, i) => {
    const expected = analysis.smoothed[i]!;
    if (!(Object.is(value, expected) || Math.abs(value - expected) <= 1e-9 * Math.abs(expected))) {
      read.fail(`smoothed[${i}]`, `the smoothed loss of the stored curve, ${expected}`, value);
    }
  });
  const peers = read.object('peers');
  for (const rule of ['valley', 'steepest', 'minimum'] as const) {
    const stored =
      peers.value(rule) === null ? undefined : peers.object(rule).number('learningRate');
    if (!sameRate(stored, analysis.peers[rule]?.learningRate)) {
      peers.fail(rule, `the ${rule} suggestion of the stored curve`, stored ?? null);
    }
  }
  const suggestion = optionalNumber(read, 'suggestion');
  if (!sameRate(suggestion, analysis.suggestion)) {
    read.fail(
      'suggestion',
      `the suggestion of the stored curve, ${analysis.suggestion ?? null}`,
      suggestion ?? null,
    );
  }
  const discreteList = read.value('discrete') === null ? null : read.array('discrete');
  const discrete =
    discreteList === null
      ? null
      : discreteList.map((value, i): LearningRateRunResult => {
          const run = read.element('discrete', i, value);
          return {
            learningRate: run.number('learningRate', { min: 0, minInclusive: false }),
            configured: run.boolean('configured'),
            verdict: run.oneOf('verdict', ['drops', 'flat', 'diverged'] as const),
            startLoss: run.jsonNumber('startLoss'),
            peakLoss: run.jsonNumber('peakLoss'),
            endLoss: run.jsonNumber('endLoss'),
            relativeDrop: run.jsonNumber('relativeDrop'),
            pValue: run.jsonNumber('pValue'),
            standardError: run.jsonNumber('standardError'),
          };
        });
  return {
    analysis,
    analyzeOptions,
    discrete,
    discreteBest: optionalNumber(read, 'discreteBest') ?? null,
    applied: optionalNumber(read, 'applied') ?? null,
  };
}

/** Writes `lr-finder.json`. */
export function writeLearningRateFinder(directory: string, input: LearningRateFinderInput) {
  return writeJson(directory, 'lrFinder', learningRateFinderToJSON(input));
}

/** Reads `lr-finder.json`. @throws RunArtifactError */
export function readLearningRateFinder(directory: string) {
  return readJson(directory, 'lrFinder', learningRateFinderFromJSON);
}

// ---------------------------------------------------------------------------
// search.json: search's resultsToJson, plus where each trial's run lives

/** A search's results (search's own JSON) and each trial's run directory. */
export interface SearchRecord {
  /** `resultsToJson(result)` of `@trainkit/search`, as written. */
  readonly results: SearchResultJson;
  /** The run directory of each trial, relative to the search's directory, by trial number. */
  readonly trialDirectories: Readonly<Record<string, string>>;
  /** The metric the search optimized, e.g. `'validation accuracy'`. */
  readonly metric: string;
}

const searchFormat = 'trainkit.trainer.search';

/** The JSON of `search.json`. */
export function searchToJSON(record: SearchRecord) {
  return stateEnvelope(searchFormat, 1, {
    metric: record.metric,
    results: record.results,
    trialDirectories: { ...record.trialDirectories },
  });
}

/**
 * Reads `search.json`'s JSON: the envelope, then search's
 * `trainkit.search.results` v1 payload (direction, parameter names, rows with
 * rank, trial, state, value, config), then the trial directories.
 */
export function searchFromJSON(json: unknown): SearchRecord {
  const read = reader('searchFromJSON', json, searchFormat, 'searchToJSON');
  const results = readStateEnvelope('searchFromJSON', read.object('results').record, {
    format: 'trainkit.search.results',
    version: 1,
    writer: "@trainkit/search's resultsToJson",
  });
  results.oneOf('direction', ['minimize', 'maximize'] as const);
  results.string('searchId');
  strings(results, 'parameterNames');
  results.object('counts');
  results.array('rows').forEach((value, i) => {
    const row = results.element('rows', i, value);
    row.integer('rank', { min: 1 });
    row.count('trial');
    row.string('state', { nonEmpty: true });
    if (row.value('value') !== null) row.jsonNumber('value');
    row.object('config');
  });
  const directories = read.object('trialDirectories');
  const trialDirectories: Record<string, string> = {};
  for (const key of Object.keys(directories.record))
    trialDirectories[key] = directories.string(key, { nonEmpty: true });
  return {
    metric: read.string('metric', { nonEmpty: true }),
    results: results.record as unknown as SearchResultJson,
    trialDirectories,
  };
}

/** Writes `search.json`. */
export function writeSearch(directory: string, record: SearchRecord) {
  return writeJson(directory, 'search', searchToJSON(record));
}

/** Reads `search.json`. @throws RunArtifactError */
export function readSearch(directory: string) {
  return readJson(directory, 'search', searchFromJSON);
}

// ---------------------------------------------------------------------------
// recipe.json

/** One step of the recipe, as it ended. */
export interface RecipeStepRecord {
  /** Stable id, e.g. `'overfit-one-batch'`. */
  readonly name: string;
  /** Human title, e.g. `'Overfit one batch'`. */
  readonly title: string;
  /** sanity's statuses. */
  readonly status: CheckStatus;
  /** One sentence with the numbers. */
  readonly summary: string;
  /** What to do about it (empty when nothing). */
  readonly advice: readonly string[];
  readonly seconds: number;
  /** What this step decided for the next ones (e.g. `'learning rate 3e-3'`), if anything. */
  readonly decision: string | null;
  /** A run directory this step made, relative to the recipe's directory. */
  readonly directory: string | null;
}

/** The recipe's record: its steps in order and where it stopped. */
export interface RecipeRecord {
  /** `quick`, `standard`, `full`. */
  readonly budget: string;
  readonly steps: readonly RecipeStepRecord[];
  /** The name of the step the recipe stopped at (a fail), or `null` when it ran to the end. */
  readonly stoppedAt: string | null;
}

const recipeFormat = 'trainkit.trainer.recipe';

/** The JSON of `recipe.json`. */
export function recipeToJSON(record: RecipeRecord) {
  return stateEnvelope(recipeFormat, 1, {
    budget: record.budget,
    stoppedAt: record.stoppedAt,
    steps: record.steps.map((step) => ({
      name: step.name,
      title: step.title,
      status: step.status,
      summary: step.summary,
      advice: [...step.advice],
      seconds: step.seconds,
      decision: step.decision,
      directory: step.directory,
    })),
  });
}

/** Reads `recipe.json`'s JSON; `stoppedAt` must name a step. */
export function recipeFromJSON(json: unknown): RecipeRecord {
  const read = reader('recipeFromJSON', json, recipeFormat, 'recipeToJSON');
  const steps = read.array('steps').map((value, i): RecipeStepRecord => {
    const step = read.element('steps', i, value);
    return {
      name: step.string('name', { nonEmpty: true }),
      title: step.string('title', { nonEmpty: true }),
      status: step.oneOf('status', ['pass', 'warn', 'fail', 'skipped'] as const),
      summary: step.string('summary'),
      advice: strings(step, 'advice'),
      seconds: step.number('seconds', { min: 0 }),
      decision: step.value('decision') === null ? null : step.string('decision'),
      directory:
        step.value('directory') === null ? null : step.string('directory', { nonEmpty: true }),
    };
  });
  const stoppedAt = read.value('stoppedAt') === null ? null : read.string('stoppedAt');
  if (stoppedAt !== null && !steps.some((step) => step.name === stoppedAt)) {
    read.fail(
      'stoppedAt',
      `null or the name of a step (${steps.map((s) => s.name).join(', ')})`,
      stoppedAt,
    );
  }
  return { budget: read.string('budget', { nonEmpty: true }), steps, stoppedAt };
}

/** Writes `recipe.json`. */
export function writeRecipe(directory: string, record: RecipeRecord) {
  return writeJson(directory, 'recipe', recipeToJSON(record));
}

/** Reads `recipe.json`. @throws RunArtifactError */
export function readRecipe(directory: string) {
  return readJson(directory, 'recipe', recipeFromJSON);
}

// ---------------------------------------------------------------------------
// cross-validation.json

/** One fold of a cross-validation. */
export interface FoldRecord {
  readonly fold: number;
  readonly trainSize: number;
  readonly validationSize: number;
  readonly accuracy: number;
  readonly loss: number;
  /** The fold's run directory, relative to the directory of the cross-validation. */
  readonly directory: string | null;
}

/** K-fold cross-validation of one configuration. */
export interface CrossValidationRecord {
  readonly k: number;
  /** How the folds were drawn, e.g. `'stratified k-fold, seed 42'`. */
  readonly method: string;
  readonly folds: readonly FoldRecord[];
}

const crossValidationFormat = 'trainkit.trainer.crossValidation';

/** The JSON of `cross-validation.json`. */
export function crossValidationToJSON(record: CrossValidationRecord) {
  return stateEnvelope(crossValidationFormat, 1, {
    k: record.k,
    method: record.method,
    folds: record.folds.map((fold) => ({
      fold: fold.fold,
      trainSize: fold.trainSize,
      validationSize: fold.validationSize,
      accuracy: fold.accuracy,
      loss: encodeJsonNumber(fold.loss),
      directory: fold.directory,
    })),
  });
}

/** Reads `cross-validation.json`'s JSON: at most `k` folds, numbered 0..k-1 without repeats. */
export function crossValidationFromJSON(json: unknown): CrossValidationRecord {
  const read = reader(
    'crossValidationFromJSON',
    json,
    crossValidationFormat,
    'crossValidationToJSON',
  );
  const k = read.integer('k', { min: 2 });
  const seen = new Set<number>();
  const folds = read.array('folds').map((value, i): FoldRecord => {
    const fold = read.element('folds', i, value);
    const number = fold.integer('fold', { min: 0, max: k - 1 });
    if (seen.has(number)) fold.fail('fold', 'a fold number not used before', number);
    seen.add(number);
    return {
      fold: number,
      trainSize: fold.integer('trainSize', { min: 1 }),
      validationSize: fold.integer('validationSize', { min: 1 }),
      accuracy: fold.number('accuracy', { min: 0, max: 1 }),
      loss: fold.jsonNumber('loss'),
      directory:
        fold.value('directory') === null ? null : fold.string('directory', { nonEmpty: true }),
    };
  });
  return { k, method: read.string('method'), folds };
}

/** Writes `cross-validation.json`. */
export function writeCrossValidation(directory: string, record: CrossValidationRecord) {
  return writeJson(directory, 'crossValidation', crossValidationToJSON(record));
}

/** Reads `cross-validation.json`. @throws RunArtifactError */
export function readCrossValidation(directory: string) {
  return readJson(directory, 'crossValidation', crossValidationFromJSON);
}

/** Mean and sample standard deviation of the folds' accuracies. */
export function crossValidationSummary(record: CrossValidationRecord): {
  mean: number;
  standardDeviation: number;
} {
  const values = record.folds.map((fold) => fold.accuracy);
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const variance =
    values.length < 2
      ? 0
      : values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, standardDeviation: Math.sqrt(variance) };
}

// ---------------------------------------------------------------------------
// All of them

/** Every artifact of a run directory, each `undefined` when its file is absent. */
export interface RunArtifacts {
  readonly configuration: RunConfiguration | undefined;
  readonly result: RunResult | undefined;
  readonly history: TrainingHistory | undefined;
  readonly profile: SavedProfile | undefined;
  readonly schedule: ScheduleSamples | undefined;
  readonly evaluation: EvaluationRecord | undefined;
  readonly misclassified: MisclassifiedRecord | undefined;
  readonly sanity: SanityReport | undefined;
  readonly lrFinder: LearningRateFinderRecord | undefined;
  readonly search: SearchRecord | undefined;
  readonly recipe: RecipeRecord | undefined;
  readonly crossValidation: CrossValidationRecord | undefined;
}

/** What {@link readRunArtifacts} returns: the artifacts it could read and the errors of those it could not. */
export interface ReadRunArtifacts {
  readonly artifacts: RunArtifacts;
  /** One error per file that exists but could not be used, by kind. */
  readonly errors: Partial<Record<ArtifactKind, RunArtifactError>>;
}

/**
 * Reads every artifact of a run directory. A missing file gives `undefined`;
 * a damaged one gives `undefined` too and its {@link RunArtifactError} in
 * `errors` (so a report can still show the rest).
 */
export async function readRunArtifacts(directory: string): Promise<ReadRunArtifacts> {
  const errors: Partial<Record<ArtifactKind, RunArtifactError>> = {};
  const attempt = async <T>(kind: ArtifactKind, read: (dir: string) => Promise<T | undefined>) => {
    try {
      return await read(directory);
    } catch (error) {
      if (!RunArtifactError.isInstance(error)) throw error;
      errors[kind] = error;
      return undefined;
    }
  };
  const artifacts: RunArtifacts = {
    configuration: await attempt('options', readConfiguration),
    result: await attempt('result', readResult),
    history: await attempt('history', readHistory),
    profile: await attempt('profile', readProfile),
    schedule: await attempt('schedule', readSchedule),
    evaluation: await attempt('evaluation', readEvaluation),
    misclassified: await attempt('misclassified', readMisclassified),
    sanity: await attempt('sanity', readSanity),
    lrFinder: await attempt('lrFinder', readLearningRateFinder),
    search: await attempt('search', readSearch),
    recipe: await attempt('recipe', readRecipe),
    crossValidation: await attempt('crossValidation', readCrossValidation),
  };
  return { artifacts, errors };
}
