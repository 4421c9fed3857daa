import { DistributedPeerMissingError, RedisUnreachableError } from '../errors';

/** The subset of an ioredis client this package uses. */
export interface RedisClient {
  readonly status: string;
  connect(): Promise<void>;
  ping(): Promise<string>;
  disconnect(): void;
  quit(): Promise<string>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  hget(key: string, field: string): Promise<string | null>;
  hmget(key: string, ...fields: string[]): Promise<(string | null)[]>;
  hsetnx(key: string, field: string, value: string): Promise<number>;
  hexists(key: string, field: string): Promise<number>;
  hincrby(key: string, field: string, increment: number): Promise<number>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<string | null>;
  rpush(key: string, ...values: string[]): Promise<number>;
  expire(key: string, seconds: number): Promise<number>;
  blpop(key: string, timeoutSeconds: number): Promise<[string, string] | null>;
  xadd(key: string, ...args: string[]): Promise<string | null>;
  xread(...args: (string | number)[]): Promise<[string, [string, string[]][]][] | null>;
  scan(cursor: string, ...args: (string | number)[]): Promise<[string, string[]]>;
  del(...keys: string[]): Promise<number>;
}

/** Options of {@link connectRedis}. */
export interface ConnectRedisOptions {
  /** For the error message, e.g. `bullmqExecutor`. */
  readonly functionName: string;
  /** Give up connecting after this long, ms. Default 5000. */
  readonly connectTimeoutMs?: number;
  /** Name shown by `CLIENT LIST`. */
  readonly connectionName?: string;
}

/** The URL with its password replaced by `***`, for messages. */
export function maskRedisUrl(url: string): string {
  return url.replace(
    /^(\w+:\/\/)([^:@/]*):([^@/]*)@/,
    (_, scheme: string, user: string) => `${scheme}${user}:***@`,
  );
}

/** Retry delays while connected: 100 ms growing to 2 s, forever (a lost Redis is reconnected). */
export function reconnectDelay(times: number): number {
  return Math.min(100 * times, 2000);
}

/** Loads ioredis, explaining how to install it when it is missing. */
export async function loadIoredis(
  functionName: string,
): Promise<new (url: string, options: object) => RedisClient> {
  const module = (await importPeer(
    functionName,
    'ioredis',
    () => import('ioredis'),
  )) as unknown as {
    Redis?: new (url: string, options: object) => RedisClient;
    default?: new (url: string, options: object) => RedisClient;
  };
  const RedisClass = module.Redis ?? module.default;
  if (RedisClass === undefined) {
    throw new DistributedPeerMissingError({
      functionName,
      peer: 'ioredis',
      reason: 'it exports no Redis class (an ioredis older than 5?)',
    });
  }
  return RedisClass;
}

/**
 * Imports an optional peer of distributed search (`bullmq`, `ioredis`),
 * failing with a {@link DistributedPeerMissingError} that says how to install it.
 */
export async function importPeer<T>(
  functionName: string,
  peer: string,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw new DistributedPeerMissingError({
      functionName,
      peer,
      reason: error instanceof Error ? error.message : String(error),
      cause: error,
    });
  }
}

/**
 * Connects to Redis and checks it answers, within `connectTimeoutMs`; fails
 * with a {@link RedisUnreachableError} naming the URL instead of waiting
 * forever (ioredis' default is to retry and queue commands indefinitely).
 * Once connected, the client reconnects by itself after a loss (commands
 * wait in its offline queue meanwhile).
 */
export async function connectRedis(
  url: string,
  options: ConnectRedisOptions,
): Promise<RedisClient> {
  const Redis = await loadIoredis(options.functionName);
  const timeout = options.connectTimeoutMs ?? 5000;
  const started = Date.now();
  let connected = false;
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeout,
    // Fail fast until the first connection; afterwards, reconnect forever.
    retryStrategy: (times: number) => (connected ? reconnectDelay(times) : null),
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
  });
  let lastError: unknown;
  client.on('error', (error: unknown) => {
    lastError = error;
  });
  try {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeout} ms`)), timeout);
      }),
    ]).finally(() => clearTimeout(timer));
    connected = true;
    return client;
  } catch (error) {
    client.disconnect();
    throw new RedisUnreachableError({
      functionName: options.functionName,
      url: maskRedisUrl(url),
      waitedMs: Date.now() - started,
      cause: lastError ?? error,
    });
  }
}

/** Redis key names of one search on one queue. */
export interface SearchKeys {
  /** Hash trial key -> the first result (HSETNX: first result wins). */
  readonly results: string;
  /** Stream of worker events (started, report, done, duplicate) for the coordinator. */
  readonly events: string;
  /** The last event id the coordinator has processed. */
  readonly lastEvent: string;
  /** Hash trial key -> how many times workers of another objective took its job and left it. */
  readonly left: string;
  /** List of pruning decisions for one execution of a trial. */
  decisions(execution: string): string;
}

/** The keys of search `searchId` on queue `queue`. */
export function searchKeys(queue: string, searchId: string): SearchKeys {
  const base = `trainkit-search:${queue}:${searchId}`;
  return {
    results: `${base}:results`,
    events: `${base}:events`,
    lastEvent: `${base}:events:last`,
    left: `${base}:left`,
    decisions: (execution) => `${base}:decision:${execution}`,
  };
}

/** The job id of a trial: the search id and the trial number (BullMQ ids cannot contain ':'). */
export function trialJobId(searchId: string, trial: number): string {
  return `${searchId}-${trial}`;
}

/** The default queue name. */
export const defaultQueueName = 'trainkit-search';
