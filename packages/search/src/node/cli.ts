#!/usr/bin/env node
// trainkit-search: run a search, or coordinate one over BullMQ with workers on other machines.
import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { TrainkitError } from '@trainkit/core';
import type { Executor } from '../executor';
import type { JournalRecord } from '../journal';
import type { Pruner } from '../pruner';
import type { SearchResult } from '../results';
import {
  formatResultsCsv,
  formatResultsTable,
  resultsToJson,
  searchResultFromJournal,
} from '../results';
import { runSearch } from '../run-search';
import type { Strategy } from '../strategy';
import type { Direction } from '../trial';
import { bullmqExecutor } from './bullmq-executor';
import { startBullmqWorker } from './bullmq-worker';
import { fileJournal } from './file-journal';
import { writeSearchHParams } from './tensorboard-hparams';
import { resolveObjectiveModule, workerPoolExecutor } from './worker-pool';

/** What a search module exports (as `search`) for `run` and `coordinator`. */
export interface SearchDefinition {
  readonly strategy: Strategy;
  readonly direction: Direction;
  readonly pruner?: Pruner;
}

const usage = `Usage:
  trainkit-search run         --module <file> [--journal <file>] [--executor in-process|pool] [--size <n>]
                              [--isolation thread|process] [--checkpoint-root <dir>] [--tensorboard <dir>] [--format text|csv|json]
  trainkit-search coordinator --redis <url> --module <file> [--journal <file>] [--queue <name>] [--tensorboard <dir>] [--format ...]
  trainkit-search worker      --redis <url> --module <file> [--queue <name>] [--concurrency <n>] [--isolation thread|process|none]
                              [--checkpoint-root <dir>] [--lock-duration <ms>] [--stalled-interval <ms>] [--max-stalled <n>]
                              [--reconnect-timeout <ms>] [--decision-timeout <ms>] [--name <name>]
  trainkit-search report      --journal <file> [--format text|csv|json] [--tensorboard <dir>]

The module exports \`search\` ({ strategy, direction, pruner? }) for run and coordinator, and
\`objective\` (the function to optimize) for run and worker; --search-export and
--objective-export pick other names. The journal (default search.jsonl) makes a search
resumable: run the same command again after a crash.

Several machines: start Redis once, then
  machine A:  trainkit-search coordinator --redis redis://A:6379 --module ./search.mjs
  machine B:  trainkit-search worker --redis redis://A:6379 --module ./search.mjs
  (as many workers as you like, on any machines that reach Redis and have the module)
One queue per search (default trainkit-search, or --queue on both sides): a worker whose module
differs from the coordinator's leaves its trials in the queue and says so.`;

class UsageError extends Error {}

const options = {
  module: { type: 'string' },
  journal: { type: 'string' },
  redis: { type: 'string' },
  queue: { type: 'string' },
  executor: { type: 'string' },
  size: { type: 'string' },
  concurrency: { type: 'string' },
  isolation: { type: 'string' },
  'checkpoint-root': { type: 'string' },
  tensorboard: { type: 'string' },
  format: { type: 'string' },
  'search-export': { type: 'string' },
  'objective-export': { type: 'string' },
  'lock-duration': { type: 'string' },
  'stalled-interval': { type: 'string' },
  'max-stalled': { type: 'string' },
  'connect-timeout': { type: 'string' },
  'reconnect-timeout': { type: 'string' },
  'decision-timeout': { type: 'string' },
  name: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = {
  [K in keyof typeof options]?: (typeof options)[K]['type'] extends 'boolean' ? boolean : string;
};

function integerOption(values: Values, name: keyof Values): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0)
    throw new UsageError(`--${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return value;
}

function required(values: Values, name: 'module' | 'redis' | 'journal'): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

async function loadSearch(values: Values): Promise<SearchDefinition> {
  const module = resolveObjectiveModule('trainkit-search', required(values, 'module'));
  const exportName = values['search-export'] ?? 'search';
  const loaded = (await import(
    module.startsWith('file:') ? module : pathToFileURL(module).href
  )) as Record<string, unknown>;
  const search = loaded[exportName] as SearchDefinition | undefined;
  if (
    typeof search !== 'object' ||
    search === null ||
    typeof search.strategy?.plan !== 'function'
  ) {
    throw new UsageError(
      `${values.module} must export \`${exportName}\` = { strategy, direction, pruner? } (its exports: ${Object.keys(loaded).join(', ') || 'none'})`,
    );
  }
  return search;
}

function describeRecord(record: JournalRecord): string | undefined {
  switch (record.op) {
    case 'created':
      return `trial ${record.trial} planned (stage ${record.stage}): ${record.reason}`;
    case 'started':
      return `trial ${record.trial} started (attempt ${record.attempt}) on ${record.owner}`;
    case 'finished':
      return `trial ${record.trial} finished: ${record.value}`;
    case 'failed':
      return `trial ${record.trial} failed: ${record.error.name}: ${record.error.message}`;
    case 'pruned':
      return `trial ${record.trial} pruned at step ${record.step ?? '-'}: ${record.reason}`;
    default:
      return undefined;
  }
}

function formatResult(result: SearchResult, format: string | undefined): string {
  switch (format ?? 'text') {
    case 'text':
      return formatResultsTable(result);
    case 'csv':
      return formatResultsCsv(result).trimEnd();
    case 'json':
      return JSON.stringify(resultsToJson(result), null, 2);
    default:
      throw new UsageError(`--format must be text, csv or json, got ${JSON.stringify(format)}`);
  }
}

async function search(
  command: 'run' | 'coordinator',
  values: Values,
  signal: AbortSignal,
): Promise<number> {
  const definition = await loadSearch(values);
  const quiet = values.quiet === true;
  const note = (message: string) => {
    if (!quiet) console.error(message);
  };
  let executor: Executor;
  if (command === 'coordinator') {
    const connectTimeoutMs = integerOption(values, 'connect-timeout');
    executor = await bullmqExecutor({
      redis: required(values, 'redis'),
      ...(values.queue === undefined ? {} : { queue: values.queue }),
      ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
      // Workers of another module on the same queue leave this search's trials.
      objective: {
        module: required(values, 'module'),
        exportName: values['objective-export'] ?? 'objective',
      },
      log: note,
    });
  } else if ((values.executor ?? 'in-process') === 'pool') {
    const size = integerOption(values, 'size');
    executor = workerPoolExecutor({
      module: required(values, 'module'),
      exportName: values['objective-export'] ?? 'objective',
      ...(size === undefined ? {} : { size }),
      isolation: (values.isolation ?? 'thread') as 'thread',
    });
  } else if (values.executor === undefined || values.executor === 'in-process') {
    const module = resolveObjectiveModule('trainkit-search', required(values, 'module'));
    const exportName = values['objective-export'] ?? 'objective';
    const loaded = (await import(
      module.startsWith('file:') ? module : pathToFileURL(module).href
    )) as Record<string, unknown>;
    if (typeof loaded[exportName] !== 'function') {
      throw new UsageError(
        `${values.module} must export a function \`${exportName}\` (its exports: ${Object.keys(loaded).join(', ') || 'none'})`,
      );
    }
    const { inProcessExecutor } = await import('../executor');
    executor = inProcessExecutor(loaded[exportName] as never);
  } else {
    throw new UsageError(
      `--executor must be in-process or pool, got ${JSON.stringify(values.executor)}`,
    );
  }
  const journal = await fileJournal(values.journal ?? 'search.jsonl', { log: note });
  let result: SearchResult;
  try {
    result = await runSearch({
      strategy: definition.strategy,
      direction: definition.direction,
      ...(definition.pruner === undefined ? {} : { pruner: definition.pruner }),
      executor,
      journal,
      signal,
      ...(values['checkpoint-root'] === undefined
        ? {}
        : { checkpointRoot: values['checkpoint-root'] }),
      onRecord: (record) => {
        const line = describeRecord(record);
        if (line !== undefined) note(line);
      },
      log: note,
    });
  } finally {
    await journal.close();
    await executor.close();
  }
  if (signal.aborted) {
    note(`stopped; run the same command again to resume from ${journal.path}`);
    return 130;
  }
  console.log(formatResult(result, values.format));
  if (values.tensorboard !== undefined) {
    await writeSearchHParams(result, values.tensorboard, { replace: true });
    note(`TensorBoard HParams: tensorboard --logdir ${values.tensorboard}`);
  }
  return 0;
}

async function worker(values: Values, signal: AbortSignal): Promise<number> {
  const quiet = values.quiet === true;
  const concurrency = integerOption(values, 'concurrency');
  const lockDurationMs = integerOption(values, 'lock-duration');
  const stalledIntervalMs = integerOption(values, 'stalled-interval');
  const maxStalledCount = integerOption(values, 'max-stalled');
  const connectTimeoutMs = integerOption(values, 'connect-timeout');
  const reconnectTimeoutMs = integerOption(values, 'reconnect-timeout');
  const decisionTimeoutMs = integerOption(values, 'decision-timeout');
  const running = await startBullmqWorker({
    redis: required(values, 'redis'),
    module: required(values, 'module'),
    exportName: values['objective-export'] ?? 'objective',
    ...(values.queue === undefined ? {} : { queue: values.queue }),
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(values.isolation === undefined ? {} : { isolation: values.isolation as 'thread' }),
    ...(values['checkpoint-root'] === undefined
      ? {}
      : { checkpointRoot: values['checkpoint-root'] }),
    ...(lockDurationMs === undefined ? {} : { lockDurationMs }),
    ...(stalledIntervalMs === undefined ? {} : { stalledIntervalMs }),
    ...(maxStalledCount === undefined ? {} : { maxStalledCount }),
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
    ...(reconnectTimeoutMs === undefined ? {} : { reconnectTimeoutMs }),
    ...(decisionTimeoutMs === undefined ? {} : { decisionTimeoutMs }),
    ...(values.name === undefined ? {} : { name: values.name }),
    log: (message) => {
      if (!quiet) console.error(message);
    },
  });
  signal.addEventListener('abort', () => void running.close(), { once: true });
  await running.closed;
  return 0;
}

async function report(values: Values): Promise<number> {
  const path = required(values, 'journal');
  const result = searchResultFromJournal(await readFile(path, 'utf8'), path);
  console.log(formatResult(result, values.format));
  if (values.tensorboard !== undefined)
    await writeSearchHParams(result, values.tensorboard, { replace: true });
  return 0;
}

/**
 * Runs the CLI with `argv` (without `node` and the script); resolves with the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv.slice(2));
 * ```
 */
export async function main(
  argv: readonly string[],
  signal: AbortSignal = new AbortController().signal,
): Promise<number> {
  try {
    const [command, ...rest] = argv;
    const { values } = parseArgs({ args: rest, options, allowPositionals: false, strict: true });
    if (command === undefined || command === 'help' || values.help === true) {
      console.log(usage);
      return command === undefined ? 2 : 0;
    }
    switch (command) {
      case 'run':
      case 'coordinator':
        return await search(command, values as Values, signal);
      case 'worker':
        return await worker(values as Values, signal);
      case 'report':
        return await report(values as Values);
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`trainkit-search: ${(error as Error).message}\n\n${usage}`);
      return 2;
    }
    console.error(TrainkitError.isInstance(error) ? `trainkit-search: ${error.message}` : error);
    return 1;
  }
}

const isEntry = (() => {
  try {
    return (
      process.argv[1] !== undefined &&
      import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href
    );
  } catch {
    return false;
  }
})();

if (isEntry) {
  const controller = new AbortController();
  let interrupts = 0;
  for (const signalName of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signalName, () => {
      interrupts++;
      if (interrupts > 1) process.exit(130);
      console.error(`trainkit-search: ${signalName}: stopping (again to exit at once)`);
      controller.abort();
    });
  }
  main(process.argv.slice(2), controller.signal).then(
    (code) => {
      process.exitCode = code;
      // Connections and timers of a failed start must not keep the process alive.
      if (code !== 0) setTimeout(() => process.exit(code), 100).unref();
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
