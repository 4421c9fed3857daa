/** What a verdict is about. */
export type VerdictKind =
  | 'divergence'
  | 'training-not-falling'
  | 'overfitting'
  | 'validation-not-falling'
  | 'underfitting'
  | 'slow-start'
  | 'training-evaluation-disagrees'
  | 'validation-better-than-training'
  | 'generalization-gap'
  | 'noisy'
  | 'ideal'
  | 'insufficient-data';

/** `critical`: training is broken; `warning`: act on it; `info`: for the record. */
export type VerdictSeverity = 'critical' | 'warning' | 'info';

/** An inclusive range of iterations. */
export interface IterationRange {
  readonly start: number;
  readonly end: number;
}

/** One finding of `diagnose`. */
export interface Verdict {
  readonly kind: VerdictKind;
  readonly severity: VerdictSeverity;
  /** One or two plain sentences with the key numbers. */
  readonly message: string;
  /** What to do, most useful first (never what the run's {@link TrainingSetup} says it already does). */
  readonly advice: readonly string[];
  /** The iterations the evidence was measured on (for overfitting: onset to end). */
  readonly range: IterationRange;
  /** The measured numbers, by name (levels, slopes, p-values, iterations). */
  readonly evidence: Readonly<Record<string, number>>;
}

/**
 * What the caller knows about how the run trains, so that the advice never
 * recommends what it already does (`historyCallback` fills it in from the
 * batches it sees).
 */
export interface TrainingSetup {
  /**
   * Micro-batches per optimizer update: `1` without gradient accumulation,
   * `k` with an accumulating optimizer (e.g. `@trainkit/accumulate`'s).
   */
  readonly accumulationSteps?: number;
  /** Samples per optimizer update (the batch size times `accumulationSteps`). */
  readonly samplesPerUpdate?: number;
}

/** A trend over the end window of a curve. */
export interface WindowTrend {
  /**
   * The iterations the change is measured over: the end window (training:
   * at least 8 points; validation: its points inside the training curve's
   * end window, at least the last 3), so both curves' changes cover the
   * same iterations.
   */
  readonly range: IterationRange;
  /**
   * The iterations the Mann-Kendall test ran on: `range`, reaching back to
   * at least 8 points when the window holds fewer.
   */
  readonly testRange: IterationRange;
  /** Number of points tested (bucket medians when the window is long). */
  readonly points: number;
  /** Theil-Sen slope over `range`, loss units per iteration. */
  readonly slope: number;
  /** slope * length of `range` / median over `range`: the change over the window relative to the level. */
  readonly relativeChange: number;
  /** Standard error of `relativeChange` from the curve's own noise. */
  readonly standardError: number;
  /** Mann-Kendall two-sided p-value (over `testRange`). */
  readonly pValue: number;
  /**
   * `falling`/`rising` when the Mann-Kendall test is significant AND
   * |relativeChange| >= max(minRelativeChange, noiseSigmas * standardError); else `flat`.
   */
  readonly direction: 'falling' | 'rising' | 'flat';
}

/** What `diagnose` measured on one curve. */
export interface CurveMeasurements {
  /** Finite points used (up to the first non-finite value). */
  readonly points: number;
  readonly range: IterationRange;
  /** Median of the first points (train: first 2%, 3 to 25 points; validation: first 3). */
  readonly startLevel: number;
  /** Median of the last points (train: last 5%, 3 to 50 points; validation: last 3). */
  readonly finalLevel: number;
  /** Lowest value of the smoothed curve (running median of 3). */
  readonly bestLevel: number;
  readonly bestIteration: number;
  /** Robust point-to-point noise sigma (see `robustNoise`), over the second half for training. */
  readonly noise: number;
  /** The trend over the end window, when it has at least 4 points. */
  readonly endTrend: WindowTrend | undefined;
}
