// Objectives for the worker-pool and distributed tests, as plain JavaScript so that worker
// threads and child processes import them without a TypeScript loader.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';

let calls = 0;

/** (x - 3)^2 with one report per step; stops when told to prune. */
export async function quadratic(trial) {
  calls++;
  const x = trial.config.x;
  for (let step = 1; step <= 3; step++) {
    const { prune } = await trial.report((x - 3) ** 2 + 1 / step, step);
    if (prune) return undefined;
  }
  return (x - 3) ** 2;
}

/** How many times this module instance ran an objective (1 with a fresh worker per trial). */
export function callCount() {
  calls++;
  return calls;
}

/** Throws for x = 1, calls process.exit(3) for x = 2 (kills its worker), else returns x. */
export function troublesome(trial) {
  if (trial.config.x === 1) throw new TypeError('bad batch shape');
  if (trial.config.x === 2) process.exit(3);
  return trial.config.x;
}

/** CPU time of the calling thread in ms (utime + stime of /proc/thread-self/stat, 100 ticks/s). */
export function threadCpuMs() {
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * A fixed amount of CPU work (config.work million square roots) in one synchronous loop,
 * after the barrier (config.barrier, config.parties) when given.
 * Reports the wall-clock start (step 0) and end (step 1), the process id (step 2) and the
 * thread id (step 3), and returns the thread's CPU time for the work, in ms.
 */
export async function cpuBound(trial) {
  // A barrier (config.barrier, a directory): each trial announces itself there and waits for
  // config.parties of them, so that a worker that took longer to start (a busy machine) does
  // not shift its loop against the others'.
  if (trial.config.barrier !== undefined) {
    writeFileSync(join(trial.config.barrier, `ready-${trial.trial}`), '');
    while (readdirSync(trial.config.barrier).length < trial.config.parties) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
  const cpuStart = threadCpuMs();
  const wallStart = Date.now();
  let sum = 0;
  const n = trial.config.work * 1e6;
  for (let i = 0; i < n; i++) sum += Math.sqrt(i + sum * 1e-12);
  const wallEnd = Date.now();
  const cpu = threadCpuMs() - cpuStart;
  await trial.report(wallStart, 0);
  await trial.report(wallEnd, 1);
  await trial.report(process.pid, 2);
  await trial.report(threadId, 3);
  return sum > 0 ? cpu : -1;
}

/** Returns immediately (benchmarks: the executor's own overhead). */
export function trivial(trial) {
  return trial.config.x;
}
