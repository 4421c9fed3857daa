/** Where the trainer writes: injectable for tests. */
export interface Output {
  /** A line of the summary (stdout). */
  log(line: string): void;
  /** A progress update (stderr); `final` ends the bar's line. */
  progress(text: string, final?: boolean): void;
}

/** Writes the summary to stdout and a self-overwriting bar to stderr when it is a terminal. */
export function consoleOutput(enabled: boolean): Output {
  const tty = process.stderr.isTTY === true;
  let lastPlain = 0;
  return {
    log: (line) => {
      if (tty && enabled) process.stderr.write('\r\x1b[K');
      process.stdout.write(`${line}\n`);
    },
    progress: (text, final = false) => {
      if (!enabled) return;
      if (tty) {
        process.stderr.write(`\r\x1b[K${text}${final ? '\n' : ''}`);
        return;
      }
      // Not a terminal (CI logs): one line every 5 s, and the final ones.
      const now = Date.now();
      if (final || now - lastPlain > 5000) {
        process.stderr.write(`${text}\n`);
        lastPlain = now;
      }
    },
  };
}

/** `[#######.........]` of `width` characters for `fraction` in [0, 1]. */
export function bar(fraction: number, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/** `1m05s`, `12.3s`, `850ms`. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.round(seconds - minutes * 60)).padStart(2, '0')}s`;
}
