// The one redis-server starter of the repository's tests and benchmarks: a private
// redis-server on a free 127.0.0.1 port, without persistence, in its own temporary directory;
// resolves once it accepts connections and is stopped by `stop()` (also when starting fails).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free TCP port on 127.0.0.1 (the OS picks it; the listener is closed again). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address !== null ? address.port : 0),
      );
    });
  });
}

/**
 * Starts `redis-server` on a free 127.0.0.1 port (`--save '' --appendonly no`, its own
 * temporary directory) and resolves once it prints "Ready to accept connections".
 * Rejects (after killing the server and removing the directory) when it cannot be spawned
 * or is not ready within `timeoutMs`.
 */
export async function startRedis({ timeoutMs = 15_000 } = {}) {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'trainkit-redis-'));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise((resolve) => child.once('close', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const kill = () => {
    if (child.pid !== undefined && running()) child.kill('SIGKILL');
  };
  const stop = async () => {
    if (child.pid !== undefined) {
      if (running()) child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await new Promise((resolve, reject) => {
      let output = '';
      const timer = setTimeout(
        () => reject(new Error(`redis-server did not start within ${timeoutMs} ms:\n${output}`)),
        timeoutMs,
      );
      const onData = (chunk) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk) => {
        output += chunk.toString();
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(`redis-server exited (${signal ?? code}) before it was ready:\n${output}`),
        );
      });
    });
  } catch (error) {
    kill();
    await stop();
    throw error;
  }
  return { url: `redis://127.0.0.1:${port}`, port, child, kill, stop };
}
