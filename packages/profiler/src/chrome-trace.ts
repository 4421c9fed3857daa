import { checkArguments } from '@trainkit/core';
import { MarkCode, type ProfilerState, validateProfilerState } from './profiler-state';

/**
 * One event of the Trace Event Format: a complete event (`ph: 'X'`, with
 * `ts` and `dur` in microseconds) or a metadata event (`ph: 'M'`) naming a
 * process or thread.
 */
export interface TraceEvent {
  readonly name: string;
  readonly cat: string;
  readonly ph: 'X' | 'M';
  /** Microseconds since the trace's origin (integer). */
  readonly ts: number;
  /** Duration in microseconds (integer, complete events only). */
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly args: Readonly<Record<string, string | number>>;
}

/** A Chrome trace-event JSON object (the "JSON Object Format"). */
export interface ChromeTrace {
  readonly traceEvents: readonly TraceEvent[];
  readonly displayTimeUnit: 'ms';
  /** Free-form metadata shown by chrome://tracing. */
  readonly otherData: Readonly<Record<string, string | number>>;
}

/** Options of {@link toChromeTrace}. */
export interface ChromeTraceOptions {
  /** Process id of the events. Default `1`. */
  readonly pid?: number;
  /** Thread id of the events. Default `1`. */
  readonly tid?: number;
  /** Process name shown by the viewer. Default `'trainkit'`. */
  readonly processName?: string;
  /** Thread (track) name shown by the viewer. Default `'training loop'`. */
  readonly threadName?: string;
  /** Time in milliseconds mapped to `ts = 0`. Default: the first exported mark. */
  readonly originMs?: number;
}

/**
 * Converts the retained marks of a profile to Chrome trace-event JSON, which
 * Perfetto (ui.perfetto.dev → "Open trace file") and chrome://tracing open.
 *
 * Each iteration becomes a complete event (`cat: 'iteration'`) and each
 * phase occurrence a complete event (`cat: 'phase'`) nested inside it on the
 * same thread; time outside every phase shows as a gap. Times are rounded to
 * whole microseconds relative to the origin, end points first and durations
 * as their difference, so nesting is exact; phase occurrences that round to
 * 0 µs are left out. Events are sorted by `ts`, each iteration before its
 * phases. Metadata events name the process and the thread.
 *
 * @param state - From `profiler.state()`.
 * @param options - See {@link ChromeTraceOptions}.
 * @returns A {@link ChromeTrace}; write it with `JSON.stringify`.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('profile.trace.json', JSON.stringify(toChromeTrace(profiler.state())));
 * // then open the file in https://ui.perfetto.dev or chrome://tracing
 * ```
 */
export function toChromeTrace(state: ProfilerState, options: ChromeTraceOptions = {}): ChromeTrace {
  options = checkArguments('toChromeTrace').options('options', options, "{ threadName: 'train' }");
  const valid = validateProfilerState('toChromeTrace', state);
  const check = checkArguments('toChromeTrace');
  const pid = options.pid === undefined ? 1 : check.integer('pid', options.pid, { min: 0 });
  const tid = options.tid === undefined ? 1 : check.integer('tid', options.tid, { min: 0 });
  const processName = options.processName ?? 'trainkit';
  const threadName = options.threadName ?? 'training loop';
  if (typeof processName !== 'string') check.fail('processName', processName, 'a string');
  if (typeof threadName !== 'string') check.fail('threadName', threadName, 'a string');
  const { timeMs, code } = valid.marks;
  const origin =
    options.originMs === undefined ? (timeMs[0] ?? 0) : check.finite('originMs', options.originMs);
  if (timeMs.length > 0 && timeMs[0]! < origin) {
    check.fail('originMs', origin, `<= the first mark time ${timeMs[0]} ms`);
  }
  const us = (t: number): number => Math.round((t - origin) * 1000);

  const events: TraceEvent[] = [
    {
      name: 'process_name',
      cat: '__metadata',
      ph: 'M',
      ts: 0,
      pid,
      tid,
      args: { name: processName },
    },
    {
      name: 'thread_name',
      cat: '__metadata',
      ph: 'M',
      ts: 0,
      pid,
      tid,
      args: { name: threadName },
    },
  ];
  let begins = 0;
  for (const c of code) if (c === MarkCode.beginIteration) begins += 1;
  let iteration = valid.totals.iterations - begins - 1;
  let iterationStart = 0;
  let iterationEvent = -1;
  let running = -1;
  let runningStart = 0;
  const samplesOf = (index: number): number => {
    const row = index - valid.iterations.first;
    return row >= 0 && row < valid.iterations.samples.length ? valid.iterations.samples[row]! : -1;
  };
  const closePhase = (t: number): void => {
    if (running < 0) return;
    const phase = valid.phases[running]!;
    const ts = us(runningStart);
    const dur = us(t) - ts;
    running = -1;
    if (dur === 0) return; // invisible, and ambiguous to nest for viewers
    events.push({
      name: phase,
      cat: 'phase',
      ph: 'X',
      ts,
      dur,
      pid,
      tid,
      args: { iteration, durationMs: t - runningStart },
    });
  };
  for (let i = 0; i < code.length; i += 1) {
    const c = code[i]!;
    const t = timeMs[i]!;
    if (c === MarkCode.beginIteration) {
      iteration += 1;
      iterationStart = t;
      running = -1;
      iterationEvent = events.length;
      events.push({
        name: 'iteration',
        cat: 'iteration',
        ph: 'X',
        ts: us(t),
        dur: 0,
        pid,
        tid,
        args: {},
      });
    } else if (c === MarkCode.endIteration) {
      closePhase(t);
      const ts = us(iterationStart);
      const samples = samplesOf(iteration);
      events[iterationEvent] = {
        name: `iteration ${iteration}`,
        cat: 'iteration',
        ph: 'X',
        ts,
        dur: us(t) - ts,
        pid,
        tid,
        args:
          samples >= 0
            ? { iteration, durationMs: t - iterationStart, samples }
            : { iteration, durationMs: t - iterationStart },
      };
    } else if (c === MarkCode.endPhase) {
      closePhase(t);
    } else {
      closePhase(t);
      running = c;
      runningStart = t;
    }
  }
  // Marks are chronological, an iteration's event precedes its phases, and
  // rounding is monotone: the events are already sorted by ts, parents first.
  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    otherData: {
      producer: '@trainkit/profiler',
      iterations: begins,
      totalIterations: valid.totals.iterations,
      originMs: origin,
    },
  };
}
