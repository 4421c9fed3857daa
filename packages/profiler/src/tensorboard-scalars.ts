import { type ArgumentChecker, checkArguments } from '@trainkit/core';
import { type ProfilerState, validateProfilerState } from './profiler-state';
import { summarizeProfile } from './summarize-profile';

/**
 * Where the scalars go: anything with `scalars(values, step)`, such as a
 * `@trainkit/tensorboard` `SummaryWriter` (the profiler does not depend on
 * the TensorBoard package; any logger with this method works).
 *
 * @example
 * ```ts
 * const sink: ScalarSink = { scalars: (values, step) => console.log(step, values) };
 * writeProfileScalars(sink, profiler.state(), { step: 100 });
 * ```
 */
export interface ScalarSink {
  /** Writes named scalar values at one step (e.g. optimizer updates so far). */
  scalars(values: Record<string, number>, step: number): void;
}

/**
 * A phase name as one tag segment: characters outside letters, digits, `_`,
 * `-` and `.` (spaces, `/`, ...) become `_`, as TensorFlow's `clean_tag` does
 * (`between batches` -> `between_batches`); `phase` when nothing is left.
 */
function phaseTag(name: string): string {
  return name.replace(/[^-\p{L}\p{N}_.]/gu, '_') || 'phase';
}

/** Options of {@link writeIterationScalars}. */
export interface IterationScalarsOptions {
  /** Tag prefix. Default `'profiler'`. */
  readonly prefix?: string;
  /**
   * Skip iterations with a smaller index (pass the previous call's return
   * value to write only new iterations). Default `0`.
   */
  readonly fromIteration?: number;
}

/** Options of {@link writeProfileScalars}. */
export interface ProfileScalarsOptions {
  /** The TensorBoard step of these values (e.g. the optimizer updates so far). */
  readonly step: number;
  /** Tag prefix. Default `'profiler'`. */
  readonly prefix?: string;
  /** Summarize only iterations from this index on (e.g. since the last call). Default `0`. */
  readonly fromIteration?: number;
}

function prefixOf(check: ReturnType<typeof checkArguments>, prefix: unknown): string {
  if (prefix === undefined) return 'profiler';
  if (typeof prefix !== 'string' || prefix.length === 0) {
    return check.fail('prefix', prefix, 'a non-empty tag prefix', "Use e.g. 'profiler'.");
  }
  return prefix;
}

/**
 * The arguments both scalar writers share, checked in this order: the
 * `prefix` and `fromIteration` options, then the writer.
 */
function checkSinkArguments(
  check: ArgumentChecker,
  writer: ScalarSink,
  options: { readonly prefix?: string; readonly fromIteration?: number },
): { prefix: string; from: number } {
  const prefix = prefixOf(check, options.prefix);
  const from =
    options.fromIteration === undefined
      ? 0
      : check.integer('fromIteration', options.fromIteration, { min: 0 });
  if (typeof writer !== 'object' || writer === null || typeof writer.scalars !== 'function') {
    check.fail(
      'writer',
      writer,
      'a ScalarSink with scalars(values, step)',
      'Pass e.g. a SummaryWriter from @trainkit/tensorboard.',
    );
  }
  return { prefix, from };
}

/**
 * Writes one TensorBoard event per retained iteration (step = the
 * iteration's index over the run) through a {@link ScalarSink} (e.g. a
 * `@trainkit/tensorboard` writer):
 * `<prefix>/iteration_ms`, `<prefix>/phase_ms/<phase>` for every phase, and
 * `<prefix>/samples_per_second` when the iteration reported samples. Phase
 * names become tag segments as TensorFlow's `clean_tag` would make them
 * (`between batches` → `between_batches`).
 *
 * @param writer - A {@link ScalarSink}, e.g. a `SummaryWriter` from `createSummaryWriter`.
 * @param state - From `profiler.state()`.
 * @param options - Prefix and first iteration.
 * @returns The index after the last written iteration: pass it as `fromIteration` next time.
 * @throws InvalidArgumentError for bad options; the writer's errors for bad tags.
 *
 * @example
 * ```ts
 * const writer = await createSummaryWriter('runs/exp1/train');
 * let next = 0;
 * // every epoch:
 * next = writeIterationScalars(writer, profiler.state(), { fromIteration: next });
 * ```
 */
export function writeIterationScalars(
  writer: ScalarSink,
  state: ProfilerState,
  options: IterationScalarsOptions = {},
): number {
  const check = checkArguments('writeIterationScalars');
  options = check.options('options', options, '{ fromIteration: 0 }');
  const valid = validateProfilerState('writeIterationScalars', state);
  const { prefix, from } = checkSinkArguments(check, writer, options);
  const phaseTags = valid.phases.map((name) => `${prefix}/phase_ms/${phaseTag(name)}`);
  const { first, startMs, endMs, samples, phaseMs } = valid.iterations;
  for (let row = Math.max(0, from - first); row < startMs.length; row += 1) {
    const duration = endMs[row]! - startMs[row]!;
    const values: Record<string, number> = { [`${prefix}/iteration_ms`]: duration };
    phaseTags.forEach((tag, p) => {
      values[tag] = phaseMs[row]![p]!;
    });
    if (samples[row]! > 0 && duration > 0) {
      values[`${prefix}/samples_per_second`] = (samples[row]! * 1000) / duration;
    }
    writer.scalars(values, first + row);
  }
  return Math.max(from, valid.totals.iterations);
}

/**
 * Writes a summary of the iterations since `fromIteration` as scalars at one
 * step: `<prefix>/mean_ms/iteration`, `<prefix>/mean_ms/<phase>`,
 * `<prefix>/share/<phase>` (including `unattributed`),
 * `<prefix>/iterations_per_second` and `<prefix>/samples_per_second` (when
 * known). Nothing is written when there is no iteration to summarize.
 *
 * @param writer - A {@link ScalarSink}, e.g. a `SummaryWriter` from `createSummaryWriter`.
 * @param state - From `profiler.state()`.
 * @param options - Step, prefix, first iteration.
 * @returns The index after the last summarized iteration: pass it as `fromIteration` next time.
 *
 * @example
 * ```ts
 * let since = 0;
 * // at the end of each epoch:
 * since = writeProfileScalars(writer, profiler.state(), { step: updates, fromIteration: since });
 * ```
 */
export function writeProfileScalars(
  writer: ScalarSink,
  state: ProfilerState,
  options: ProfileScalarsOptions,
): number {
  const check = checkArguments('writeProfileScalars');
  if (typeof options !== 'object' || options === null) {
    check.fail('options', options, 'an object with a step');
  }
  const step = check.integer('step', options.step, { min: 0 });
  const { prefix, from } = checkSinkArguments(check, writer, options);
  const report = summarizeProfile(state, { warmupIterations: from });
  if (report.iterations > 0) {
    const values: Record<string, number> = {
      [`${prefix}/mean_ms/iteration`]: report.iteration.meanMs,
      [`${prefix}/iterations_per_second`]: report.throughput.iterationsPerSecond,
    };
    for (const phase of [...report.phases, report.unattributed]) {
      values[`${prefix}/mean_ms/${phaseTag(phase.name)}`] = phase.meanMs;
      values[`${prefix}/share/${phaseTag(phase.name)}`] = phase.share;
    }
    if (report.throughput.samplesPerSecond !== null) {
      values[`${prefix}/samples_per_second`] = report.throughput.samplesPerSecond;
    }
    writer.scalars(values, step);
  }
  return Math.max(from, report.totalIterations);
}
