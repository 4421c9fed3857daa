// Coarse-to-fine: the recipe's coarse grid (learning rate x weight decay) for 3 epochs, then a
// finer grid around the two best for 15 epochs without learning-rate decay; the median rule
// stops hopeless trials early.
import { coarseToFine, medianPruner, runSearch } from '@trainkit/search';

const result = await runSearch({
  strategy: coarseToFine({ fine: { topK: 2, pointsPerParameter: 3 } }),
  direction: 'minimize',
  pruner: medianPruner(),
  objective: async (trial) => {
    const { learningRate, weightDecay } = trial.config as {
      learningRate: number;
      weightDecay: number;
    };
    const { epochs, learningRateDecay } = trial.budget!; // 3 or 15 epochs; no decay while comparing
    // Stand-in for training: the loss falls towards a floor that is lowest at lr 3e-3, wd 3e-5.
    const wd = weightDecay === 0 ? 1e-7 : weightDecay;
    const floor = 0.1 + (Math.log10(learningRate) + 2.5) ** 2 + 0.2 * (Math.log10(wd) + 4.5) ** 2;
    let loss = Number.NaN;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      loss = floor + 2 * Math.exp(-epoch / (learningRateDecay ? 6 : 3));
      const { prune } = await trial.report(loss, epoch);
      if (prune) return loss; // recorded as pruned
    }
    return loss;
  },
});
const stages = [1, 2].map((stage) => result.trials.filter((t) => t.stage === stage).length);
console.log(`trials per stage: ${stages.join(', ')}; ${result.counts.pruned} pruned`);
console.log('best:', result.best!.config, `(stage ${result.best!.stage})`);
console.log(result.best!.reason);
