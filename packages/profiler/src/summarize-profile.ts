import { type ArgumentChecker, checkArguments } from '@trainkit/core';
import { mean, quantileSorted, sortedCopy } from '@trainkit/stats';
import {
  type AdviceContext,
  checkAdviceContext,
  type PhaseCategory,
  phaseAdvice,
} from './phase-advice';
import { type ProfilerState, validateProfilerState } from './profiler-state';

/**
 * Options of {@link summarizeProfile}: the warm-up, and what is known about
 * the run (its backend, what its phases do, its gradient accumulation), so
 * that the advice fits it and never recommends what it already does.
 */
export interface SummarizeOptions extends AdviceContext {
  /**
   * The run's first iterations to leave out of the statistics (warm-up:
   * kernel compilation, first allocations). Default `0`.
   */
  readonly warmupIterations?: number;
}

/** Distribution of iteration durations in milliseconds. */
export interface DurationStatistics {
  readonly meanMs: number;
  /** 50th percentile (linear interpolation, NumPy's default). */
  readonly medianMs: number;
  readonly p10Ms: number;
  readonly p90Ms: number;
  readonly p95Ms: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Sum over the summarized iterations. */
  readonly totalMs: number;
}

/** Time spent in one phase per iteration (its occurrences within an iteration add up). */
export interface PhaseStatistics {
  readonly name: string;
  readonly category: PhaseCategory;
  /** Mean over the summarized iterations, counting iterations without the phase as 0 ms. */
  readonly meanMs: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  readonly totalMs: number;
  /** `totalMs` divided by the summarized iterations' total duration. */
  readonly share: number;
  /** Summarized iterations in which the phase took more than 0 ms. */
  readonly iterationsWithPhase: number;
}

/** The phase with the largest share, with what to do about it. */
export interface Bottleneck {
  readonly phase: string;
  readonly category: PhaseCategory;
  readonly share: number;
  readonly meanMs: number;
  /** One sentence, e.g. `data takes 47.1% of the iteration (40.1 ms of 85.2 ms on average).` */
  readonly summary: string;
  readonly advice: readonly string[];
}

/** Iterations longer than the threshold: one warning for all of them. */
export interface SlowIterationsWarning {
  readonly kind: 'slow-iterations';
  /** Slow iterations over the whole run. */
  readonly count: number;
  readonly totalIterations: number;
  readonly thresholdMs: number;
  readonly firstIteration: number;
  readonly slowestIteration: number;
  readonly slowestMs: number;
  readonly message: string;
}

/** A phase that is not the bottleneck but takes a share worth acting on. */
export interface PhaseShareWarning {
  readonly kind: 'phase-share';
  readonly phase: string;
  readonly category: PhaseCategory;
  readonly share: number;
  readonly message: string;
  readonly advice: readonly string[];
}

/** A warning of a {@link ProfileReport}. */
export type ProfileWarning = SlowIterationsWarning | PhaseShareWarning;

/** Statistics of a profile: a plain JSON-safe object. */
export interface ProfileReport {
  /** Iterations the statistics cover (retained, after warm-up). */
  readonly iterations: number;
  /** Completed iterations over the whole run. */
  readonly totalIterations: number;
  /** Index of the first summarized iteration (`totalIterations` when none). */
  readonly firstIteration: number;
  readonly iteration: DurationStatistics;
  /** One entry per interned phase, in id order. */
  readonly phases: readonly PhaseStatistics[];
  /** Time inside iterations but outside every phase. */
  readonly unattributed: PhaseStatistics;
  readonly throughput: {
    /** Iterations per second of iteration time (gaps between iterations excluded). */
    readonly iterationsPerSecond: number;
    /** Samples per second; `null` when no iteration reported a sample count. */
    readonly samplesPerSecond: number | null;
  };
  /** `null` when there is nothing to summarize. */
  readonly bottleneck: Bottleneck | null;
  readonly warnings: readonly ProfileWarning[];
}

/** Iteration durations and per-phase times of the summarized window. */
export interface ProfileWindow {
  readonly first: number;
  readonly durations: Float64Array;
  readonly samples: Float64Array;
  /** `phaseMs[p][i]`: phase `p` in window iteration `i`. */
  readonly phaseMs: Float64Array[];
  readonly unattributedMs: Float64Array;
}

/** Extracts the retained iterations after warm-up (internal helper shared by the estimators). */
export function profileWindow(state: ProfilerState, warmupIterations: number): ProfileWindow {
  const its = state.iterations;
  const skip = Math.min(its.startMs.length, Math.max(0, warmupIterations - its.first));
  const n = its.startMs.length - skip;
  const durations = new Float64Array(n);
  const samples = new Float64Array(n);
  const unattributedMs = new Float64Array(n);
  const phaseMs = state.phases.map(() => new Float64Array(n));
  for (let i = 0; i < n; i += 1) {
    const r = i + skip;
    const duration = its.endMs[r]! - its.startMs[r]!;
    durations[i] = duration;
    samples[i] = its.samples[r]!;
    const row = its.phaseMs[r]!;
    let attributed = 0;
    for (let p = 0; p < phaseMs.length; p += 1) {
      phaseMs[p]![i] = row[p]!;
      attributed += row[p]!;
    }
    unattributedMs[i] = Math.max(0, duration - attributed);
  }
  return { first: its.first + skip, durations, samples, phaseMs, unattributedMs };
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i += 1) total += values[i]!;
  return total;
}

function phaseStatistics(
  name: string,
  values: Float64Array,
  iterationTotal: number,
  context: AdviceContext,
): PhaseStatistics {
  const sorted = sortedCopy(values);
  const totalMs = sum(values);
  let iterationsWithPhase = 0;
  for (let i = 0; i < values.length; i += 1) if (values[i]! > 0) iterationsWithPhase += 1;
  return {
    name,
    category: phaseAdvice(name, context).category,
    meanMs: mean(values),
    medianMs: quantileSorted(sorted, 0.5),
    p95Ms: quantileSorted(sorted, 0.95),
    maxMs: sorted.length === 0 ? 0 : sorted[sorted.length - 1]!,
    totalMs,
    share: iterationTotal > 0 ? totalMs / iterationTotal : 0,
    iterationsWithPhase,
  };
}

const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;
const ms = (value: number): string => `${value.toFixed(1)} ms`;

/**
 * The arguments every reader of a profile checks first, in this order: the
 * options object, the state (see `validateProfilerState`) and the
 * `warmupIterations` option (an integer >= 0, default 0).
 *
 * @param functionName - The public function, for the messages.
 * @param state - The profiler state as passed.
 * @param options - The options as passed.
 * @param example - An example options object for the message, e.g. `'{ warmupIterations: 1 }'`.
 * @returns The checked options and state, the function's argument checker and the warm-up.
 * @internal
 */
export function checkProfileArguments<O extends { readonly warmupIterations?: number }>(
  functionName: string,
  state: ProfilerState,
  options: O,
  example: string,
): { options: O; valid: ProfilerState; check: ArgumentChecker; warmup: number } {
  const check = checkArguments(functionName);
  const checked = check.options('options', options, example);
  const valid = validateProfilerState(functionName, state);
  const warmup =
    checked.warmupIterations === undefined
      ? 0
      : check.integer('warmupIterations', checked.warmupIterations, { min: 0 });
  return { options: checked, valid, check, warmup };
}

/**
 * Summarizes a profile: per-phase mean, median, p95 and share of the
 * iteration, throughput, the bottleneck with advice, and warnings (slow
 * iterations, reported once with their count; phases whose share is worth
 * acting on even when they are not the bottleneck).
 *
 * Quantiles interpolate linearly between closest ranks (NumPy's default).
 * Shares are phase time over iteration time within the summarized window, so
 * the phases' shares and the unattributed share add up to 1.
 *
 * The advice takes what the caller knows: with `backend` (e.g. the result of
 * `@trainkit/backend`'s `selectBackend()`) it never recommends the backend in
 * use, nor WebAssembly threads in Node; `phaseCategories` says what phases
 * with unusual names do (a checkpoint phase gets checkpoint advice, not
 * logging advice); `accumulationSteps` > 1 stops it from recommending
 * gradient accumulation.
 *
 * @param state - From `profiler.state()`.
 * @param options - See {@link SummarizeOptions}.
 * @returns A {@link ProfileReport}.
 * @throws StateRestoreError when `state` is malformed; InvalidArgumentError for a bad option.
 *
 * @example
 * ```ts
 * const report = summarizeProfile(profiler.state(), {
 *   warmupIterations: 1,
 *   backend: { backend: 'wasm', simd: true, threads: 1 },
 * });
 * console.log(report.bottleneck?.summary, report.bottleneck?.advice);
 * ```
 */
export function summarizeProfile(
  state: ProfilerState,
  options: SummarizeOptions = {},
): ProfileReport {
  const args = checkProfileArguments('summarizeProfile', state, options, '{ warmupIterations: 1 }');
  options = args.options;
  const { valid, warmup } = args;
  const context = checkAdviceContext('summarizeProfile', options);
  const window = profileWindow(valid, warmup);
  const n = window.durations.length;
  const sortedDurations = sortedCopy(window.durations);
  const iterationTotal = sum(window.durations);
  const iteration: DurationStatistics = {
    meanMs: mean(window.durations),
    medianMs: quantileSorted(sortedDurations, 0.5),
    p10Ms: quantileSorted(sortedDurations, 0.1),
    p90Ms: quantileSorted(sortedDurations, 0.9),
    p95Ms: quantileSorted(sortedDurations, 0.95),
    minMs: n === 0 ? 0 : sortedDurations[0]!,
    maxMs: n === 0 ? 0 : sortedDurations[n - 1]!,
    totalMs: iterationTotal,
  };
  const phases = valid.phases.map((name, p) =>
    phaseStatistics(name, window.phaseMs[p]!, iterationTotal, context),
  );
  const unattributed = phaseStatistics('unattributed', window.unattributedMs, iterationTotal, {});
  const totalSamples = sum(window.samples);
  const throughput = {
    iterationsPerSecond: iterationTotal > 0 ? (n * 1000) / iterationTotal : 0,
    samplesPerSecond:
      totalSamples > 0 && iterationTotal > 0 ? (totalSamples * 1000) / iterationTotal : null,
  };

  let bottleneck: Bottleneck | null = null;
  if (iterationTotal > 0) {
    let best = unattributed;
    for (const phase of phases) if (phase.share > best.share) best = phase;
    const row =
      best === unattributed ? phaseAdvice('unattributed') : phaseAdvice(best.name, context);
    bottleneck = {
      phase: best.name,
      category: row.category,
      share: best.share,
      meanMs: best.meanMs,
      summary: `${best.name} takes ${percent(best.share)} of the iteration (${ms(best.meanMs)} of ${ms(iteration.meanMs)} on average).`,
      advice: row.advice,
    };
  }

  const warnings: ProfileWarning[] = [];
  const totals = valid.totals;
  if (totals.slowIterations > 0) {
    const threshold = valid.settings.slowIterationMs;
    const onlyWarmup = totals.slowIterations === 1 && totals.firstSlowIteration === 0;
    const hint = onlyWarmup
      ? ' Only the first iteration was slow: likely warm-up (kernel compilation, first allocations); ignore it if it does not recur, or leave it out of the statistics as warm-up.'
      : ` Things get dicey above ${threshold} ms per iteration: ${
          bottleneck === null
            ? 'find the bottleneck.'
            : `start with the bottleneck: ${bottleneck.summary}`
        }`;
    warnings.push({
      kind: 'slow-iterations',
      count: totals.slowIterations,
      totalIterations: totals.iterations,
      thresholdMs: threshold,
      firstIteration: totals.firstSlowIteration,
      slowestIteration: totals.slowestIteration,
      slowestMs: totals.slowestMs,
      message:
        `${totals.slowIterations} of ${totals.iterations} iterations took longer than ${threshold} ms ` +
        `(first: iteration ${totals.firstSlowIteration}; slowest: iteration ${totals.slowestIteration}, ${ms(totals.slowestMs)}).${hint}`,
    });
  }
  for (const phase of [...phases, unattributed]) {
    if (bottleneck !== null && phase.name === bottleneck.phase) continue;
    const row =
      phase === unattributed ? phaseAdvice('unattributed') : phaseAdvice(phase.name, context);
    if (phase.share >= row.warnShare && phase.share > 0) {
      warnings.push({
        kind: 'phase-share',
        phase: phase.name,
        category: row.category,
        share: phase.share,
        message: `${phase.name} takes ${percent(phase.share)} of the iteration (warning from ${percent(row.warnShare)}).`,
        advice: row.advice,
      });
    }
  }

  return {
    iterations: n,
    totalIterations: totals.iterations,
    firstIteration: window.first,
    iteration,
    phases,
    unattributed,
    throughput,
    bottleneck,
    warnings,
  };
}
