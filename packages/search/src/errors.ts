import { errorMarker, hasErrorMarker as hasMarker, TrainkitError } from '@trainkit/core';

const journalCorruptMarker = errorMarker('JournalCorruptError');
const journalMismatchMarker = errorMarker('JournalMismatchError');
const journalLockMarker = errorMarker('JournalLockError');
const redisUnreachableMarker = errorMarker('RedisUnreachableError');
const trialPrunedMarker = errorMarker('TrialPrunedError');
const peerMissingMarker = errorMarker('DistributedPeerMissingError');
const executorClosedMarker = errorMarker('ExecutorClosedError');
const objectiveLoadMarker = errorMarker('ObjectiveLoadError');

/** What a {@link JournalCorruptError} describes. */
export interface JournalCorruptDetails {
  readonly functionName: string;
  /** The journal file, or `<records>` for text parsed in memory. */
  readonly path: string;
  /** 1-based line number of the damaged record. */
  readonly line: number;
  /** What is wrong with it. */
  readonly reason: string;
  readonly cause?: unknown;
}

/**
 * A journal line before the last one is not a valid record. A torn *last* line
 * (a writer killed in the middle of an append) is never an error: it is skipped
 * when reading and cut off before the next append. A damaged line with records
 * after it means the file was edited or the disk lost data, and guessing would
 * silently lose or invent results, so the journal refuses to load.
 *
 * @example
 * ```ts
 * try {
 *   parseJournal(text);
 * } catch (error) {
 *   if (JournalCorruptError.isInstance(error)) console.error(`line ${error.line}`);
 * }
 * ```
 */
export class JournalCorruptError extends TrainkitError {
  readonly [journalCorruptMarker] = true;
  override name = 'JournalCorruptError';
  readonly functionName: string;
  readonly path: string;
  readonly line: number;
  readonly reason: string;

  constructor(details: JournalCorruptDetails) {
    super(
      `${details.functionName}: ${details.path} line ${details.line} is not a valid journal record: ${details.reason}. ` +
        'Lines after it exist, so this is not a torn final write: restore the file from a backup, ' +
        'or delete the damaged line by hand if you accept losing that event.',
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.functionName = details.functionName;
    this.path = details.path;
    this.line = details.line;
    this.reason = details.reason;
  }

  /** True for a {@link JournalCorruptError} from any copy of the package. */
  static override isInstance(error: unknown): error is JournalCorruptError {
    return hasMarker(error, journalCorruptMarker);
  }
}

/** What a {@link JournalMismatchError} describes. */
export interface JournalMismatchDetails {
  readonly functionName: string;
  readonly path: string;
  /** Which part of the search differs, e.g. `space.learningRate` or `strategy.seed`. */
  readonly field: string;
  /** What the journal recorded (JSON). */
  readonly recorded: string;
  /** What this search has (JSON). */
  readonly current: string;
}

/**
 * The journal was written by a different search (another space, strategy or
 * direction). Resuming would mix incomparable trials, so it is refused.
 *
 * @example
 * ```ts
 * try {
 *   await runSearch({ space, strategy, objective, journal });
 * } catch (error) {
 *   if (JournalMismatchError.isInstance(error)) console.error(error.field);
 * }
 * ```
 */
export class JournalMismatchError extends TrainkitError {
  readonly [journalMismatchMarker] = true;
  override name = 'JournalMismatchError';
  readonly functionName: string;
  readonly path: string;
  readonly field: string;
  readonly recorded: string;
  readonly current: string;

  constructor(details: JournalMismatchDetails) {
    super(
      `${details.functionName}: ${details.path} was written by a different search: ${details.field} is ${details.recorded} in the journal but ${details.current} in this search. ` +
        'Give this search its own journal path, or run the search that wrote the journal (same space, strategy and direction) to resume it.',
    );
    this.functionName = details.functionName;
    this.path = details.path;
    this.field = details.field;
    this.recorded = details.recorded;
    this.current = details.current;
  }

  /** True for a {@link JournalMismatchError} from any copy of the package. */
  static override isInstance(error: unknown): error is JournalMismatchError {
    return hasMarker(error, journalMismatchMarker);
  }
}

/** What a {@link JournalLockError} describes. */
export interface JournalLockDetails {
  readonly functionName: string;
  /** The lock file, `<journal>.lock`. */
  readonly lockPath: string;
  /** How long the writer waited, in milliseconds. */
  readonly waitedMs: number;
  /** The holder as written in the lock file (`host pid`), when readable. */
  readonly holder: string | undefined;
  readonly cause?: unknown;
}

/**
 * The journal's lock file could not be taken within the timeout: another live
 * process holds it, or the lock directory is not writable.
 *
 * @example
 * ```ts
 * if (JournalLockError.isInstance(error)) console.error(error.lockPath, error.holder);
 * ```
 */
export class JournalLockError extends TrainkitError {
  readonly [journalLockMarker] = true;
  override name = 'JournalLockError';
  readonly functionName: string;
  readonly lockPath: string;
  readonly waitedMs: number;
  readonly holder: string | undefined;

  constructor(details: JournalLockDetails) {
    const holder = details.holder === undefined ? 'an unknown process' : details.holder;
    super(
      `${details.functionName}: could not take ${details.lockPath} within ${details.waitedMs} ms; it is held by ${holder}. ` +
        'A lock is held only while one record is appended, so a live holder means that process is stuck: ' +
        'stop it, or delete the lock file if no process is using the journal.',
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.functionName = details.functionName;
    this.lockPath = details.lockPath;
    this.waitedMs = details.waitedMs;
    this.holder = details.holder;
  }

  /** True for a {@link JournalLockError} from any copy of the package. */
  static override isInstance(error: unknown): error is JournalLockError {
    return hasMarker(error, journalLockMarker);
  }
}

/** What a {@link RedisUnreachableError} describes. */
export interface RedisUnreachableDetails {
  readonly functionName: string;
  /** The Redis URL, with any password masked. */
  readonly url: string;
  /** How long the connection was tried, in milliseconds. */
  readonly waitedMs: number;
  /** What was being done, phrased to follow "while trying to", e.g. `record the result`. */
  readonly operation?: string;
  /** True when a working connection was lost (rather than never made). */
  readonly lost?: boolean;
  readonly cause?: unknown;
}

/**
 * Redis did not answer within the connection timeout. Raised instead of
 * waiting forever (ioredis' default is to retry and queue commands
 * indefinitely).
 *
 * @example
 * ```ts
 * if (RedisUnreachableError.isInstance(error)) console.error(error.url);
 * ```
 */
export class RedisUnreachableError extends TrainkitError {
  readonly [redisUnreachableMarker] = true;
  override name = 'RedisUnreachableError';
  readonly functionName: string;
  readonly url: string;
  readonly waitedMs: number;

  constructor(details: RedisUnreachableDetails) {
    const reason =
      details.cause instanceof Error && details.cause.message !== ''
        ? ` (${details.cause.message})`
        : '';
    super(
      (details.lost === true
        ? `${details.functionName}: lost Redis at ${details.url} for more than ${details.waitedMs} ms${reason}. `
        : `${details.functionName}: Redis at ${details.url} did not answer within ${details.waitedMs} ms${details.operation === undefined ? '' : ` while trying to ${details.operation}`}${reason}. `) +
        'Start it (`redis-server --port 6379`), or pass the right URL with --redis redis://host:port ' +
        '(check the host, port, password and that the firewall lets this machine in).',
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.functionName = details.functionName;
    this.url = details.url;
    this.waitedMs = details.waitedMs;
  }

  /** True for a {@link RedisUnreachableError} from any copy of the package. */
  static override isInstance(error: unknown): error is RedisUnreachableError {
    return hasMarker(error, redisUnreachableMarker);
  }
}

/**
 * Thrown by an objective to stop its trial as pruned from deep inside a
 * training loop (returning after `report` answered `prune: true` does the
 * same). Never a failure.
 *
 * @example
 * ```ts
 * const { prune } = await trial.report(loss, epoch);
 * if (prune) throw new TrialPrunedError();
 * ```
 */
export class TrialPrunedError extends TrainkitError {
  readonly [trialPrunedMarker] = true;
  override name = 'TrialPrunedError';

  constructor(message = 'the trial was pruned') {
    super(message);
  }

  /** True for a {@link TrialPrunedError} from any copy of the package. */
  static override isInstance(error: unknown): error is TrialPrunedError {
    return hasMarker(error, trialPrunedMarker);
  }
}

/** What a {@link DistributedPeerMissingError} describes. */
export interface DistributedPeerMissingDetails {
  /** The function that needed the peers, e.g. `bullmqExecutor`. */
  readonly functionName: string;
  /** The optional peer that could not be used: `bullmq` or `ioredis`. */
  readonly peer: string;
  /** What went wrong, e.g. the import error's message. */
  readonly reason: string;
  readonly cause?: unknown;
}

/**
 * Distributed search (BullMQ on Redis) needs the optional peer dependencies
 * `bullmq` and `ioredis`, and one of them cannot be imported (not installed,
 * or a version without the expected exports).
 *
 * The message reads `fn: the distributed executor needs the optional peer
 * dependencies bullmq and ioredis; peer cannot be used (reason). Install them:
 * npm install bullmq ioredis`.
 *
 * @example
 * ```ts
 * if (DistributedPeerMissingError.isInstance(error)) console.error(error.peer);
 * ```
 */
export class DistributedPeerMissingError extends TrainkitError {
  readonly [peerMissingMarker] = true;
  override name = 'DistributedPeerMissingError';
  readonly functionName: string;
  readonly peer: string;
  readonly reason: string;

  constructor(details: DistributedPeerMissingDetails) {
    super(
      `${details.functionName}: the distributed executor needs the optional peer dependencies bullmq and ioredis; ` +
        `${details.peer} cannot be used (${details.reason}). Install them: npm install bullmq ioredis`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.functionName = details.functionName;
    this.peer = details.peer;
    this.reason = details.reason;
  }

  /** True for a {@link DistributedPeerMissingError} from any copy of the package. */
  static override isInstance(error: unknown): error is DistributedPeerMissingError {
    return hasMarker(error, peerMissingMarker);
  }
}

/**
 * A trial was handed to an executor after its `close()`: the executor's
 * workers are gone, so it cannot run anything.
 *
 * @example
 * ```ts
 * if (ExecutorClosedError.isInstance(error)) console.error(error.functionName);
 * ```
 */
export class ExecutorClosedError extends TrainkitError {
  readonly [executorClosedMarker] = true;
  override name = 'ExecutorClosedError';
  readonly functionName: string;

  /** @param functionName - The executor's factory, e.g. `workerPoolExecutor`. */
  constructor(functionName: string) {
    super(
      `${functionName}: the pool is closed, so it cannot run a trial. ` +
        'Call close() only after every runSearch using it has finished, or create a new executor.',
    );
    this.functionName = functionName;
  }

  /** True for an {@link ExecutorClosedError} from any copy of the package. */
  static override isInstance(error: unknown): error is ExecutorClosedError {
    return hasMarker(error, executorClosedMarker);
  }
}

/** What an {@link ObjectiveLoadError} describes. */
export interface ObjectiveLoadDetails {
  /** The executor's factory, e.g. `workerPoolExecutor`. */
  readonly functionName: string;
  /** The objective module as given. */
  readonly module: string;
  /** The export that should hold the objective. */
  readonly exportName: string;
  /**
   * The module's export names when it loaded but has no such function;
   * `undefined` when importing the module failed.
   */
  readonly exports: readonly string[] | undefined;
  /** The import error's message, when importing failed. */
  readonly reason?: string;
}

/**
 * A worker could not load the objective: importing the module failed, or the
 * module has no exported function under the given name. Every trial the
 * worker was given fails with this error as its reason.
 *
 * @example
 * ```ts
 * if (ObjectiveLoadError.isInstance(error)) console.error(error.exports);
 * ```
 */
export class ObjectiveLoadError extends TrainkitError {
  readonly [objectiveLoadMarker] = true;
  override name = 'ObjectiveLoadError';
  readonly functionName: string;
  readonly module: string;
  readonly exportName: string;
  readonly exports: readonly string[] | undefined;

  constructor(details: ObjectiveLoadDetails) {
    const { functionName, module, exportName, exports } = details;
    super(
      exports === undefined
        ? `${functionName}: could not load the objective module ${module}: ${details.reason ?? 'unknown error'}. ` +
            'Fix the module so that it imports cleanly (run `node <module>` to see the error).'
        : `${functionName}: ${module} has no exported function "${exportName}" (its exports: ${exports.length === 0 ? 'none' : exports.join(', ')}). ` +
            'Export the objective under that name, or pass the exportName option naming one of its exports.',
    );
    this.functionName = functionName;
    this.module = module;
    this.exportName = exportName;
    this.exports = exports;
  }

  /** True for an {@link ObjectiveLoadError} from any copy of the package. */
  static override isInstance(error: unknown): error is ObjectiveLoadError {
    return hasMarker(error, objectiveLoadMarker);
  }
}
