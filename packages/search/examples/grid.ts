// Grid search in this process: every combination of 4 learning rates and 2 batch sizes.
import {
  categorical,
  defineSpace,
  formatResultsTable,
  gridSearch,
  logUniform,
  runSearch,
} from '@trainkit/search';

const space = defineSpace({
  learningRate: logUniform(1e-4, 1e-1),
  batchSize: categorical([32, 128]),
});
const result = await runSearch({
  strategy: gridSearch({ space, pointsPerParameter: 4 }), // 1e-4, 1e-3, 1e-2, 1e-1
  direction: 'minimize',
  objective: (trial) => {
    // Stand-in for training: a validation loss that is lowest at 1e-2 and batch size 32.
    const learningRate = trial.config.learningRate as number;
    return (Math.log10(learningRate) + 2) ** 2 + (trial.config.batchSize === 32 ? 0.1 : 0.2);
  },
});
console.log(formatResultsTable(result, { limit: 3, notes: false }));
