import { checkArguments, InvalidArgumentError } from '@trainkit/core';
import { ProfilerUsageError } from './errors';
import {
  MarkCode,
  type ProfilerSettings,
  type ProfilerState,
  validateProfilerState,
} from './profiler-state';

/** Information passed to {@link ProfilerOptions.warn} the first time an iteration is slow. */
export interface SlowIterationInfo {
  /** 0-based index of the slow iteration. */
  readonly iteration: number;
  /** Its duration in milliseconds. */
  readonly durationMs: number;
  /** The threshold it exceeded, in milliseconds. */
  readonly thresholdMs: number;
}

/** Options of {@link createProfiler}. */
export interface ProfilerOptions {
  /**
   * Phase names to intern up front, in the order reports list them. Names not
   * listed are interned on first use. Default: none.
   */
  readonly phases?: readonly string[];
  /** Samples per iteration when `endIteration()` gets no count (for samples/s). Default: unknown. */
  readonly batchSize?: number;
  /** An iteration longer than this many milliseconds counts as slow. Default `500`. */
  readonly slowIterationMs?: number;
  /** How many recent iterations to keep for statistics. Default `4096`. */
  readonly iterationCapacity?: number;
  /** How many recent marks to keep for the trace export. Default `65536`. */
  readonly markCapacity?: number;
  /** The most distinct phase names. Default `32`. */
  readonly maxPhases?: number;
  /**
   * The clock in milliseconds. Default `performance.now()`. Inject a fake
   * clock for deterministic tests.
   */
  readonly clock?: () => number;
  /**
   * Called once, the first time an iteration exceeds `slowIterationMs`, with a
   * message and the details. The report counts every slow iteration.
   * Default: `console.warn(message)`.
   */
  readonly warn?: (message: string, info: SlowIterationInfo) => void;
}

/** Options of {@link restoreProfiler}: the parts of {@link ProfilerOptions} a state does not hold. */
export interface RestoreProfilerOptions {
  /** The clock in milliseconds. Default `performance.now()`. */
  readonly clock?: () => number;
  /** See {@link ProfilerOptions.warn}. */
  readonly warn?: (message: string, info: SlowIterationInfo) => void;
}

/**
 * A low-overhead recorder of per-iteration phase timings.
 *
 * Marks write into preallocated typed-array ring buffers: no allocation, no
 * closure and no synchronization per mark. A phase runs from its `phase(...)`
 * call to the next mark (`phase`, `endPhase` or `endIteration`); a phase may
 * occur several times per iteration (its times add up).
 */
export interface Profiler {
  /**
   * Returns the id of a phase name, interning it on first use. Passing ids to
   * {@link Profiler.phase} skips the name lookup.
   */
  phaseId(name: string): number;
  /** The interned phase names; a phase's id is its index. A fresh copy. */
  phaseNames(): string[];
  /**
   * Starts an iteration. Optional: `phase(...)` starts one when none is open.
   * @param at - A time from {@link Profiler.now}; default now.
   */
  beginIteration(at?: number): void;
  /**
   * Starts a phase, ending the running one. Starts an iteration when none is open.
   * @param phase - A phase name or an id from {@link Profiler.phaseId}.
   * @param at - A time from {@link Profiler.now}; default now.
   */
  phase(phase: string | number, at?: number): void;
  /**
   * Ends the running phase; time until the next mark is unattributed.
   * @param at - A time from {@link Profiler.now}; default now.
   */
  endPhase(at?: number): void;
  /**
   * Ends the running phase and the iteration.
   * @param samples - Samples processed in this iteration; default the `batchSize` option (or 0).
   * @param at - A time from {@link Profiler.now}; default now.
   */
  endIteration(samples?: number, at?: number): void;
  /** True between the start of an iteration and its end. */
  readonly iterationOpen: boolean;
  /** Completed iterations over the whole run. */
  readonly completedIterations: number;
  /** The profiler's clock in milliseconds (offset after a restore so time never goes back). */
  now(): number;
  /**
   * A plain JSON-safe copy of everything recorded, excluding an iteration
   * still open. Pass it to `summarizeProfile`, `estimateTimes`,
   * `toChromeTrace`, or `restoreProfiler`.
   */
  state(): ProfilerState;
}

const defaultPerformanceClock = (): number => performance.now();

function defaultWarn(message: string): void {
  console.warn(message);
}

function validateSettings(functionName: string, options: ProfilerOptions): ProfilerSettings {
  const check = checkArguments(functionName);
  const batchSize =
    options.batchSize === undefined ? null : check.nonNegative('batchSize', options.batchSize);
  const slowIterationMs =
    options.slowIterationMs === undefined
      ? 500
      : check.positive('slowIterationMs', options.slowIterationMs);
  const iterationCapacity =
    options.iterationCapacity === undefined
      ? 4096
      : check.integer('iterationCapacity', options.iterationCapacity, {
          min: 1,
          max: 16_777_216,
        });
  const markCapacity =
    options.markCapacity === undefined
      ? 65_536
      : check.integer('markCapacity', options.markCapacity, { min: 4, max: 268_435_456 });
  const maxPhases =
    options.maxPhases === undefined
      ? 32
      : check.integer('maxPhases', options.maxPhases, { min: 1, max: 65_535 });
  return { batchSize, slowIterationMs, iterationCapacity, markCapacity, maxPhases };
}

function validateCallbacks(
  functionName: string,
  options: RestoreProfilerOptions,
): { clock: () => number; warn: (message: string, info: SlowIterationInfo) => void } {
  const check = checkArguments(functionName);
  const clock =
    options.clock === undefined
      ? defaultPerformanceClock
      : check.callable<() => number>('clock', options.clock);
  const warn =
    options.warn === undefined
      ? defaultWarn
      : check.callable<(message: string, info: SlowIterationInfo) => void>('warn', options.warn);
  return { clock, warn };
}

/**
 * Creates a phase profiler for a training loop.
 *
 * Cost without synchronization: one `performance.now()` call and a few
 * typed-array writes per mark (see the package benchmark). On asynchronous
 * tfjs backends (WebGL, WebGPU) kernels run after the call that queued them
 * returns; use `synchronizedProfiler` from `@trainkit/profiler/tfjs` to
 * attribute their time to the right phase.
 *
 * @param options - See {@link ProfilerOptions}.
 * @returns A {@link Profiler}.
 * @throws InvalidArgumentError for a bad option.
 *
 * @example
 * ```ts
 * const profiler = createProfiler({ phases: ['data', 'forward', 'backward', 'optimizer'], batchSize: 64 });
 * for (let i = 0; i < 100; i += 1) {
 *   profiler.phase('data');
 *   const batch = nextBatch();
 *   profiler.phase('forward');
 *   // ...
 *   profiler.endIteration();
 * }
 * console.log(formatProfileReport(summarizeProfile(profiler.state())));
 * ```
 */
export function createProfiler(options: ProfilerOptions = {}): Profiler {
  options = checkArguments('createProfiler').options('options', options, '{ phases: [...] }');
  const settings = validateSettings('createProfiler', options);
  const callbacks = validateCallbacks('createProfiler', options);
  const check = checkArguments('createProfiler');
  const phases =
    options.phases === undefined ? [] : check.nonEmptyArray<string>('phases', options.phases);
  const seen = new Set<string>();
  phases.forEach((name, i) => {
    if (typeof name !== 'string' || name.length === 0) {
      check.fail(`phases[${i}]`, name, 'a non-empty string');
    }
    if (seen.has(name)) check.fail(`phases[${i}]`, name, 'a name not listed before');
    seen.add(name);
  });
  if (phases.length > settings.maxPhases) {
    check.fail(
      'phases',
      phases,
      `at most maxPhases = ${settings.maxPhases} names`,
      'Raise maxPhases.',
    );
  }
  return buildProfiler(settings, [...phases], callbacks.clock, callbacks.warn, undefined);
}

/**
 * Rebuilds a profiler from {@link Profiler.state}: `restoreProfiler(s).state()`
 * deep-equals `s`, and recording continues where it stopped. If the clock is
 * behind the last recorded time (a new process), the profiler offsets it so
 * that time continues from there.
 *
 * @param state - A state from `profiler.state()` or `profilerStateFromJSON`.
 * @param options - Clock and warning sink.
 * @returns A {@link Profiler}.
 * @throws StateRestoreError when the state is malformed.
 *
 * @example
 * ```ts
 * const saved = JSON.stringify(profilerStateToJSON(profiler.state()));
 * const resumed = restoreProfiler(profilerStateFromJSON(saved));
 * ```
 */
export function restoreProfiler(state: unknown, options: RestoreProfilerOptions = {}): Profiler {
  options = checkArguments('restoreProfiler').options('options', options, '{ clock }');
  const valid = validateProfilerState('restoreProfiler', state);
  const callbacks = validateCallbacks('restoreProfiler', options);
  return buildProfiler(valid.settings, [...valid.phases], callbacks.clock, callbacks.warn, valid);
}

function buildProfiler(
  settings: ProfilerSettings,
  names: string[],
  baseClock: () => number,
  warn: (message: string, info: SlowIterationInfo) => void,
  restored: ProfilerState | undefined,
): Profiler {
  const { iterationCapacity, markCapacity, maxPhases, slowIterationMs } = settings;
  const defaultSamples = settings.batchSize ?? 0;
  const ids = new Map<string, number>();
  names.forEach((name, i) => {
    ids.set(name, i);
  });

  // Ring buffers.
  const markTime = new Float64Array(markCapacity);
  const markCode = new Int32Array(markCapacity);
  const iterStart = new Float64Array(iterationCapacity);
  const iterEnd = new Float64Array(iterationCapacity);
  const iterSamples = new Float64Array(iterationCapacity);
  const iterPhase = new Float64Array(iterationCapacity * maxPhases);

  let markHead = 0; // next write position
  let markCount = 0; // marks written, ever
  let committedMarks = 0; // markCount at the last endIteration
  let iterations = 0; // completed iterations, ever
  let row = 0; // ring row of the current/next iteration
  let rowBase = 0;
  let open = false;
  let current = -1; // running phase id, -1 for none
  let phaseStart = 0;
  let lastTime = Number.NEGATIVE_INFINITY;
  let totalSamples = 0;
  let busyMs = 0;
  let slowIterations = 0;
  let firstSlowIteration = -1;
  let slowestIteration = -1;
  let slowestMs = 0;

  let clock = baseClock;

  if (restored !== undefined) {
    const t = restored.totals;
    iterations = t.iterations;
    totalSamples = t.samples;
    busyMs = t.busyMs;
    slowIterations = t.slowIterations;
    firstSlowIteration = t.firstSlowIteration;
    slowestIteration = t.slowestIteration;
    slowestMs = t.slowestMs;
    const its = restored.iterations;
    for (let i = 0; i < its.startMs.length; i += 1) {
      const r = (its.first + i) % iterationCapacity;
      iterStart[r] = its.startMs[i]!;
      iterEnd[r] = its.endMs[i]!;
      iterSamples[r] = its.samples[i]!;
      const phaseRow = its.phaseMs[i]!;
      for (let p = 0; p < phaseRow.length; p += 1) iterPhase[r * maxPhases + p] = phaseRow[p]!;
    }
    row = iterations % iterationCapacity;
    rowBase = row * maxPhases;
    const { timeMs, code } = restored.marks;
    for (let i = 0; i < timeMs.length; i += 1) {
      markTime[i] = timeMs[i]!;
      markCode[i] = code[i]!;
    }
    markCount = timeMs.length;
    committedMarks = markCount;
    markHead = markCount % markCapacity;
    const lastRecorded = Math.max(
      its.endMs.length > 0 ? its.endMs.at(-1)! : Number.NEGATIVE_INFINITY,
      timeMs.length > 0 ? timeMs.at(-1)! : Number.NEGATIVE_INFINITY,
    );
    if (Number.isFinite(lastRecorded)) {
      lastTime = lastRecorded;
      const offset = lastRecorded - baseClock();
      if (offset > 0) clock = () => baseClock() + offset;
    }
  }

  function intern(name: string, functionName: string): number {
    const known = ids.get(name);
    if (known !== undefined) return known;
    checkNewName(name, functionName);
    const id = names.length;
    names.push(name);
    ids.set(name, id);
    return id;
  }

  function checkNewName(name: unknown, functionName: string): void {
    if (typeof name !== 'string' || name.length === 0) {
      throw new InvalidArgumentError({
        functionName,
        argument: 'phase',
        value: name,
        expected: 'a non-empty phase name or a phase id',
      });
    }
    if (names.length >= maxPhases) {
      throw new InvalidArgumentError({
        functionName,
        argument: 'phase',
        value: name,
        expected: `one of the ${maxPhases} phases already used (${names.join(', ')})`,
        fix: 'Raise the maxPhases option of createProfiler.',
      });
    }
  }

  function badId(phase: number): never {
    throw new InvalidArgumentError({
      functionName: 'phase',
      argument: 'phase',
      value: phase,
      expected: `a phase id from 0 to ${names.length - 1} or a phase name`,
      fix: 'Get ids from profiler.phaseId(name).',
    });
  }

  function time(at: number | undefined, functionName: string): number {
    if (at !== undefined && typeof at !== 'number') {
      throw new InvalidArgumentError({
        functionName,
        argument: 'at',
        value: at,
        expected: 'a time in milliseconds from profiler.now(), or nothing',
      });
    }
    const now = at === undefined ? clock() : at;
    if (typeof now !== 'number' || !(now >= lastTime) || now === Number.POSITIVE_INFINITY) {
      throw new ProfilerUsageError({
        functionName,
        problem: `time ${now} ms is before the previous mark at ${lastTime} ms or not finite`,
        fix: 'Pass times from profiler.now() in increasing order, and use a monotonic clock.',
      });
    }
    lastTime = now;
    return now;
  }

  function pushMark(t: number, code: number): void {
    markTime[markHead] = t;
    markCode[markHead] = code;
    markHead += 1;
    if (markHead === markCapacity) markHead = 0;
    markCount += 1;
  }

  function begin(t: number): void {
    open = true;
    current = -1;
    iterStart[row] = t;
    iterPhase.fill(0, rowBase, rowBase + maxPhases);
    pushMark(t, MarkCode.beginIteration);
  }

  function closeRunningPhase(t: number): void {
    if (current >= 0) iterPhase[rowBase + current]! += t - phaseStart;
  }

  function notOpen(functionName: string): never {
    throw new ProfilerUsageError({
      functionName,
      problem: 'no iteration is open',
      fix: 'Call beginIteration() or phase(name) first.',
    });
  }

  function state(): ProfilerState {
    const retained = Math.min(iterations, iterationCapacity);
    const first = iterations - retained;
    const startMs: number[] = new Array(retained);
    const endMs: number[] = new Array(retained);
    const samples: number[] = new Array(retained);
    const phaseMs: number[][] = new Array(retained);
    for (let i = 0; i < retained; i += 1) {
      const r = (first + i) % iterationCapacity;
      startMs[i] = iterStart[r]!;
      endMs[i] = iterEnd[r]!;
      samples[i] = iterSamples[r]!;
      phaseMs[i] = Array.from(iterPhase.subarray(r * maxPhases, r * maxPhases + names.length));
    }
    // Committed marks still in the ring, from the first iteration begin on.
    let from = Math.max(0, markCount - markCapacity);
    while (from < committedMarks && markCode[from % markCapacity] !== MarkCode.beginIteration) {
      from += 1;
    }
    const count = Math.max(0, committedMarks - from);
    const timeMs: number[] = new Array(count);
    const code: number[] = new Array(count);
    for (let i = 0; i < count; i += 1) {
      const m = (from + i) % markCapacity;
      timeMs[i] = markTime[m]!;
      code[i] = markCode[m]!;
    }
    return {
      phases: [...names],
      settings: { ...settings },
      totals: {
        iterations,
        samples: totalSamples,
        busyMs,
        slowIterations,
        firstSlowIteration,
        slowestIteration,
        slowestMs,
      },
      iterations: { first, startMs, endMs, samples, phaseMs },
      marks: { timeMs, code },
    };
  }

  return {
    phaseId: (name) => intern(name, 'phaseId'),
    phaseNames: () => [...names],
    now: () => clock(),
    get iterationOpen() {
      return open;
    },
    get completedIterations() {
      return iterations;
    },
    beginIteration(at) {
      if (open) {
        throw new ProfilerUsageError({
          functionName: 'beginIteration',
          problem: `iteration ${iterations} is still open`,
          fix: 'Call endIteration() before beginning the next iteration.',
        });
      }
      begin(time(at, 'beginIteration'));
    },
    phase(phase, at) {
      let id: number | undefined;
      if (typeof phase === 'number') {
        id = phase;
        if (!(id >= 0 && id < names.length && (id | 0) === id)) badId(phase);
      } else {
        id = ids.get(phase);
        if (id === undefined) checkNewName(phase, 'phase');
      }
      const t = time(at, 'phase');
      if (id === undefined) id = intern(phase as string, 'phase');
      if (open) closeRunningPhase(t);
      else begin(t);
      current = id;
      phaseStart = t;
      pushMark(t, id);
    },
    endPhase(at) {
      if (!open) notOpen('endPhase');
      const t = time(at, 'endPhase');
      closeRunningPhase(t);
      current = -1;
      pushMark(t, MarkCode.endPhase);
    },
    endIteration(samples, at) {
      const count = samples === undefined ? defaultSamples : samples;
      if (typeof count !== 'number' || !(count >= 0 && count < Number.POSITIVE_INFINITY)) {
        throw new InvalidArgumentError({
          functionName: 'endIteration',
          argument: 'samples',
          value: samples,
          expected: 'a finite number >= 0',
          fix: 'Pass the batch size of this iteration.',
        });
      }
      if (!open) notOpen('endIteration');
      const t = time(at, 'endIteration');
      closeRunningPhase(t);
      current = -1;
      open = false;
      iterEnd[row] = t;
      iterSamples[row] = count;
      const duration = t - iterStart[row]!;
      const index = iterations;
      totalSamples += count;
      busyMs += duration;
      if (duration > slowestMs || slowestIteration < 0) {
        slowestMs = duration;
        slowestIteration = index;
      }
      pushMark(t, MarkCode.endIteration);
      committedMarks = markCount;
      iterations += 1;
      row += 1;
      if (row === iterationCapacity) row = 0;
      rowBase = row * maxPhases;
      if (duration > slowIterationMs) {
        slowIterations += 1;
        if (firstSlowIteration < 0) {
          firstSlowIteration = index;
          warn(
            `profiler: iteration ${index} took ${duration.toFixed(1)} ms, more than ${slowIterationMs} ms; ` +
              "things get dicey: the profile's summary names the phase that takes the most time. " +
              'This warning is shown once; the summary counts every slow iteration.',
            { iteration: index, durationMs: duration, thresholdMs: slowIterationMs },
          );
        }
      }
    },
    state,
  };
}
