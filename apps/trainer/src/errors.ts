import { TrainkitError } from '@trainkit/core';

const trainerMarker = Symbol.for('trainkit.error.TrainerError');

/** Exit codes of the `trainkit` CLI. */
export const exitCodes = {
  done: 0,
  internalError: 1,
  badInput: 2,
  diverged: 3,
  /** `trainkit sanity` / `recipe`: a check failed (the table says which, with advice). */
  checkFailed: 4,
  interrupted: 130,
  terminated: 143,
} as const;

/**
 * An expected failure of the trainer that the user can fix (an unusable
 * --logdir, a run that exists or is in use...): the CLI prints its message as
 * one line and exits with `exitCode`.
 */
export class TrainerError extends TrainkitError {
  readonly [trainerMarker] = true;
  override name = 'TrainerError';
  readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? exitCodes.badInput;
  }

  static override isInstance(error: unknown): error is TrainerError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[trainerMarker] === true
    );
  }
}

/** The Node error code of a file-system error, if any. */
export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** What to do about a file-system error code, one sentence. */
export function fileSystemFix(code: string | undefined): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'The disk is full: free some space, or choose a --logdir on another disk.';
    case 'EROFS':
      return 'The file system is read-only: choose a --logdir on a writable disk.';
    case 'EACCES':
    case 'EPERM':
      return 'You may not write there: choose a --logdir you own, or fix its permissions.';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'A file is in the way: --logdir must be a directory (or a path where one can be created).';
    case 'ENAMETOOLONG':
      return 'The path is too long: choose a shorter --logdir or --name.';
    default:
      return 'Check the disk and the --logdir path.';
  }
}

/** A short reason for a file-system error: its code and what the code means. */
export function fileSystemReason(error: unknown): string {
  const code = errorCode(error);
  const meaning: Record<string, string> = {
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'read-only file system',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOTDIR: 'a part of the path is a file, not a directory',
    EEXIST: 'a file exists there',
    ENOENT: 'no such file or directory',
    ENAMETOOLONG: 'name too long',
  };
  return code === undefined
    ? ((error as Error)?.message ?? String(error))
    : `${code}: ${meaning[code] ?? (error as Error).message}`;
}
