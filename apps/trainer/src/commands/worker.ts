import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkArguments } from '@trainkit/core';
import { startBullmqWorker } from '@trainkit/search/node';
import { exitCodes } from '../errors';
import { consoleProgress } from '../progress';
import { displayPath, userDirectory } from '../run-directory';
import { defaultTrainerQueue, objectiveModulePath } from '../search-run';

/** The `worker` command's one-line summary, for `trainkit help`. */
export const workerSummary = 'run search trials from Redis (BullMQ) for trainkit search --redis';

export const workerUsage = `Usage: trainkit worker --redis URL [options]

Runs the trials of 'trainkit search --redis URL' on this machine, any number of machines at
once: each trial trains in a worker thread (its own TensorFlow.js) with the settings the search
put in it, into <logdir>/search-trials/<search id>/trial-<n>/ on this machine. A worker killed
mid-trial loses nothing: another worker (or this one, restarted) runs the trial again once its
lock expires (30 s). Ctrl-C stops after the running trials (a second Ctrl-C at once).

Options
  --redis URL                  the search's Redis, e.g. redis://10.0.0.5:6379 (required)
  --queue NAME                 the search's queue (default trainkit-trainer)
  --concurrency N              trials at once on this machine (default 1)
  --logdir DIR                 where trial runs go (default runs)
  --backend auto|tensorflow|wasm|cpu   (default auto)
  --name NAME                  this worker's name in the journal (default host:pid)

Exit codes: 0 stopped, 1 lost Redis (the trial runs again elsewhere), 2 bad input.
`;

/**
 * `trainkit worker --redis URL`: a BullMQ worker that runs a trainer
 * search's trials (the built objective module) until Ctrl-C.
 *
 * @param argv - The arguments after the command name.
 * @returns The process exit code.
 */
export async function workerCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(workerUsage);
    return 0;
  }
  const command = 'trainkit worker';
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(
        ['redis', 'queue', 'concurrency', 'logdir', 'backend', 'name'].map((flag) => [
          flag,
          { type: 'string' as const },
        ]),
      ),
    }).values as Record<string, string | undefined>;
  } catch (error) {
    throw Object.assign(error as object, { command });
  }
  const check = checkArguments(command);
  const redis = values.redis;
  if (redis === undefined || !/^rediss?:\/\/[^\s]+$/.test(redis)) {
    check.fail(
      '--redis',
      redis ?? '(missing)',
      'a Redis URL',
      'E.g. --redis redis://127.0.0.1:6379 (the URL the search was given).',
    );
  }
  const queue = values.queue ?? defaultTrainerQueue;
  if (!/^[\w.-]+$/.test(queue)) {
    check.fail(
      '--queue',
      queue,
      'a name of letters, digits, ".", "-" and "_"',
      `The queue the search uses, e.g. --queue ${defaultTrainerQueue}.`,
    );
  }
  const concurrency =
    values.concurrency === undefined
      ? 1
      : check.integer('--concurrency', Number(values.concurrency), { min: 1, max: 64 });
  const backend = check.oneOf('--backend', values.backend ?? 'auto', [
    'auto',
    'tensorflow',
    'wasm',
    'cpu',
  ] as const);
  const logdir = values.logdir ?? 'runs';
  if (logdir.trim() === '')
    check.fail('--logdir', logdir, 'a directory path', 'E.g. --logdir runs.');
  const cwd = userDirectory();
  const root = path.resolve(cwd, logdir, 'search-trials');
  process.env.TRAINKIT_BACKEND = backend;
  const output = consoleProgress(false);
  const worker = await startBullmqWorker({
    redis: redis!,
    queue,
    module: objectiveModulePath(),
    exportName: 'objective',
    concurrency,
    isolation: 'thread',
    checkpointRoot: root,
    ...(values.name === undefined ? {} : { name: values.name }),
    log: (line) => {
      if (!line.includes('waiting for trials on')) output.log(line); // said below, with more
    },
  });
  output.log(
    `worker ${worker.name}: waiting for trials on queue ${queue} at ${redis!.replace(/\/\/:[^@]*@/, '//:***@')} (${concurrency} at a time; runs in ${displayPath(cwd, root)}/<search id>/trial-<n>; Ctrl-C stops)`,
  );
  let stops = 0;
  let stoppedBy: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals) => {
    stops++;
    stoppedBy = signal;
    if (stops > 1) {
      output.warn(`${signal} again: quitting now; the running trials will run again elsewhere.`);
      process.exit(signal === 'SIGINT' ? exitCodes.interrupted : exitCodes.terminated);
    }
    output.warn(`${signal}: stopping after the running trials (${signal} again quits at once).`);
    void worker.close();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await worker.closed;
  } catch (error) {
    // Redis stayed away longer than the reconnect timeout: the running trial's lock expires and it runs again elsewhere.
    output.warn(`trainkit worker: ${(error as Error).message}`);
    return exitCodes.internalError;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  output.log(`worker ${worker.name}: stopped${stoppedBy === undefined ? '' : ` (${stoppedBy})`}.`);
  return exitCodes.done;
}
