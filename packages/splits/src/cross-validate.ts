import { checkArguments, InvalidArgumentError } from '@trainkit/core';
import type { Fold } from './folds';

/** Metrics one fold returns: numbers by name, e.g. `{ loss: 0.31, accuracy: 0.9 }`. */
export type FoldMetrics = Readonly<Record<string, number>>;

/** Options of {@link crossValidate}. */
export interface CrossValidateOptions<M extends FoldMetrics> {
  /** Folds run at the same time, an integer >= 1 (default 1: one after the other). */
  readonly concurrency?: number;
  /** Called after each fold finishes (in completion order), e.g. for progress output. */
  readonly onFoldEnd?: (metrics: M, fold: Fold, index: number) => void;
}

/** Result of {@link crossValidate}. */
export interface CrossValidationResult<M extends FoldMetrics> {
  /** Each fold's metrics, in fold order. */
  readonly folds: readonly M[];
  /** Mean of each metric over the folds. */
  readonly mean: { readonly [K in keyof M]: number };
  /**
   * Population standard deviation of each metric over the folds,
   * `sqrt(sum((x - mean)^2) / k)`: numpy's default `np.std` (ddof = 0), i.e.
   * what `cross_validate(...)['test_score'].std()` prints in scikit-learn.
   */
  readonly std: { readonly [K in keyof M]: number };
  /** Sample standard deviation, `sqrt(sum((x - mean)^2) / (k - 1))` (ddof = 1); NaN for one fold. */
  readonly sampleStd: { readonly [K in keyof M]: number };
}

/**
 * Cross-validation driver: runs `run(fold, index)` for every fold, one after
 * the other by default (`concurrency` > 1 runs that many at once), and
 * aggregates the metrics each run returns: per fold, mean, population std
 * (numpy's default, ddof = 0) and sample std (ddof = 1).
 *
 * Every fold must return the same metric names, all numbers (NaN is kept and
 * propagates into the mean). If a run throws, no new fold starts, the folds
 * already running are awaited, and the first error is rethrown.
 *
 * @param folds - Any iterable of folds: a {@link Folds} (built lazily, one fold
 *   per running task) or an array.
 * @param run - Trains on `fold.train`, evaluates on `fold.validation`, returns metrics.
 * @param options - `concurrency`, `onFoldEnd`.
 * @returns Per-fold metrics and their mean / std.
 *
 * @example
 * ```ts
 * const result = await crossValidate(kFold(1000, { k: 5, shuffle: true, seed: 0 }), async (fold) => {
 *   const model = await trainModel(fold.train);
 *   return { accuracy: await evaluate(model, fold.validation) };
 * });
 * console.log(`${result.mean.accuracy} ± ${result.std.accuracy}`);
 * ```
 */
export async function crossValidate<M extends FoldMetrics>(
  folds: Iterable<Fold>,
  run: (fold: Fold, index: number) => Promise<M> | M,
  options: CrossValidateOptions<M> = {},
): Promise<CrossValidationResult<M>> {
  const name = 'crossValidate';
  const check = checkArguments(name);
  if (
    folds === null ||
    typeof (folds as Partial<Iterable<Fold>>)?.[Symbol.iterator] !== 'function'
  ) {
    check.fail(
      'folds',
      folds,
      'an iterable of folds',
      'Pass the result of kFold, stratifiedKFold, ... or an array of folds.',
    );
  }
  check.callable('run', run);
  const concurrency = check.integer('concurrency', options.concurrency ?? 1, { min: 1 });
  const onFoldEnd = options.onFoldEnd;
  if (onFoldEnd !== undefined) check.callable('onFoldEnd', onFoldEnd);

  const results: M[] = [];
  const iterator = folds[Symbol.iterator]();
  let nextIndex = 0;
  let failure: { error: unknown } | undefined;

  let reference: M | undefined;

  const worker = async (): Promise<void> => {
    while (failure === undefined) {
      try {
        const step = iterator.next();
        if (step.done) return;
        const index = nextIndex++;
        const metrics = await run(step.value, index);
        checkMetrics(metrics, index, reference);
        reference ??= metrics;
        results[index] = metrics;
        onFoldEnd?.(metrics, step.value, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failure !== undefined) throw failure.error;
  if (results.length === 0) {
    check.fail('folds', folds, 'a non-empty iterable of folds', 'Pass at least one fold.');
  }
  return summarize(results);
}

function checkMetrics(metrics: unknown, index: number, reference: FoldMetrics | undefined): void {
  const fail = (expected: string, fix: string): never => {
    throw new InvalidArgumentError({
      functionName: 'crossValidate',
      argument: `run (fold ${index})`,
      value: metrics,
      expected: `to return ${expected}`,
      fix,
    });
  };
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) {
    fail('an object of numeric metrics', 'Return e.g. { loss: 0.3, accuracy: 0.9 }.');
  }
  const record = metrics as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (typeof record[key] !== 'number') {
      fail(`numbers only (metric "${key}" is ${typeof record[key]})`, 'Return numeric metrics.');
    }
  }
  if (reference !== undefined) {
    const expectedKeys = Object.keys(reference).sort().join(',');
    if (Object.keys(record).sort().join(',') !== expectedKeys) {
      fail(
        `the same metric names as the other folds (${expectedKeys})`,
        'Return the same metrics from every fold.',
      );
    }
  }
}

function summarize<M extends FoldMetrics>(folds: M[]): CrossValidationResult<M> {
  const keys = Object.keys(folds[0]!);
  const k = folds.length;
  const mean: Record<string, number> = {};
  const std: Record<string, number> = {};
  const sampleStd: Record<string, number> = {};
  for (const key of keys) {
    let sum = 0;
    for (const fold of folds) sum += fold[key]!;
    const average = sum / k;
    let squares = 0;
    for (const fold of folds) squares += (fold[key]! - average) ** 2;
    mean[key] = average;
    std[key] = Math.sqrt(squares / k);
    sampleStd[key] = k > 1 ? Math.sqrt(squares / (k - 1)) : Number.NaN;
  }
  return {
    folds,
    mean: mean as CrossValidationResult<M>['mean'],
    std: std as CrossValidationResult<M>['std'],
    sampleStd: sampleStd as CrossValidationResult<M>['sampleStd'],
  };
}
