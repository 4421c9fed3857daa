import {
  checkArguments,
  type LineChartSeries,
  type LineChartVerticalLine,
  lineChartSvg,
  lineChartTerminal,
} from '@trainkit/core';
import {
  type DownsampleMethod,
  downsample,
  type Series,
  type Smoothing,
  smoothSeries,
} from '@trainkit/stats';
import { type DiagnoseOptions, type Diagnosis, diagnose } from './diagnose';
import { isNonFiniteDivergence } from './diagnosis/rules/divergence';
import { checkHistory, type TrainingHistory } from './history';

/** Options shared by {@link curvesSvg} and {@link curvesTerminal}. */
export interface CurvesChartOptions {
  /** Title above the plot. Default `'loss'`. */
  readonly title?: string;
  /** `'log'` for a logarithmic loss axis. Default `'linear'`. */
  readonly yScale?: 'linear' | 'log';
  /**
   * Smoothing of the training curve (the validation curve is plotted as
   * recorded). Default `{ method: 'ema', weight: 0.6 }` (TensorBoard's default).
   */
  readonly smoothing?: Smoothing;
  /** Also draw the unsmoothed training curve. Default `false`. */
  readonly showRawTraining?: boolean;
  /** Draw the training-set re-evaluations when recorded. Default `true`. */
  readonly showTrainingEvaluation?: boolean;
  /** Points kept per curve (downsampling). Default 400 for SVG, twice the width for the terminal. */
  readonly maxPoints?: number;
  /** Downsampling method. Default `'lttb'` (the curves are smoothed already). */
  readonly downsampleMethod?: DownsampleMethod;
  /**
   * Mark the overfitting onset and the first non-finite loss with vertical
   * lines, from `diagnose`. `true` (default) runs `diagnose` with default
   * options; pass options to change them, or `false` for no marks.
   */
  readonly marks?: boolean | DiagnoseOptions;
  /** x-axis label. Default `'iteration'`. */
  readonly xLabel?: string;
  /** y-axis label. Default `'loss'`. */
  readonly yLabel?: string;
}

/** Options of {@link curvesSvg}. */
export interface CurvesSvgOptions extends CurvesChartOptions {
  /** Width in pixels. Default 640. */
  readonly width?: number;
  /** Height in pixels. Default 360. */
  readonly height?: number;
}

/** Options of {@link curvesTerminal}. */
export interface CurvesTerminalOptions extends CurvesChartOptions {
  /** Width in characters. Default 72. */
  readonly width?: number;
  /** Plot height in rows. Default 12. */
  readonly height?: number;
  /** ANSI colors. Default `false`. */
  readonly color?: boolean;
}

/** What {@link curvesChartData} prepares: the series and marks to draw. */
export interface CurvesChartData {
  readonly series: LineChartSeries[];
  readonly verticalLines: LineChartVerticalLine[];
  /** The diagnosis of each run (when marks are on), in run order. */
  readonly diagnoses: (Diagnosis | undefined)[];
}

/**
 * The series and vertical lines that {@link curvesSvg} and
 * {@link curvesTerminal} draw, for callers who want to plot them with
 * another library. One run: `train`, `validation`, `train (eval mode)`;
 * several runs: the same names prefixed with each run's name.
 *
 * @param runs - One history or several (compared on one chart).
 * @param options - Smoothing, downsampling and marks.
 * @param defaultMaxPoints - Points kept per curve when `maxPoints` is absent. Default 400.
 * @returns Series for `lineChartSvg`/`lineChartTerminal`, vertical lines, diagnoses.
 * @example
 * ```ts
 * const { series, verticalLines } = curvesChartData(history);
 * ```
 */
export function curvesChartData(
  runs: TrainingHistory | readonly TrainingHistory[],
  options: CurvesChartOptions = {},
  defaultMaxPoints = 400,
): CurvesChartData {
  checkArguments('curvesChartData').integer('defaultMaxPoints', defaultMaxPoints, { min: 4 });
  return chartData('curvesChartData', runs, options, defaultMaxPoints);
}

function chartData(
  functionName: string,
  runs: TrainingHistory | readonly TrainingHistory[],
  options: CurvesChartOptions,
  defaultMaxPoints: number,
): CurvesChartData {
  const check = checkArguments(functionName);
  options = check.options('options', options, "{ yScale: 'log' }");
  const list: readonly TrainingHistory[] = Array.isArray(runs)
    ? check.nonEmptyArray<TrainingHistory>('runs', runs)
    : [runs as TrainingHistory];
  for (const [index, run] of list.entries()) {
    checkHistory(functionName, run, `runs[${index}]`);
  }
  const smoothing = options.smoothing ?? { method: 'ema', weight: 0.6 };
  const maxPoints =
    options.maxPoints === undefined
      ? defaultMaxPoints
      : check.integer('maxPoints', options.maxPoints, { min: 4 });
  const method =
    options.downsampleMethod === undefined
      ? 'lttb'
      : check.oneOf('downsampleMethod', options.downsampleMethod, ['lttb', 'min-max']);
  const showRaw =
    options.showRawTraining === undefined
      ? false
      : check.boolean('showRawTraining', options.showRawTraining);
  const showEvaluation =
    options.showTrainingEvaluation === undefined
      ? true
      : check.boolean('showTrainingEvaluation', options.showTrainingEvaluation);
  const marks = options.marks ?? true;
  const several = list.length > 1;
  const series: LineChartSeries[] = [];
  const verticalLines: LineChartVerticalLine[] = [];
  const diagnoses: (Diagnosis | undefined)[] = [];
  const add = (run: TrainingHistory, label: string, curve: Series) => {
    if (curve.values.length === 0) return;
    // Drops non-finite points; keeps every point when there are few enough.
    const reduced = downsample(curve, { maxPoints, method });
    series.push({
      name: several ? `${run.name} ${label}` : label,
      x: reduced.iterations,
      y: reduced.values,
    });
  };
  for (const run of list) {
    if (showRaw) add(run, 'train (raw)', run.train);
    add(run, 'train', smoothSeries(run.train, smoothing));
    add(run, 'validation', run.validation);
    if (showEvaluation) add(run, 'train (eval mode)', run.trainingEvaluation);
    const diagnosis =
      marks === false ? undefined : diagnose(run, marks === true ? {} : (marks as DiagnoseOptions));
    diagnoses.push(diagnosis);
    for (const verdict of diagnosis?.verdicts ?? []) {
      const prefix = several ? `${run.name}: ` : '';
      if (verdict.kind === 'overfitting') {
        verticalLines.push({
          x: verdict.range.start,
          label: `${prefix}overfitting from ${verdict.range.start}`,
        });
      } else if (isNonFiniteDivergence(verdict)) {
        verticalLines.push({
          x: verdict.range.start,
          label: `${prefix}non-finite loss at ${verdict.range.start}`,
        });
      }
    }
  }
  if (series.length === 0) {
    check.fail('runs', runs, 'at least one run with recorded values', 'Record some losses first.');
  }
  return { series, verticalLines, diagnoses };
}

/**
 * An SVG line chart of learning curves: the (smoothed) training loss, the
 * validation loss and, when recorded, the training-set re-evaluations, for
 * one run or several compared on one chart; optional log scale; the
 * overfitting onset and the first non-finite loss marked with dashed
 * vertical lines. Built on `@trainkit/core`'s `lineChartSvg`.
 *
 * @param runs - One history or several.
 * @param options - {@link CurvesSvgOptions}.
 * @returns A standalone SVG document.
 * @example
 * ```ts
 * await writeFile('curves.svg', curvesSvg(history, { yScale: 'log' }));
 * await writeFile('compare.svg', curvesSvg([runA, runB], { title: 'lr 1e-2 vs 1e-3' }));
 * ```
 */
export function curvesSvg(
  runs: TrainingHistory | readonly TrainingHistory[],
  options: CurvesSvgOptions = {},
): string {
  options = checkArguments('curvesSvg').options('options', options, "{ yScale: 'log' }");
  const data = chartData('curvesSvg', runs, options, 400);
  return lineChartSvg({
    series: data.series,
    verticalLines: data.verticalLines,
    title: options.title ?? 'loss',
    xLabel: options.xLabel ?? 'iteration',
    yLabel: options.yLabel ?? 'loss',
    yScale: options.yScale ?? 'linear',
    legend: true,
    ...(options.width === undefined ? {} : { width: options.width }),
    ...(options.height === undefined ? {} : { height: options.height }),
  });
}

/**
 * A compact text chart of learning curves for a terminal or a log (same
 * content as {@link curvesSvg}); built on `@trainkit/core`'s `lineChartTerminal`.
 *
 * @param runs - One history or several.
 * @param options - {@link CurvesTerminalOptions}.
 * @returns The chart as lines of text.
 * @example
 * ```ts
 * console.log(curvesTerminal(history, { width: 80 }));
 * ```
 */
export function curvesTerminal(
  runs: TrainingHistory | readonly TrainingHistory[],
  options: CurvesTerminalOptions = {},
): string {
  options = checkArguments('curvesTerminal').options('options', options, '{ width: 80 }');
  const width = options.width ?? 72;
  const data = chartData('curvesTerminal', runs, options, Math.max(8, 2 * width));
  return lineChartTerminal({
    series: data.series,
    verticalLines: data.verticalLines,
    title: options.title ?? 'loss',
    yScale: options.yScale ?? 'linear',
    legend: true,
    width,
    ...(options.xLabel === undefined ? {} : { xLabel: options.xLabel }),
    ...(options.height === undefined ? {} : { height: options.height }),
    ...(options.color === undefined ? {} : { color: options.color }),
  });
}
