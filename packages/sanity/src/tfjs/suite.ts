import * as tf from '@tensorflow/tfjs-core';
import { checkArguments } from '@trainkit/core';
import type { CheckResult } from '../check-result';
import { checkDuplicates } from '../duplicates';
import { checkInputScale } from '../input-scale';
import { checkLabels } from '../labels';
import type { RangeTestAnalysis } from '../lr-range-analysis';
import { type SanityReport, sanityReport } from '../report';
import { type DiscreteLearningRateTestOptions, discreteLearningRateTest } from './discrete-lr-test';
import { checkEvaluationMode } from './evaluation-mode';
import { type CheckGradientFreshnessOptions, checkGradientFreshness } from './gradient-freshness';
import { checkInitialLoss } from './initial-loss';
import { checkOutputLossPairing } from './output-loss-pairing';
import { type OverfitLadderOptions, overfitLadder } from './overfit-ladder';
import { type RangeTestOptions, rangeTest } from './range-test';
import { exampleCount, type SanityData, type SanityTarget, toTrainee } from './target';

/** The checks {@link runSanityChecks} can run, in the order it runs them. */
export const sanityCheckNames = [
  'labels',
  'input-scale',
  'duplicates',
  'initial-loss',
  'output-loss-pairing',
  'evaluation-mode',
  'gradient-freshness',
  'overfit-ladder',
  'discrete-lr-test',
  'lr-range-test',
] as const;

/** A check of {@link runSanityChecks}. */
export type SanityCheckName = (typeof sanityCheckNames)[number];

/**
 * Labels from target tensors: class indices, or the argmax of one-hot rows;
 * rows that are not one-hot (all zeros: a label beyond the depth of
 * `tf.oneHot`) are returned as -1 so that {@link checkLabels} counts them out
 * of range.
 *
 * @param y - One-hot rows `[n, C]` or class indices `[n]`.
 * @returns The labels as numbers.
 * @example
 * ```ts
 * checkLabels(await labelsFromTargets(y), { classes: 10 });
 * ```
 */
export async function labelsFromTargets(y: tf.Tensor): Promise<Float32Array | Int32Array> {
  if (y.rank >= 2 && y.shape[y.rank - 1]! > 1) {
    const [indices, valid] = tf.tidy(() => {
      const width = y.shape[y.rank - 1]!;
      const rows = tf.reshape(y, [-1, width]);
      const oneHot = tf.logicalAnd(
        tf.equal(tf.sum(rows, -1), 1),
        tf.equal(tf.sum(tf.cast(tf.equal(rows, 1), 'float32'), -1), 1),
      );
      return [tf.argMax(rows, -1), oneHot];
    });
    const labels = Int32Array.from(await indices.data());
    const ok = await valid.data();
    tf.dispose([indices, valid]);
    for (let i = 0; i < labels.length; i++) if (!ok[i]) labels[i] = -1;
    return labels;
  }
  const values = await y.data();
  return values instanceof Int32Array ? values : Float32Array.from(values);
}

/** Options of {@link runSanityChecks}. */
export interface RunSanityChecksOptions {
  /** The checks to run. Default: all of {@link sanityCheckNames}. */
  readonly checks?: readonly SanityCheckName[];
  /** Number of classes (labels check). Default: the width of one-hot targets. */
  readonly classes?: number;
  /** Validation examples (duplicates check). */
  readonly validation?: SanityData;
  /** Test examples (duplicates check). */
  readonly test?: SanityData;
  /** Your evaluation function (evaluation-mode check). */
  readonly evaluate?: (x: tf.Tensor) => tf.Tensor;
  /** Options of the gradient-freshness check (your step, accumulation). */
  readonly freshness?: CheckGradientFreshnessOptions;
  /** Options of the overfit ladder. */
  readonly ladder?: OverfitLadderOptions;
  /** Options of the discrete learning-rate test. Default `{ configured: true }`. */
  readonly discrete?: DiscreteLearningRateTestOptions;
  /** Options of the range test. */
  readonly rangeTest?: RangeTestOptions;
  /** Called after each check (for progress output). */
  readonly onResult?: (result: CheckResult) => void;
}

/** The report of {@link runSanityChecks}, with the range test's curve for plotting. */
export interface SanityChecksReport extends SanityReport {
  /** The range test's analysis (for `rangeTestSvg`), when it ran. */
  readonly rangeTest?: RangeTestAnalysis;
}

async function rowsOf(
  data: SanityData,
): Promise<{ values: Float32Array | Int32Array; rowLength: number }> {
  const values = (await data.x.data()) as Float32Array | Int32Array;
  return { values, rowLength: data.x.size / data.x.shape[0]! };
}

/**
 * Runs the checks before training, in order, each on its own (a check that
 * throws becomes a `fail` result naming the error), and collects them in a
 * report: labels, input scale, duplicates between splits, initial loss,
 * output/loss pairing, evaluation mode, gradient freshness, overfit ladder,
 * discrete learning-rate test, range test. Every check that trains restores
 * the model and optimizer exactly, so the model is untouched afterwards.
 *
 * @param target - A compiled model or a custom loop.
 * @param data - Training examples (a slice of a few thousand is plenty).
 * @param options - {@link RunSanityChecksOptions}
 * @returns The report (`formatReport`, `reportToJSON`) and the range test's analysis.
 * @example
 * ```ts
 * const report = await runSanityChecks(model, { x, y }, { test: { x: xTest, y: yTest } });
 * console.log(formatReport(report));
 * ```
 */
export async function runSanityChecks(
  target: SanityTarget,
  data: SanityData,
  options: RunSanityChecksOptions = {},
): Promise<SanityChecksReport> {
  const name = 'runSanityChecks';
  const check = checkArguments(name);
  toTrainee(name, target);
  exampleCount(name, 'data', data);
  const selected = options.checks ?? sanityCheckNames;
  selected.forEach((checkName, i) => {
    check.oneOf(`checks[${i}]`, checkName, sanityCheckNames);
  });
  const results: CheckResult[] = [];
  let range: RangeTestAnalysis | undefined;
  const add = (result: CheckResult) => {
    results.push(result);
    options.onResult?.(result);
  };
  for (const checkName of sanityCheckNames) {
    if (!selected.includes(checkName)) continue;
    try {
      switch (checkName) {
        case 'labels': {
          const classes =
            options.classes ?? (data.y.rank >= 2 ? data.y.shape[data.y.rank - 1]! : undefined);
          if (classes === undefined || classes < 2) {
            add({
              name: 'labels',
              status: 'skipped',
              summary: 'skipped: not a classification (pass the classes option)',
              measurements: {},
              advice: [],
              reason: 'Not a classification; pass the classes option.',
            });
          } else add(checkLabels(await labelsFromTargets(data.y), { classes }));
          break;
        }
        case 'input-scale': {
          const { values, rowLength } = await rowsOf(data);
          add(checkInputScale(values, { rowLength }));
          break;
        }
        case 'duplicates': {
          if (options.validation === undefined && options.test === undefined) {
            add({
              name: 'duplicates',
              status: 'skipped',
              summary: 'skipped: no validation or test split given',
              measurements: {},
              advice: [],
              reason: 'No validation or test split given.',
            });
            break;
          }
          const train = await rowsOf(data);
          add(
            checkDuplicates(
              {
                train: train.values,
                ...(options.validation === undefined
                  ? {}
                  : { validation: (await rowsOf(options.validation)).values }),
                ...(options.test === undefined
                  ? {}
                  : { test: (await rowsOf(options.test)).values }),
              },
              { rowLength: train.rowLength },
            ),
          );
          break;
        }
        case 'initial-loss':
          add(checkInitialLoss(target, data));
          break;
        case 'output-loss-pairing':
          add(checkOutputLossPairing(target, data));
          break;
        case 'evaluation-mode':
          add(
            checkEvaluationMode(
              target,
              data,
              options.evaluate === undefined ? {} : { evaluate: options.evaluate },
            ),
          );
          break;
        case 'gradient-freshness':
          add(await checkGradientFreshness(target, data, options.freshness));
          break;
        case 'overfit-ladder':
          add(await overfitLadder(target, data, options.ladder));
          break;
        case 'discrete-lr-test': {
          const { runs: _runs, ...result } = await discreteLearningRateTest(
            target,
            data,
            options.discrete ?? { configured: true },
          );
          add(result);
          break;
        }
        case 'lr-range-test':
          range = await rangeTest(target, data, options.rangeTest);
          add(range.check);
          break;
      }
    } catch (error) {
      add({
        name: checkName,
        status: 'fail',
        summary: `the check could not run: ${error instanceof Error ? error.message : String(error)}`,
        measurements: {},
        advice: [
          'Fix the error above (often a shape or type mismatch between the model, the loss and the data).',
        ],
      });
    }
  }
  const report = sanityReport(results);
  return range === undefined ? report : { ...report, rangeTest: range };
}
