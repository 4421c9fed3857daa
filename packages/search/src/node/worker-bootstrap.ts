/**
 * The program a pool worker (a worker thread or a child process) runs: it
 * imports the objective module, then runs one trial per `run` message,
 * forwarding `trial.report` calls to the parent and waiting for its decision.
 *
 * It is plain CommonJS JavaScript kept as a string, so that it runs the same
 * from the built package, from the sources under a test runner and from a
 * bundle: it imports nothing from this package. Protocol (both directions are
 * structured-clone messages):
 *
 * - parent -> worker: `{ type: 'run', task }`, `{ type: 'decision', id, decision }`, `{ type: 'abort' }`
 * - worker -> parent: `{ type: 'ready' }` or `{ type: 'load-error', message }` (importing failed)
 *   or `{ type: 'load-error', exports }` (no such export; its export names) once,
 *   `{ type: 'report', id, value, step }`, `{ type: 'outcome', outcome }`
 *
 * @internal
 */
export const workerBootstrap = String.raw`
'use strict';
const { pathToFileURL } = require('node:url');
let port;
let data;
try {
  const threads = require('node:worker_threads');
  if (!threads.isMainThread && threads.parentPort) {
    port = threads.parentPort;
    data = threads.workerData;
  }
} catch {}
if (port === undefined) {
  port = { postMessage: (message) => process.send(message), on: (event, listener) => process.on(event, listener) };
  data = JSON.parse(process.env.TRAINKIT_SEARCH_WORKER);
  process.on('disconnect', () => process.exit(0));
}
const prunedMarker = Symbol.for('trainkit.error.TrialPrunedError');
const pending = new Map();
let nextId = 0;
let controller = new AbortController();
const url = /^[a-z][a-z0-9+.-]*:/i.test(data.module) && !/^[a-z]:[\\/]/i.test(data.module)
  ? data.module
  : pathToFileURL(data.module).href;
const loading = import(url).then((namespace) => {
  const objective = namespace[data.exportName];
  // No export of that name: rejected with the export names, which the parent turns into its typed error.
  if (typeof objective !== 'function') return Promise.reject({ exports: Object.keys(namespace) });
  return objective;
});
loading.then(
  () => port.postMessage({ type: 'ready' }),
  (error) => port.postMessage(error && Array.isArray(error.exports)
    ? { type: 'load-error', exports: error.exports }
    : { type: 'load-error', message: error && error.message ? error.message : String(error) }),
);
function toError(error) {
  if (error instanceof Error) {
    const result = { name: error.name, message: error.message };
    if (typeof error.stack === 'string') result.stack = error.stack;
    return result;
  }
  return { name: 'Error', message: String(error) };
}
async function run(task) {
  const objective = await loading;
  controller = new AbortController();
  const context = Object.freeze({
    trial: task.trial,
    config: task.config,
    stage: task.stage,
    parent: task.parent,
    budget: task.budget,
    attempt: task.attempt,
    checkpointDirectory: task.checkpointDirectory,
    signal: controller.signal,
    report(value, step) {
      if (typeof value !== 'number') {
        return Promise.reject(new Error('trial.report: value must be a number, got ' + String(value) + '.'));
      }
      if (!Number.isSafeInteger(step) || step < 0) {
        return Promise.reject(new Error('trial.report: step must be an integer >= 0, got ' + String(step) +
          '. Report the epochs (or updates) completed so far, an integer >= 0.'));
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        port.postMessage({ type: 'report', id, value, step });
      });
    },
  });
  try {
    const value = await objective(context);
    return { kind: 'returned', value: typeof value === 'number' || value === undefined ? value : String(value) };
  } catch (error) {
    return { kind: 'threw', error: toError(error), pruned: Boolean(error && error[prunedMarker] === true) };
  }
}
port.on('message', (message) => {
  if (message.type === 'decision') {
    const resolve = pending.get(message.id);
    pending.delete(message.id);
    if (resolve) resolve(message.decision);
  } else if (message.type === 'abort') {
    controller.abort();
  } else if (message.type === 'run') {
    run(message.task).then(
      (outcome) => port.postMessage({ type: 'outcome', outcome }),
      (error) => port.postMessage({ type: 'outcome', outcome: { kind: 'threw', error: toError(error), pruned: false } }),
    );
  }
});
`;
