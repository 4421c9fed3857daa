import { lineChartTerminal } from '@trainkit/core';
import { type CheckResult, type RangeTestAnalysis, rangeTestSvg } from '@trainkit/sanity';
import { writeFileAtomic, writeLearningRateFinder } from './artifacts';
import { formatRate } from './command-run';
import {
  type DiscreteTestOutcome,
  discreteTest,
  rangeTestCheck,
  type SanitySetup,
} from './sanity-checks';

/** What the learning-rate finder found. */
export interface LearningRateFinding {
  /** The range test's analysis (undefined when it could not run). */
  readonly analysis: RangeTestAnalysis | undefined;
  readonly rangeResult: CheckResult;
  readonly discrete: DiscreteTestOutcome;
  /** The rate to train with, or undefined when neither test found one. */
  readonly suggestion: number | undefined;
  /** Where the suggestion comes from. */
  readonly source: 'range test' | 'discrete test' | undefined;
}

/** Options of {@link findLearningRate}. */
export interface FindLearningRateOptions {
  /** Range-test iterations. Default 100. */
  readonly iterations?: number;
  /** First and last rate of the ramp. Default 1e-7 and 10. */
  readonly start?: number;
  readonly end?: number;
  /** Iterations per rate of the discrete test. Default 100. */
  readonly discreteIterations?: number;
}

/**
 * The range test (an exponential ramp, trainkit's stable suggestion beside
 * fastai's) and the discrete test (1e-1..1e-4 and the configured rate),
 * both from the same initial weights, both restored afterwards. The
 * suggestion is the range test's; when it has none (the loss never fell
 * 10%), the discrete test's best rate.
 */
export async function findLearningRate(
  setup: SanitySetup,
  options: FindLearningRateOptions = {},
): Promise<LearningRateFinding> {
  const range = await rangeTestCheck(setup, {
    ...(options.iterations === undefined ? {} : { iterations: options.iterations }),
    ...(options.start === undefined ? {} : { start: options.start }),
    ...(options.end === undefined ? {} : { end: options.end }),
  });
  const discrete = await discreteTest(
    setup,
    options.discreteIterations === undefined ? {} : { iterations: options.discreteIterations },
  );
  const fromRange = range.analysis?.suggestion;
  const suggestion = fromRange ?? discrete.best;
  return {
    analysis: range.analysis,
    rangeResult: range.result,
    discrete,
    suggestion,
    source:
      fromRange !== undefined
        ? 'range test'
        : suggestion !== undefined
          ? 'discrete test'
          : undefined,
  };
}

/** The range test's loss against log10(lr), for the terminal, with the suggestion marked. */
export function learningRateChart(analysis: RangeTestAnalysis): string {
  const x = analysis.learningRates.map((rate) => Math.log10(rate));
  // The divergence at the end would flatten the rest: show up to 1.5x the start level.
  const finite = analysis.losses.filter((loss) => Number.isFinite(loss));
  const head = finite.slice(0, Math.max(1, Math.ceil(finite.length / 10)));
  const top = 1.5 * Math.max(...head);
  const bottom = Math.min(...finite, ...analysis.smoothed.filter((v) => Number.isFinite(v)));
  const clip = (values: readonly number[]) => values.map((v) => (v > top ? Number.NaN : v));
  return lineChartTerminal({
    yRange: [Math.max(0, bottom * 0.9), top],
    title: 'range test: loss vs log10(learning rate)',
    series: [
      { name: 'loss', x, y: clip(analysis.losses) },
      { name: 'smoothed', x, y: clip(analysis.smoothed) },
    ],
    xLabel: 'log10(lr)',
    width: 72,
    height: 10,
    ...(analysis.suggestion === undefined
      ? {}
      : {
          verticalLines: [
            {
              x: Math.log10(analysis.suggestion),
              label: `suggested ${formatRate(analysis.suggestion)}`,
            },
          ],
        }),
  });
}

/** One line per discrete-test rate: verdict, losses. */
export function discreteLines(discrete: DiscreteTestOutcome): string[] {
  return discrete.runs.map(
    (run) =>
      `  lr ${formatRate(run.learningRate).padEnd(8)} ${run.verdict.padEnd(9)} loss ${run.startLoss.toFixed(3)} -> ${run.endLoss.toFixed(3)}${run.configured ? '  (configured)' : ''}${run.learningRate === discrete.best ? '  (best)' : ''}`,
  );
}

/**
 * Writes `lr-finder.json` (through artifacts.ts) and, when the range test ran,
 * `lr-finder.svg` into a run directory.
 *
 * @returns The names of the files written.
 */
export async function writeLearningRateFiles(
  directory: string,
  finding: LearningRateFinding,
  options: { applied?: number; title?: string } = {},
): Promise<string[]> {
  if (finding.analysis === undefined) return [];
  await writeLearningRateFinder(directory, {
    analysis: finding.analysis,
    discrete: finding.discrete.runs,
    ...(finding.discrete.best === undefined ? {} : { discreteBest: finding.discrete.best }),
    ...(options.applied === undefined ? {} : { applied: options.applied }),
  });
  await writeFileAtomic(
    `${directory}/lr-finder.svg`,
    rangeTestSvg(finding.analysis, { title: options.title ?? 'learning-rate range test' }),
  );
  return ['lr-finder.json', 'lr-finder.svg'];
}
