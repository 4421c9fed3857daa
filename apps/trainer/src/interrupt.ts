import { exitCodes } from './errors';

/** Set when the user asked the run to stop (Ctrl-C or SIGTERM). */
export interface StopSignal {
  requested: boolean;
  /** The signal that asked, for the exit code. */
  signal: 'SIGINT' | 'SIGTERM' | undefined;
}

/** A stop signal that nothing sets (for programmatic use and tests). */
export function neverStop(): StopSignal {
  return { requested: false, signal: undefined };
}

/**
 * Ctrl-C (SIGINT) and SIGTERM: the first asks the training loop to save a
 * checkpoint at the next batch boundary and exit (130 or 143); the second
 * exits at once. The checkpoint protocol (a temporary folder renamed into
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
    say(
      `${signal === 'SIGINT' ? 'Ctrl-C' : signal}: saving a checkpoint at the next batch, then stopping (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again quits at once).`,
    );
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
