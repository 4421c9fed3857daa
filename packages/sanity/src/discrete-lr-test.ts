import { checkArguments } from '@trainkit/core';
import { mannKendall, median, robustNoise } from '@trainkit/stats';
import type { CheckResult, Measurement } from './check-result';
import { formatNumber } from './format-number';

/** The losses of a short run at one fixed learning rate. */
export interface LearningRateRun {
  readonly learningRate: number;
  /** The training loss of each iteration, in order. */
  readonly losses: readonly number[];
  /** Marks the rate your training is configured with (judged on its own). */
  readonly configured?: boolean;
  /**
   * The loss of the model before training (e.g. the median loss of the
   * untrained model on the run's first batches). Default: the median of the
   * run's first window, which a rate that blows up in its first steps inflates.
   */
  readonly startLoss?: number;
}

/** How a short run at one learning rate went. */
export type LearningRateVerdict = 'drops' | 'flat' | 'diverged';

/** What {@link judgeDiscreteLearningRates} measured for one rate. */
export interface LearningRateRunResult {
  readonly learningRate: number;
  readonly configured: boolean;
  readonly verdict: LearningRateVerdict;
  /** The level before training (`run.startLoss`, or the median of the first window). */
  readonly startLoss: number;
  /** The largest loss of the run. */
  readonly peakLoss: number;
  /** Median of the last window. */
  readonly endLoss: number;
  /** `(startLoss - endLoss) / startLoss`. */
  readonly relativeDrop: number;
  /** One-sided Mann-Kendall p-value of a decreasing trend. */
  readonly pValue: number;
  /** Standard error of `startLoss - endLoss` from the run's own noise. */
  readonly standardError: number;
}

/** Thresholds of the "significant drop". */
export interface DiscreteLearningRateOptions {
  /** Significance level of the one-sided Mann-Kendall test. Default 0.01. */
  readonly alpha?: number;
  /** The drop must be at least this fraction of the start level. Default 0.05. */
  readonly minRelativeDrop?: number;
  /** The drop must exceed this many standard errors. Default 3. */
  readonly noiseSigmas?: number;
  /** Windows at the start and end: this fraction of the iterations (at least 5). Default 0.1. */
  readonly windowFraction?: number;
  /** End level above this multiple of the start level (or a non-finite loss): diverged. Default 1.5. */
  readonly divergenceFactor?: number;
  /** A loss spike above this multiple of the start level, without a significant drop: diverged. Default 10. */
  readonly spikeFactor?: number;
}

const defaults: Readonly<Required<DiscreteLearningRateOptions>> = {
  alpha: 0.01,
  minRelativeDrop: 0.05,
  noiseSigmas: 3,
  windowFraction: 0.1,
  divergenceFactor: 1.5,
  spikeFactor: 10,
};

/**
 * Judges one short run at a fixed learning rate. The loss "drops
 * significantly" when all three hold:
 *
 * 1. a one-sided Mann-Kendall test finds a decreasing trend (p < `alpha`,
 *    0.01): rank-based, so heavy-tailed mini-batch noise and single spikes do
 *    not decide it;
 * 2. the median of the last 10% of the losses is at least `minRelativeDrop`
 *    (5%) below the median of the first 10%: a trend can be significant yet
 *    too small to matter over many points;
 * 3. that drop exceeds `noiseSigmas` (3) standard errors, estimated from the
 *    run's own noise (the robust second-difference sigma, times 1.2533 sqrt(2/w)
 *    for a difference of two medians of w points).
 *
 * Otherwise a non-finite loss, an end level above `divergenceFactor` (1.5)
 * times the start, or a spike above `spikeFactor` (10) times the start (a rate
 * so large that the first steps blow up, after which dead units keep the loss
 * at chance) is `diverged`; anything else is `flat`.
 *
 * @param run - {@link LearningRateRun}
 * @param options - {@link DiscreteLearningRateOptions}
 * @returns The verdict and its numbers.
 * @example
 * ```ts
 * judgeLearningRateRun({ learningRate: 1e-3, losses }).verdict; // 'drops'
 * ```
 */
export function judgeLearningRateRun(
  run: LearningRateRun,
  options: DiscreteLearningRateOptions = {},
): LearningRateRunResult {
  const check = checkArguments('judgeLearningRateRun');
  const learningRate = check.positive('run.learningRate', run?.learningRate);
  const losses = check.nonEmptyArray<number>('run.losses', run.losses);
  if (losses.length < 10) check.fail('run.losses', losses, 'at least 10 losses');
  const o = { ...defaults, ...options };
  check.number('alpha', o.alpha, {
    min: 0,
    max: 1,
    minInclusive: false,
    maxInclusive: false,
  });
  check.nonNegative('minRelativeDrop', o.minRelativeDrop);
  check.nonNegative('noiseSigmas', o.noiseSigmas);
  check.number('windowFraction', o.windowFraction, {
    min: 0,
    max: 0.5,
    minInclusive: false,
  });
  check.number('divergenceFactor', o.divergenceFactor, { min: 1, minInclusive: false });
  check.number('spikeFactor', o.spikeFactor, { min: 1, minInclusive: false });
  const window = Math.max(5, Math.floor(o.windowFraction * losses.length));
  const firstWindow = losses.slice(0, window).filter(Number.isFinite);
  const startLoss =
    run.startLoss !== undefined
      ? check.finite('run.startLoss', run.startLoss)
      : firstWindow.length > 0
        ? median(firstWindow)
        : Number.NaN;
  const peakLoss = losses.reduce(
    (peak, loss) => (loss > peak || Number.isNaN(loss) ? loss : peak),
    Number.NEGATIVE_INFINITY,
  );
  const finite = losses.every(Number.isFinite);
  const endLoss = finite ? median(losses.slice(-window)) : Number.NaN;
  const relativeDrop = (startLoss - endLoss) / Math.abs(startLoss);
  const sigma = finite ? robustNoise(losses) : Number.NaN;
  const standardError = 1.2533 * sigma * Math.sqrt(2 / window);
  let pValue = Number.NaN;
  if (finite) {
    const mk = mannKendall(losses);
    pValue = mk.s < 0 ? mk.pValue / 2 : 1 - mk.pValue / 2;
  }
  const configured = run.configured === true;
  const base = {
    learningRate,
    configured,
    startLoss,
    endLoss,
    peakLoss,
    relativeDrop,
    pValue,
    standardError,
  };
  const drops =
    finite &&
    pValue < o.alpha &&
    relativeDrop >= o.minRelativeDrop &&
    startLoss - endLoss > o.noiseSigmas * standardError;
  if (drops) return { ...base, verdict: 'drops' };
  const diverged =
    !finite || endLoss > o.divergenceFactor * startLoss || peakLoss > o.spikeFactor * startLoss;
  return { ...base, verdict: diverged ? 'diverged' : 'flat' };
}

/**
 * The recipe's short discrete learning-rate test: which of a few fixed rates
 * (1e-1, 1e-2, 1e-3, 1e-4) make the loss drop significantly within ~100
 * iterations from the same start ({@link judgeLearningRateRun}), and which is
 * best: among those that drop, the lowest end level.
 *
 * Status: `fail` when no rate drops, or when the configured rate (marked
 * `configured: true`) is flat or diverges; `pass` otherwise.
 *
 * @param runs - One run per rate, all from the same initial state.
 * @param options - {@link DiscreteLearningRateOptions}
 * @returns The `discrete-lr-test` check result; measurements `best` and a table per rate.
 * @example
 * ```ts
 * const result = judgeDiscreteLearningRates([{ learningRate: 1e-1, losses: a }, { learningRate: 1e-3, losses: b }]);
 * result.measurements.best; // 0.001
 * ```
 */
export function judgeDiscreteLearningRates(
  runs: readonly LearningRateRun[],
  options: DiscreteLearningRateOptions = {},
): CheckResult & { readonly runs: readonly LearningRateRunResult[] } {
  const check = checkArguments('judgeDiscreteLearningRates');
  check.nonEmptyArray('runs', runs);
  const results = runs.map((run) => judgeLearningRateRun(run, options));
  const dropping = results.filter((r) => r.verdict === 'drops' && !r.configured);
  const candidates = dropping.length > 0 ? dropping : results.filter((r) => r.verdict === 'drops');
  const best = candidates.reduce<LearningRateRunResult | undefined>(
    (acc, r) => (acc === undefined || r.endLoss < acc.endLoss ? r : acc),
    undefined,
  );
  const table = results.map((r) => ({
    learningRate: r.learningRate,
    verdict: r.verdict,
    startLoss: r.startLoss,
    endLoss: r.endLoss,
    relativeDrop: r.relativeDrop,
    pValue: r.pValue,
    ...(r.configured ? { configured: true } : {}),
  }));
  const measurements: Record<string, Measurement> = {
    best: best?.learningRate ?? Number.NaN,
    dropping: results.filter((r) => r.verdict === 'drops').map((r) => r.learningRate),
  };
  const configured = results.find((r) => r.configured);
  if (configured !== undefined) {
    measurements.configured = configured.learningRate;
    measurements.configuredVerdict = configured.verdict;
  }
  const name = 'discrete-lr-test';
  const iterations = runs[0]!.losses.length;
  if (best === undefined) {
    return {
      name,
      status: 'fail',
      summary: `no learning rate makes the loss drop significantly within ${iterations} iterations (tried ${results.map((r) => formatNumber(r.learningRate)).join(', ')})`,
      measurements,
      advice: [
        'Nothing learns at any rate: check that labels match inputs, that the loss fits the outputs, and that gradients reach the weights (run the overfit ladder).',
      ],
      table,
      runs: results,
    };
  }
  const bestText = `best ${formatNumber(best.learningRate)} (loss ${formatNumber(best.startLoss)} -> ${formatNumber(best.endLoss)} in ${iterations} iterations)`;
  if (configured !== undefined && configured.verdict !== 'drops') {
    return {
      name,
      status: 'fail',
      summary: `the configured learning rate ${formatNumber(configured.learningRate)} ${configured.verdict === 'diverged' ? 'makes the loss diverge' : 'does not make the loss drop'} within ${iterations} iterations; ${bestText}`,
      measurements,
      advice: [
        configured.verdict === 'diverged'
          ? `Lower the learning rate (${formatNumber(best.learningRate)} worked here).`
          : `Raise the learning rate (${formatNumber(best.learningRate)} worked here).`,
      ],
      table,
      runs: results,
    };
  }
  return {
    name,
    status: 'pass',
    summary: `${results.filter((r) => r.verdict === 'drops').length} of ${results.length} learning rates make the loss drop; ${bestText}`,
    measurements,
    advice: [],
    table,
    runs: results,
  };
}
