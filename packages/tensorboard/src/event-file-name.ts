import { checkArguments } from '@trainkit/core';
/** What goes into an event file name. */
export interface EventFileNameParts {
  /** Creation time, whole seconds since the Unix epoch. */
  readonly seconds: number;
  readonly hostname: string;
  readonly pid: number;
  /** Per-process counter that keeps two files of one second apart. */
  readonly counter: number;
  /** Appended as is, e.g. `.v2`. Default none. */
  readonly suffix?: string;
}

/**
 * The name TensorFlow gives event files:
 * `events.out.tfevents.<seconds>.<host>.<pid>.<n>[suffix]`, seconds padded to 10
 * digits. TensorBoard picks up any file whose name contains `tfevents` and reads
 * a run's files in name order, which for one host and process is creation order.
 *
 * @param parts - Seconds, host name, process id, counter, optional suffix.
 * @returns The file name (no directory).
 *
 * @example
 * ```ts
 * eventFileName({ seconds: 1700000000, hostname: 'box', pid: 42, counter: 0 });
 * // 'events.out.tfevents.1700000000.box.42.0'
 * ```
 */
export function eventFileName(parts: EventFileNameParts): string {
  const seconds = String(Math.floor(parts.seconds)).padStart(10, '0');
  // Path separators in a host name would change the directory.
  const host = parts.hostname.replace(/[/\\]/g, '_') || 'localhost';
  return `events.out.tfevents.${seconds}.${host}.${parts.pid}.${parts.counter}${parts.suffix ?? ''}`;
}

/** True for file names TensorBoard treats as event files (they contain `tfevents`). */
export function isEventFileName(name: string): boolean {
  if (typeof name !== 'string') {
    checkArguments('isEventFileName').fail('name', name, 'a file name (a string)');
  }
  return name.includes('tfevents');
}
