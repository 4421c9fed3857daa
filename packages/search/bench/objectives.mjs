// Objectives of the benchmark, in a module so that worker threads and processes can load them.

/** Returns at once: what remains is the executor's own per-trial cost. */
export function trivial(trial) {
  return trial.config.x;
}

/** A fixed amount of CPU work (config.work million square roots) in one synchronous loop. */
export function cpuBound(trial) {
  let sum = 0;
  const n = trial.config.work * 1e6;
  for (let i = 0; i < n; i++) sum += Math.sqrt(i + sum * 1e-12);
  return sum > 0 ? trial.config.x : -1;
}
