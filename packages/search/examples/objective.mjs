// The objective of examples/worker-pool.ts and examples/distributed.ts, in its own module so
// that worker threads (and worker processes on other machines) can import it.
export async function objective(trial) {
  const { learningRate, units } = trial.config;
  let loss = Number.NaN;
  for (let epoch = 1; epoch <= 3; epoch++) {
    // Stand-in for an epoch of training: some CPU work, then a loss lowest at 1e-2 and 64 units.
    let checksum = 0;
    for (let i = 0; i < 2e6; i++) checksum += Math.sqrt(i);
    if (!(checksum > 0)) throw new Error('the stand-in computation failed');
    loss = (Math.log10(learningRate) + 2) ** 2 + Math.abs(Math.log2(units / 64)) / 10 + 1 / epoch;
    await trial.report(loss, epoch);
  }
  return loss;
}
