import type { ChildProcess } from 'node:child_process';

/** A running private redis-server (see {@link startRedis}). */
export interface TestRedis {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** SIGKILL now (a lost Redis, for tests of reconnection); `stop()` still cleans up. */
  kill(): void;
  /** SIGTERM unless it exited already, waits for the exit, removes its directory. */
  stop(): Promise<void>;
}

/** Options of {@link startRedis}. */
export interface StartRedisOptions {
  /** How long to wait for "Ready to accept connections" (default 15_000 ms). */
  timeoutMs?: number;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number>;

/**
 * Starts redis-server on a free 127.0.0.1 port without persistence, in its own temporary
 * directory; resolves once it accepts connections. Rejects (server killed, directory removed)
 * when redis-server cannot be spawned or is not ready within `timeoutMs`.
 *
 * @example
 * const redis = await startRedis();
 * try {
 *   await useQueue(redis.url);
 * } finally {
 *   await redis.stop();
 * }
 */
export function startRedis(options?: StartRedisOptions): Promise<TestRedis>;
