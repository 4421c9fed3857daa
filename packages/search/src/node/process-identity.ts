import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * The start time of a process in clock ticks since boot (field 22 of
 * `/proc/<pid>/stat`), or undefined where /proc is not available. With the
 * pid it identifies a process even after the pid is reused.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

/** This process: host, pid and start time. */
export interface ProcessIdentity {
  readonly host: string;
  readonly pid: number;
  readonly startTime: string;
}

let self: ProcessIdentity | undefined;

/** The identity of the current process (computed once). */
export function currentProcess(): ProcessIdentity {
  self ??= { host: hostname(), pid: process.pid, startTime: processStartTime(process.pid) ?? '0' };
  return self;
}

/**
 * Whether the process `pid` started at `startTime` on `host` is alive:
 * undefined for another host (it cannot be checked from here), false when
 * no such process exists or the pid now belongs to a process started at
 * another time.
 */
export function isProcessAlive(host: string, pid: number, startTime: string): boolean | undefined {
  const me = currentProcess();
  if (host !== me.host) return undefined;
  if (pid === me.pid) return startTime === me.startTime;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const actual = processStartTime(pid);
  return actual === undefined || startTime === '0' || actual === startTime;
}

/** Journal handles open in this process (their owner ids' last part). */
const openHandles = new Set<string>();

/** Marks a handle of this process as open (its trials are being run) or closed. */
export function setHandleOpen(handle: string, open: boolean): void {
  if (open) openHandles.add(handle);
  else openHandles.delete(handle);
}

/**
 * Whether the owner of a running trial is alive: another process on this
 * host by pid and start time; this process by whether the journal handle
 * that claimed the trial is still open; another host cannot be checked
 * (undefined).
 */
export function isOwnerProcessAlive(owner: string): boolean | undefined {
  const parsed = parseOwnerId(owner);
  if (parsed === undefined) return undefined;
  const me = currentProcess();
  if (parsed.host === me.host && parsed.pid === me.pid && parsed.startTime === me.startTime) {
    return openHandles.has(parsed.handle);
  }
  return isProcessAlive(parsed.host, parsed.pid, parsed.startTime);
}

/** An owner id `host:pid:startTime:handle`. */
export function ownerId(handle: string): string {
  const me = currentProcess();
  return `${me.host}:${me.pid}:${me.startTime}:${handle}`;
}

/** Splits an owner id; undefined for ids of another form (distributed workers). */
export function parseOwnerId(
  owner: string,
): { host: string; pid: number; startTime: string; handle: string } | undefined {
  const parts = owner.split(':');
  if (parts.length < 4) return undefined;
  const handle = parts.pop()!;
  const startTime = parts.pop()!;
  const pid = Number(parts.pop());
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return { host: parts.join(':'), pid, startTime, handle };
}
