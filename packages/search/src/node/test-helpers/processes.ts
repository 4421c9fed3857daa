// Test support: child processes in their own process groups (killed with the group, also when
// a test fails). The private redis-server on a free 127.0.0.1 port (and `freePort`) come from
// the repository's one starter, internal/test-redis: `startRedis()` -> `{ url, port, child,
// kill() (SIGKILL), stop() (SIGTERM, wait, remove its directory) }`.
import { type ChildProcess, spawn } from 'node:child_process';

export { freePort, startRedis, type TestRedis } from '@trainkit/test-redis';

/** A started child with its output so far and a way to wait for a line. */
export interface Child {
  readonly process: ChildProcess;
  readonly name: string;
  output(): string;
  /** Resolves with the first output line matching `pattern` (waits up to `timeoutMs`). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or the signal name). */
  readonly exited: Promise<number | string>;
  /** SIGKILL to the whole process group. */
  kill(): void;
}

const started = new Set<Child>();

/** Starts `node args` (or another command) detached, in its own process group. */
export function startChild(
  name: string,
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
  options: { keep?: boolean } = {},
): Child {
  const child = spawn(command, [...args], {
    detached: true,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const onData = (data: Buffer) => {
    text += data.toString();
    for (const waiter of [...waiters]) {
      const line = text.split('\n').find((l) => waiter.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      started.delete(handle);
      resolve(code ?? signal ?? -1);
    });
  });
  const handle: Child = {
    process: child,
    name,
    output: () => text,
    waitFor(pattern, timeoutMs = 30_000) {
      const line = text.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) return Promise.resolve(line);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `${name}: no line matching ${pattern} within ${timeoutMs} ms. Output:\n${text}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (found) => {
            clearTimeout(timer);
            resolve(found);
          },
        });
      });
    },
    exited,
    kill() {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    },
  };
  if (options.keep !== true) started.add(handle);
  return handle;
}

/** Kills every child still running except those started with `keep` (for afterEach). */
export async function killAllChildren(): Promise<void> {
  const running = [...started];
  for (const child of running) child.kill();
  await Promise.all(running.map((child) => child.exited));
}
