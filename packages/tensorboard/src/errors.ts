import { errorMarker, hasErrorMarker as hasMarker, TrainkitError } from '@trainkit/core';

const eventFileCorruptMarker = errorMarker('EventFileCorruptError');
const eventWriteMarker = errorMarker('EventWriteError');
const eventReadMarker = errorMarker('EventReadError');
const writerClosedMarker = errorMarker('WriterClosedError');

/** What kind of damage an event file has. */
export type CorruptionKind = 'corrupt-length' | 'corrupt-payload' | 'invalid-event';

/** What an {@link EventFileCorruptError} describes. */
export interface EventFileCorruptDetails {
  readonly functionName: string;
  /** The file, or `<bytes>` when parsing a buffer. */
  readonly path: string;
  /** Byte offset of the damaged record. */
  readonly offset: number;
  readonly kind: CorruptionKind;
  /** What is wrong, e.g. `payload CRC 0x1234abcd does not match the stored 0x...`. */
  readonly reason: string;
  readonly cause?: unknown;
}

/**
 * An event file has a damaged record before its end: a length or payload CRC
 * that does not match, or a payload that is not an `Event`. Thrown only by the
 * reader's `onCorruption: 'throw'` mode; by default damaged records are skipped
 * and reported as warnings. A file that merely ends inside a record (a writer
 * that is still running, or crashed) is never an error.
 *
 * @example
 * ```ts
 * try {
 *   parseEventFile(bytes, { onCorruption: 'throw' });
 * } catch (error) {
 *   if (EventFileCorruptError.isInstance(error)) console.error(error.offset, error.kind);
 * }
 * ```
 */
export class EventFileCorruptError extends TrainkitError {
  readonly [eventFileCorruptMarker] = true;
  override name = 'EventFileCorruptError';
  readonly functionName: string;
  readonly path: string;
  readonly offset: number;
  readonly kind: CorruptionKind;

  constructor(details: EventFileCorruptDetails) {
    super(
      `${details.functionName}: ${details.path} is damaged at byte ${details.offset} (${details.kind}): ${details.reason}. ` +
        "Read it with onCorruption: 'skip' to keep the records around the damage.",
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.functionName = details.functionName;
    this.path = details.path;
    this.offset = details.offset;
    this.kind = details.kind;
  }

  /** True for an {@link EventFileCorruptError} from any copy of the package. */
  static override isInstance(error: unknown): error is EventFileCorruptError {
    return hasMarker(error, eventFileCorruptMarker);
  }
}

/** The file-system operation that failed. */
export type EventWriteOperation = 'mkdir' | 'open' | 'write' | 'truncate' | 'sync' | 'close';

/** What an {@link EventWriteError} describes. */
export interface EventWriteDetails {
  readonly functionName: string;
  readonly path: string;
  readonly operation: EventWriteOperation;
  /** The system error code (`EACCES`, `ENOSPC`, `EROFS`, ...) when there is one. */
  readonly code: string | undefined;
  /** Records that were not written and are still buffered. */
  readonly pendingRecords: number;
  readonly cause: unknown;
}

function adviceFor(code: string | undefined): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'Choose a log directory you can write to, or fix its permissions.';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'Free disk space (or raise the quota), then call flush() again to retry.';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'A file is in the way of the log directory: choose another directory.';
    default:
      return 'Check the log directory, then call flush() again to retry.';
  }
}

/**
 * Writing an event file failed (permissions, disk full, a file in the way).
 *
 * The file keeps only whole records: a partly written batch is cut off again
 * (truncated to the last whole record), and the batch stays buffered so that
 * `flush()` can retry it. `cause` is the underlying system error.
 *
 * @example
 * ```ts
 * try {
 *   await writer.flush();
 * } catch (error) {
 *   if (EventWriteError.isInstance(error) && error.code === 'ENOSPC') await freeSomeSpace();
 * }
 * ```
 */
export class EventWriteError extends TrainkitError {
  readonly [eventWriteMarker] = true;
  override name = 'EventWriteError';
  readonly functionName: string;
  readonly path: string;
  readonly operation: EventWriteOperation;
  readonly code: string | undefined;
  readonly pendingRecords: number;

  constructor(details: EventWriteDetails) {
    const code = details.code === undefined ? '' : ` (${details.code})`;
    const systemMessage =
      details.cause instanceof Error ? `: ${details.cause.message}` : `: ${String(details.cause)}`;
    super(
      `${details.functionName}: cannot ${details.operation} ${details.path}${code}${systemMessage}. ` +
        `${details.pendingRecords} record(s) are still buffered and the file holds only whole records. ` +
        adviceFor(details.code),
      { cause: details.cause },
    );
    this.functionName = details.functionName;
    this.path = details.path;
    this.operation = details.operation;
    this.code = details.code;
    this.pendingRecords = details.pendingRecords;
  }

  /** True for an {@link EventWriteError} from any copy of the package. */
  static override isInstance(error: unknown): error is EventWriteError {
    return hasMarker(error, eventWriteMarker);
  }
}

/**
 * A summary writer was used after `close()`.
 *
 * @example
 * ```ts
 * await writer.close();
 * writer.scalar('loss', 1, 0); // throws WriterClosedError
 * ```
 */
export class WriterClosedError extends TrainkitError {
  readonly [writerClosedMarker] = true;
  override name = 'WriterClosedError';
  readonly functionName: string;
  readonly path: string;

  constructor(functionName: string, path: string) {
    super(
      `${functionName}: the writer of ${path} is closed. Create a new writer with createSummaryWriter() to log more.`,
    );
    this.functionName = functionName;
    this.path = path;
  }

  /** True for a {@link WriterClosedError} from any copy of the package. */
  static override isInstance(error: unknown): error is WriterClosedError {
    return hasMarker(error, writerClosedMarker);
  }
}

/** What an {@link EventReadError} describes. */
export interface EventReadDetails {
  readonly functionName: string;
  /** The file or directory. */
  readonly path: string;
  /** `read` a file, `list` a directory. */
  readonly operation: 'read' | 'list';
  /** The system error code (`ENOENT`, `ENOTDIR`, `EISDIR`, `EACCES`, ...) when there is one. */
  readonly code: string | undefined;
  readonly cause: unknown;
}

function readAdvice(code: string | undefined, operation: 'read' | 'list'): string {
  switch (code) {
    case 'ENOENT':
      return 'Check the path: nothing exists there (a run directory appears when its writer first flushes).';
    case 'ENOTDIR':
      return operation === 'list'
        ? 'It is a file, not a directory: pass the log directory (or read one file with readEventFile).'
        : 'A part of the path is a file, not a directory: check the path.';
    case 'EISDIR':
      return 'It is a directory: pass an event file (events.out.tfevents.*), or read the directory with readRun or readLogdir.';
    case 'EACCES':
    case 'EPERM':
      return 'It cannot be read with your permissions: fix them, or read a copy.';
    default:
      return 'Check the path and that it can be read.';
  }
}

/**
 * An event file or a log directory cannot be read: it does not exist, it is
 * the wrong kind (a file where a directory is expected, or the reverse), or
 * it is not readable. `code` is the system error code; `cause` the system
 * error.
 *
 * @example
 * ```ts
 * try {
 *   await readLogdir('runs/typo');
 * } catch (error) {
 *   if (EventReadError.isInstance(error) && error.code === 'ENOENT') console.error(error.message);
 * }
 * ```
 */
export class EventReadError extends TrainkitError {
  readonly [eventReadMarker] = true;
  override name = 'EventReadError';
  readonly functionName: string;
  readonly path: string;
  readonly operation: 'read' | 'list';
  readonly code: string | undefined;

  constructor(details: EventReadDetails) {
    const code = details.code === undefined ? '' : ` (${details.code})`;
    super(
      `${details.functionName}: cannot ${details.operation === 'list' ? 'list the directory' : 'read'} ${details.path}${code}. ${readAdvice(details.code, details.operation)}`,
      { cause: details.cause },
    );
    this.functionName = details.functionName;
    this.path = details.path;
    this.operation = details.operation;
    this.code = details.code;
  }

  /** True for an {@link EventReadError} from any copy of the package. */
  static override isInstance(error: unknown): error is EventReadError {
    return hasMarker(error, eventReadMarker);
  }
}
