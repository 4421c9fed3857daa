import { exitCodes } from './errors';

/** Set when the user asked the run to stop (Ctrl-C or SIGTERM). */
export interface StopSignal {
  requested: boolean;
  /** The signal that asked, for the exit code. */
  signal: 'SIGINT' | 'SIGTERM' | undefined;
  /**
   * Where the run is, for what a first Ctrl-C says it will do: `training`
   * (the default) saves a checkpoint at the next batch; `finishing` (all
   * epochs trained and checkpointed; curves, test set, report being written)
   * stops before the next of those steps; `done` (the finished checkpoint
   * saved, only the result files and the report left) lets the run end.
   */
  stage?: 'training' | 'finishing' | 'done';
}

/** What a first Ctrl-C (or SIGTERM) promises, by the run's stage. */
function firstStopMessage(name: string, stop: StopSignal): string {
  switch (stop.stage) {
    case 'finishing':
      return `${name}: stopping before the report (the training is complete and its checkpoint saved; --resume writes the report) (${name} again quits at once).`;
    case 'done':
      return `${name}: the training and the test evaluation are complete; finishing the report (${name} again quits at once; --resume then writes the report).`;
    default:
      return `${name}: saving a checkpoint at the next batch, then stopping (${name} again quits at once).`;
  }
}

/** A stop signal that nothing sets (for programmatic use and tests). */
export function neverStop(): StopSignal {
  return { requested: false, signal: undefined };
}

/**
 * Ctrl-C (SIGINT) and SIGTERM: the first asks the training loop to save a
 * checkpoint at the next batch boundary and exit (130 or 143), or, once every
 * epoch is trained, to stop before the next reporting step (`stop.stage`);
 * the second exits at once. The checkpoint protocol (a temporary folder renamed into
 * place) keeps the last good checkpoint intact even then, and the run's lock
 * is removed by its exit hook.
 *
 * @param say - Prints a line (above the progress bar).
 * @returns The signal and a function that removes the handlers.
 */
export function handleInterrupts(say: (line: string) => void): {
  readonly stop: StopSignal;
  dispose(): void;
} {
  const stop: StopSignal = { requested: false, signal: undefined };
  const handler = (signal: 'SIGINT' | 'SIGTERM') => {
    if (stop.requested) {
      say(
        `${signal === 'SIGINT' ? 'Ctrl-C' : signal} again: quitting now; the last checkpoint is intact.`,
      );
      process.exit(signal === 'SIGINT' ? exitCodes.interrupted : exitCodes.terminated);
    }
    stop.requested = true;
    stop.signal = signal;
    say(firstStopMessage(signal === 'SIGINT' ? 'Ctrl-C' : signal, stop));
  };
  const onInterrupt = () => handler('SIGINT');
  const onTerminate = () => handler('SIGTERM');
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  return {
    stop,
    dispose() {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onTerminate);
    },
  };
}

/**
 * `handleInterrupts` plus an AbortSignal for the commands that run many
 * trainings (search, recipe): once the user asks to stop, the signal aborts
 * (checked every 50 ms), so work not yet started is skipped while the running
 * training saves its checkpoint.
 *
 * @param say - Prints a line (above the progress bar).
 * @returns The stop request, the abort signal and a function that removes the handlers and the watch.
 * @example
 * const interrupts = handleInterruptsWithAbort((line) => output.warn(line));
 * try { await runSearch({ signal: interrupts.signal }); } finally { interrupts.dispose(); }
 */
export function handleInterruptsWithAbort(say: (line: string) => void): {
  readonly stop: StopSignal;
  readonly signal: AbortSignal;
  dispose(): void;
} {
  const interrupts = handleInterrupts(say);
  const controller = new AbortController();
  const watch = setInterval(() => {
    if (interrupts.stop.requested && !controller.signal.aborted) controller.abort();
  }, 50);
  return {
    stop: interrupts.stop,
    signal: controller.signal,
    dispose() {
      clearInterval(watch);
      interrupts.dispose();
    },
  };
}
