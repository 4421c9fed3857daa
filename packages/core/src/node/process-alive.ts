import { readFileSync } from 'node:fs';

/**
 * True when a process with this id exists on this machine (it may belong to
 * another user). Uses signal 0, which checks without signalling.
 *
 * @param pid - A process id.
 * @returns `false` only when the process certainly does not exist.
 *
 * @example
 * ```ts
 * isProcessAlive(process.pid); // true
 * ```
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The start time of a process in clock ticks since boot (field 22 of
 * `/proc/<pid>/stat`), or `undefined` where `/proc` is not available. Together
 * with the pid it identifies a process even after its pid was reused.
 *
 * @param pid - A process id; default the current process.
 * @returns The start time, or `undefined`.
 *
 * @example
 * ```ts
 * processStartTime(); // 123456 on Linux, undefined elsewhere
 * ```
 */
export function processStartTime(pid: number = process.pid): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = Number(fields[19]);
    return Number.isSafeInteger(start) ? start : undefined;
  } catch {
    return undefined;
  }
}
