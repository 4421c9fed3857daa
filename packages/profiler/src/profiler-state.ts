import {
  readStateEnvelope,
  type StateEnvelope,
  StateRestoreError,
  stateEnvelope,
} from '@trainkit/core';

/**
 * Codes stored beside each mark's time in {@link RecordedMarks.code}. A code
 * `>= 0` is a phase id (an index into {@link ProfilerState.phases}) and means
 * "this phase starts here"; the negative codes are the structural marks.
 *
 * @example
 * ```ts
 * const { code } = profiler.state().marks;
 * const iterations = code.filter((c) => c === MarkCode.beginIteration).length;
 * ```
 */
export const MarkCode = {
  /** An iteration begins (no phase is running yet). */
  beginIteration: -1,
  /** The iteration ends; the running phase, if any, ends with it. */
  endIteration: -2,
  /** The running phase ends; the time until the next mark belongs to no phase. */
  endPhase: -3,
} as const;

/** The profiler's settings, as stored in its state. */
export interface ProfilerSettings {
  /** Samples per iteration when `endIteration` is called without a count; `null` when unknown. */
  readonly batchSize: number | null;
  /** An iteration longer than this (milliseconds) counts as slow. */
  readonly slowIterationMs: number;
  /** How many of the most recent iterations are kept for statistics. */
  readonly iterationCapacity: number;
  /** How many of the most recent marks are kept for the trace export. */
  readonly markCapacity: number;
  /** The most distinct phase names the profiler accepts. */
  readonly maxPhases: number;
}

/** Counters over the whole run, including iterations no longer retained. */
export interface ProfilerTotals {
  /** Completed iterations. */
  readonly iterations: number;
  /** Samples processed by the completed iterations. */
  readonly samples: number;
  /** Sum of the completed iterations' durations in milliseconds. */
  readonly busyMs: number;
  /** Iterations longer than {@link ProfilerSettings.slowIterationMs}. */
  readonly slowIterations: number;
  /** Index of the first slow iteration, `-1` when none. */
  readonly firstSlowIteration: number;
  /** Index of the slowest iteration, `-1` before the first one completes. */
  readonly slowestIteration: number;
  /** Duration of the slowest iteration in milliseconds, `0` before the first one. */
  readonly slowestMs: number;
}

/**
 * The retained iterations, oldest first. Row `i` is iteration `first + i`
 * (0-based over the whole run).
 */
export interface RecordedIterations {
  /** Index of the oldest retained iteration. */
  readonly first: number;
  /** Start times in milliseconds (the profiler's clock). */
  readonly startMs: readonly number[];
  /** End times in milliseconds. */
  readonly endMs: readonly number[];
  /** Samples processed per iteration (`0` when unknown). */
  readonly samples: readonly number[];
  /** Milliseconds spent per phase: `phaseMs[i][p]` for iteration row `i` and phase id `p`. */
  readonly phaseMs: readonly (readonly number[])[];
}

/**
 * The retained raw marks, oldest first, starting at an iteration begin and
 * ending at an iteration end (marks of an iteration still open are excluded).
 */
export interface RecordedMarks {
  /** Times in milliseconds. */
  readonly timeMs: readonly number[];
  /** A phase id (`>= 0`) or a {@link MarkCode}. */
  readonly code: readonly number[];
}

/**
 * Everything a profiler recorded, as a plain JSON-safe object. Restoring it
 * with {@link restoreProfiler} gives a profiler whose `state()` is deep-equal
 * to it; {@link profilerStateToJSON} / {@link profilerStateFromJSON} save and
 * load it in the versioned envelope.
 */
export interface ProfilerState {
  /** Phase names; a phase's id is its index. */
  readonly phases: readonly string[];
  readonly settings: ProfilerSettings;
  readonly totals: ProfilerTotals;
  readonly iterations: RecordedIterations;
  readonly marks: RecordedMarks;
}

const FORMAT = 'trainkit.profiler.state' as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function finiteArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v));
}

function isCount(value: unknown, min = 0): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
}

/**
 * Checks that `value` is a {@link ProfilerState} this version can restore and
 * returns it typed. Throws a `StateRestoreError` naming the first problem.
 *
 * @param functionName - Named in the error message.
 * @param value - A parsed state (for example from `JSON.parse`).
 * @returns The same object, typed.
 * @throws StateRestoreError naming the first problem.
 *
 * @example
 * ```ts
 * const state = validateProfilerState('loadCheckpoint', JSON.parse(text));
 * ```
 */
export function validateProfilerState(functionName: string, value: unknown): ProfilerState {
  return checkFields(
    functionName,
    value,
    'Pass an object returned by profiler.state() (or profilerStateFromJSON(...)).',
  );
}

function checkFields(functionName: string, value: unknown, fix: string): ProfilerState {
  const fail = (field: string | undefined, problem: string): never => {
    throw new StateRestoreError(functionName, `${problem}. ${fix}`, {
      format: FORMAT,
      ...(field === undefined ? {} : { field }),
    });
  };
  if (!isRecord(value)) return fail(undefined, 'the state must be an object');
  const { phases, settings, totals, iterations, marks } = value;
  if (
    !Array.isArray(phases) ||
    !phases.every((name) => typeof name === 'string' && name.length > 0) ||
    new Set(phases).size !== phases.length
  ) {
    return fail('phases', 'phases must be an array of distinct non-empty strings');
  }
  if (!isRecord(settings)) return fail('settings', 'settings is missing');
  const { batchSize, slowIterationMs, iterationCapacity, markCapacity, maxPhases } = settings;
  if (
    !(batchSize === null || (typeof batchSize === 'number' && batchSize >= 0)) ||
    !(typeof slowIterationMs === 'number' && slowIterationMs > 0) ||
    !isCount(iterationCapacity, 1) ||
    !isCount(markCapacity, 4) ||
    !isCount(maxPhases, 1) ||
    maxPhases > 65_535
  ) {
    return fail('settings', 'settings has an invalid value');
  }
  if (phases.length > maxPhases)
    return fail('phases', 'there are more phases than settings.maxPhases');
  if (!isRecord(totals)) return fail('totals', 'totals is missing');
  const t = totals;
  if (
    !isCount(t.iterations) ||
    !(typeof t.samples === 'number' && t.samples >= 0) ||
    !(typeof t.busyMs === 'number' && t.busyMs >= 0) ||
    !isCount(t.slowIterations) ||
    !isCount(t.firstSlowIteration, -1) ||
    !isCount(t.slowestIteration, -1) ||
    !(typeof t.slowestMs === 'number' && t.slowestMs >= 0)
  ) {
    return fail('totals', 'totals has an invalid value');
  }
  if (!isRecord(iterations)) return fail('iterations', 'iterations is missing');
  const { first, startMs, endMs, samples, phaseMs } = iterations;
  if (!finiteArray(startMs) || !finiteArray(endMs) || !finiteArray(samples)) {
    return fail(
      'iterations.startMs',
      'iterations.startMs, endMs and samples must be arrays of finite numbers',
    );
  }
  const n = startMs.length;
  if (
    endMs.length !== n ||
    samples.length !== n ||
    !Array.isArray(phaseMs) ||
    phaseMs.length !== n
  ) {
    return fail(
      'iterations.startMs',
      'iterations.startMs, endMs, samples and phaseMs must have the same length',
    );
  }
  if (n > iterationCapacity)
    return fail('iterations', 'more iterations than settings.iterationCapacity');
  if (first !== t.iterations - n) {
    return fail(
      'iterations.first',
      `iterations.first must be totals.iterations - ${n}, got ${JSON.stringify(first)}`,
    );
  }
  for (let i = 0; i < n; i += 1) {
    const row = phaseMs[i];
    if (!finiteArray(row) || row.length !== phases.length) {
      return fail(
        'iterations.phaseMs',
        `iterations.phaseMs[${i}] must hold one finite number per phase`,
      );
    }
    if (!(endMs[i]! >= startMs[i]!) || (i > 0 && startMs[i]! < endMs[i - 1]!)) {
      return fail('iterations', `iteration row ${i} has times out of order`);
    }
  }
  if (!isRecord(marks)) return fail('marks', 'marks is missing');
  const { timeMs, code } = marks;
  if (!finiteArray(timeMs) || !finiteArray(code) || timeMs.length !== code.length) {
    return fail(
      'marks.timeMs',
      'marks.timeMs and marks.code must be arrays of finite numbers of the same length',
    );
  }
  if (timeMs.length > markCapacity) return fail('marks', 'more marks than settings.markCapacity');
  for (let i = 0; i < code.length; i += 1) {
    const c = code[i]!;
    if (!Number.isInteger(c) || c < MarkCode.endPhase || c >= phases.length) {
      return fail('marks.code', `marks.code[${i}] = ${c} is neither a phase id nor a mark code`);
    }
    if (i > 0 && timeMs[i]! < timeMs[i - 1]!)
      return fail('marks.timeMs', `marks.timeMs[${i}] goes backwards`);
  }
  if (
    code.length > 0 &&
    (code[0] !== MarkCode.beginIteration || code.at(-1) !== MarkCode.endIteration)
  ) {
    return fail('marks', 'marks must start with an iteration begin and end with an iteration end');
  }
  const {
    phases: p,
    settings: se,
    totals: to,
    iterations: it,
    marks: ma,
  } = value as Record<string, unknown>;
  return { phases: p, settings: se, totals: to, iterations: it, marks: ma } as ProfilerState;
}

/** A serialized {@link ProfilerState}, as {@link profilerStateToJSON} writes it. */
export interface ProfilerStateJSON extends StateEnvelope<typeof FORMAT, 1>, ProfilerState {}

/**
 * Wraps a profiler's state in the versioned envelope
 * (`{ format: 'trainkit.profiler.state', version: 1, phases, settings, totals, iterations, marks }`).
 *
 * @param state - From `profiler.state()`.
 * @returns A JSON-safe object.
 * @example
 * ```ts
 * writeFileSync('profiler.json', JSON.stringify(profilerStateToJSON(profiler.state())));
 * ```
 */
export function profilerStateToJSON(state: ProfilerState): ProfilerStateJSON {
  validateProfilerState('profilerStateToJSON', state);
  return stateEnvelope(FORMAT, 1, {
    phases: state.phases,
    settings: state.settings,
    totals: state.totals,
    iterations: state.iterations,
    marks: state.marks,
  });
}

/**
 * Reads a state written by {@link profilerStateToJSON} (the object, its JSON
 * round trip or its JSON text) and checks every field and their consistency.
 *
 * @param json - What {@link profilerStateToJSON} returned.
 * @returns The {@link ProfilerState}, for `restoreProfiler`, `summarizeProfile`, `toChromeTrace`.
 * @throws StateRestoreError naming the problem (and `error.field`).
 * @example
 * ```ts
 * const profiler = restoreProfiler(profilerStateFromJSON(readFileSync('profiler.json', 'utf8')));
 * ```
 */
export function profilerStateFromJSON(json: unknown): ProfilerState {
  const read = readStateEnvelope('profilerStateFromJSON', json, {
    format: FORMAT,
    version: 1,
    writer: 'profilerStateToJSON',
  });
  return checkFields(
    'profilerStateFromJSON',
    read.record,
    `(${FORMAT} version 1) Pass the object profilerStateToJSON returned (or its JSON text).`,
  );
}
