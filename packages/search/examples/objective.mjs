// The objective of examples/worker-pool.ts and examples/distributed.ts, in its own module so
// that worker threads (and worker processes on other machines) can import it.
export async function objective(trial) {
  const { learningRate, units } = trial.config;
  // Stand-in for training: some CPU work, one report per epoch, a loss lowest at 1e-2 and 64 units.
  let loss = 0;
  for (let epoch = 1; epoch <= 3; epoch++) {
    let work = 0;
    for (let i = 0; i < 2e6; i++) work += Math.sqrt(i);
    loss =
      (Math.log10(learningRate) + 2) ** 2 +
      Math.abs(Math.log2(units / 64)) / 10 +
      1 / epoch +
      work * 0;
    await trial.report(loss, epoch);
  }
  return loss;
}
