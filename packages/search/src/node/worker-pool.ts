import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { checkArguments } from '@trainkit/core';
import { ExecutorClosedError, ObjectiveLoadError } from '../errors';
import type { Executor, RawOutcome, TrialHooks, TrialTask } from '../executor';
import { workerBootstrap } from './worker-bootstrap';

/** Where an objective lives, so that a worker (thread, process, machine) can load it. */
export interface ObjectiveModule {
  /** Path (relative to the working directory) or `file:` URL of an ES module or CommonJS file. */
  readonly module: string;
  /** The exported function. Default `objective`. */
  readonly exportName?: string;
}

/** Options of {@link workerPoolExecutor}. */
export interface WorkerPoolOptions extends ObjectiveModule {
  /** Workers, i.e. trials at once. Default: `os.availableParallelism()`. */
  readonly size?: number;
  /**
   * `thread` (default): a worker thread per trial slot, cheap to start;
   * `process`: a child process, which also isolates native crashes and
   * `process.exit` (use it for `@tensorflow/tfjs-node`).
   */
  readonly isolation?: 'thread' | 'process';
  /**
   * A new worker for every trial (default true), so each trial gets its own
   * TensorFlow.js (backend, registered kernels, memory) and nothing leaks
   * between trials; false keeps workers for the next trials (faster for
   * objectives that load quickly).
   */
  readonly freshWorkerPerTrial?: boolean;
  /** Node flags for the workers, e.g. `['--import', 'tsx']` for TypeScript objectives. Default: this process's. */
  readonly execArgv?: readonly string[];
}

interface WorkerMessage {
  readonly type: 'ready' | 'load-error' | 'report' | 'outcome';
  readonly message?: string;
  /** With `load-error`: the module's export names when it loaded but lacks the objective. */
  readonly exports?: string[];
  readonly id?: number;
  readonly value?: number;
  readonly step?: number;
  readonly outcome?: RawOutcome;
}

/** One worker, thread or process, behind one small interface. */
interface PoolWorker {
  post(message: unknown): void;
  /** The current trial's message handler (one at a time). */
  handler: ((message: WorkerMessage) => void) | undefined;
  /** Resolves when the worker ends, with a description of why. */
  readonly ended: Promise<string>;
  terminate(): Promise<void>;
}

/**
 * Where a module option points on this machine: `isUrl` for a URL (`file:`,
 * `https:`, ...; a Windows drive path is a path), and the local file path
 * (a path resolved against the working directory, or a `file:` URL's path;
 * undefined for other URLs).
 */
export function objectiveModulePath(module: string): { isUrl: boolean; path: string | undefined } {
  const isUrl = /^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module);
  const path = isUrl
    ? module.startsWith('file:')
      ? fileURLToPath(module)
      : undefined
    : resolve(module);
  return { isUrl, path };
}

/** Resolves a module option to a file path or URL the worker can import. */
export function resolveObjectiveModule(functionName: string, module: string): string {
  const check = checkArguments(functionName);
  if (typeof module !== 'string' || module === '') {
    return check.fail(
      'module',
      module,
      'a module path',
      "Pass the file that exports the objective, e.g. './objective.mjs'.",
    );
  }
  const { isUrl, path } = objectiveModulePath(module);
  if (path !== undefined && !existsSync(path)) {
    check.fail(
      'module',
      module,
      'an existing file',
      `Nothing exists at ${path}; pass the objective's module path.`,
    );
  }
  return isUrl ? module : (path as string);
}

function startThread(
  data: { module: string; exportName: string },
  execArgv: readonly string[] | undefined,
): PoolWorker {
  const worker = new Worker(workerBootstrap, {
    eval: true,
    workerData: data,
    ...(execArgv === undefined ? {} : { execArgv: [...execArgv] }),
  });
  const ended = new Promise<string>((resolveEnded) => {
    let reason = '';
    worker.on('error', (error) => {
      reason = `the worker thread threw: ${error.message}`;
    });
    worker.on('exit', (code) =>
      resolveEnded(reason || `the worker thread exited with code ${code}`),
    );
  });
  const result: PoolWorker = {
    post: (message) => worker.postMessage(message),
    handler: undefined,
    ended,
    terminate: async () => {
      await worker.terminate();
    },
  };
  worker.on('message', (message: WorkerMessage) => result.handler?.(message));
  return result;
}

function startProcess(
  data: { module: string; exportName: string },
  execArgv: readonly string[] | undefined,
): PoolWorker {
  const child: ChildProcess = spawn(
    process.execPath,
    [...(execArgv ?? process.execArgv), '-e', workerBootstrap],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, TRAINKIT_SEARCH_WORKER: JSON.stringify(data) },
    },
  );
  const ended = new Promise<string>((resolveEnded) => {
    child.on('error', (error) =>
      resolveEnded(`the worker process could not start: ${error.message}`),
    );
    child.on('exit', (code, signal) =>
      resolveEnded(
        `the worker process exited with ${signal === null ? `code ${code}` : `signal ${signal}`}`,
      ),
    );
  });
  const result: PoolWorker = {
    post: (message) => {
      if (child.connected) child.send(message as never);
    },
    handler: undefined,
    ended,
    terminate: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await ended;
      }
    },
  };
  child.on('message', (message) => result.handler?.(message as WorkerMessage));
  return result;
}

/**
 * Runs trials in parallel on this machine's cores: each trial in a worker
 * thread (or child process) that imports the objective from its module, so
 * every worker has its own TensorFlow.js. `trial.report` goes to the search
 * (journal, pruner) and the decision comes back.
 *
 * @param options - The objective's module and export, pool size (default:
 *   the cores), isolation, fresh workers per trial.
 * @returns The executor for {@link runSearch}; close it when done.
 * @throws InvalidArgumentError when the module file does not exist.
 *
 * @example
 * ```ts
 * const executor = workerPoolExecutor({ module: './objective.mjs', exportName: 'objective' });
 * try {
 *   await runSearch({ strategy, direction: 'minimize', executor, journal });
 * } finally {
 *   await executor.close();
 * }
 * ```
 */
export function workerPoolExecutor(options: WorkerPoolOptions): Executor {
  const check = checkArguments('workerPoolExecutor');
  if (typeof options !== 'object' || options === null)
    check.fail('options', options, 'an object { module, ... }');
  const module = resolveObjectiveModule('workerPoolExecutor', options.module);
  const exportName = options.exportName ?? 'objective';
  if (typeof exportName !== 'string' || exportName === '')
    check.fail('exportName', exportName, 'a name');
  const size = check.integer('size', options.size ?? availableParallelism(), { min: 1 });
  const isolation = check.oneOf('isolation', options.isolation ?? 'thread', ['thread', 'process']);
  const fresh = check.boolean('freshWorkerPerTrial', options.freshWorkerPerTrial ?? true);
  const data = { module, exportName };
  const idle: PoolWorker[] = [];
  const live = new Set<PoolWorker>();
  let closed = false;

  const start = (): PoolWorker => {
    const worker =
      isolation === 'thread'
        ? startThread(data, options.execArgv)
        : startProcess(data, options.execArgv);
    live.add(worker);
    void worker.ended.then(() => {
      live.delete(worker);
      const index = idle.indexOf(worker);
      if (index !== -1) idle.splice(index, 1);
    });
    return worker;
  };

  const run = async (
    task: TrialTask,
    hooks: TrialHooks,
    signal: AbortSignal,
  ): Promise<RawOutcome> => {
    if (closed) throw new ExecutorClosedError('workerPoolExecutor');
    const worker = idle.pop() ?? start();
    const outcome = new Promise<RawOutcome>((resolveOutcome, reject) => {
      worker.handler = (message: WorkerMessage) => {
        if (message.type === 'load-error') {
          reject(
            new ObjectiveLoadError({
              functionName: 'workerPoolExecutor',
              module,
              exportName,
              exports: message.exports,
              reason: message.message,
            }),
          );
        } else if (message.type === 'report') {
          hooks.report(message.value!, message.step!).then(
            (decision) => worker.post({ type: 'decision', id: message.id, decision }),
            (error: unknown) => {
              worker.post({
                type: 'decision',
                id: message.id,
                decision: { prune: false, reason: undefined },
              });
              reject(error);
            },
          );
        } else if (message.type === 'outcome') {
          resolveOutcome(message.outcome!);
        }
      };
      void worker.ended.then((reason) => reject(new Error(reason)));
    });
    const onAbort = () => worker.post({ type: 'abort' });
    signal.addEventListener('abort', onAbort, { once: true });
    worker.post({ type: 'run', task });
    try {
      const result = await outcome;
      worker.handler = undefined;
      if (fresh || closed) await worker.terminate();
      else idle.push(worker);
      return result;
    } catch (error) {
      worker.handler = undefined;
      await worker.terminate();
      throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  };

  return Object.freeze({
    concurrency: size,
    remote: false,
    run,
    async close() {
      closed = true;
      await Promise.all([...live].map((worker) => worker.terminate()));
      idle.length = 0;
    },
  });
}
