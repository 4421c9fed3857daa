// Runs the real `trainkit` CLI in child processes for the end-to-end tests:
// the sources are bundled once with esbuild (dependencies stay imports of the
// built workspace packages), so the tests need no build of the trainer itself.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const trainerRoot = fileURLToPath(new URL('../../', import.meta.url));
let bundled: Promise<string> | undefined;

/**
 * The CLI bundled into node_modules/.cache (so its imports resolve), once per
 * test process, with the search's objective module beside it (search
 * workers import `search-objective.js` from the CLI's directory, as in dist).
 */
export function cliScript(): Promise<string> {
  bundled ??= (async () => {
    const outdir = path.join(
      trainerRoot,
      'node_modules',
      '.cache',
      'trainkit-cli-test',
      String(process.pid),
    );
    await mkdir(outdir, { recursive: true });
    await writeFile(path.join(outdir, 'package.json'), '{ "type": "module" }\n');
    await build({
      entryPoints: {
        cli: path.join(trainerRoot, 'src', 'cli.ts'),
        'search-objective': path.join(trainerRoot, 'src', 'search-objective.ts'),
      },
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      outdir,
      logLevel: 'silent',
    });
    return path.join(outdir, 'cli.js');
  })();
  return bundled;
}

/** `train` flags for a short real MNIST run (1,500 images, 2 epochs, a few validations). */
export const quickTrainArgs: readonly string[] = [
  '--limit',
  '1500',
  '--epochs',
  '2',
  '--batch-size',
  '64',
  '--validate-every',
  '5',
  '--validation-subset',
  '50',
];

/** A running CLI process. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** stdout and stderr lines so far, in arrival order per stream. */
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the first stdout/stderr line matching `pattern` (rejects if the process ends first). */
  waitFor(pattern: RegExp): Promise<string>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

export interface StartOptions {
  readonly cwd: string;
  readonly env?: Record<string, string | undefined>;
  readonly uid?: number;
  readonly gid?: number;
}

/** Starts `trainkit <args>` (stdout and stderr are pipes: no terminal, so no live bar). */
export async function startCli(
  args: readonly string[],
  options: StartOptions,
): Promise<CliProcess> {
  const script = await cliScript();
  const env: Record<string, string | undefined> = {
    ...process.env,
    INIT_CWD: undefined,
    ...options.env,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const started = performance.now();
  const child = spawn(process.execPath, [script, ...args], {
    cwd: options.cwd,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? options.uid }),
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: {
    pattern: RegExp;
    resolve: (line: string) => void;
    reject: (error: Error) => void;
  }[] = [];
  const feed = (target: string[]) => {
    let partial = '';
    return (chunk: Buffer) => {
      partial += chunk.toString();
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        target.push(line);
        for (let i = waiters.length - 1; i >= 0; i--) {
          if (waiters[i]!.pattern.test(line)) {
            waiters[i]!.resolve(line);
            waiters.splice(i, 1);
          }
        }
      }
    };
  };
  child.stdout!.on('data', feed(stdout));
  child.stderr!.on('data', feed(stderr));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>(
    (resolve) => {
      child.on('close', (code, signal) => {
        for (const waiter of waiters.splice(0)) {
          waiter.reject(
            new Error(
              `the process ended (code ${code}, signal ${signal}) before printing ${waiter.pattern}:\n${[...stdout, ...stderr].join('\n')}`,
            ),
          );
        }
        resolve({ code, signal, ms: performance.now() - started });
      });
    },
  );
  return {
    child,
    stdout,
    stderr,
    exited,
    waitFor(pattern) {
      const seen = [...stdout, ...stderr].find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      if (child.exitCode !== null || child.signalCode !== null) {
        return Promise.reject(new Error(`the process already ended before printing ${pattern}`));
      }
      return new Promise((resolve, reject) => waiters.push({ pattern, resolve, reject }));
    },
  };
}

/** Runs `trainkit <args>` to the end. */
export async function runCli(
  args: readonly string[],
  options: StartOptions,
): Promise<{
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}> {
  const process_ = await startCli(args, options);
  const { code, signal, ms } = await process_.exited;
  return {
    code,
    signal,
    ms,
    stdout: process_.stdout.join('\n'),
    stderr: process_.stderr.join('\n'),
  };
}

/**
 * stderr without the profiler's live note about a slow iteration, which a
 * loaded test machine can trigger at any epoch end (the report counts them).
 */
export function withoutProfilerNotes(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !line.startsWith('profiler: iteration '))
    .join('\n')
    .trim();
}
