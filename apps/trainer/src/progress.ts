import { format } from 'node:util';
import { MultiBar, type SingleBar } from 'cli-progress';

/** Where the trainer writes lines: injectable for tests. */
export interface Output {
  /** A line of the run's log (stdout). */
  log(line: string): void;
  /** A warning (stderr). */
  warn(line: string): void;
}

/** What the progress line shows. */
export interface ProgressPayload {
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
  /** The latest update's training loss. */
  readonly loss: number;
  /** The learning rate of the update being made. */
  readonly learningRate: number;
  readonly samplesPerSecond: number;
  /** Training time of the run so far (all sessions). */
  readonly elapsedMs: number;
  /** Estimated time to the end of the last epoch, or NaN while unknown. */
  readonly remainingMs: number;
}

/** The trainer's output plus a live progress bar when there is a terminal. */
export interface ProgressDisplay extends Output {
  /** True when a live bar is drawn (stdout is a terminal and progress is on). */
  readonly live: boolean;
  /** Starts the bar over `total` micro-batches, `done` already done (a resumed run). */
  start(total: number, done: number): void;
  update(done: number, payload: ProgressPayload): void;
  /** Removes the bar; later lines print normally. */
  stop(): void;
}

/** `0:07`, `12:03`, `1:02:03`. */
export function formatClock(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const total = Math.round(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`
    : `${minutes}:${seconds}`;
}

/** `1m05s`, `12.3s`, `850ms`. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.round(seconds - minutes * 60)).padStart(2, '0')}s`;
}

/**
 * The progress line, at most `width` characters: the epoch, a bar that takes
 * the room left, the percentage, elapsed < remaining time, and as room allows
 * the loss, the learning rate, the batch and the throughput.
 */
export function formatProgressLine(
  payload: ProgressPayload,
  fraction: number,
  width: number,
): string {
  const percent = `${Math.floor(Math.min(1, Math.max(0, fraction)) * 100)}%`.padStart(4);
  const head = `epoch ${payload.epoch}/${payload.epochs}`;
  const time = `${formatClock(payload.elapsedMs)}<${formatClock(payload.remainingMs)}`;
  const optional = [
    `loss ${Number.isFinite(payload.loss) ? payload.loss.toFixed(4) : String(payload.loss)}`,
    `lr ${payload.learningRate.toExponential(2)}`,
    `${payload.batch}/${payload.batches}`,
    `${Math.round(payload.samplesPerSecond)} samples/s`,
  ];
  const compose = (extras: string[], barWidth: number) => {
    const bar =
      barWidth > 0
        ? ` [${'#'.repeat(Math.round(fraction * barWidth))}${'.'.repeat(barWidth - Math.round(fraction * barWidth))}]`
        : '';
    return [`${head}${bar}${percent}`, ...extras, time].join('  ');
  };
  for (let keep = optional.length; keep >= 0; keep--) {
    const extras = optional.slice(0, keep);
    const withoutBar = compose(extras, 0).length;
    const room = width - withoutBar - 3;
    if (room >= 10 || (keep === 0 && room >= 0)) {
      return compose(extras, Math.min(30, Math.max(0, room)));
    }
  }
  return compose([], 0).slice(0, Math.max(0, width));
}

const consoleMethods = ['log', 'info', 'warn', 'error', 'debug'] as const;

/**
 * The console output of the CLI. With a terminal on stdout and `enabled`, a
 * live bar (cli-progress) fits the terminal width and lines - the trainer's,
 * and anything libraries print with `console.*` meanwhile - appear above it,
 * never through it. Without a terminal, no bar: the trainer prints one plain
 * line per epoch.
 */
export function consoleProgress(
  enabled: boolean,
  stream: NodeJS.WriteStream = process.stdout,
): ProgressDisplay {
  const live = enabled && stream.isTTY === true;
  let multibar: MultiBar | undefined;
  let bar: SingleBar | undefined;
  let fraction = 0;
  const saved = new Map<(typeof consoleMethods)[number], (...values: unknown[]) => void>();
  // cli-progress turns the terminal's autowrap off (ESC[?7l) while the bar is live, so
  // that the bar never wraps; a line printed above it would be clipped at the last
  // column. Each such line is written with autowrap on, and it is turned off again
  // before the bar is redrawn.
  const above = (text: string) => {
    multibar!.log(`\u001b[?7h${text}\n\u001b[?7l`);
    multibar!.update();
  };
  return {
    live,
    log(line) {
      if (multibar !== undefined) above(line);
      else stream.write(`${line}\n`);
    },
    warn(line) {
      if (multibar !== undefined) above(line);
      else process.stderr.write(`${line}\n`);
    },
    start(total, done) {
      if (!live || multibar !== undefined) return;
      multibar = new MultiBar({
        stream,
        hideCursor: true,
        linewrap: false,
        clearOnComplete: true,
        gracefulExit: false,
        fps: 10,
        format: (_options, params, payload) =>
          formatProgressLine(
            payload as unknown as ProgressPayload,
            fraction,
            Math.max(20, params.maxWidth - 1),
          ),
      });
      fraction = total === 0 ? 0 : done / total;
      bar = multibar.create(total, done, {
        epoch: 0,
        epochs: 0,
        batch: 0,
        batches: 0,
        loss: Number.NaN,
        learningRate: 0,
        samplesPerSecond: 0,
        elapsedMs: 0,
        remainingMs: Number.NaN,
      });
      for (const method of consoleMethods) {
        saved.set(method, console[method]);
        console[method] = (...values: unknown[]) => above(format(...values));
      }
    },
    update(done, payload) {
      if (bar === undefined) return;
      fraction = payload.batches === 0 ? 0 : payload.batch / payload.batches;
      bar.update(done, payload as unknown as Record<string, unknown>);
    },
    stop() {
      if (multibar === undefined) return;
      for (const [method, original] of saved) console[method] = original;
      saved.clear();
      multibar.update();
      multibar.stop();
      multibar = undefined;
      bar = undefined;
    },
  };
}
