import { errorMarker, hasErrorMarker, StateRestoreError, TrainkitError } from '../errors';

const restoreMarker = errorMarker('CheckpointRestoreError');
const writeMarker = errorMarker('CheckpointWriteError');

/**
 * Why a checkpoint could not be restored:
 * - `not-found`: the directory holds no complete checkpoint;
 * - `unreadable`: a file exists but cannot be read (permissions, I/O error);
 * - `corrupt`: a checksum, size, offset or field does not match what was written;
 * - `unsupported`: a format or version this release does not read;
 * - `rejected`: the checkpoint is intact but the caller's `validate` refused its
 *   contents (e.g. a model with other tensors).
 */
export type CheckpointProblemKind =
  | 'not-found'
  | 'unreadable'
  | 'corrupt'
  | 'unsupported'
  | 'rejected';

/** What a {@link CheckpointRestoreError} describes. */
export interface CheckpointRestoreDetails {
  /** The function that failed, e.g. `loadCheckpoint`. */
  readonly functionName: string;
  readonly kind: CheckpointProblemKind;
  /** The file (or directory) at fault. */
  readonly file: string;
  /** The field or tensor at fault, e.g. `tensors[3].offset` or `tensor "dense/kernel"`. */
  readonly field?: string;
  /** What is wrong, a sentence fragment without the file name. */
  readonly problem: string;
  /** How to fix it, a full sentence. */
  readonly fix: string;
  readonly cause?: unknown;
}

/**
 * A checkpoint cannot be restored. A {@link StateRestoreError} (so
 * `StateRestoreError.isInstance` is true) that also names the file, the field
 * and the fix, and says what kind of problem it is.
 *
 * @example
 * ```ts
 * try {
 *   await loadCheckpoint('runs/a/checkpoints');
 * } catch (error) {
 *   if (CheckpointRestoreError.isInstance(error) && error.kind === 'not-found') startFresh();
 *   else throw error;
 * }
 * ```
 */
export class CheckpointRestoreError extends StateRestoreError {
  readonly [restoreMarker] = true;
  override name = 'CheckpointRestoreError';
  readonly kind: CheckpointProblemKind;
  readonly file: string;
  override readonly field: string | undefined;
  readonly problem: string;
  readonly fix: string;

  constructor(details: CheckpointRestoreDetails) {
    const field = details.field === undefined ? '' : ` ${details.field}:`;
    super(
      details.functionName,
      `${details.file}:${field} ${details.problem} ${details.fix}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.kind = details.kind;
    this.file = details.file;
    this.field = details.field;
    this.problem = details.problem;
    this.fix = details.fix;
  }

  /** True for a {@link CheckpointRestoreError} from any copy of the package. */
  static override isInstance(error: unknown): error is CheckpointRestoreError {
    return hasErrorMarker(error, restoreMarker);
  }
}

/** What a {@link CheckpointWriteError} describes. */
export interface CheckpointWriteDetails {
  readonly functionName: string;
  /** The path the operation failed on. */
  readonly path: string;
  /** What was being done: `mkdir`, `write`, `sync`, `rename`, ... */
  readonly operation: string;
  /** The Node error code (`ENOSPC`, `EROFS`, `EACCES`, ...), when there is one. */
  readonly code: string | undefined;
  readonly cause: unknown;
}

function writeFix(code: string | undefined): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'The disk is full: free some space (or choose another directory) and try again.';
    case 'EROFS':
      return 'The file system is read-only: choose a directory on a writable disk.';
    case 'EACCES':
    case 'EPERM':
      return 'No permission to write there: choose a directory you own, or fix its permissions.';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'A file is in the way of a directory: remove it or choose another directory.';
    default:
      return 'Check the disk and the directory, then try again.';
  }
}

/**
 * Writing a checkpoint failed (disk full, read-only file system, no
 * permission, ...). Nothing was committed: the previous checkpoint is still
 * the newest complete one, and the temporary folder was removed.
 *
 * @example
 * ```ts
 * try {
 *   await saveCheckpoint(dir, contents);
 * } catch (error) {
 *   if (CheckpointWriteError.isInstance(error) && error.code === 'ENOSPC') console.error('disk full');
 * }
 * ```
 */
export class CheckpointWriteError extends TrainkitError {
  readonly [writeMarker] = true;
  override name = 'CheckpointWriteError';
  readonly functionName: string;
  readonly path: string;
  readonly operation: string;
  readonly code: string | undefined;

  constructor(details: CheckpointWriteDetails) {
    const reason =
      details.cause instanceof Error ? details.cause.message : String(details.cause ?? 'unknown');
    super(
      `${details.functionName}: cannot ${details.operation} ${details.path} (${reason}). ${writeFix(details.code)} The previous checkpoint is unchanged.`,
      { cause: details.cause },
    );
    this.functionName = details.functionName;
    this.path = details.path;
    this.operation = details.operation;
    this.code = details.code;
  }

  /** True for a {@link CheckpointWriteError} from any copy of the package. */
  static override isInstance(error: unknown): error is CheckpointWriteError {
    return hasErrorMarker(error, writeMarker);
  }
}
