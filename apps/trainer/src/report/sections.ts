/**
 * The report's sections, each built from the artifacts it needs; a section
 * whose artifacts are missing (or damaged) becomes a one-line note instead.
 */
import { type LineChartSeries, type LineChartVerticalLine, lineChartSvg } from '@trainkit/core';
import {
  biasVariance,
  curvesChartData,
  type Diagnosis,
  diagnose,
  type ErrorLevels,
  type TrainingHistory,
} from '@trainkit/curves';
import { classificationReport, confusionMatrixToSvg } from '@trainkit/metrics';
import { formatDuration } from '@trainkit/profiler';
import { rangeTestSvg } from '@trainkit/sanity';
import {
  type ArtifactKind,
  artifactFiles,
  configurationSettings,
  crossValidationSummary,
  type ReadRunArtifacts,
  type RunArtifacts,
  type RunConfiguration,
} from '../artifacts';
import type { Block, Cell, Figure, OmittedSection, Section, Status } from './document';
import {
  type Bar,
  barChartSvg,
  formatMetric,
  greyPng,
  type ParallelLine,
  parallelCoordinatesSvg,
} from './figures';

/** Options of the report. */
export interface ReportOptions {
  /**
   * Human-level error as a fraction (e.g. 0.002 for 0.2%): the proxy for the
   * Bayes error in the bias/variance analysis. Default: not given (0 is used
   * and the avoidable bias is an upper bound).
   */
  readonly humanError?: number;
}

type Part = Section | OmittedSection;

const percent = (fraction: number, digits = 2) => `${(fraction * 100).toFixed(digits)}%`;

/** The configuration to show: options.json, else (older runs) the options inside result.json. */
export function configurationOf(artifacts: RunArtifacts): RunConfiguration | undefined {
  if (artifacts.configuration !== undefined) return artifacts.configuration;
  if (artifacts.result !== undefined) {
    return { command: 'train', settings: configurationSettings(artifacts.result.options) };
  }
  return undefined;
}

/** `values` spans at least a decade (positive values only count): plot it on a log scale. */
export function spansDecades(series: readonly LineChartSeries[]): boolean {
  let low = Number.POSITIVE_INFINITY;
  let high = 0;
  for (const s of series) {
    for (let i = 0; i < s.y.length; i++) {
      const v = s.y[i]!;
      if (Number.isFinite(v) && v > 0) {
        low = Math.min(low, v);
        high = Math.max(high, v);
      }
    }
  }
  return high > 0 && high / low >= 10;
}

/** Series with this many points or fewer get dots at their points. */
export const sparseSeriesPoints = 60;

/**
 * The learning curves (one run or several overlaid): curves' series, dots
 * on the sparse ones (e.g. validation measured every few hundred updates),
 * a log y axis when the loss spans a decade or more.
 */
export function learningCurvesSvg(
  histories: readonly TrainingHistory[],
  title: string,
): { svg: string; log: boolean; diagnoses: (Diagnosis | undefined)[] } {
  const data = curvesChartData(histories.length === 1 ? histories[0]! : histories, {}, 400);
  const series = data.series.map((s) => ({ ...s, markers: s.y.length <= sparseSeriesPoints }));
  const log = spansDecades(series);
  const svg = lineChartSvg({
    series,
    verticalLines: data.verticalLines as LineChartVerticalLine[],
    title,
    xLabel: 'update',
    yLabel: log ? 'loss (log scale)' : 'loss',
    yScale: log ? 'log' : 'linear',
    legend: true,
    width: 760,
    height: 400,
  });
  return { svg, log, diagnoses: data.diagnoses };
}

function omitted(
  id: string,
  title: string,
  kind: ArtifactKind,
  read: ReadRunArtifacts,
  hint: string,
): OmittedSection {
  const error = read.errors[kind];
  return {
    id,
    title,
    note:
      error === undefined
        ? `not in this run (no ${artifactFiles[kind]}; ${hint}).`
        : `${artifactFiles[kind]} could not be read: ${error.message}`,
  };
}

function statusCell(status: Status): Cell {
  return { text: status, status };
}

/** `text` cut at `max` characters (at a word boundary when there is one), with an ellipsis. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  // A cut that ends a word keeps it; else back to the last space (when it is not too far back).
  const space = text[max] === ' ' ? max : cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/** Pairs laid out `perRow` to a row (the last row padded with empty cells). */
function chunk(pairs: readonly (readonly [string, string])[], perRow: number): Cell[][] {
  const rows: Cell[][] = [];
  for (let i = 0; i < pairs.length; i += perRow) {
    const row: Cell[] = [];
    for (let j = i; j < i + perRow; j++) row.push(...(pairs[j] ?? ['', '']));
    rows.push(row);
  }
  return rows;
}

function configurationSection(read: ReadRunArtifacts): Part {
  const configuration = configurationOf(read.artifacts);
  if (configuration === undefined) {
    return omitted(
      'configuration',
      'Configuration',
      'options',
      read,
      'every command writes it when a run starts',
    );
  }
  return {
    id: 'configuration',
    title: 'Configuration',
    blocks: [
      { kind: 'text', text: `Command: trainkit ${configuration.command}.` },
      {
        kind: 'table',
        // Three settings per row, so that the table stays short.
        head: ['setting', 'value', 'setting', 'value', 'setting', 'value'],
        rows: chunk(
          Object.entries(configuration.settings).map(([key, value]) => [
            key,
            value === null ? '—' : String(value),
          ]),
          3,
        ),
      },
    ],
  };
}

function resultSection(read: ReadRunArtifacts): Part {
  const result = read.artifacts.result;
  if (result === undefined) {
    return omitted('result', 'Result', 'result', read, 'train writes it when a run completes');
  }
  const rows: Cell[][] = [
    ['epochs', String(result.epochs)],
    ['optimizer updates', String(result.updates)],
    ['training time', formatDuration(result.trainingSeconds * 1000)],
    ['backend', result.backend],
  ];
  if (result.best !== null) {
    rows.push(
      [
        'best validation accuracy (the model kept)',
        `${percent(result.best.accuracy)} at epoch ${result.best.epoch} (update ${result.best.updates})`,
      ],
      ['its validation loss', formatMetric(result.best.loss)],
    );
  }
  if (result.train !== null) {
    rows.push([
      `training-split accuracy (${result.train.count} images)`,
      percent(result.train.accuracy),
    ]);
  }
  rows.push([
    'test accuracy',
    result.test === null ? 'not evaluated' : percent(result.test.accuracy),
  ]);
  if (result.test?.loss != null) rows.push(['test loss', formatMetric(result.test.loss)]);
  return {
    id: 'result',
    title: 'Result',
    blocks: [{ kind: 'table', head: ['measure', 'value'], rows }],
  };
}

function recipeSection(read: ReadRunArtifacts): Part {
  const recipe = read.artifacts.recipe;
  if (recipe === undefined) {
    return omitted('recipe', 'Recipe steps', 'recipe', read, 'trainkit recipe writes it');
  }
  const blocks: Block[] = [
    {
      kind: 'text',
      text:
        recipe.stoppedAt === null
          ? `Budget ${recipe.budget}: ${recipe.steps.length} steps, in order; each step's outcome decided the next.`
          : `Budget ${recipe.budget}: stopped at step "${recipe.steps.find((s) => s.name === recipe.stoppedAt)?.title}" (it failed; its advice is below).`,
    },
    {
      kind: 'table',
      head: ['#', 'step', 'status', 'result', 'decision', 'time'],
      rows: recipe.steps.map((step, i) => [
        String(i + 1),
        step.title,
        statusCell(step.status),
        step.summary,
        step.decision ?? '—',
        formatDuration(step.seconds * 1000),
      ]),
    },
  ];
  for (const step of recipe.steps) {
    if (step.advice.length > 0 && step.status !== 'pass') {
      blocks.push(
        { kind: 'text', text: `${step.title} (${step.status}): what to do` },
        { kind: 'list', items: step.advice },
      );
    }
  }
  return { id: 'recipe', title: 'Recipe steps', blocks };
}

function sanitySection(read: ReadRunArtifacts): Part {
  const report = read.artifacts.sanity;
  if (report === undefined) {
    return omitted(
      'sanity',
      'Sanity checks',
      'sanity',
      read,
      'trainkit sanity (or recipe) writes it',
    );
  }
  const { counts } = report;
  const blocks: Block[] = [
    {
      kind: 'text',
      text: `Overall ${report.status}: ${counts.pass} passed, ${counts.warn} warnings, ${counts.fail} failed, ${counts.skipped} skipped.`,
    },
    {
      kind: 'table',
      head: ['check', 'status', 'result'],
      rows: report.results.map((r) => [
        r.name,
        statusCell(r.status),
        r.status === 'skipped' ? (r.reason ?? r.summary) : r.summary,
      ]),
    },
  ];
  for (const result of report.results) {
    if (result.advice.length > 0 && (result.status === 'warn' || result.status === 'fail')) {
      blocks.push(
        { kind: 'text', text: `${result.name} (${result.status}):` },
        { kind: 'list', items: [...result.advice] },
      );
    }
  }
  return { id: 'sanity', title: 'Sanity checks', blocks };
}

function evidenceText(evidence: Readonly<Record<string, number>>): string {
  return Object.entries(evidence)
    .map(([key, value]) => `${key} ${formatMetric(value)}`)
    .join(', ');
}

function curvesSection(read: ReadRunArtifacts): Part {
  const history = read.artifacts.history;
  if (history === undefined) {
    return omitted('learning-curves', 'Learning curves', 'history', read, 'train writes it');
  }
  if (history.train.values.length < 2) {
    return {
      id: 'learning-curves',
      title: 'Learning curves',
      note: `history.json holds ${history.train.values.length} training point(s): too few to draw.`,
    };
  }
  const { svg, log } = learningCurvesSvg([history], 'loss: train vs validation');
  let diagnosis: Diagnosis | undefined;
  try {
    diagnosis = diagnose(history);
  } catch {
    diagnosis = undefined;
  }
  const blocks: Block[] = [
    {
      kind: 'figures',
      figures: [
        {
          file: 'learning-curves.svg',
          title: `Training loss (smoothed, one point per tenth of an epoch) and validation loss (dots: each measurement) by optimizer update${log ? '; log scale: the loss spans a decade or more' : ''}.`,
          svg,
        },
      ],
    },
  ];
  if (diagnosis !== undefined) {
    if (diagnosis.verdicts.length === 0) {
      blocks.push({
        kind: 'text',
        text: 'Diagnosis: nothing to report (no divergence, plateau, overfitting or noise beyond the thresholds).',
      });
    } else {
      blocks.push({
        kind: 'table',
        head: ['diagnosis', 'severity', 'updates', 'finding', 'evidence'],
        rows: diagnosis.verdicts.map((v) => [
          v.kind,
          {
            text: v.severity,
            status:
              v.severity === 'critical' ? 'fail' : v.severity === 'warning' ? 'warn' : 'skipped',
          },
          `${v.range.start}-${v.range.end}`,
          v.message,
          evidenceText(v.evidence),
        ]),
      });
      const advice = diagnosis.verdicts.flatMap((v) => v.advice.map((a) => `${v.kind}: ${a}`));
      if (advice.length > 0) blocks.push({ kind: 'list', items: advice });
    }
  }
  return { id: 'learning-curves', title: 'Learning curves', blocks };
}

function lrFinderSection(read: ReadRunArtifacts): Part {
  const finder = read.artifacts.lrFinder;
  if (finder === undefined) {
    return omitted(
      'lr-finder',
      'Learning-rate finder',
      'lrFinder',
      read,
      'trainkit lr-find (or recipe) writes it',
    );
  }
  const { analysis } = finder;
  const peers = analysis.peers;
  const blocks: Block[] = [
    {
      kind: 'figures',
      figures: [
        {
          file: 'lr-finder.svg',
          title: `Range test: loss against the learning rate (log10), ${analysis.losses.length} of ${analysis.iterations} iterations (${analysis.stopReason}).`,
          svg: rangeTestSvg(analysis, { title: 'Learning-rate range test' }),
        },
      ],
    },
    {
      kind: 'table',
      head: ['rule', 'learning rate'],
      rows: [
        ['trainkit (descent)', formatMetric(analysis.suggestion)],
        ['fastai valley', formatMetric(peers.valley?.learningRate)],
        ['steepest slope', formatMetric(peers.steepest?.learningRate)],
        ['minimum / 10', formatMetric(peers.minimum?.learningRate)],
      ],
    },
    { kind: 'text', text: `Verdict (${analysis.check.status}): ${analysis.check.summary}` },
  ];
  if (finder.discrete !== null && finder.discrete.length > 0) {
    blocks.push({
      kind: 'table',
      head: [
        'discrete test: learning rate',
        'verdict',
        'start loss',
        'end loss',
        'relative drop',
        'p-value',
      ],
      rows: finder.discrete.map((run) => [
        `${formatMetric(run.learningRate)}${run.configured ? ' (configured)' : ''}`,
        // The terminal's word for it, coloured as a status.
        {
          text: run.verdict,
          status: run.verdict === 'drops' ? 'pass' : run.verdict === 'flat' ? 'warn' : 'fail',
        },
        formatMetric(run.startLoss),
        formatMetric(run.endLoss),
        percent(run.relativeDrop, 1),
        formatMetric(run.pValue),
      ]),
    });
  }
  if (finder.discreteBest !== null)
    blocks.push({
      kind: 'text',
      text: `The discrete test picked ${formatMetric(finder.discreteBest)}.`,
    });
  if (finder.applied !== null)
    blocks.push({
      kind: 'text',
      text: `Applied to the configuration: --lr ${formatMetric(finder.applied)}.`,
    });
  return { id: 'lr-finder', title: 'Learning-rate finder', blocks };
}

function scheduleSection(read: ReadRunArtifacts): Part {
  const schedule = read.artifacts.schedule;
  if (schedule === undefined) {
    return omitted(
      'schedule',
      'Learning-rate schedule',
      'schedule',
      read,
      'train writes it when a run starts',
    );
  }
  const figures: Figure[] = [
    {
      file: 'schedule.svg',
      title: `The ${schedule.schedule} schedule: the learning rate of each update (${schedule.totalUpdates} updates).`,
      svg: lineChartSvg({
        series: [{ name: 'learning rate', x: schedule.steps, y: schedule.learningRate }],
        title: `learning rate (${schedule.schedule})`,
        xLabel: 'update',
        yLabel: 'learning rate',
        width: 560,
        height: 300,
      }),
    },
  ];
  if (schedule.momentum !== null) {
    figures.push({
      file: 'momentum.svg',
      title: 'The momentum (Adam beta1) of each update.',
      svg: lineChartSvg({
        series: [{ name: 'momentum', x: schedule.steps, y: schedule.momentum }],
        title: 'momentum',
        xLabel: 'update',
        width: 560,
        height: 300,
      }),
    });
  }
  const peak = Math.max(...schedule.learningRate);
  return {
    id: 'schedule',
    title: 'Learning-rate schedule',
    blocks: [
      { kind: 'figures', figures },
      {
        kind: 'text',
        text: `First ${formatMetric(schedule.learningRate[0])}, peak ${formatMetric(peak)}, last ${formatMetric(schedule.learningRate.at(-1))}.`,
      },
    ],
  };
}

function confusionSection(read: ReadRunArtifacts): Part {
  const evaluation = read.artifacts.evaluation;
  if (evaluation === undefined) {
    return omitted(
      'confusion-matrix',
      'Confusion matrix',
      'evaluation',
      read,
      'train writes it after the final test evaluation',
    );
  }
  const names = { classNames: evaluation.classNames, colorScale: true, cellSize: 36 } as const;
  return {
    id: 'confusion-matrix',
    title: 'Confusion matrix',
    blocks: [
      {
        kind: 'figures',
        figures: [
          {
            file: 'confusion-matrix.svg',
            title: `Counts on the ${evaluation.split} set (${evaluation.count} images): rows are the true digit, columns the prediction.`,
            svg: confusionMatrixToSvg(evaluation.matrix, {
              ...names,
              title: `${evaluation.split} set: counts`,
            }),
          },
          {
            file: 'confusion-matrix-normalized.svg',
            title: 'Row-normalized: each row sums to 1 (the diagonal is the recall of each digit).',
            svg: confusionMatrixToSvg(evaluation.matrix, {
              ...names,
              normalize: 'true',
              digits: 2,
              title: `${evaluation.split} set: row-normalized`,
            }),
          },
        ],
      },
    ],
  };
}

function classificationSection(read: ReadRunArtifacts): Part {
  const evaluation = read.artifacts.evaluation;
  if (evaluation === undefined) {
    return omitted(
      'classification-report',
      'Classification report',
      'evaluation',
      read,
      'train writes it after the final test evaluation',
    );
  }
  return {
    id: 'classification-report',
    title: 'Classification report',
    blocks: [
      {
        kind: 'text',
        text: `${evaluation.split} set, ${evaluation.count} images: accuracy ${percent(evaluation.accuracy)}, loss ${formatMetric(evaluation.loss)} (scikit-learn's classification_report format).`,
      },
      {
        kind: 'pre',
        text: classificationReport(evaluation.matrix, {
          classNames: evaluation.classNames,
          digits: 4,
        }),
      },
    ],
  };
}

function biasVarianceSection(read: ReadRunArtifacts, options: ReportOptions): Part {
  const result = read.artifacts.result;
  const levels: { -readonly [K in keyof ErrorLevels]: number } = {};
  if (options.humanError !== undefined) levels.humanError = options.humanError * 100;
  if (result?.train != null) levels.trainingError = (1 - result.train.accuracy) * 100;
  if (result?.best != null) levels.devError = (1 - result.best.accuracy) * 100;
  if (result?.test != null) levels.testError = (1 - result.test.accuracy) * 100;
  const given = Object.keys(levels).filter((k) => k !== 'humanError');
  if (result === undefined || given.length < 2 || levels.trainingError === undefined) {
    return result === undefined
      ? omitted(
          'bias-variance',
          'Bias and variance',
          'result',
          read,
          'train writes it when a run completes',
        )
      : {
          id: 'bias-variance',
          title: 'Bias and variance',
          note: 'result.json has no training-split evaluation (runs written before it existed): no training error to compare.',
        };
  }
  const analysis = biasVariance(levels);
  const names: Record<keyof ErrorLevels, string> = {
    humanError: 'human-level error (Bayes proxy)',
    trainingError: 'training error',
    trainDevError: 'train-dev error',
    devError: 'validation (dev) error',
    testError: 'test error',
  };
  const rows: Cell[][] = (Object.keys(names) as (keyof ErrorLevels)[])
    .filter((key) => levels[key] !== undefined)
    .map((key) => [names[key], `${levels[key]!.toFixed(2)}%`]);
  if (levels.humanError === undefined)
    rows.unshift([
      names.humanError,
      'not given (0 used: the avoidable bias is an upper bound; pass --human-error)',
    ]);
  const gaps: Cell[][] = [
    ['avoidable bias (training - human)', analysis.avoidableBias],
    ['variance (validation - training)', analysis.variance],
    ['overfitting of the validation set (test - validation)', analysis.devOverfitting],
  ]
    .filter((row): row is [string, number] => row[1] !== undefined)
    .map(([name, gap]) => [name, `${gap.toFixed(2)} points`]);
  const blocks: Block[] = [
    { kind: 'table', head: ['level', 'error'], rows },
    { kind: 'table', head: ['gap', 'size'], rows: gaps },
    {
      kind: 'text',
      text: `Focus: ${analysis.focus === 'none' ? 'none (no gap above tolerance)' : analysis.focus}. ${analysis.advice}`,
    },
  ];
  const focus = analysis.findings[0];
  if (focus !== undefined) blocks.push({ kind: 'list', items: [...focus.remedies] });
  return { id: 'bias-variance', title: 'Bias and variance', blocks };
}

function misclassifiedSection(read: ReadRunArtifacts): Part {
  const record = read.artifacts.misclassified;
  if (record === undefined) {
    return omitted(
      'misclassified',
      'Misclassified images',
      'misclassified',
      read,
      'train writes it after the final test evaluation',
    );
  }
  if (record.samples.length === 0) {
    return {
      id: 'misclassified',
      title: 'Misclassified images',
      note: `no misclassified images on the ${record.split} set.`,
    };
  }
  const figures: Figure[] = record.samples.map((sample, i) => {
    const top = sample.probabilities
      .map((p, c) => ({ p, c }))
      .sort((a, b) => b.p - a.p)
      .slice(0, 3)
      .map(({ p, c }) => `${record.classNames[c]} ${(p * 100).toFixed(1)}%`)
      .join(', ');
    // Dark ink on white: invert MNIST's white-on-black grey levels.
    const ink = sample.pixels.map((v) => 255 - v);
    return {
      file: `mistake-${String(i + 1).padStart(2, '0')}.png`,
      title: `#${sample.index}: true ${record.classNames[sample.label]}, predicted ${record.classNames[sample.prediction]} (${top})`,
      caption: `${record.classNames[sample.label]} → ${record.classNames[sample.prediction]} (${(sample.probabilities[sample.prediction]! * 100).toFixed(1)}%)`,
      png: greyPng(ink, record.width, record.height),
      width: 56,
    };
  });
  return {
    id: 'misclassified',
    title: 'Misclassified images',
    blocks: [
      {
        kind: 'text',
        text: `${record.samples.length} of the ${record.total} misclassified ${record.split} images (${record.selection}): true digit → prediction (its probability); hover for the index and the top three probabilities.`,
      },
      { kind: 'gallery', figures },
    ],
  };
}

function timingsSection(read: ReadRunArtifacts): Part {
  const profile = read.artifacts.profile;
  if (profile === undefined) {
    return omitted('timings', 'Timings per phase', 'profile', read, 'train writes it');
  }
  const { report } = profile;
  if (report.iterations === 0) {
    return {
      id: 'timings',
      title: 'Timings per phase',
      note: 'the profile holds no iteration after warm-up.',
    };
  }
  const phases = [...report.phases, report.unattributed];
  const bars: Bar[] = phases.map((p) => ({
    label: p.name,
    value: p.share,
    note: `${percent(p.share, 1)} (${p.meanMs.toFixed(2)} ms)`,
  }));
  const blocks: Block[] = [
    {
      kind: 'figures',
      figures: [
        {
          file: 'timings.svg',
          title: `Share of each phase in the iteration time (mean ms per iteration), ${report.iterations} iterations after warm-up.`,
          svg: barChartSvg('time per phase', bars, 1),
        },
      ],
    },
    {
      kind: 'table',
      head: ['phase', 'mean ms', 'median ms', 'p95 ms', 'max ms', 'share'],
      rows: phases.map((p) => [
        p.name,
        p.meanMs.toFixed(2),
        p.medianMs.toFixed(2),
        p.p95Ms.toFixed(2),
        p.maxMs.toFixed(2),
        percent(p.share, 1),
      ]),
    },
    {
      kind: 'text',
      text: `Iteration: mean ${report.iteration.meanMs.toFixed(2)} ms, median ${report.iteration.medianMs.toFixed(2)} ms, p95 ${report.iteration.p95Ms.toFixed(2)} ms; ${formatMetric(report.throughput.iterationsPerSecond)} iterations/s${report.throughput.samplesPerSecond === null ? '' : `, ${formatMetric(report.throughput.samplesPerSecond)} samples/s`}.`,
    },
  ];
  if (report.bottleneck !== null) {
    blocks.push({ kind: 'text', text: `Bottleneck: ${report.bottleneck.summary}` });
    if (report.bottleneck.advice.length > 0)
      blocks.push({ kind: 'list', items: [...report.bottleneck.advice] });
  }
  return { id: 'timings', title: 'Timings per phase', blocks };
}

function searchSection(read: ReadRunArtifacts): Part {
  const search = read.artifacts.search;
  if (search === undefined) {
    return omitted(
      'search',
      'Hyperparameter search',
      'search',
      read,
      'trainkit search (or recipe) writes it',
    );
  }
  const { results } = search;
  const rows = results.rows as readonly Readonly<Record<string, unknown>>[];
  const config = (row: Readonly<Record<string, unknown>>) =>
    (row.config ?? {}) as Readonly<Record<string, number | string | boolean | undefined>>;
  // Parameters with one value in every trial are listed once, not as columns and axes.
  const constant = results.parameterNames.filter((p) => {
    const values = new Set(rows.map((row) => JSON.stringify(config(row)[p] ?? null)));
    return values.size === 1 && rows.length > 1;
  });
  const parameters = results.parameterNames.filter((p) => !constant.includes(p));
  const value = (row: Readonly<Record<string, unknown>>): number | undefined => {
    const v = row.value;
    if (v === null || v === undefined) return undefined;
    return typeof v === 'number' ? v : Number(v);
  };
  const cellOf = (v: unknown) =>
    v === undefined || v === null ? '—' : typeof v === 'number' ? formatMetric(v) : String(v);
  const blocks: Block[] = [
    {
      kind: 'text',
      text: `${rows.length} trials (${Object.entries(results.counts)
        .filter(([, n]) => (n as number) > 0)
        .map(([state, n]) => `${n} ${state}`)
        .join(', ')}); ${results.direction} ${search.metric}.${
        results.best === null
          ? ''
          : ` Best: trial ${results.best.trial}, ${search.metric} ${formatMetric(results.best.value)} with ${Object.entries(
              results.best.config,
            )
              .filter(([k]) => !constant.includes(k))
              .map(([k, v]) => `${k} ${cellOf(v)}`)
              .join(', ')}.`
      }`,
    },
    ...(constant.length === 0
      ? []
      : [
          {
            kind: 'text' as const,
            text: `The same in every trial: ${constant.map((p) => `${p} ${cellOf(config(rows[0]!)[p])}`).join(', ')}.`,
          },
        ]),
    {
      kind: 'table',
      head: [
        'rank',
        'trial',
        'stage',
        'state',
        search.metric,
        ...parameters,
        // The trainer's trials report once per epoch (search-trial.ts): the step is an epoch.
        'last reported epoch',
        'time',
        'run',
        'note',
      ],
      rows: rows.map((row) => [
        String(row.rank),
        String(row.trial),
        String(row.stage ?? '—'),
        row.state === 'completed'
          ? statusCell('pass')
          : row.state === 'failed'
            ? statusCell('fail')
            : String(row.state),
        cellOf(value(row)),
        ...parameters.map((p) => cellOf(config(row)[p])),
        cellOf(row.step),
        row.seconds === null || row.seconds === undefined
          ? '—'
          : formatDuration((row.seconds as number) * 1000),
        search.trialDirectories[String(row.trial)] ?? '—',
        shorten(String(row.note ?? ''), 140),
      ]),
    },
  ];
  const lines: ParallelLine[] = rows.map((row) => ({
    values: config(row),
    metric: value(row),
    highlight: results.best !== null && row.trial === results.best.trial,
    label: `trial ${row.trial}: ${search.metric} ${cellOf(value(row))}; ${parameters.map((p) => `${p} ${cellOf(config(row)[p])}`).join(', ')}`,
  }));
  if (
    parameters.length > 0 &&
    lines.some((l) => l.metric !== undefined && Number.isFinite(l.metric))
  ) {
    blocks.push({
      kind: 'figures',
      figures: [
        {
          file: 'search-parallel-coordinates.svg',
          title: `Each trial is a line through its hyperparameters to its ${search.metric} (darker blue is better; the best is the thick red line; dashed: no result).`,
          svg: parallelCoordinatesSvg({
            axes: parameters,
            metricName: search.metric,
            maximize: results.direction === 'maximize',
            title: `hyperparameters against ${search.metric}`,
            lines,
          }),
        },
      ],
    });
  }
  return { id: 'search', title: 'Hyperparameter search', blocks };
}

function crossValidationSection(read: ReadRunArtifacts): Part {
  const cv = read.artifacts.crossValidation;
  if (cv === undefined) {
    return omitted(
      'cross-validation',
      'Cross-validation',
      'crossValidation',
      read,
      'trainkit recipe --cv K writes it',
    );
  }
  const summary = crossValidationSummary(cv);
  return {
    id: 'cross-validation',
    title: 'Cross-validation',
    blocks: [
      {
        kind: 'text',
        text: `${cv.k}-fold (${cv.method}): validation accuracy ${percent(summary.mean)} ± ${percent(summary.standardDeviation)} (mean ± sample standard deviation over ${cv.folds.length} folds).`,
      },
      {
        kind: 'table',
        head: ['fold', 'train images', 'validation images', 'accuracy', 'loss', 'run'],
        rows: cv.folds.map((f) => [
          String(f.fold + 1),
          String(f.trainSize),
          String(f.validationSize),
          percent(f.accuracy),
          formatMetric(f.loss),
          f.directory ?? '—',
        ]),
      },
    ],
  };
}

/** The report's sections in page order: `[id, title]`. */
export const reportSections = [
  ['configuration', 'Configuration'],
  ['result', 'Result'],
  ['recipe', 'Recipe steps'],
  ['sanity', 'Sanity checks'],
  ['learning-curves', 'Learning curves'],
  ['lr-finder', 'Learning-rate finder'],
  ['schedule', 'Learning-rate schedule'],
  ['confusion-matrix', 'Confusion matrix'],
  ['classification-report', 'Classification report'],
  ['bias-variance', 'Bias and variance'],
  ['misclassified', 'Misclassified images'],
  ['timings', 'Timings per phase'],
  ['search', 'Hyperparameter search'],
  ['cross-validation', 'Cross-validation'],
] as const;

/** Builds every section (or its one-line note) from the artifacts read. */
export function buildSections(read: ReadRunArtifacts, options: ReportOptions = {}): Part[] {
  return [
    configurationSection(read),
    resultSection(read),
    recipeSection(read),
    sanitySection(read),
    curvesSection(read),
    lrFinderSection(read),
    scheduleSection(read),
    confusionSection(read),
    classificationSection(read),
    biasVarianceSection(read, options),
    misclassifiedSection(read),
    timingsSection(read),
    searchSection(read),
    crossValidationSection(read),
  ];
}
